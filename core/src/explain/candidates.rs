//! Fuzzy candidates for lines whose text drifted from the code (an older version, truncation,
//! a reworded message): templates ranked by word-level similarity with holes as wildcards.
//!
//! Exact matching is the first resort; this runs beside it so that a line that matches nothing
//! still gets an answer — "no template matched" with the nearest templates. Templates are found
//! through an index of their literal words, so only templates sharing words with the line are
//! scored.

use rustc_hash::FxHashMap;

use super::matcher_index::{MatcherIndex, TplId};
use super::template::Piece;

/// Templates scored per line, at most.
const SCORED: usize = 300;
/// Words of a line considered, at most.
const LINE_WORDS: usize = 200;
/// Templates with fewer literal words are too vague to match fuzzily.
const MIN_WORDS: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct FuzzyIndex {
    /// Per template: its word tokens, `None` for a hole.
    tokens: Vec<Vec<Option<String>>>,
    by_word: FxHashMap<String, Vec<TplId>>,
}

fn template_tokens(pieces: &[Piece]) -> Vec<Option<String>> {
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Lit(l) => s.push_str(l),
            Piece::Hole(_) => s.push('\0'),
        }
    }
    s.split_whitespace()
        .map(|w| (!w.contains('\0')).then(|| w.to_string()))
        .collect()
}

impl FuzzyIndex {
    pub fn build(index: &MatcherIndex) -> FuzzyIndex {
        let mut tokens = Vec::with_capacity(index.len());
        let mut by_word: FxHashMap<String, Vec<TplId>> = FxHashMap::default();
        for (i, e) in index.entries.iter().enumerate() {
            let t = template_tokens(&e.template.pieces);
            if t.iter().flatten().count() >= MIN_WORDS {
                let mut words: Vec<&String> = t.iter().flatten().filter(|w| w.len() >= 3).collect();
                words.sort();
                words.dedup();
                for w in words {
                    by_word.entry(w.clone()).or_default().push(i as TplId);
                }
            }
            tokens.push(t);
        }
        FuzzyIndex { tokens, by_word }
    }

    /// Templates with similarity ≥ `threshold` to `line`, best first.
    pub fn nearest(&self, line: &str, threshold: f64, limit: usize) -> Vec<(TplId, f64)> {
        let words: Vec<&str> = line.split_whitespace().take(LINE_WORDS).collect();
        let mut shared: FxHashMap<TplId, u32> = FxHashMap::default();
        let mut seen_words: Vec<&str> = words.clone();
        seen_words.sort_unstable();
        seen_words.dedup();
        for w in seen_words {
            if let Some(ts) = self.by_word.get(w) {
                if ts.len() > 5_000 {
                    continue; // too common to discriminate
                }
                for &t in ts {
                    *shared.entry(t).or_default() += 1;
                }
            }
        }
        let mut pool: Vec<(TplId, u32)> = shared.into_iter().collect();
        pool.sort_unstable_by_key(|&(t, n)| (std::cmp::Reverse(n), t));
        pool.truncate(SCORED);
        let mut out: Vec<(TplId, f64)> = pool
            .into_iter()
            .map(|(t, _)| (t, similarity(&self.tokens[t as usize], &words)))
            .filter(|&(_, s)| s >= threshold)
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(limit);
        out
    }
}

/// Longest common subsequence of template tokens in the line (a hole matches any word), over
/// the template's length: 1.0 when every template word appears in order.
pub fn similarity(template: &[Option<String>], line: &[&str]) -> f64 {
    if template.is_empty() {
        return 0.0;
    }
    let m = line.len();
    let mut prev = vec![0u32; m + 1];
    let mut cur = vec![0u32; m + 1];
    for t in template {
        for j in 1..=m {
            let eq = match t {
                None => true,
                Some(w) => w == line[j - 1],
            };
            cur[j] = if eq {
                prev[j - 1] + 1
            } else {
                cur[j - 1].max(prev[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    f64::from(prev[m]) / template.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::template::parse_printf;

    #[test]
    fn drifted_text_scores_high_unrelated_low() {
        let t = template_tokens(&parse_printf("failed to load user %d from the store"));
        let drift: Vec<&str> = "failed to load user 42 from store"
            .split_whitespace()
            .collect();
        assert!(similarity(&t, &drift) >= 0.8);
        let other: Vec<&str> = "connection reset by peer".split_whitespace().collect();
        assert!(similarity(&t, &other) < 0.3);
    }
}
