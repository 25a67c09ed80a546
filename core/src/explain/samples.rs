//! Error lines rendered from the repository's own templates, for benchmarks: every hole filled
//! with a plausible value, error holes with another rendered template, so lines are wrapped
//! chains like real ones.

use super::matcher_index::MatcherIndex;
use super::template::{Hole, Piece};

fn value(h: Hole) -> &'static str {
    match h {
        Hole::Int => "42",
        Hole::Float => "1.5",
        Hole::Hex => "ff",
        Hole::Quoted => "\"/var/lib/data\"",
        Hole::Bool => "true",
        Hole::Value | Hole::Str | Hole::Other => "node-7",
        Hole::Error => "EOF",
    }
}

fn render(index: &MatcherIndex, t: usize, depth: u32, next: &mut impl FnMut() -> usize) -> String {
    let mut s = String::new();
    for p in &index.entries[t].template.pieces {
        match p {
            Piece::Lit(l) => s.push_str(l),
            Piece::Hole(h) if h.may_be_error() && depth > 0 => {
                let inner = next();
                s.push_str(&render(index, inner, depth - 1, next));
            }
            Piece::Hole(h) => s.push_str(value(*h)),
        }
    }
    s
}

/// `n` lines (deterministic for a given index): templates with at least 8 literal bytes, wrapped
/// up to two levels deep.
pub fn sample_lines(index: &MatcherIndex, n: usize) -> Vec<String> {
    let pool: Vec<usize> = (0..index.entries.len())
        .filter(|&t| index.entries[t].template.literal_len() >= 8)
        .collect();
    if pool.is_empty() {
        return Vec::new();
    }
    // A linear congruential sequence: cheap, deterministic, no dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        pool[(state >> 33) as usize % pool.len()]
    };
    (0..n)
        .map(|_| {
            let t = next();
            render(index, t, 2, &mut next)
        })
        .collect()
}
