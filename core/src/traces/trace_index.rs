//! Spans grouped by trace, with parent links resolved, depths, roots, orphans and cycles.
//!
//! Built once and shared by clustering and the broken-trace report, so both agree on what a
//! root or an orphan is. Definitions: a *root* has no parent id; an *orphan* names a parent
//! that is not in its trace; a span is *in a cycle* if following parents comes back to it. A
//! duplicate span id keeps its first span for parent lookup.

use rustc_hash::FxHashMap;

use super::model::Span;

/// One trace: indices into the span slice plus per-span structure (local indices).
#[derive(Debug, Clone)]
pub struct TraceView {
    /// Global span indices, in input order.
    pub spans: Vec<u32>,
    /// Local index of each span's parent, if present in the trace.
    pub parent: Vec<Option<u32>>,
    /// Distance from the top of its fragment (root, orphan or cycle member = 0).
    pub depth: Vec<u32>,
    pub in_cycle: Vec<bool>,
    /// Local indices of roots (no parent id).
    pub roots: Vec<u32>,
    /// Local indices of orphans (parent id not found).
    pub orphans: Vec<u32>,
    pub duplicate_ids: u32,
    pub start_ns: i64,
    pub end_ns: i64,
}

impl TraceView {
    pub fn has_cycle(&self) -> bool {
        self.in_cycle.iter().any(|&c| c)
    }
    /// Exactly one root, no orphans, no cycles.
    pub fn is_complete(&self) -> bool {
        self.roots.len() == 1 && self.orphans.is_empty() && !self.has_cycle()
    }
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// All traces of a span set.
#[derive(Debug, Clone)]
pub struct Traces<'a> {
    pub spans: &'a [Span],
    pub traces: Vec<TraceView>,
}

impl<'a> Traces<'a> {
    pub fn build(spans: &'a [Span]) -> Traces<'a> {
        let mut by_id: FxHashMap<&str, u32> = FxHashMap::default();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for (i, s) in spans.iter().enumerate() {
            let t = *by_id.entry(s.trace_id.as_str()).or_insert_with(|| {
                groups.push(Vec::new());
                (groups.len() - 1) as u32
            });
            groups[t as usize].push(i as u32);
        }
        let mut local: FxHashMap<&str, u32> = FxHashMap::default();
        let traces = groups
            .into_iter()
            .map(|g| view(spans, g, &mut local))
            .collect();
        Traces { spans, traces }
    }

    pub fn span(&self, t: &TraceView, local: u32) -> &'a Span {
        &self.spans[t.spans[local as usize] as usize]
    }
}

fn view<'a>(spans: &'a [Span], ids: Vec<u32>, local: &mut FxHashMap<&'a str, u32>) -> TraceView {
    local.clear();
    let mut duplicate_ids = 0;
    for (li, &gi) in ids.iter().enumerate() {
        if local
            .insert(spans[gi as usize].span_id.as_str(), li as u32)
            .is_some()
        {
            duplicate_ids += 1;
        }
    }
    // keep the first span of a duplicated id
    if duplicate_ids > 0 {
        for (li, &gi) in ids.iter().enumerate().rev() {
            local.insert(spans[gi as usize].span_id.as_str(), li as u32);
        }
    }
    let n = ids.len();
    let mut parent = Vec::with_capacity(n);
    let mut roots = Vec::new();
    let mut orphans = Vec::new();
    let (mut start_ns, mut end_ns) = (i64::MAX, i64::MIN);
    for (li, &gi) in ids.iter().enumerate() {
        let s = &spans[gi as usize];
        start_ns = start_ns.min(s.start_ns);
        end_ns = end_ns.max(s.end_ns);
        match &s.parent_id {
            None => {
                roots.push(li as u32);
                parent.push(None);
            }
            Some(p) => match local.get(p.as_str()) {
                Some(&pl) => parent.push(Some(pl)),
                None => {
                    orphans.push(li as u32);
                    parent.push(None);
                }
            },
        }
    }
    let (depth, in_cycle) = depths(&parent);
    TraceView {
        spans: ids,
        parent,
        depth,
        in_cycle,
        roots,
        orphans,
        duplicate_ids,
        start_ns,
        end_ns,
    }
}

/// Depth of every node of a parent forest that may contain cycles; cycle members get depth 0.
fn depths(parent: &[Option<u32>]) -> (Vec<u32>, Vec<bool>) {
    const NEW: u8 = 0;
    const ACTIVE: u8 = 1;
    const DONE: u8 = 2;
    let n = parent.len();
    let mut state = vec![NEW; n];
    let mut depth = vec![0u32; n];
    let mut in_cycle = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    for i in 0..n {
        if state[i] == DONE {
            continue;
        }
        stack.clear();
        let mut cur = i as u32;
        let mut base;
        loop {
            match state[cur as usize] {
                DONE => {
                    base = depth[cur as usize] + 1;
                    break;
                }
                ACTIVE => {
                    // the stack from `cur` upwards is a cycle
                    let at = stack.iter().position(|&x| x == cur).unwrap_or(0);
                    for &x in &stack[at..] {
                        in_cycle[x as usize] = true;
                        depth[x as usize] = 0;
                        state[x as usize] = DONE;
                    }
                    stack.truncate(at);
                    base = 1;
                    break;
                }
                _ => {}
            }
            state[cur as usize] = ACTIVE;
            stack.push(cur);
            match parent[cur as usize] {
                Some(p) => cur = p,
                None => {
                    base = 0;
                    break;
                }
            }
        }
        while let Some(x) = stack.pop() {
            depth[x as usize] = base;
            state[x as usize] = DONE;
            base += 1;
        }
    }
    (depth, in_cycle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depths_with_cycle() {
        // 0 root; 1 → 0; 2 → 1; 3 ↔ 4 cycle; 5 → 4
        let parent = [None, Some(0), Some(1), Some(4), Some(3), Some(4)];
        let (d, c) = depths(&parent);
        assert_eq!(d, vec![0, 1, 2, 0, 0, 1]);
        assert_eq!(c, vec![false, false, false, true, true, false]);
    }
}
