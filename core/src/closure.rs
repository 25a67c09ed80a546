//! The constant closure C_k(f) over the call graph (ErrorPrism, §3).
//!
//! C_0(f) = σ(f); C_k(f) = σ(f) ∪ ⋃ C_{k-1}(g) over the callees g of f. A log line can only carry
//! text from the logging function and from what it calls, so C_k bounds where each piece of a
//! wrapped message can come from. Sets are sorted `u32` slices of interned strings, computed level
//! by level (each level reads only the previous one), so memory stays proportional to the total
//! closure size and every function's set is computed exactly once per level.
//!
//! Chains (which callee path leads from f to the owner of a string) are not stored: they are
//! found on demand by a breadth-first search bounded by k, which is cheap for one query and keeps
//! the closure itself compact.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::intern::Sym;
use crate::program::{FuncId, Program};

/// C_k for every function of a program.
#[derive(Debug, Clone)]
pub struct Closure {
    pub k: u32,
    sets: Vec<Box<[Sym]>>,
    owners: FxHashMap<Sym, Vec<FuncId>>,
}

/// Sizes of the closure sets, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ClosureStats {
    pub min: usize,
    pub median: usize,
    pub max: usize,
    pub total: usize,
}

fn sigma(program: &Program, f: usize) -> Vec<Sym> {
    let mut v: Vec<Sym> = program.funcs[f].strings.iter().map(|s| s.text).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn merge_level(program: &Program, previous: &[Box<[Sym]>], f: usize) -> Box<[Sym]> {
    let mut acc = sigma(program, f);
    for (g, _) in program.callees(FuncId(f as u32)) {
        acc.extend_from_slice(&previous[g.index()]);
    }
    acc.sort_unstable();
    acc.dedup();
    acc.into_boxed_slice()
}

impl Closure {
    /// Computes C_k for every function.
    pub fn compute(program: &Program, k: u32) -> Closure {
        let n = program.funcs.len();
        let mut level: Vec<Box<[Sym]>> = (0..n)
            .map(|f| sigma(program, f).into_boxed_slice())
            .collect();
        for _ in 0..k {
            level = par_map(n, |f| merge_level(program, &level, f));
        }
        let mut owners: FxHashMap<Sym, Vec<FuncId>> = FxHashMap::default();
        for (i, f) in program.funcs.iter().enumerate() {
            for s in &f.strings {
                let v = owners.entry(s.text).or_default();
                if v.last() != Some(&FuncId(i as u32)) {
                    v.push(FuncId(i as u32));
                }
            }
        }
        Closure {
            k,
            sets: level,
            owners,
        }
    }

    /// C_k(f), sorted.
    pub fn of(&self, f: FuncId) -> &[Sym] {
        &self.sets[f.index()]
    }

    pub fn contains(&self, f: FuncId, s: Sym) -> bool {
        self.sets[f.index()].binary_search(&s).is_ok()
    }

    /// Functions whose σ holds `s` (the reverse index string → owners).
    pub fn owners(&self, s: Sym) -> &[FuncId] {
        self.owners.get(&s).map_or(&[], |v| v.as_slice())
    }

    /// Functions whose C_k holds `s`: the owners and their callers up to k levels up.
    pub fn reaching(&self, program: &Program, s: Sym) -> Vec<FuncId> {
        let mut seen: FxHashSet<FuncId> = self.owners(s).iter().copied().collect();
        let mut frontier: Vec<FuncId> = seen.iter().copied().collect();
        for _ in 0..self.k {
            let mut next = Vec::new();
            for f in frontier {
                for (caller, _) in program.callers(f) {
                    if seen.insert(caller) {
                        next.push(caller);
                    }
                }
            }
            frontier = next;
        }
        let mut v: Vec<FuncId> = seen.into_iter().collect();
        v.sort_unstable();
        v
    }

    /// The shortest call chain `[f, …, owner]` along which `s` is in C_k(f), preferring static
    /// edges among equally short chains. `None` if `s` is not in C_k(f).
    pub fn chain(&self, program: &Program, f: FuncId, s: Sym) -> Option<Vec<FuncId>> {
        if !self.contains(f, s) {
            return None;
        }
        let owns = |g: FuncId| program.func(g).strings.iter().any(|o| o.text == s);
        let mut parent: FxHashMap<FuncId, FuncId> = FxHashMap::default();
        let mut queue = VecDeque::from([(f, 0u32)]);
        parent.insert(f, f);
        while let Some((g, depth)) = queue.pop_front() {
            if owns(g) {
                let mut chain = vec![g];
                let mut cur = g;
                while cur != f {
                    cur = parent[&cur];
                    chain.push(cur);
                }
                chain.reverse();
                return Some(chain);
            }
            if depth == self.k {
                continue;
            }
            let mut next: Vec<(FuncId, bool)> = program
                .callees(g)
                .map(|(c, e)| (c, e.kind == crate::program::EdgeKind::Dynamic))
                .collect();
            next.sort_by_key(|&(c, dynamic)| (dynamic, c));
            for (c, _) in next {
                if let std::collections::hash_map::Entry::Vacant(v) = parent.entry(c) {
                    v.insert(g);
                    queue.push_back((c, depth + 1));
                }
            }
        }
        None
    }

    pub fn stats(&self) -> ClosureStats {
        let mut sizes: Vec<usize> = self.sets.iter().map(|s| s.len()).collect();
        sizes.sort_unstable();
        ClosureStats {
            min: sizes.first().copied().unwrap_or(0),
            median: sizes.get(sizes.len() / 2).copied().unwrap_or(0),
            max: sizes.last().copied().unwrap_or(0),
            total: sizes.iter().sum(),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn par_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    (0..n).into_par_iter().map(f).collect()
}

#[cfg(target_arch = "wasm32")]
fn par_map<T>(n: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    (0..n).map(f).collect()
}
