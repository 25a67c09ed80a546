//! Type flow: which concrete types and which functions can reach an expression (a syntax-only
//! cousin of VTA, `golang.org/x/tools/go/callgraph/vta`).
//!
//! Why: dispatching `w.Write(p)` RTA-style to every instantiated implementer of `io.Writer`
//! drowns the graph in impossible edges, and a call of a func value (`f()`, `s.step(s, c)`,
//! `cancel()`) has no target at all without knowing which functions flow into it.
//!
//! How: the nodes of a flow graph are the places a value lives beyond one expression —
//! parameter `i` of a function, result `i` of a function, a field of a named struct type and a
//! package-level variable. Locals need no node: the front end already types a local by the
//! expression that defined it, so a local holding a parameter *is* that parameter
//! ([`Ty::Param`]). Edges come from call arguments (to the parameters of every target the linker
//! resolves, interface calls through the RTA set), `return` statements, assignments, struct
//! literal elements and package variable initialisers. Each node collects the concrete named
//! types and the function identities (declared functions, literals, method values) that reach
//! it; calls of func values add their argument flows on the fly as new targets arrive.
//!
//! A node also records whether something *untracked* reaches it (a type assertion to an
//! interface, a map or slice element, a value from outside the program, a local reassigned
//! later is not seen at all). The linker then dispatches an interface call only to methods of
//! the types reaching its receiver, and falls back to the RTA set when the receiver's flow is
//! untracked or empty, so that recall holds where the flow is blind.
//!
//! Every untracked source costs precision (a `...any` argument from anywhere makes every
//! `fmt` verb dispatch RTA-wide), so the model keeps them few: values that carry no method
//! (strings, numbers, slices) carry nothing at all; a conversion `I(x)` carries `x`'s values;
//! a method value `x.M` of an interface carries its implementations; elements of containers
//! are keyed by their element type (unnamed func and interface types by a canonical form);
//! files outside the build add no flows; an implementation must have the interface method's
//! shape (parameter and result counts), not just its name. `REFRACT_FLOW_WHY=1` prints the
//! causes that remain.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::lang::go::{Callee, FieldSel, Sink, Ty};

use super::link::Linker;
use super::types::{Ctx, IfaceRef, MethodEntry, RType, TypeId};
use super::FuncId;

/// A value that flows: a concrete named type or a function. Packed as `id << 1 | tag`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Val(u32);

impl Val {
    fn ty(t: TypeId) -> Val {
        Val(t << 1)
    }
    fn func(f: FuncId) -> Val {
        Val((f.0 << 1) | 1)
    }
    pub(crate) fn as_type(self) -> Option<TypeId> {
        (self.0 & 1 == 0).then_some(self.0 >> 1)
    }
    pub(crate) fn as_func(self) -> Option<FuncId> {
        (self.0 & 1 == 1).then_some(FuncId(self.0 >> 1))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key<'a> {
    Param(FuncId, u32),
    Result(FuncId, u32),
    Field(TypeId, &'a str),
    /// A package-level variable: (file, index in the file's values).
    Global(u32, u32),
    /// A local variable of a function (its [`Ty::Local`] id).
    Local(FuncId, u32),
    /// Result `index` of one call of a func value (the callee's address in the facts): fed by
    /// the results of the functions that reach the callee.
    CallResult(usize, u32),
    /// The values of one type assertion `x.(I)` (the assertion's address in the facts).
    Assert(usize),
    /// Field `name` of a struct type the linker cannot name (declared inside a function, or
    /// anonymous): one node per field name.
    AnyField(&'a str),
    /// The elements of every slice, array, map or channel whose element type is this
    /// interface or func type (a [`TypeId`], or a canonical key of an unnamed type), as VTA
    /// does.
    Elem(u64),
}

const ELEM_ERROR: u64 = u64::MAX;
/// Unnamed element types: a hash of their canonical form, tagged so as not to meet a TypeId.
const ELEM_UNNAMED: u64 = 1 << 63;

/// The element node of a container of resolved type `rx`, when its elements may hold
/// interface or func values.
fn elem_key<'a>(l: &Linker<'a>, rx: RType<'a>) -> Option<Key<'a>> {
    let e = match l.underlying(rx, 0) {
        RType::Seq(e) | RType::Chan(e) | RType::Map(_, e) => l.ty(e),
        RType::Ptr(p) => match l.underlying(l.ty(p), 0) {
            RType::Seq(e) => l.ty(e),
            _ => return None,
        },
        _ => return None,
    };
    let key = match &e {
        RType::Named(t) => match l.underlying(e, 0) {
            RType::Iface(..) | RType::Error | RType::Func(..) => *t as u64,
            _ => return None,
        },
        RType::Error => ELEM_ERROR,
        RType::Func(..) | RType::Iface(..) | RType::Basic("any") => {
            use std::hash::{Hash, Hasher};
            let mut c = String::new();
            canonical(l, &e, &mut c, 0);
            let mut h = rustc_hash::FxHasher::default();
            c.hash(&mut h);
            ELEM_UNNAMED | (h.finish() >> 1)
        }
        _ => return None,
    };
    Some(Key::Elem(key))
}

/// A canonical spelling of a resolved type, the same wherever the type is written (named
/// types by identity, interfaces by method names, funcs by their parameter and result types):
/// containers of identical element types share their element node.
fn canonical<'a>(l: &Linker<'a>, r: &RType<'a>, out: &mut String, depth: u32) {
    use std::fmt::Write;
    if depth > 4 {
        out.push('…');
        return;
    }
    match r {
        RType::Named(t) => {
            let _ = write!(out, "N{t}");
        }
        RType::Ptr(x) => {
            out.push('*');
            canonical(l, &l.ty(*x), out, depth + 1);
        }
        RType::Seq(x) => {
            out.push_str("[]");
            canonical(l, &l.ty(*x), out, depth + 1);
        }
        RType::Chan(x) => {
            out.push_str("chan ");
            canonical(l, &l.ty(*x), out, depth + 1);
        }
        RType::Map(k, v) => {
            out.push_str("map[");
            canonical(l, &l.ty(*k), out, depth + 1);
            out.push(']');
            canonical(l, &l.ty(*v), out, depth + 1);
        }
        RType::Func(sig, file) => {
            let ctx = Ctx {
                file: *file,
                tparams: &[],
            };
            out.push_str("func(");
            for p in &sig.params {
                canonical(l, &l.resolve(p, ctx, 0), out, depth + 1);
                out.push(',');
            }
            if sig.variadic {
                out.push_str("...");
            }
            out.push_str(")(");
            for r in &sig.results {
                canonical(l, &l.resolve(r, ctx, 0), out, depth + 1);
                out.push(',');
            }
            out.push(')');
        }
        RType::Iface(it, file) => {
            out.push_str("interface{");
            for m in l.iface_method_names(IfaceRef::Inline(it, *file)) {
                out.push_str(m);
                out.push(';');
            }
            out.push('}');
        }
        RType::Basic("any") => out.push_str("interface{}"),
        RType::Basic(b) => out.push_str(b),
        RType::Struct(..) => out.push_str("struct"),
        RType::Error => out.push_str("error"),
        RType::External => out.push_str("ext"),
        RType::FuncVal(_) | RType::Unknown => out.push('?'),
    }
}

/// What an expression evaluates to: constant values, nodes, and whether something untracked
/// flows in as well.
#[derive(Default, Debug, Clone)]
pub(crate) struct Src {
    vals: Vec<Val>,
    nodes: Vec<u32>,
    unknown: bool,
    /// With [`dbg_on`]: what made `unknown` true (an expression the flow cannot follow).
    why: Option<String>,
}

/// Diagnostics: with `REFRACT_FLOW_WHY` set, every interface call that falls back to RTA
/// prints `WHY <call site> <cause> <= <nodes the untracked value went through>` to stderr, so
/// that the biggest sources of imprecision can be found (see `xtask/callgraph_breakdown.py`).
pub(crate) fn dbg_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("REFRACT_FLOW_WHY").is_some())
}
thread_local! {
    /// With [`dbg_on`]: the call site being linked (`file:line`), for the diagnostics.
    pub(crate) static SITE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}
/// Records (with [`dbg_on`]) why `out` is untracked.
fn mark(out: &mut Src, label: &str, ty: &dyn std::fmt::Debug) {
    if dbg_on() && out.why.is_none() {
        let mut t = format!("{label} {ty:?}");
        t.truncate(300);
        out.why = Some(t);
    }
}

/// The solved flow graph.
#[derive(Default)]
pub(crate) struct Flows<'a> {
    ids: FxHashMap<Key<'a>, u32>,
    vals: Vec<FxHashSet<Val>>,
    /// Per node, its values in the order they arrived, and how many of them every successor
    /// has already been sent: the solver propagates only the values that are new since a
    /// node was last processed, instead of re-merging the whole set along every edge.
    order: Vec<Vec<Val>>,
    sent: Vec<u32>,
    unknown: Vec<bool>,
    /// Per node, for the diagnostics: the node its `unknown` came from (≥ 0), or `-2 - i`
    /// for cause `roots[i]`; -1 when none is recorded.
    why: Vec<i64>,
    roots: Vec<String>,
    succs: Vec<Vec<u32>>,
    /// The edges in `succs`, for de-duplication.
    edges: FxHashSet<(u32, u32)>,
    work: Vec<u32>,
    queued: Vec<bool>,
    /// Results of func-value calls: (callee, context, result index, node, functions wired).
    watchers: Vec<Watcher<'a>>,
    /// Watchers before this index are wired (after solving).
    settled: usize,
    /// Type-assertion nodes: the index of their interface's method names in `filters`.
    filter_of: FxHashMap<u32, u32>,
    filters: Vec<Vec<&'a str>>,
    filter_ids: FxHashMap<Vec<&'a str>, u32>,
    admitted: FxHashMap<(TypeId, u32), bool>,
}

struct Watcher<'a> {
    callee: &'a Callee,
    ctx: Ctx<'a>,
    index: u32,
    node: u32,
    wired: FxHashSet<FuncId>,
}

/// The values reaching an expression; `None` when untracked values reach it too.
pub(crate) type Reach = Option<FxHashSet<Val>>;

impl<'a> Flows<'a> {
    fn node(&mut self, k: Key<'a>) -> u32 {
        if let Some(&id) = self.ids.get(&k) {
            return id;
        }
        let id = self.vals.len() as u32;
        self.ids.insert(k, id);
        self.vals.push(FxHashSet::default());
        self.order.push(Vec::new());
        self.sent.push(0);
        self.unknown.push(false);
        self.why.push(-1);
        self.succs.push(Vec::new());
        self.queued.push(false);
        id
    }

    fn enqueue(&mut self, n: u32) {
        if !self.queued[n as usize] {
            self.queued[n as usize] = true;
            self.work.push(n);
        }
    }

    /// Adds `src` as a source of node `dst`.
    fn flow(&mut self, l: &Linker<'a>, src: &Src, dst: u32) {
        let mut changed = false;
        for v in &src.vals {
            if self.admits(l, dst, *v) && self.vals[dst as usize].insert(*v) {
                self.order[dst as usize].push(*v);
                changed = true;
            }
        }
        if src.unknown && !self.unknown[dst as usize] {
            self.unknown[dst as usize] = true;
            if dbg_on() {
                self.roots
                    .push(src.why.clone().unwrap_or_else(|| "?".into()));
                self.why[dst as usize] = -(self.roots.len() as i64) - 1;
            }
            changed = true;
        }
        for &n in &src.nodes {
            if n == dst || !self.edges.insert((n, dst)) {
                continue;
            }
            self.succs[n as usize].push(dst);
            changed |= self.merge(l, n, dst);
        }
        if changed {
            self.enqueue(dst);
        }
    }

    /// Sends all values of `from` to `to` (a new edge).
    fn merge(&mut self, l: &Linker<'a>, from: u32, to: u32) -> bool {
        self.merge_from(l, from, to, 0)
    }

    /// Sends the values of `from` from its `start`-th arrival on to `to`.
    fn merge_from(&mut self, l: &Linker<'a>, from: u32, to: u32, start: usize) -> bool {
        let mut changed = false;
        if self.unknown[from as usize] && !self.unknown[to as usize] {
            self.unknown[to as usize] = true;
            self.why[to as usize] = from as i64;
            changed = true;
        }
        if self.order[from as usize].len() <= start {
            return changed;
        }
        let filtered = self.filter_of.contains_key(&to);
        let (a, b) = (from as usize, to as usize);
        let src = std::mem::take(&mut self.order[a]);
        for &v in &src[start..] {
            if (!filtered || self.admits(l, to, v)) && self.vals[b].insert(v) {
                self.order[b].push(v);
                changed = true;
            }
        }
        self.order[a] = src;
        changed
    }

    /// Whether node `n` lets `v` in: a type assertion to an interface admits only the types
    /// that implement it (as VTA filters at `x.(I)`).
    fn admits(&mut self, l: &Linker<'a>, n: u32, v: Val) -> bool {
        let Some(&filter) = self.filter_of.get(&n) else {
            return true;
        };
        let Some(t) = v.as_type() else {
            return true;
        };
        if let Some(&ok) = self.admitted.get(&(t, filter)) {
            return ok;
        }
        let ms = l.method_set(t);
        let ok = self.filters[filter as usize]
            .iter()
            .all(|m| ms.contains_key(m));
        self.admitted.insert((t, filter), ok);
        ok
    }

    fn solve(&mut self, l: &Linker<'a>) {
        while let Some(n) = self.work.pop() {
            self.queued[n as usize] = false;
            let start = self.sent[n as usize] as usize;
            self.sent[n as usize] = self.order[n as usize].len() as u32;
            let succs = std::mem::take(&mut self.succs[n as usize]);
            for &s in &succs {
                if self.merge_from(l, n, s, start) {
                    self.enqueue(s);
                }
            }
            self.succs[n as usize] = succs;
        }
    }

    /// The values reaching `src`.
    fn reach(&self, src: &Src) -> Reach {
        if src.unknown || src.nodes.iter().any(|&n| self.unknown[n as usize]) {
            return None;
        }
        let mut out: FxHashSet<Val> = src.vals.iter().copied().collect();
        for &n in &src.nodes {
            out.extend(self.vals[n as usize].iter().copied());
        }
        Some(out)
    }
}

/// Builds and solves the flow graph of the whole program.
fn is_exported(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase())
}

/// A file of an `internal` package: only the repository itself imports it.
fn is_internal(path: &str) -> bool {
    path.split('/').any(|seg| seg == "internal")
}

/// What building the flow graph does to it. [`Flows`] applies each step at once; natively the
/// files are first evaluated in parallel into [`Recording`]s (the type evaluation is most of
/// the work, and it only reads the linker's tables), which are then replayed into [`Flows`] in
/// file order: the nodes get the same numbers and see the same flows in the same order as if
/// every file had been built directly.
trait Graph<'a> {
    /// The node of `k`, created if new.
    fn node(&mut self, k: Key<'a>) -> u32;
    /// Whether the node of `k` exists.
    fn has(&self, k: &Key<'a>) -> bool;
    /// Adds `src` as a source of node `dst`.
    fn flow(&mut self, l: &Linker<'a>, src: &Src, dst: u32);
    /// Watches the results of a func-value call.
    fn watch(&mut self, w: Watcher<'a>);
    /// Makes `node` a type assertion to an interface with method `names`.
    fn filter(&mut self, node: u32, names: Vec<&'a str>);
    /// Parameter node `n` of an exported function of a library: callers outside pass anything.
    fn untracked_param(&mut self, n: u32);
}

impl<'a> Graph<'a> for Flows<'a> {
    fn node(&mut self, k: Key<'a>) -> u32 {
        Flows::node(self, k)
    }

    fn has(&self, k: &Key<'a>) -> bool {
        self.ids.contains_key(k)
    }

    fn flow(&mut self, l: &Linker<'a>, src: &Src, dst: u32) {
        Flows::flow(self, l, src, dst)
    }

    fn watch(&mut self, w: Watcher<'a>) {
        self.watchers.push(w);
    }

    fn filter(&mut self, node: u32, names: Vec<&'a str>) {
        let next = self.filters.len() as u32;
        let id = *self.filter_ids.entry(names.clone()).or_insert(next);
        if id == next {
            self.filters.push(names);
        }
        self.filter_of.insert(node, id);
    }

    fn untracked_param(&mut self, n: u32) {
        self.unknown[n as usize] = true;
        self.roots.push("library-param".into());
        self.why[n as usize] = -(self.roots.len() as i64) - 1;
        self.enqueue(n);
    }
}

/// One step of building the flow graph, with nodes numbered locally (in order of creation).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
enum Step<'a> {
    Node(Key<'a>),
    Flow(Src, u32),
    Watch(Watcher<'a>),
    Filter(u32, Vec<&'a str>),
    UntrackedParam(u32),
}

/// The steps of building one file's part of the flow graph, to be replayed into [`Flows`].
/// Only the nodes of keys unique to the file's facts (assertions, func-value call results)
/// are asked whether they exist, so the local answer is the global one.
#[derive(Default)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Recording<'a> {
    local: FxHashMap<Key<'a>, u32>,
    steps: Vec<Step<'a>>,
    value_calls: Vec<ValueCall<'a>>,
}

impl<'a> Graph<'a> for Recording<'a> {
    fn node(&mut self, k: Key<'a>) -> u32 {
        let next = self.local.len() as u32;
        let id = *self.local.entry(k).or_insert(next);
        if id == next {
            self.steps.push(Step::Node(k));
        }
        id
    }

    fn has(&self, k: &Key<'a>) -> bool {
        self.local.contains_key(k)
    }

    fn flow(&mut self, _: &Linker<'a>, src: &Src, dst: u32) {
        self.steps.push(Step::Flow(src.clone(), dst));
    }

    fn watch(&mut self, w: Watcher<'a>) {
        self.steps.push(Step::Watch(w));
    }

    fn filter(&mut self, node: u32, names: Vec<&'a str>) {
        self.steps.push(Step::Filter(node, names));
    }

    fn untracked_param(&mut self, n: u32) {
        self.steps.push(Step::UntrackedParam(n));
    }
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
impl<'a> Recording<'a> {
    /// Applies the steps to `fl`, as building the file directly would have.
    fn replay(self, l: &Linker<'a>, fl: &mut Flows<'a>, value_calls: &mut Vec<ValueCall<'a>>) {
        let mut ids: Vec<u32> = Vec::with_capacity(self.local.len());
        for step in self.steps {
            match step {
                Step::Node(k) => ids.push(fl.node(k)),
                Step::Flow(mut src, dst) => {
                    for n in &mut src.nodes {
                        *n = ids[*n as usize];
                    }
                    fl.flow(l, &src, ids[dst as usize]);
                }
                Step::Watch(mut w) => {
                    w.node = ids[w.node as usize];
                    fl.watchers.push(w);
                }
                Step::Filter(n, names) => Graph::filter(fl, ids[n as usize], names),
                Step::UntrackedParam(n) => fl.untracked_param(ids[n as usize]),
            }
        }
        value_calls.extend(self.value_calls);
    }
}

/// Builds the flow graph of every file in the build (before solving).
///
/// The files are taken in chunks, in order, by this thread and by a helper on another core
/// (when one is free: the other core starts out on other parts of linking). A chunk this
/// thread takes when every earlier chunk is in the graph goes straight into it; any other
/// chunk is recorded and replayed in its turn, so the graph is the one the serial order builds.
#[cfg(not(target_arch = "wasm32"))]
fn construct<'a>(
    l: &Linker<'a>,
    fl: &mut Flows<'a>,
    value_calls: &mut Vec<ValueCall<'a>>,
    library_repo: bool,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, MutexGuard};

    const CHUNK: usize = 16;
    let files: Vec<usize> = (0..l.files.len())
        .filter(|&fi| l.file_in_build[fi])
        .collect();
    let chunks: Vec<&[usize]> = files.chunks(CHUNK).collect();
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<Recording<'a>>>> =
        Mutex::new((0..chunks.len()).map(|_| None).collect());
    let filled = Condvar::new();
    // (A panic in the other thread is re-raised by the scope; the slots stay usable.)
    let lock = || -> MutexGuard<'_, Vec<Option<Recording<'a>>>> {
        slots.lock().unwrap_or_else(|e| e.into_inner())
    };
    let record = |view: &Linker<'a>, chunk: &[usize]| {
        let mut rec = Recording::default();
        let mut calls = Vec::new();
        for &fi in chunk {
            construct_file(view, &mut rec, fi, &mut calls, library_repo);
        }
        rec.value_calls = calls;
        rec
    };
    let shared = l.tables();
    rayon::in_place_scope(|s| {
        s.spawn(|_| {
            let view = Linker::view(shared);
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(chunk) = chunks.get(i) else { break };
                let rec = record(&view, chunk);
                lock()[i] = Some(rec);
                filled.notify_all();
            }
        });
        let mut applied = 0;
        loop {
            // Replay what the helper has recorded, in order.
            while applied < chunks.len() {
                let Some(rec) = lock()[applied].take() else {
                    break;
                };
                rec.replay(l, fl, value_calls);
                applied += 1;
            }
            let i = next.fetch_add(1, Ordering::SeqCst);
            match chunks.get(i) {
                Some(chunk) if i == applied => {
                    for &fi in *chunk {
                        construct_file(l, fl, fi, value_calls, library_repo);
                    }
                    applied += 1;
                }
                Some(chunk) => {
                    let rec = record(l, chunk);
                    lock()[i] = Some(rec);
                }
                None => break,
            }
        }
        // The chunks the helper still works on.
        while applied < chunks.len() {
            let mut guard = lock();
            let rec = loop {
                match guard[applied].take() {
                    Some(rec) => break rec,
                    None => guard = filled.wait(guard).unwrap_or_else(|e| e.into_inner()),
                }
            };
            drop(guard);
            rec.replay(l, fl, value_calls);
            applied += 1;
        }
    });
}

/// Builds the flow graph of every file in the build (before solving).
#[cfg(target_arch = "wasm32")]
fn construct<'a>(
    l: &Linker<'a>,
    fl: &mut Flows<'a>,
    value_calls: &mut Vec<ValueCall<'a>>,
    library_repo: bool,
) {
    for fi in 0..l.files.len() {
        // Files of another build (other GOOS, ignored tags) are not part of this program.
        if l.file_in_build[fi] {
            construct_file(l, fl, fi, value_calls, library_repo);
        }
    }
}

/// Builds and solves the flow graph; calls `constructed` when the graph is built (the rest is
/// serial: other work can start on the other core then).
pub(crate) fn solve<'a>(l: &Linker<'a>, constructed: impl FnOnce()) -> Flows<'a> {
    let mut fl = Flows::default();
    // Calls of func values (and fields / package variables of func type), revisited as the
    // functions reaching them grow: (caller, call index) and the targets already wired.
    let mut value_calls: Vec<ValueCall<'a>> = Vec::new();
    // A repository without a `main` package is a library: its exported functions are called
    // from code that is not here. An application's packages are called from its own mains.
    let library_repo = !l.files.iter().any(|f| f.package == "main");
    // The evaluated arguments of the call at hand (one buffer for every call).
    let mut args: Vec<Option<Src>> = Vec::new();
    let t0 = crate::program::Lap::start();
    construct(l, &mut fl, &mut value_calls, library_repo);
    t0.done("flow construct");
    constructed();
    let t0 = crate::program::Lap::start();
    fl.solve(l);
    t0.done("flow first solve");
    let t0 = crate::program::Lap::start();
    // Func-value calls: wire the arguments to each function that reaches the callee, until no
    // new target appears.
    for _round in 0..32 {
        let mut grew = false;
        for (caller, call, wired) in value_calls.iter_mut() {
            let ctx = l.ctx_of_func(*caller);
            let Some(reach) = callee_reach(l, &mut fl, &call.callee, ctx) else {
                continue;
            };
            args.clear();
            for v in reach {
                if let Some(g) = v.as_func() {
                    if wired.insert(g) {
                        pass_args(l, &mut fl, call, ctx, g, &mut args);
                        grew = true;
                    }
                }
            }
        }
        let mut watchers = std::mem::take(&mut fl.watchers);
        let mut i = 0;
        while i < watchers.len() {
            let w = &mut watchers[i];
            if let Some(reach) = callee_reach(l, &mut fl, w.callee, w.ctx) {
                for v in reach {
                    if let Some(g) = v.as_func() {
                        if w.wired.insert(g) {
                            let src = Src {
                                nodes: vec![fl.node(Key::Result(g, w.index))],
                                ..Src::default()
                            };
                            fl.flow(l, &src, w.node);
                            grew = true;
                        }
                    }
                }
            } else if !fl.unknown[w.node as usize] {
                let wwhy = if dbg_on() {
                    let (c, x) = (w.callee, w.ctx);
                    let cs = callee_src(l, &mut fl, c, x);
                    format!(
                        "watch-callee {} ## {}",
                        cs.map(|cs| fl.explain(l, &cs))
                            .unwrap_or_else(|| format!("nosrc {:?}", c)),
                        format!("{:?}", c).chars().take(150).collect::<String>()
                    )
                } else {
                    String::new()
                };
                fl.flow(
                    l,
                    &Src {
                        unknown: true,
                        why: Some(wwhy),
                        ..Src::default()
                    },
                    w.node,
                );
                grew = true;
            }
            i += 1;
            // Watchers created meanwhile (by evaluating callees) join the list.
            watchers.append(&mut fl.watchers);
        }
        fl.watchers = watchers;
        fl.solve(l);
        if !grew {
            break;
        }
    }
    fl.settled = fl.watchers.len();
    t0.done("flow rounds");
    fl
}

/// A call of a func value: (caller, the call, the targets already wired).
type ValueCall<'a> = (FuncId, &'a crate::lang::go::Call, FxHashSet<FuncId>);

/// The flows of file `fi` (in the build) into `fl`, in the order of its facts.
fn construct_file<'a, G: Graph<'a>>(
    l: &Linker<'a>,
    fl: &mut G,
    fi: usize,
    value_calls: &mut Vec<ValueCall<'a>>,
    library_repo: bool,
) {
    let f = &l.files[fi];
    // The evaluated arguments of the call at hand (one buffer for every call).
    let mut args: Vec<Option<Src>> = Vec::new();
    let file_ctx = Ctx {
        file: fi as u32,
        tparams: &[],
    };
    for s in &f.init_stores {
        store(l, fl, &s.dst, &s.src, file_ctx);
    }
    for (vi, v) in f.values.iter().enumerate() {
        if v.is_const || v.zero {
            continue;
        }
        let dst = fl.node(Key::Global(fi as u32, vi as u32));
        let init = v.init.as_ref().unwrap_or(&v.ty);
        let src = eval(l, fl, init, file_ctx, 0);
        fl.flow(l, &src, dst);
    }
    let library = library_repo && !is_internal(&f.path);
    for (i, func) in f.funcs.iter().enumerate() {
        let id = l.func_of(fi as u32, i as u32);
        let ctx = l.ctx_of_func(id);
        // An exported function of a library is called from outside the repository too:
        // whatever its callers here pass, its parameters may hold other values as well
        // (`NewRaft(…, trans Transport)` gets the application's transport).
        if library && func.parent.is_none() && is_exported(&func.name) {
            for pi in 0..func.sig.params.len() {
                let n = fl.node(Key::Param(id, pi as u32));
                fl.untracked_param(n);
            }
        }
        for s in &func.stores {
            store(l, fl, &s.dst, &s.src, ctx);
        }
        let n_results = func.sig.results.len();
        for ret in &func.returns {
            for (r, ty) in ret.iter().enumerate().take(n_results) {
                let src = eval(l, fl, ty, ctx, 0);
                let dst = fl.node(Key::Result(id, r as u32));
                fl.flow(l, &src, dst);
            }
        }
        for call in &func.calls {
            if call.args.is_empty() {
                continue;
            }
            if matches!(&call.callee, Callee::Global(n) if n == "append") {
                // `append(s, x, …)`: the values become elements of s's type.
                if let Some(k) = elem_key(l, l.resolve(&call.args[0], ctx, 0)) {
                    let dst = fl.node(k);
                    for a in &call.args[1..] {
                        let src = eval(l, fl, a, ctx, 0);
                        fl.flow(l, &src, dst);
                    }
                }
                continue;
            }
            let targets = l.plain_targets(&call.callee, ctx);
            if is_value_call(l, &call.callee, ctx) {
                value_calls.push((id, call, FxHashSet::default()));
            }
            args.clear();
            for g in targets {
                pass_args(l, fl, call, ctx, g, &mut args);
            }
        }
    }
}

/// Whether a call may go through a func value (not a declared function or method).
fn is_value_call<'a>(l: &Linker<'a>, callee: &'a Callee, ctx: Ctx<'a>) -> bool {
    match callee {
        Callee::Value(_) => true,
        Callee::Global(name) => !matches!(l.resolve_value_name(ctx, name, 0), RType::FuncVal(_)),
        Callee::Qualified { .. } => true,
        Callee::Method { recv, name } => {
            let r = l.resolve(recv, ctx, 0);
            l.find_method(&r, name).is_none()
        }
        Callee::Literal(_) => false,
    }
}

/// Whether a call is an interface method call.
fn is_abstract_call<'a>(l: &Linker<'a>, callee: &'a Callee, ctx: Ctx<'a>) -> bool {
    match callee {
        Callee::Method { recv, name } => matches!(
            l.find_method(&l.resolve(recv, ctx, 0), name),
            Some(MethodEntry::Abstract(_))
        ),
        _ => false,
    }
}

/// Argument `i` of `call` flows into parameter `i` of `g` (the last, variadic parameter gets
/// nothing tracked: its elements are not a node).
fn pass_args<'a, G: Graph<'a>>(
    l: &Linker<'a>,
    fl: &mut G,
    call: &'a crate::lang::go::Call,
    ctx: Ctx<'a>,
    g: FuncId,
    args: &mut Vec<Option<Src>>,
) {
    let (gf, gi) = l.func_origin[g.index()];
    let sig = &l.files[gf as usize].funcs[gi as usize].sig;
    let n = sig.params.len();
    for (i, a) in call.args.iter().enumerate() {
        if i >= n || (sig.variadic && i + 1 >= n) {
            break;
        }
        let src = arg_src(l, fl, a, ctx, args, i);
        let dst = fl.node(Key::Param(g, i as u32));
        fl.flow(l, src, dst);
    }
    // Variadic arguments are elements of the last parameter's slice.
    if sig.variadic && n > 0 && call.args.len() >= n {
        let last = l.resolve(&sig.params[n - 1], l.ctx_of_func(g), 0);
        if let Some(k) = elem_key(l, last) {
            let dst = fl.node(k);
            for (i, a) in call.args.iter().enumerate().skip(n - 1) {
                let src = arg_src(l, fl, a, ctx, args, i);
                fl.flow(l, src, dst);
            }
        }
    }
}

/// Argument `i` (`a`) of a call, evaluated once for all the call's targets. Evaluating is
/// idempotent (the nodes, watchers and filters it creates exist after the first time, and the
/// result depends only on the expression and the node ids), so later targets reuse the first
/// evaluation instead of repeating it, with nodes created in the same order as before.
fn arg_src<'s, 'a, G: Graph<'a>>(
    l: &Linker<'a>,
    fl: &mut G,
    a: &'a Ty,
    ctx: Ctx<'a>,
    args: &'s mut Vec<Option<Src>>,
    i: usize,
) -> &'s Src {
    if args.len() <= i {
        args.resize_with(i + 1, || None);
    }
    args[i].get_or_insert_with(|| eval(l, fl, a, ctx, 0))
}

/// A store `dst = src` in context `ctx`.
fn store<'a, G: Graph<'a>>(l: &Linker<'a>, fl: &mut G, dst: &'a Sink, src: &'a Ty, ctx: Ctx<'a>) {
    let key = match dst {
        Sink::Expr(Ty::Member(x, name)) => {
            let rx = l.resolve(x, ctx, 0);
            l.field_owner(&rx, name)
                .map(|t| Key::Field(t, name.as_str()))
        }
        Sink::Expr(Ty::Param { func, index, .. }) => {
            Some(Key::Param(l.func_of(ctx.file, *func), *index))
        }
        Sink::Expr(Ty::Local { func, id, .. }) => Some(Key::Local(l.func_of(ctx.file, *func), *id)),
        Sink::Expr(t @ (Ty::Global(_) | Ty::PkgMember { .. })) => global_key(l, t, ctx),
        Sink::Expr(Ty::Elem(x)) => elem_key(l, l.resolve(x, ctx, 0)),
        Sink::Expr(_) => None,
        Sink::Field { ty, field } => {
            let r = l.resolve(ty, ctx, 0);
            match (r, field) {
                (RType::Named(t), FieldSel::Name(n))
                    if matches!(l.underlying(RType::Named(t), 0), RType::Struct(..)) =>
                {
                    Some(Key::Field(t, n.as_str()))
                }
                (RType::Named(t), FieldSel::Index(i))
                    if matches!(l.underlying(RType::Named(t), 0), RType::Struct(..)) =>
                {
                    l.field_name_at(t, *i).map(|n| Key::Field(t, n))
                }
                (RType::Unknown | RType::Struct(..), FieldSel::Name(n)) => {
                    Some(Key::AnyField(n.as_str()))
                }
                (r, _) => elem_key(l, r),
            }
        }
    };
    let Some(key) = key else { return };
    let s = eval(l, fl, src, ctx, 0);
    let dst = fl.node(key);
    fl.flow(l, &s, dst);
}

/// The node of field `name` of a value of type `rx`.
fn member_key<'a>(l: &Linker<'a>, rx: &RType<'a>, name: &'a str) -> Option<Key<'a>> {
    if let Some(t) = l.field_owner(rx, name) {
        return Some(Key::Field(t, name));
    }
    match l.pointee(rx) {
        RType::Unknown | RType::Struct(..) => Some(Key::AnyField(name)),
        _ => None,
    }
}

/// The package variable a `Global` / `PkgMember` names, if it is one.
fn global_key<'a>(l: &Linker<'a>, t: &'a Ty, ctx: Ctx<'a>) -> Option<Key<'a>> {
    let (file, idx) = match t {
        Ty::Global(name) => l.package_var(ctx, None, name)?,
        Ty::PkgMember { qual, name } => l.package_var(ctx, Some(qual), name)?,
        _ => return None,
    };
    Some(Key::Global(file, idx))
}

/// The value a resolved type stands for when it is concrete: a named non-interface type or a
/// known function. `Err(true)` when untracked (interfaces, func types, unknown), `Err(false)`
/// when the value carries no methods and no function (basic types, slices, maps).
fn concrete<'a>(l: &Linker<'a>, r: &RType<'a>) -> Result<Val, bool> {
    match r {
        RType::FuncVal(f) => Ok(Val::func(*f)),
        RType::Named(t) => match l.underlying(RType::Named(*t), 0) {
            RType::Iface(..) | RType::Error => Err(true),
            RType::Unknown => Err(true),
            _ => Ok(Val::ty(*t)),
        },
        RType::Ptr(inner) => match l.ty(*inner) {
            named @ RType::Named(_) => concrete(l, &named),
            _ => Err(false),
        },
        // `any` is the empty interface.
        RType::Basic("any") => Err(true),
        RType::Basic(_) | RType::Seq(_) | RType::Map(..) | RType::Chan(_) | RType::Struct(..) => {
            Err(false)
        }
        RType::Func(..) | RType::Iface(..) | RType::Error | RType::External | RType::Unknown => {
            Err(true)
        }
    }
}

const MAX_EVAL_DEPTH: u32 = 8;

/// `int(x)`, `uintptr(p)`, …: conversions to basic types carry no methods.
fn is_basic_conversion(name: &str) -> bool {
    matches!(
        name,
        "string"
            | "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "byte"
            | "rune"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "bool"
            | "len"
            | "cap"
            | "complex"
            | "real"
            | "imag"
    )
}

/// Evaluates an expression type to its flow sources.
fn eval<'a, G: Graph<'a>>(l: &Linker<'a>, fl: &mut G, ty: &'a Ty, ctx: Ctx<'a>, depth: u32) -> Src {
    let mut out = Src::default();
    eval_into(l, fl, ty, ctx, depth, &mut out);
    out
}

fn eval_into<'a, G: Graph<'a>>(
    l: &Linker<'a>,
    fl: &mut G,
    ty: &'a Ty,
    ctx: Ctx<'a>,
    depth: u32,
    out: &mut Src,
) {
    if depth > MAX_EVAL_DEPTH {
        out.unknown = true;
        mark(out, "depth", ty);
        return;
    }
    if let Ty::Global(name) = ty {
        if matches!(name.as_str(), "nil" | "true" | "false" | "iota") {
            return;
        }
    }
    let r = l.resolve(ty, ctx, 0);
    if let (Ty::Named { qual: None, name }, RType::Unknown) = (ty, &r) {
        if !ctx.tparams.iter().any(|t| t == name) {
            // A type declared inside a function body (the front end keeps no facts for it): its
            // values are tracked as carrying no methods of their own.
            return;
        }
    }
    let untracked = match concrete(l, &r) {
        // A local defined as a function may be assigned other functions later: its node has
        // them all (the definition is one of its stores).
        Ok(v) if v.as_func().is_some() && matches!(ty, Ty::Local { .. }) => true,
        Ok(v) => {
            out.vals.push(v);
            return;
        }
        // A string, a number, a slice or map: the value itself carries no method and no
        // function (its elements have nodes of their own), so nothing flows.
        Err(false) => return,
        Err(true) => true,
    };
    match ty {
        Ty::Param { func, index, .. } => {
            let n = fl.node(Key::Param(l.func_of(ctx.file, *func), *index));
            out.nodes.push(n);
        }
        Ty::Local { func, id, .. } => {
            let n = fl.node(Key::Local(l.func_of(ctx.file, *func), *id));
            out.nodes.push(n);
        }
        Ty::Global(_) | Ty::PkgMember { .. } => match global_key(l, ty, ctx) {
            Some(k) => out.nodes.push(fl.node(k)),
            None => {
                out.unknown |= untracked;
                if untracked {
                    mark(out, "global", ty)
                }
            }
        },
        Ty::Member(x, name) => {
            let rx = l.resolve(x, ctx, 0);
            if let Some(MethodEntry::Abstract(iface)) = l.find_method(&rx, name) {
                // A method value `x.M` of an interface: the methods `M` of its implementations.
                out.vals
                    .extend(l.dispatch(iface, name).iter().map(|&f| Val::func(f)));
                return;
            }
            match member_key(l, &rx, name) {
                Some(k) => out.nodes.push(fl.node(k)),
                None => {
                    out.unknown |= untracked;
                    if untracked {
                        mark(out, "member", ty)
                    }
                }
            }
        }
        Ty::ResultOf {
            callee,
            index,
            operand,
        } => {
            if let Callee::Global(name) = callee.as_ref() {
                if matches!(r, RType::Basic(_)) || is_basic_conversion(name) {
                    return;
                }
            }
            let conversion = l.is_type_name(callee, ctx)
                || matches!(callee.as_ref(), Callee::Global(n) if n == "error" || n == "any");
            if conversion {
                // A conversion to an interface or func type: the operand's values.
                if let Some(x) = operand {
                    eval_into(l, fl, x, ctx, depth + 1, out);
                    return;
                }
                out.unknown |= untracked;
                if untracked {
                    mark(out, "conversion", ty)
                }
                return;
            }
            let targets = l.plain_targets(callee, ctx);
            if targets.is_empty() {
                if is_value_call(l, callee, ctx) {
                    let key = Key::CallResult(callee.as_ref() as *const Callee as usize, *index);
                    let fresh = !fl.has(&key);
                    let node = fl.node(key);
                    if fresh {
                        fl.watch(Watcher {
                            callee,
                            ctx,
                            index: *index,
                            node,
                            wired: FxHashSet::default(),
                        });
                    }
                    out.nodes.push(node);
                } else if !is_abstract_call(l, callee, ctx) {
                    // (An interface method with no implementation returns nothing.)
                    out.unknown |= untracked;
                    if untracked {
                        mark(out, "result-unresolved", ty)
                    }
                }
            }
            for g in targets {
                out.nodes.push(fl.node(Key::Result(g, *index)));
            }
        }
        Ty::Pointer(x) | Ty::Deref(x) => eval_into(l, fl, x, ctx, depth + 1, out),
        Ty::Assert { x, ty: asserted } => {
            let names = match l.underlying(l.resolve(asserted, ctx, 0), 0) {
                RType::Iface(it, file) => Some(l.iface_method_names(IfaceRef::Inline(it, file))),
                RType::Error => Some(vec!["Error"]),
                _ => None,
            };
            match names {
                Some(names) if !names.is_empty() => {
                    let key = Key::Assert(ty as *const Ty as usize);
                    let fresh = !fl.has(&key);
                    let node = fl.node(key);
                    if fresh {
                        fl.filter(node, names);
                        let src = eval(l, fl, x, ctx, depth + 1);
                        fl.flow(l, &src, node);
                    }
                    out.nodes.push(node);
                }
                _ => eval_into(l, fl, x, ctx, depth + 1, out),
            }
        }
        Ty::Elem(x) => match elem_key(l, l.resolve(x, ctx, 0)) {
            Some(k) => out.nodes.push(fl.node(k)),
            None => {
                out.unknown |= untracked;
                if untracked {
                    mark(out, "elem", ty)
                }
            }
        },
        _ => {
            out.unknown |= untracked;
            if untracked {
                mark(out, "other", ty)
            }
        }
    }
}

/// The values reaching a callee expression that calls a func value.
fn callee_reach<'a>(l: &Linker<'a>, fl: &mut Flows<'a>, callee: &'a Callee, ctx: Ctx<'a>) -> Reach {
    let src = callee_src(l, fl, callee, ctx)?;
    fl.reach(&src)
}

fn callee_src<'a>(
    l: &Linker<'a>,
    fl: &mut Flows<'a>,
    callee: &'a Callee,
    ctx: Ctx<'a>,
) -> Option<Src> {
    Some(match callee {
        Callee::Value(t) => eval(l, fl, t, ctx, 0),
        Callee::Global(name) => match l.package_var(ctx, None, name) {
            Some((f, i)) => Src {
                nodes: vec![fl.node(Key::Global(f, i))],
                ..Src::default()
            },
            None => return None,
        },
        Callee::Qualified { qual, name } => match l.package_var(ctx, Some(qual), name) {
            Some((f, i)) => Src {
                nodes: vec![fl.node(Key::Global(f, i))],
                ..Src::default()
            },
            None => return None,
        },
        Callee::Method { recv, name } => {
            let rx = l.resolve(recv, ctx, 0);
            match l.field_owner(&rx, name) {
                Some(t) => Src {
                    nodes: vec![fl.node(Key::Field(t, name.as_str()))],
                    ..Src::default()
                },
                None => return None,
            }
        }
        Callee::Literal(_) => return None,
    })
}

impl<'a> Flows<'a> {
    /// Wires the func-value call results first met after solving (in queries), so that they
    /// are not mistaken for empty.
    fn settle(&mut self, l: &Linker<'a>) {
        let mut guard = 0;
        while self.settled < self.watchers.len() && guard < 64 {
            guard += 1;
            let start = self.settled;
            self.settled = self.watchers.len();
            for i in start..self.settled {
                let (callee, ctx, index, node) = {
                    let w = &self.watchers[i];
                    (w.callee, w.ctx, w.index, w.node)
                };
                match callee_reach(l, self, callee, ctx) {
                    Some(reach) => {
                        for g in reach.into_iter().filter_map(Val::as_func) {
                            if self.watchers[i].wired.insert(g) {
                                let src = Src {
                                    nodes: vec![self.node(Key::Result(g, index))],
                                    ..Src::default()
                                };
                                self.flow(l, &src, node);
                            }
                        }
                    }
                    None => {
                        let swhy = if dbg_on() {
                            let cs = callee_src(l, self, callee, ctx);
                            format!(
                                "settle-callee {} ## {}",
                                cs.map(|cs| self.explain(l, &cs))
                                    .unwrap_or_else(|| format!("nosrc {:?}", callee)),
                                format!("{:?}", callee)
                                    .chars()
                                    .take(150)
                                    .collect::<String>()
                            )
                        } else {
                            String::new()
                        };
                        self.flow(
                            l,
                            &Src {
                                unknown: true,
                                why: Some(swhy),
                                ..Src::default()
                            },
                            node,
                        )
                    }
                }
            }
            self.solve(l);
        }
    }

    /// Diagnostics: the cause of `src` being untracked and the last nodes on its way.
    fn explain(&self, l: &Linker<'a>, src: &Src) -> String {
        if src.unknown {
            return src.why.clone().unwrap_or_else(|| "?".into());
        }
        let Some(mut n) = src
            .nodes
            .iter()
            .copied()
            .find(|&n| self.unknown[n as usize])
        else {
            return "tracked".into();
        };
        let mut chain = Vec::new();
        let mut guard = 0;
        loop {
            chain.push(self.key_name(l, n));
            let w = self.why[n as usize];
            guard += 1;
            if w < 0 || guard > 50 {
                let r = if w <= -2 {
                    self.roots[(-w - 2) as usize].clone()
                } else {
                    "??".into()
                };
                return format!(
                    "{} <= {}",
                    r,
                    chain
                        .iter()
                        .rev()
                        .take(4)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" <- ")
                );
            }
            n = w as u32;
        }
    }

    /// Diagnostics: a readable name of node `n` (a linear search: only for diagnostics).
    fn key_name(&self, l: &Linker<'a>, n: u32) -> String {
        let k = self.ids.iter().find(|(_, &v)| v == n).map(|(k, _)| *k);
        let fname = |f: FuncId| {
            let (fi, i) = l.func_origin[f.index()];
            let ff = &l.files[fi as usize];
            format!("{}:{}", ff.path, ff.funcs[i as usize].name)
        };
        match k {
            Some(Key::Param(f, i)) => format!("Param({},{})", fname(f), i),
            Some(Key::Result(f, i)) => format!("Result({},{})", fname(f), i),
            Some(Key::Local(f, i)) => format!("Local({},{})", fname(f), i),
            Some(Key::Field(t, n)) => format!("Field({},{})", l.types[t as usize].decl.name, n),
            Some(Key::Global(f, i)) => format!(
                "Global({}:{})",
                l.files[f as usize].path, l.files[f as usize].values[i as usize].name
            ),
            other => format!("{other:?}"),
        }
    }

    /// Functions that reach a func-value callee (empty when none is tracked).
    pub(crate) fn value_targets(
        &mut self,
        l: &Linker<'a>,
        callee: &'a Callee,
        ctx: Ctx<'a>,
    ) -> Vec<FuncId> {
        let reach = callee_reach(l, self, callee, ctx);
        let reach = if self.settled < self.watchers.len() {
            self.settle(l);
            callee_reach(l, self, callee, ctx)
        } else {
            reach
        };
        let mut out: Vec<FuncId> = match reach {
            Some(r) => r.into_iter().filter_map(Val::as_func).collect(),
            None => Vec::new(),
        };
        out.sort_unstable();
        out
    }

    /// The concrete types reaching a receiver expression; `None` when untracked or empty
    /// (the caller falls back to RTA).
    pub(crate) fn receiver_types(
        &mut self,
        l: &Linker<'a>,
        recv: &'a Ty,
        ctx: Ctx<'a>,
    ) -> Option<Vec<TypeId>> {
        let src = eval(l, self, recv, ctx, 0);
        self.settle(l);
        let reach = self.reach(&src);
        if reach.is_none() && dbg_on() {
            let root = self.explain(l, &src);
            SITE.with(|s| eprintln!("WHY\t{}\t{}", s.borrow(), root));
        }
        let reach = reach?;
        let mut out: Vec<TypeId> = reach.into_iter().filter_map(Val::as_type).collect();
        out.sort_unstable();
        Some(out)
    }
}

/// The methods named `name` of `types` that implement an interface with `iface_methods`;
/// `None` if one of them gets the method from an embedded interface (target unknown).
pub(crate) fn methods_of<'a>(
    l: &Linker<'a>,
    types: &[TypeId],
    iface_methods: &[&'a str],
    name: &str,
    shape: Option<super::types::Shape>,
) -> Option<Vec<FuncId>> {
    let mut out = Vec::new();
    for &t in types {
        let ms = l.method_set(t);
        if !iface_methods.iter().all(|m| ms.contains_key(m)) {
            continue;
        }
        match ms.get(name) {
            Some(MethodEntry::Concrete(f)) if l.method_fits(*f, shape) => out.push(*f),
            Some(MethodEntry::Abstract(_)) => return None,
            Some(MethodEntry::Concrete(_)) | None => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::build_tags::BuildTarget;
    use crate::program::packages;

    /// The state of a flow graph that solving and queries read, in a comparable form.
    fn state(fl: &Flows<'_>) -> String {
        let mut ids: Vec<(String, u32)> =
            fl.ids.iter().map(|(k, v)| (format!("{k:?}"), *v)).collect();
        ids.sort();
        let watchers: Vec<(u32, u32)> = fl.watchers.iter().map(|w| (w.node, w.index)).collect();
        let mut filter_of: Vec<(u32, u32)> = fl.filter_of.iter().map(|(k, v)| (*k, *v)).collect();
        filter_of.sort_unstable();
        format!(
            "{ids:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{watchers:?}\n{filter_of:?}\n{:?}",
            fl.order, fl.unknown, fl.succs, fl.work, fl.queued, fl.filters
        )
    }

    /// Recording files with another view and replaying them builds the very graph that
    /// building them directly does (what the parallel construction relies on).
    #[test]
    fn replayed_recordings_build_the_direct_graph() {
        for fixture in ["errpath", "flows", "shop"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/go")
                .join(fixture);
            let set = crate::source::load_path(&dir, &crate::source::LoadOptions::default())
                .expect("fixture loads");
            let (mut files, failed) = crate::index::parse_go(&set.files);
            assert!(failed.is_empty());
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let pm = packages::assign(&files, &crate::index::go_mods(&set.files));
            let l = Linker::new(&files, &pm, &BuildTarget::default());
            let in_build: Vec<usize> = (0..files.len()).filter(|&i| l.file_in_build[i]).collect();

            let mut direct = Flows::default();
            let mut direct_calls = Vec::new();
            for &fi in &in_build {
                construct_file(&l, &mut direct, fi, &mut direct_calls, true);
            }
            // Odd files recorded by a second view, even ones built directly, as the linking
            // thread and its helper share chunks.
            let view = Linker::view(l.tables());
            let mut mixed = Flows::default();
            let mut mixed_calls = Vec::new();
            for (i, chunk) in in_build.chunks(1).enumerate() {
                if i % 2 == 0 {
                    for &fi in chunk {
                        construct_file(&l, &mut mixed, fi, &mut mixed_calls, true);
                    }
                } else {
                    let mut rec = Recording::default();
                    let mut calls = Vec::new();
                    for &fi in chunk {
                        construct_file(&view, &mut rec, fi, &mut calls, true);
                    }
                    rec.value_calls = calls;
                    rec.replay(&l, &mut mixed, &mut mixed_calls);
                }
            }
            assert!(!direct.ids.is_empty(), "{fixture}");
            assert_eq!(state(&direct), state(&mixed), "{fixture}");
            let calls = |v: &[ValueCall<'_>]| -> Vec<(FuncId, usize)> {
                v.iter()
                    .map(|(f, c, _)| (*f, *c as *const crate::lang::go::Call as usize))
                    .collect()
            };
            assert_eq!(calls(&direct_calls), calls(&mixed_calls), "{fixture}");
        }
    }
}
