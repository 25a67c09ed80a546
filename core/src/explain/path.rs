//! Pass-through reconstruction: the call path an error travelled between two functions that left
//! text in the line.
//!
//! Between the owner of an outer template and the owner of the inner one, the error was returned
//! unchanged by every function in between. Among the call paths from outer to inner, the one
//! taken is the shortest through functions that return an error (function literals are allowed
//! too: `go func() { errCh <- work() }()` hands the error over a channel), with fewer dynamic
//! (interface-dispatch) edges breaking ties. When no such path exists the unrestricted shortest
//! path is used and flagged.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::externals::{self, ExternalCall, ExternalCalls};
use crate::program::{EdgeKind, FuncId, FuncKind, Program};

/// Longest pass-through path searched.
pub const MAX_PATH: u32 = 8;
/// Functions settled by one search, at most (the graph of a large repo is big; paths are short).
const MAX_VISITS: usize = 20_000;
/// Of those, at most this many through a hand-off (after every direct path was searched).
const HANDOFF_VISITS: usize = 150;
/// Hand-offs on one path, at most.
const MAX_HANDOFFS: u32 = 1;

/// A path `[from, …, to]` and how many of its edges are dynamic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPath {
    pub funcs: Vec<FuncId>,
    pub dynamic_edges: u32,
    /// Some intermediate function does not return an error.
    pub relaxed: bool,
    /// Channels or fields the error crossed between functions that do not call each other.
    pub handoffs: u32,
}

/// Whether `f` can hand an error on to its caller (returns one, or is a literal).
pub fn may_pass_error(program: &Program, f: FuncId) -> bool {
    let func = program.func(f);
    func.returns_error || func.kind == FuncKind::Literal
}

/// The shortest call path from `from` to any function for which `is_target` holds.
pub fn shortest_to(
    program: &Program,
    from: FuncId,
    is_target: impl Fn(FuncId) -> bool,
    max: u32,
) -> Option<CallPath> {
    search(program, from, &is_target, max, true)
        .or_else(|| search(program, from, &is_target, max, false))
}

/// The shortest call path from `from` to `to`.
pub fn between(program: &Program, from: FuncId, to: FuncId) -> Option<CallPath> {
    between_at(program, from, &[], to, &[])
}

/// The shortest call path from `from` to `to`, where `from` formats or logs the error at line
/// `site`: the error it holds there is the result of the last error-returning call before the
/// site (`if err := m.send(); err != nil { log(err) }`), so a path leaving `from` through that
/// call is preferred to a shorter one through another call. Among equally short paths, one
/// whose callbacks (`retry.Do(ctx, func() error { … })`) were written in `from` or in one of
/// the `context` functions (the hops already on the chain) is preferred.
pub fn between_at(
    program: &Program,
    from: FuncId,
    carriers: &[u32],
    to: FuncId,
    context: &[FuncId],
) -> Option<CallPath> {
    if from == to {
        return Some(CallPath {
            funcs: vec![from],
            dynamic_edges: 0,
            relaxed: false,
            handoffs: 0,
        });
    }
    let target = |g: FuncId| g == to;
    let strict =
        |first: &[u32]| search_first(program, from, &target, MAX_PATH, true, first, context, true);
    // Through the carrier first (by calls, then through hand-offs: the error `from` holds came
    // from that call), then through any call; paths through functions that return no error
    // last. (A search with hand-offs settles every direct path before any hand-off.)
    (!carriers.is_empty())
        .then(|| strict(carriers))
        .flatten()
        .or_else(|| strict(&[]))
        .or_else(|| search_first(program, from, &target, MAX_PATH, false, &[], context, false))
}

/// Whether `path` leaves its first function through one of the calls at lines `carriers`
/// (true when none is known).
pub fn leaves_by_carrier(program: &Program, path: &CallPath, carriers: &[u32]) -> bool {
    let (Some(&from), Some(&next)) = (path.funcs.first(), path.funcs.get(1)) else {
        return true;
    };
    carriers.is_empty()
        || program
            .callees(from)
            .any(|(c, e)| c == next && carriers.contains(&e.line))
}

/// [`carrier_line`] of each site.
pub fn carrier_lines(program: &Program, from: FuncId, sites: &[u32]) -> Vec<u32> {
    let mut v: Vec<u32> = sites
        .iter()
        .filter_map(|&s| carrier_line(program, from, Some(s)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Line of the call whose error `from` holds at line `site`: the last call before it (or on it)
/// of a function that can hand an error on. Deferred calls and goroutine starts run elsewhere.
pub fn carrier_line(program: &Program, from: FuncId, site: Option<u32>) -> Option<u32> {
    let site = site?;
    program
        .callees(from)
        .filter(|(c, e)| {
            e.line <= site && !e.is_defer && !e.is_go && program.func(*c).returns_error
        })
        .map(|(_, e)| e.line)
        .max()
}

fn search(
    program: &Program,
    from: FuncId,
    is_target: &impl Fn(FuncId) -> bool,
    max: u32,
    strict: bool,
) -> Option<CallPath> {
    search_first(program, from, is_target, max, strict, &[], &[], false)
}

/// How the search arrived at a function, which decides where the error came from before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Arrival {
    /// Called: the error comes from its callees (when strict, it must pass one on).
    Call,
    /// A hand-off writer that stores one of its parameters: the error comes from its callers.
    Param,
    /// Holds the error without necessarily returning it: a hand-off writer storing a value it
    /// made, or a caller that passed its error to a writer. The error comes from its callees.
    Held,
}

/// (hand-offs, hops, callbacks from elsewhere, dynamic edges), compared in that order: a path
/// through a hand-off is taken only when no direct call path is as good.
type Cost = (u32, u32, u32, u32);

/// A [`Cost`] packed into one integer with the same order (each part is far below 2^16).
fn pack_cost((a, b, c, d): Cost) -> u64 {
    let p = |x: u32| u64::from(x.min(0xffff));
    (p(a) << 48) | (p(b) << 32) | (p(c) << 16) | p(d)
}

fn unpack_cost(x: u64) -> Cost {
    let part = |shift: u32| ((x >> shift) & 0xffff) as u32;
    (part(48), part(32), part(16), part(0))
}

/// A search state packed into one integer: the function, then how it was reached.
fn pack_state(f: FuncId, a: Arrival) -> u64 {
    (u64::from(f.0) << 2) | a as u64
}

fn unpack_state(x: u64) -> (FuncId, Arrival) {
    let a = match x & 3 {
        0 => Arrival::Call,
        1 => Arrival::Param,
        _ => Arrival::Held,
    };
    (FuncId((x >> 2) as u32), a)
}

/// [`search`], leaving `from` only through the calls at line `first` when it is given;
/// through hand-offs ([`crate::program::Handoffs`]) too when `handoff`.
#[allow(clippy::too_many_arguments)]
fn search_first(
    program: &Program,
    from: FuncId,
    is_target: &impl Fn(FuncId) -> bool,
    max: u32,
    strict: bool,
    first: &[u32],
    context: &[FuncId],
    handoff: bool,
) -> Option<CallPath> {
    // Dijkstra on [`Cost`], lexicographic.
    let foreign = |c: FuncId| -> u32 {
        if context.is_empty() || program.func(c).kind != FuncKind::Literal {
            return 0;
        }
        let mut g = program.func(c).parent;
        while let Some(p) = g {
            if p == from || context.contains(&p) {
                return 0;
            }
            g = program.func(p).parent;
        }
        1
    };
    // Packed costs and states keep the heap's and the map's entries small.
    let start = pack_state(from, Arrival::Call);
    let mut best: FxHashMap<u64, (u64, u64)> = FxHashMap::default();
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    best.insert(start, (0, start));
    heap.push(Reverse((0, start)));
    let mut visits = 0usize;
    let mut handoff_visits = 0usize;
    let relax = |best: &mut FxHashMap<u64, (u64, u64)>,
                 heap: &mut BinaryHeap<Reverse<(u64, u64)>>,
                 next: Cost,
                 to: (FuncId, Arrival),
                 pred: u64| {
        let (next, to) = (pack_cost(next), pack_state(to.0, to.1));
        if best.get(&to).is_none_or(|(old, _)| next < *old) {
            best.insert(to, (next, pred));
            heap.push(Reverse((next, to)));
        }
    };
    // Functions whose hand-offs are still to be followed: only once every cheaper state is
    // settled (the heap ran dry), so a search that finds a direct path never pays for them.
    let mut pending: Vec<(Cost, u64)> = Vec::new();
    loop {
        let Some(Reverse((packed, state))) = heap.pop() else {
            if pending.is_empty() {
                break;
            }
            for (cost, state) in std::mem::take(&mut pending) {
                for w in program.handoffs.writers_read_by(unpack_state(state).0) {
                    let arrival = match w.param {
                        Some(_) => Arrival::Param,
                        None => Arrival::Held,
                    };
                    let next = (cost.0 + 1, cost.1 + 1, cost.2, cost.3);
                    relax(&mut best, &mut heap, next, (w.func, arrival), state);
                }
            }
            continue;
        };
        if best.get(&state).is_some_and(|(c, _)| *c < packed) {
            continue;
        }
        let cost = unpack_cost(packed);
        let (g, arrival) = unpack_state(state);
        visits += 1;
        if cost.0 > 0 {
            handoff_visits += 1;
        }
        if visits > MAX_VISITS || handoff_visits > HANDOFF_VISITS {
            return None;
        }
        if g != from && is_target(g) {
            let mut funcs = vec![g];
            let mut cur = state;
            while cur != start {
                cur = best[&cur].1;
                funcs.push(unpack_state(cur).0);
            }
            funcs.reverse();
            return Some(CallPath {
                funcs,
                dynamic_edges: cost.3,
                relaxed: !strict,
                handoffs: cost.0,
            });
        }
        if cost.1 >= max {
            continue;
        }
        match arrival {
            Arrival::Param => {
                // `respond(err)`: the error is whatever a caller passed in.
                for (c, e) in program.callers(g) {
                    if c == from {
                        continue;
                    }
                    let next = (
                        cost.0,
                        cost.1 + 1,
                        cost.2,
                        cost.3 + u32::from(e.kind == EdgeKind::Dynamic),
                    );
                    relax(&mut best, &mut heap, next, (c, Arrival::Held), state);
                }
                continue;
            }
            Arrival::Call if g != from && strict && !may_pass_error(program, g) => continue,
            _ => {}
        }
        for (c, e) in program.callees(g) {
            if g == from && !first.is_empty() && !first.contains(&e.line) {
                continue;
            }
            let next = (
                cost.0,
                cost.1 + 1,
                cost.2 + foreign(c),
                cost.3 + u32::from(e.kind == EdgeKind::Dynamic),
            );
            relax(&mut best, &mut heap, next, (c, Arrival::Call), state);
        }
        if handoff
            && cost.0 < MAX_HANDOFFS
            && (g != from || first.is_empty())
            && program.handoffs.reads_any(g)
        {
            pending.push((cost, state));
        }
    }
    None
}

/// Where an unexplained tail most likely came from: the nearest function, from `innermost`
/// down through error-returning callees, that calls an external API whose errors read like
/// `tail`. Returns the path from `innermost` to it and the API's display name.
pub fn external_origin(
    program: &Program,
    externals: &ExternalCalls,
    innermost: FuncId,
    site: Option<u32>,
    tail: &str,
) -> Option<(CallPath, String)> {
    let sources = externals::likely_sources(tail);
    if sources.is_empty() {
        return None;
    }
    let all = |c: &ExternalCall| externals::call_matches(c, &sources);
    // A codec's `Decode`/`Encode` reads or writes through whatever stream it wraps, often an
    // in-memory buffer: a plain `Read`/`Write` is the stronger reading.
    let direct = |c: &ExternalCall| all(c) && !externals::is_codec_call(c);
    let tiers: [&dyn Fn(&ExternalCall) -> bool; 2] = [&direct, &all];
    let carrier = carrier_line(program, innermost, site);
    // An `os` error names its file (`open …/meta.json: …`): the function that builds a path
    // ending in that name (`filepath.Join(dir, metaFile)`) is the one whose call failed, even
    // when a nearer function makes the same kind of call on another file.
    if let Some(base) = externals::named_file(tail) {
        let names = |g: FuncId| externals.names_file(g, base);
        let starts = if carrier.is_some() {
            vec![carrier, None]
        } else {
            vec![None]
        };
        for c in starts {
            if let Some(found) = origin_via(program, externals, innermost, site, c, &all, &names) {
                return Some(found);
            }
        }
    }
    let any = |_: FuncId| true;
    // The call whose error the innermost function holds at its site decides where to look
    // first; for each, call paths (of either tier) before hand-offs. A search through hand-offs
    // settles every direct path first, so a direct answer of it is the direct search's.
    let firsts = [carrier, None];
    for first in firsts.iter().take(if carrier.is_some() { 2 } else { 1 }) {
        let mut fallback = None;
        for m in tiers {
            match origin_via(program, externals, innermost, site, *first, m, &any) {
                Some(found) if found.0.handoffs == 0 => return Some(found),
                Some(found) => {
                    fallback.get_or_insert(found);
                }
                None => {}
            }
        }
        if fallback.is_some() {
            return fallback;
        }
    }
    None
}

/// [`external_origin`] for the calls `matches` accepts in functions `only` accepts, leaving
/// `innermost` through the calls at line `carrier` when given (through hand-offs when no call
/// path leads there).
fn origin_via(
    program: &Program,
    externals: &ExternalCalls,
    innermost: FuncId,
    site: Option<u32>,
    carrier: Option<u32>,
    matches: &dyn Fn(&ExternalCall) -> bool,
    only: &dyn Fn(FuncId) -> bool,
) -> Option<(CallPath, String)> {
    let calls = |g: FuncId| {
        if !only(g) {
            return None;
        }
        externals
            .of(g)
            .iter()
            .find(|c| matches(c))
            .map(|c| c.display())
    };
    let alone = |api| {
        Some((
            CallPath {
                funcs: vec![innermost],
                dynamic_edges: 0,
                relaxed: false,
                handoffs: 0,
            },
            api,
        ))
    };
    let target = |g: FuncId| calls(g).is_some();
    if let Some(carrier) = carrier {
        let own = externals
            .of(innermost)
            .iter()
            .filter(|c| site.is_none_or(|s| c.line <= s) && c.line > carrier && matches(c))
            .filter(|_| only(innermost))
            .max_by_key(|c| c.line)
            .map(|c| c.display());
        if let Some(api) = own {
            return alone(api);
        }
        let path = search_first(
            program,
            innermost,
            &target,
            MAX_PATH,
            true,
            &[carrier],
            &[],
            true,
        )?;
        let api = calls(*path.funcs.last()?)?;
        return Some((path, api));
    }
    if let Some(api) = calls(innermost) {
        return alone(api);
    }
    let path = search_first(program, innermost, &target, MAX_PATH, true, &[], &[], true)?;
    let api = calls(*path.funcs.last()?)?;
    Some((path, api))
}

/// Where a tail that is exactly a standard-library sentinel's text (`unexpected EOF`) came
/// from: the nearest function, from `innermost` down through error-returning callees, that
/// returns or wraps that sentinel. Returns the path and the sentinel's name (`io.ErrUnexpectedEOF`).
pub fn sentinel_origin(
    program: &Program,
    externals: &ExternalCalls,
    innermost: FuncId,
    site: Option<u32>,
    tail: &str,
) -> Option<(CallPath, String)> {
    let (pkg, name) = externals::known_sentinel(tail)?;
    let display = format!("{pkg}.{name}");
    if externals.returns_sentinel(innermost, pkg, name) {
        let path = CallPath {
            funcs: vec![innermost],
            dynamic_edges: 0,
            relaxed: false,
            handoffs: 0,
        };
        return Some((path, display));
    }
    let target = |g: FuncId| externals.returns_sentinel(g, pkg, name);
    let carrier = carrier_line(program, innermost, site);
    let via = |first: &[u32]| {
        search_first(
            program,
            innermost,
            &target,
            MAX_PATH,
            true,
            first,
            &[],
            true,
        )
    };
    let path = carrier.and_then(|l| via(&[l])).or_else(|| via(&[]))?;
    Some((path, display))
}
