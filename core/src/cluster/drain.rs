//! The miner: a Drain-style fixed-depth prefix tree over masked tokens.
//!
//! Routing: token count → the first `depth - 2` tokens (a masked token goes to the wildcard
//! child; once a node has `max_children` literal children, new literals also go there) → a leaf
//! holding candidate clusters. In the leaf the message joins the most similar cluster of equal
//! length if `similarity ≥ sim_threshold`, where similarity is the fraction of positions whose
//! literal template token equals the message token, not counting positions that are a variable
//! on both sides (ties go to the cluster with more wildcards). Two departures from Drain: a
//! cluster is not a candidate if a differing position has tokens of different *shape*
//! (`[preauth]` vs `user`, see `same_shape`), and runs of variables were already collapsed by
//! masking. Joining replaces differing positions by `<*>`. Otherwise a new cluster is created.
//!
//! Memory is bounded: at most `max_clusters` clusters (after that a message joins the most similar
//! cluster of its leaf whatever the similarity, or the single overflow cluster `<*>` if no cluster
//! of its leaf is compatible) and at most `max_leaf_clusters` per leaf (same forced join). Every literal token is
//! stored once, in its cluster's template (and at most once per tree edge).

use rustc_hash::FxHashMap;

use super::mask::{MaskedLine, WILDCARD};

/// Tuning knobs. [`MinerConfig::default`] is the single configuration used for every input.
#[derive(Debug, Clone, PartialEq)]
pub struct MinerConfig {
    /// Tree depth as in Drain: the root, the token-count layer and `depth - 2` token layers.
    pub depth: usize,
    /// Minimum similarity (0..=1) for a message to join an existing cluster.
    pub sim_threshold: f32,
    /// Maximum literal children of one inner tree node.
    pub max_children: usize,
    /// Maximum number of clusters overall.
    pub max_clusters: usize,
    /// Maximum number of clusters in one leaf.
    pub max_leaf_clusters: usize,
}

impl Default for MinerConfig {
    fn default() -> Self {
        Self {
            depth: 4,
            sim_threshold: 0.7,
            max_children: 100,
            max_clusters: 100_000,
            max_leaf_clusters: 512,
        }
    }
}

/// A cluster's id: dense, starting at 0, stable once created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClusterId(pub u32);

#[derive(Debug, Clone)]
struct Cluster {
    /// `None` = wildcard.
    tokens: Vec<Option<Box<str>>>,
    size: u64,
}

#[derive(Debug, Default, Clone)]
struct Node {
    children: FxHashMap<Box<str>, Node>,
    wildcard: Option<Box<Node>>,
    clusters: Vec<u32>,
}

/// A read-only view of one cluster.
#[derive(Debug, Clone, Copy)]
pub struct ClusterInfo<'a> {
    pub id: ClusterId,
    /// Number of messages assigned to the cluster.
    pub size: u64,
    tokens: &'a [Option<Box<str>>],
}

impl ClusterInfo<'_> {
    /// Template tokens; `None` is a variable.
    pub fn tokens(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.tokens.iter().map(|t| t.as_deref())
    }

    /// Tokens joined by single spaces, variables as `<*>`.
    pub fn template(&self) -> String {
        render(self.tokens)
    }
}

fn render(tokens: &[Option<Box<str>>]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(t.as_deref().unwrap_or(WILDCARD));
    }
    out
}

/// Streaming template miner. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct TemplateMiner {
    config: MinerConfig,
    root: FxHashMap<usize, Node>,
    clusters: Vec<Cluster>,
    overflow: Option<u32>,
    line: MaskedLine,
}

impl TemplateMiner {
    pub fn new(mut config: MinerConfig) -> Self {
        // Ids are u32; keep one spare for the overflow cluster.
        config.max_clusters = config.max_clusters.clamp(1, u32::MAX as usize - 1);
        config.max_leaf_clusters = config.max_leaf_clusters.max(1);
        Self {
            config,
            root: FxHashMap::default(),
            clusters: Vec::new(),
            overflow: None,
            line: MaskedLine::new(),
        }
    }

    pub fn config(&self) -> &MinerConfig {
        &self.config
    }

    /// Number of clusters created so far.
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// Adds one message and returns the id of the cluster it joined or created.
    pub fn add(&mut self, message: &str) -> ClusterId {
        self.line.mask(message);
        let line = &self.line;
        let cfg = &self.config;
        let leaf = descend(&mut self.root, line, cfg);

        // Best candidate: max similarity, then most wildcards.
        let mut best: Option<(u32, f32, usize)> = None;
        for &cid in &leaf.clusters {
            let c = &self.clusters[cid as usize];
            let Some((sim, wild)) = similarity(&c.tokens, line) else {
                continue;
            };
            let better = match best {
                None => true,
                Some((_, bs, bw)) => sim > bs || (sim == bs && wild > bw),
            };
            if better {
                best = Some((cid, sim, wild));
                if sim >= 1.0 {
                    break;
                }
            }
        }

        let full = self.clusters.len() >= cfg.max_clusters;
        let leaf_full = leaf.clusters.len() >= cfg.max_leaf_clusters;
        let chosen = match best {
            Some((cid, sim, _)) if sim >= cfg.sim_threshold || full || leaf_full => Some(cid),
            _ => None,
        };
        let id = match chosen {
            Some(cid) => {
                let c = &mut self.clusters[cid as usize];
                for (slot, tok) in c.tokens.iter_mut().zip(line.tokens()) {
                    if slot.as_deref().is_some_and(|t| t != tok) {
                        *slot = None;
                    }
                }
                c.size += 1;
                cid
            }
            // No compatible cluster and no room: the shared overflow cluster.
            None if full || leaf_full => {
                let cid = match self.overflow {
                    Some(cid) => cid,
                    None => {
                        let cid = self.clusters.len() as u32;
                        self.clusters.push(Cluster {
                            tokens: vec![None],
                            size: 0,
                        });
                        self.overflow = Some(cid);
                        cid
                    }
                };
                self.clusters[cid as usize].size += 1;
                cid
            }
            None => {
                let cid = self.clusters.len() as u32;
                let tokens = line
                    .tokens()
                    .map(|t| (t != WILDCARD).then(|| Box::<str>::from(t)))
                    .collect();
                self.clusters.push(Cluster { tokens, size: 1 });
                leaf.clusters.push(cid);
                cid
            }
        };
        ClusterId(id)
    }

    /// The current template of `id`: tokens joined by spaces, variables as `<*>`.
    /// Unknown ids give an empty string.
    pub fn template(&self, id: ClusterId) -> String {
        self.clusters
            .get(id.0 as usize)
            .map(|c| render(&c.tokens))
            .unwrap_or_default()
    }

    /// Number of messages in cluster `id` (0 for unknown ids).
    pub fn size(&self, id: ClusterId) -> u64 {
        self.clusters.get(id.0 as usize).map_or(0, |c| c.size)
    }

    /// All clusters in id order.
    pub fn clusters(&self) -> impl ExactSizeIterator<Item = ClusterInfo<'_>> + '_ {
        self.clusters.iter().enumerate().map(|(i, c)| ClusterInfo {
            id: ClusterId(i as u32),
            size: c.size,
            tokens: &c.tokens,
        })
    }
}

/// Walks (creating as needed) the tree path of `line` and returns its leaf.
fn descend<'a>(
    root: &'a mut FxHashMap<usize, Node>,
    line: &MaskedLine,
    cfg: &MinerConfig,
) -> &'a mut Node {
    let mut node = root.entry(line.len()).or_default();
    let layers = cfg.depth.saturating_sub(2).min(line.len());
    for i in 0..layers {
        let tok = line.get(i);
        let known = tok != WILDCARD && node.children.contains_key(tok);
        node = if known {
            // Two lookups instead of `entry`, so the hot path never allocates the key.
            node.children.get_mut(tok).expect("key checked above")
        } else if tok != WILDCARD && node.children.len() < cfg.max_children {
            node.children.entry(Box::from(tok)).or_default()
        } else {
            node.wildcard.get_or_insert_with(Box::default)
        };
    }
    node
}

/// `(similarity, template wildcards)`, similarity in `0..=1`, or `None` if the cluster cannot
/// take the line: different length, or a differing position whose tokens have different *shapes*
/// (see [`same_shape`]). Similarity = equal literal positions / positions that are not a
/// wildcard on both sides (a variable in the line meeting a variable in the template is neither
/// evidence for nor against the match).
fn similarity(tokens: &[Option<Box<str>>], line: &MaskedLine) -> Option<(f32, usize)> {
    let n = tokens.len();
    if n != line.len() {
        return None;
    }
    let mut same = 0usize;
    let mut wild = 0usize;
    let mut both_wild = 0usize;
    for (t, tok) in tokens.iter().zip(line.tokens()) {
        match t {
            None => {
                wild += 1;
                if tok == WILDCARD {
                    both_wild += 1;
                }
            }
            Some(t) if &**t == tok => same += 1,
            Some(t) => {
                if tok != WILDCARD && !same_shape(t, tok) {
                    return None;
                }
            }
        }
    }
    let denom = n - both_wild;
    if denom == 0 {
        return Some((1.0, wild));
    }
    Some((same as f32 / denom as f32, wild))
}

/// Whether two literal tokens have compatible lexical *shapes*. A shape collapses every run of
/// word characters (ASCII alphanumerics, `_`, non-ASCII) to one symbol and keeps punctuation; a
/// `<*>` inside a token is a glob that matches any part of the other shape. Values of one
/// variable slot share a shape (`admin`/`oracle`, `rhost=a.b.com`/`rhost=<*>`, `()`/`(<*>)`);
/// a different shape (`(uid=<*>)` vs `LOGIN(uid=<*>)`, `[preauth]` vs `user`) marks a different
/// message. Shapes longer than 64 symbols compare on their first 64.
fn same_shape(a: &str, b: &str) -> bool {
    const GLOB: u8 = 0;
    let (sa, sb) = (Shape::of(a), Shape::of(b));
    let (pa, pb) = (sa.get(), sb.get());
    match (pa.contains(&GLOB), pb.contains(&GLOB)) {
        (false, false) => pa == pb,
        (true, false) => glob_match(pa, pb),
        (false, true) => glob_match(pb, pa),
        // Both generalised: compare what is left outside the globs.
        (true, true) => pa
            .iter()
            .filter(|&&c| c != GLOB)
            .eq(pb.iter().filter(|&&c| c != GLOB)),
    }
}

struct Shape {
    buf: [u8; 64],
    len: usize,
}

impl Shape {
    fn of(s: &str) -> Self {
        let mut sh = Shape {
            buf: [0; 64],
            len: 0,
        };
        let b = s.as_bytes();
        let mut i = 0;
        let mut prev_word = false;
        while i < b.len() && sh.len < sh.buf.len() {
            if b[i..].starts_with(WILDCARD.as_bytes()) {
                sh.buf[sh.len] = 0;
                sh.len += 1;
                i += WILDCARD.len();
                prev_word = false;
                continue;
            }
            let c = b[i];
            let word = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
            if !(word && prev_word) {
                sh.buf[sh.len] = if word { b'a' } else { c };
                sh.len += 1;
            }
            prev_word = word;
            i += 1;
        }
        sh
    }

    fn get(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Glob match: `0` in `pat` matches any (possibly empty) run of `text`.
fn glob_match(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len() && pat[p] == 0 {
            star = Some((p, t));
            p += 1;
        } else if p < pat.len() && pat[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&c| c == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miner() -> TemplateMiner {
        TemplateMiner::new(MinerConfig::default())
    }

    #[test]
    fn two_lines_merge_into_wildcard() {
        let mut m = miner();
        let a = m.add("Accepted password for root from 1.2.3.4 port 22 ssh2");
        // `22 ssh2` is a run of two masked tokens, collapsed to one variable.
        assert_eq!(
            m.template(a),
            "Accepted password for root from <*> port <*>"
        );
        let b = m.add("Accepted password for alice from 5.6.7.8 port 2200 ssh2");
        assert_eq!(a, b);
        assert_eq!(m.template(a), "Accepted password for <*> from <*> port <*>");
        assert_eq!(m.size(a), 2);
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn different_messages_stay_apart_and_ids_are_stable() {
        let mut m = miner();
        let a = m.add("Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]");
        let b = m.add("Received disconnect from 1.2.3.5: 11: disconnected by user");
        let c = m.add("Connection closed by 1.2.3.4 [preauth]");
        let a2 = m.add("Received disconnect from 9.9.9.9: 11: Bye Bye [preauth]");
        assert_eq!(
            (a, b, c, a2),
            (ClusterId(0), ClusterId(1), ClusterId(2), ClusterId(0))
        );
        assert_eq!(
            m.template(b),
            "Received disconnect from <*>: <*>: disconnected by user"
        );
        // Same token count, differing words, but not similar enough (0.5 < 0.7).
        let d = m.add("Client attempting to establish new session at /10.0.0.1:1");
        let e = m.add("Client attempting to renew session 0x1f at /10.0.0.2:2");
        assert_ne!(d, e);
    }

    #[test]
    fn shape_mismatch_blocks_merge() {
        let mut m = miner();
        let a = m.add("session opened for user cyrus by (uid=0)");
        let b = m.add("session opened for user root by LOGIN(uid=0)");
        let c = m.add("session opened for user news by (uid=9)");
        assert_ne!(a, b);
        assert_eq!(a, c);
        assert_eq!(m.template(a), "session opened for user <*> by (uid=<*>)");
        assert!(same_shape("()", "(<*>)"));
        assert!(same_shape("rhost=a.b.com", "rhost=<*>"));
        assert!(!same_shape("[preauth]", "user"));
        assert!(!same_shape("(uid=<*>)", "LOGIN(uid=<*>)"));
    }

    #[test]
    fn clusters_iterator_and_unknown_id() {
        let mut m = miner();
        m.add("a b c d");
        m.add("a b c e");
        m.add("a b x y"); // 2/4 similar: below the threshold
        m.add("x");
        let v: Vec<(u32, u64, String)> = m
            .clusters()
            .map(|c| (c.id.0, c.size, c.template()))
            .collect();
        assert_eq!(
            v,
            vec![
                (0, 2, "a b c <*>".to_owned()),
                (1, 1, "a b x y".to_owned()),
                (2, 1, "x".to_owned())
            ]
        );
        assert_eq!(m.template(ClusterId(99)), "");
        assert_eq!(m.size(ClusterId(99)), 0);
        let e = m.add("");
        assert_eq!(m.template(e), "");
    }

    #[test]
    fn cluster_count_is_bounded() {
        let mut m = TemplateMiner::new(MinerConfig {
            max_clusters: 3,
            ..MinerConfig::default()
        });
        let ids: Vec<u32> = [
            "alpha one x",
            "beta two x",
            "gamma three x",
            "delta four x",
            "eps",
        ]
        .iter()
        .map(|s| m.add(s).0)
        .collect();
        // 3 regular clusters, then one overflow cluster for every message that fits nowhere.
        assert_eq!(ids, vec![0, 1, 2, 3, 3]);
        assert_eq!(m.len(), 4);
        assert_eq!(m.template(ClusterId(3)), "<*>");
        // At the cap a message joins the most similar cluster of its leaf whatever the score.
        assert_eq!(m.add("alpha one y").0, 0);
        assert_eq!(m.template(ClusterId(0)), "alpha one <*>");
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn leaf_and_children_are_bounded() {
        let mut m = TemplateMiner::new(MinerConfig {
            max_children: 2,
            max_leaf_clusters: 2,
            ..MinerConfig::default()
        });
        for w in ["p", "q", "r", "s", "t"] {
            m.add(&format!("{w} x {w} {w}"));
        }
        // "p" and "q" get literal tree nodes; r, s, t share the wildcard child, whose leaf holds
        // at most two clusters, so "t x t t" (1/4 similar) is forced into the first best one.
        assert_eq!(m.len(), 4);
        assert_eq!(m.template(ClusterId(2)), "<*> x <*> <*>");
        assert_eq!(m.template(ClusterId(3)), "s x s s");
    }
}
