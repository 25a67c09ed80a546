//! The linker: symbol tables of every package, then every call and every string resolved.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use petgraph::graph::DiGraph;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::intern::Interner;
use crate::lang::go::{
    Callee, GoFile, GoMod, ImportName, InterfaceType, Role, StrValue, StringUse, Ty, TypeDecl,
    ValueRef,
};

use super::build_tags::BuildTarget;
use super::flow::{self, Flows};
use super::handoff;
use super::packages;
use super::types::{Ctx, IfaceRef, MethodEntry, MethodSet, RType, TypeId, TypeTable};
use super::{
    CallEdge, EdgeKind, FileId, FuncId, FuncKind, Function, OwnedString, Program, ProgramFile,
    UnresolvedCounts,
};

/// An interface's method names and the called method.
type DispatchKey<'a> = (Vec<&'a str>, &'a str, Option<super::types::Shape>);

/// Dispatch results by interface identity (address of its declaration or 0 for `error`, file)
/// and method.
type DispatchMemo<'a> = FxHashMap<(usize, u32, &'a str), Rc<Vec<FuncId>>>;

/// Instantiated types by method name.
type ByMethod<'a> = FxHashMap<&'a str, Vec<TypeId>>;

pub(crate) struct TypeInfo<'a> {
    pub file: u32,
    pub decl: &'a TypeDecl,
}

/// The symbol tables over the facts of every file: built once, read-only afterwards, so that
/// several threads can evaluate types against them (each through its own [`Linker`]).
pub(crate) struct Tables<'a> {
    pub files: &'a [GoFile],
    pub file_package: Vec<u32>,
    pub file_in_build: Vec<bool>,
    /// Per file: import qualifier → `Some(package)` in the program, `None` external.
    pub file_imports: Vec<FxHashMap<&'a str, Option<u32>>>,
    pub dot_imports: Vec<Vec<u32>>,
    /// Per file: FuncId of its first function (functions are numbered file by file).
    pub func_base: Vec<u32>,
    /// Per FuncId: (file, index in the file's funcs).
    pub func_origin: Vec<(u32, u32)>,
    pub pkg_funcs: Vec<FxHashMap<&'a str, FuncId>>,
    pub pkg_types: Vec<FxHashMap<&'a str, TypeId>>,
    pub pkg_values: Vec<FxHashMap<&'a str, (u32, u32)>>,
    pub types: Vec<TypeInfo<'a>>,
    /// Per type: declared methods by name.
    pub methods: Vec<FxHashMap<&'a str, FuncId>>,
    /// Concrete (non-interface) types that are instantiated somewhere.
    instantiated: Vec<TypeId>,
    /// Per type, its method set, computed once in one order by one thread: the cycle guard of
    /// [`Linker::method_set`] makes a set depend on which set of a cycle was asked for first,
    /// so views must not compute their own.
    pub method_sets: Vec<Arc<MethodSet<'a>>>,
}

/// The type evaluator: the shared [`Tables`] (through `Deref`) and this thread's memos. The
/// memos are pure functions of the tables, so every view computes the same answers; the parts
/// of composite types ([`TypeTable`]) are numbered per view, so a resolved [`RType`] never
/// leaves the view that made it (what crosses threads are ids: functions, types, files).
pub(crate) struct Linker<'a> {
    t: Arc<Tables<'a>>,
    /// Method sets being computed (before [`Tables::method_sets`] is filled).
    pub method_memo: RefCell<FxHashMap<TypeId, Arc<MethodSet<'a>>>>,
    dispatch_cache: RefCell<FxHashMap<DispatchKey<'a>, Rc<Vec<FuncId>>>>,
    /// [`Linker::dispatch`] by interface identity and method (before the method names and
    /// shape that key `dispatch_cache` are worked out).
    dispatch_memo: RefCell<DispatchMemo<'a>>,
    /// The instantiated types by the names of their methods (in `instantiated` order).
    by_method: RefCell<Option<Rc<ByMethod<'a>>>>,
    /// The parts of composite resolved types.
    pub type_table: RefCell<TypeTable<'a>>,
}

impl<'a> std::ops::Deref for Linker<'a> {
    type Target = Tables<'a>;
    fn deref(&self) -> &Tables<'a> {
        &self.t
    }
}

/// Links the facts of every file into a [`Program`]. `gomods` are the repository's `go.mod`
/// files as (directory relative to the root, contents).
pub fn link(files: Vec<GoFile>, gomods: &[(String, GoMod)], target: &BuildTarget) -> Program {
    link_with(files, gomods, target, |_| ()).0
}

/// [`link`], running `beside` over the same facts on another core once the flow graph is built
/// (natively; after linking on wasm32): solving the flows and linking the calls are serial, so
/// work that only reads the facts (the external calls of the explainer) costs no wall-clock time
/// there.
pub fn link_with<R: Send>(
    files: Vec<GoFile>,
    gomods: &[(String, GoMod)],
    target: &BuildTarget,
    beside: impl FnOnce(&[GoFile]) -> R + Send,
) -> (Program, R) {
    let t0 = crate::program::Lap::start();
    let pm = packages::assign(&files, gomods);
    t0.done("assign");
    let t0 = crate::program::Lap::start();
    let linker = Linker::new(&files, &pm, target);
    t0.done("Linker::new");
    let mut program = Program {
        packages: pm.packages.clone(),
        ..Program::default()
    };
    let side = linker.build(&mut program, || beside(&files));
    drop(linker);
    discard(files);
    (program, side)
}

/// Frees the facts off the critical path. Dropping millions of small strings and vectors took
/// about a fifth of the link stage's instructions, and nothing waits for that memory; natively
/// a short-lived thread frees it while the closure is computed. On wasm32 there is no thread to
/// hand it to, so the facts wait in [`free_linked_facts`]'s care until the caller has sent its
/// answer (the web worker calls it after posting the index's overview).
fn discard(files: Vec<GoFile>) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = std::thread::Builder::new()
            .name("refract-free-facts".into())
            .spawn(move || drop(files));
    }
    #[cfg(target_arch = "wasm32")]
    LINKED_FACTS.with(|f| f.borrow_mut().push(files));
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// Facts linked since the last [`free_linked_facts`].
    static LINKED_FACTS: std::cell::RefCell<Vec<Vec<GoFile>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Frees the facts of the programs linked so far on this thread (wasm32: [`link_with`] leaves
/// them for the caller to free once nothing waits on it; natively they are already freed).
pub fn free_linked_facts() {
    #[cfg(target_arch = "wasm32")]
    drop(LINKED_FACTS.with(|f| std::mem::take(&mut *f.borrow_mut())));
}

impl<'a> Linker<'a> {
    pub(crate) fn new(
        files: &'a [GoFile],
        pm: &'a packages::PackageMap,
        target: &BuildTarget,
    ) -> Self {
        let n_pkgs = pm.packages.len();
        let file_in_build: Vec<bool> = files
            .iter()
            .map(|f| {
                let name = f.path.rsplit('/').next().unwrap_or(&f.path);
                target.includes(name, f.build_constraint.as_deref())
            })
            .collect();

        // Imports: a path may name several packages (one dir, several clauses); prefer the one
        // that is not `main` and has files in the build.
        let pick = |path: &str| -> Option<u32> {
            let cands = pm.by_import_path.get(path)?;
            cands
                .iter()
                .copied()
                .find(|&p| pm.packages[p as usize].name != "main")
                .or_else(|| cands.first().copied())
        };
        let mut file_imports = Vec::with_capacity(files.len());
        let mut dot_imports = Vec::with_capacity(files.len());
        for f in files {
            let mut m: FxHashMap<&'a str, Option<u32>> = FxHashMap::default();
            let mut dots = Vec::new();
            for imp in &f.imports {
                let target_pkg = pick(&imp.path);
                match &imp.name {
                    ImportName::Default => {
                        // The qualifier is the package's real name when we have the package.
                        let q = match target_pkg {
                            Some(p) => pm.packages[p as usize].name.as_str(),
                            None => crate::lang::go::default_import_name(&imp.path),
                        };
                        // Both the declared name and the path-derived name, for safety.
                        m.insert(q, target_pkg);
                        m.entry(crate::lang::go::default_import_name(&imp.path))
                            .or_insert(target_pkg);
                    }
                    ImportName::Alias(a) => {
                        m.insert(a.as_str(), target_pkg);
                    }
                    ImportName::Dot => dots.extend(target_pkg),
                    ImportName::Blank => {}
                }
            }
            file_imports.push(m);
            dot_imports.push(dots);
        }

        let mut func_base = Vec::with_capacity(files.len());
        let mut func_origin = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            func_base.push(func_origin.len() as u32);
            for i in 0..f.funcs.len() {
                func_origin.push((fi as u32, i as u32));
            }
        }

        // Package symbol tables; definitions from files in the build win over others.
        let mut pkg_funcs: Vec<FxHashMap<&'a str, FuncId>> = vec![FxHashMap::default(); n_pkgs];
        let mut pkg_types: Vec<FxHashMap<&'a str, TypeId>> = vec![FxHashMap::default(); n_pkgs];
        let mut pkg_values: Vec<FxHashMap<&'a str, (u32, u32)>> =
            vec![FxHashMap::default(); n_pkgs];
        let mut types = Vec::new();
        let mut order: Vec<usize> = (0..files.len()).collect();
        // Files outside the build first, so that files in the build overwrite them.
        order.sort_by_key(|&i| file_in_build[i]);
        for &fi in &order {
            let f = &files[fi];
            let pkg = pm.file_package[fi] as usize;
            for (i, func) in f.funcs.iter().enumerate() {
                if func.receiver.is_none()
                    && func.parent.is_none()
                    && !func.name.starts_with("init$")
                {
                    pkg_funcs[pkg].insert(func.name.as_str(), FuncId(func_base[fi] + i as u32));
                }
            }
            for decl in &f.types {
                types.push(TypeInfo {
                    file: fi as u32,
                    decl,
                });
                pkg_types[pkg].insert(decl.name.as_str(), (types.len() - 1) as TypeId);
            }
            for (i, v) in f.values.iter().enumerate() {
                pkg_values[pkg].insert(v.name.as_str(), (fi as u32, i as u32));
            }
        }
        // `init` functions are not callable by name.
        for t in &mut pkg_funcs {
            t.remove("init");
        }
        // Methods attach to the type of their package with that name.
        let mut methods: Vec<FxHashMap<&'a str, FuncId>> = vec![FxHashMap::default(); types.len()];
        for &fi in &order {
            let f = &files[fi];
            let pkg = pm.file_package[fi] as usize;
            for (i, func) in f.funcs.iter().enumerate() {
                let (Some(recv), None) = (&func.receiver, func.parent) else {
                    continue;
                };
                if let Some(&t) = pkg_types[pkg].get(recv.type_name.as_str()) {
                    methods[t as usize]
                        .insert(func.name.as_str(), FuncId(func_base[fi] + i as u32));
                }
            }
        }

        let tables = Tables {
            files,
            file_package: pm.file_package.clone(),
            file_in_build,
            file_imports,
            dot_imports,
            func_base,
            func_origin,
            pkg_funcs,
            pkg_types,
            pkg_values,
            types,
            methods,
            instantiated: Vec::new(),
            method_sets: Vec::new(),
        };
        let t0 = crate::program::Lap::start();
        // (The set is computed by a view of the tables without it, as it always was; the view's
        // memos stay valid, for nothing it computes depends on the set.)
        let mut linker = Linker::view(Arc::new(tables));
        let instantiated = linker.collect_instantiated();
        // Every type's method set, in type order after those the set above asked for.
        let method_sets: Vec<Arc<MethodSet<'a>>> = (0..linker.types.len() as TypeId)
            .map(|t| linker.method_set_arc(t))
            .collect();
        // (Nothing above dispatches; should it ever, its answers without the set must go.)
        linker.method_memo.borrow_mut().clear();
        linker.dispatch_memo.borrow_mut().clear();
        linker.dispatch_cache.borrow_mut().clear();
        *linker.by_method.borrow_mut() = None;
        if let Some(t) = Arc::get_mut(&mut linker.t) {
            t.instantiated = instantiated;
            t.method_sets = method_sets;
        }
        t0.done("instantiated");
        linker
    }

    /// A view of `t` with memos of its own.
    pub(crate) fn view(t: Arc<Tables<'a>>) -> Self {
        Linker {
            t,
            method_memo: RefCell::new(FxHashMap::default()),
            dispatch_cache: RefCell::new(FxHashMap::default()),
            dispatch_memo: RefCell::new(FxHashMap::default()),
            by_method: RefCell::new(None),
            type_table: RefCell::new(TypeTable::default()),
        }
    }

    /// The shared tables, for another thread's [`Linker::view`].
    pub(crate) fn tables(&self) -> Arc<Tables<'a>> {
        self.t.clone()
    }

    pub(crate) fn import_target(&self, file: u32, qual: &str) -> Option<Option<u32>> {
        self.file_imports[file as usize].get(qual).copied()
    }

    pub(crate) fn func_of(&self, file: u32, idx: u32) -> FuncId {
        FuncId(self.func_base[file as usize] + idx)
    }

    /// Named concrete types created or converted anywhere (RTA's instantiated set).
    fn collect_instantiated(&self) -> Vec<TypeId> {
        let mut set: FxHashSet<TypeId> = FxHashSet::default();
        for (fi, f) in self.files.iter().enumerate() {
            if !self.file_in_build[fi] {
                continue;
            }
            let ctx = Ctx {
                file: fi as u32,
                tparams: &[],
            };
            for ty in &f.instantiated {
                let mut r = self.resolve(ty, ctx, 0);
                while let RType::Ptr(inner) = r {
                    r = self.ty(inner);
                }
                if let RType::Named(t) = r {
                    set.insert(t);
                }
            }
            // Conversions `T(x)` and method expressions count as well.
            for func in &f.funcs {
                for call in &func.calls {
                    if let Callee::Global(_) | Callee::Qualified { .. } = &call.callee {
                        if self.is_type_name(&call.callee, ctx) {
                            if let RType::Named(t) = self.callee_type(&call.callee, ctx) {
                                set.insert(t);
                            }
                        }
                    }
                }
            }
        }
        let mut v: Vec<TypeId> = set
            .into_iter()
            .filter(|&t| {
                !matches!(
                    self.underlying(RType::Named(t), 0),
                    RType::Iface(..) | RType::Error
                )
            })
            .collect();
        v.sort_unstable();
        v
    }

    fn callee_type(&self, callee: &'a Callee, ctx: Ctx<'a>) -> RType<'a> {
        match callee {
            Callee::Global(name) => self.resolve_value_name(ctx, name, 0),
            Callee::Qualified { qual, name } => match self.import_target(ctx.file, qual) {
                Some(Some(pkg)) => match self.pkg_types[pkg as usize].get(name.as_str()) {
                    Some(&t) => RType::Named(t),
                    None => RType::Unknown,
                },
                _ => RType::Unknown,
            },
            _ => RType::Unknown,
        }
    }

    /// Implementations of method `name` of the interface with method set `iface_methods`.
    pub(crate) fn dispatch(&self, iface: IfaceRef<'a>, name: &'a str) -> Rc<Vec<FuncId>> {
        let id = match iface {
            IfaceRef::Error => (0, 0, name),
            IfaceRef::Inline(it, file) => (it as *const InterfaceType as usize, file, name),
        };
        if let Some(hit) = self.dispatch_memo.borrow().get(&id) {
            return hit.clone();
        }
        let out = self.dispatch_uncached(iface, name);
        self.dispatch_memo.borrow_mut().insert(id, out.clone());
        out
    }

    fn dispatch_uncached(&self, iface: IfaceRef<'a>, name: &'a str) -> Rc<Vec<FuncId>> {
        let methods = self.iface_method_names(iface);
        let shape = self.iface_method_shape(iface, name);
        let key = (methods, name, shape);
        if let Some(hit) = self.dispatch_cache.borrow().get(&key) {
            return hit.clone();
        }
        let mut out = Vec::new();
        // Only the types with a method of that name can qualify.
        let by_method = self.by_method();
        for &t in by_method.get(name).map_or(&[][..], |v| v.as_slice()) {
            let ms = self.method_set(t);
            if !key.0.iter().all(|m| ms.contains_key(m)) {
                continue;
            }
            if let Some(MethodEntry::Concrete(f)) = ms.get(name) {
                if self.method_fits(*f, shape) {
                    out.push(*f);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        let out = Rc::new(out);
        self.dispatch_cache.borrow_mut().insert(key, out.clone());
        out
    }

    /// The instantiated types by method name (built on first use).
    fn by_method(&self) -> Rc<ByMethod<'a>> {
        if let Some(m) = self.by_method.borrow().as_ref() {
            return m.clone();
        }
        let mut m: FxHashMap<&'a str, Vec<TypeId>> = FxHashMap::default();
        for &t in &self.instantiated {
            for name in self.method_set(t).keys() {
                m.entry(name).or_default().push(t);
            }
        }
        let m = Rc::new(m);
        *self.by_method.borrow_mut() = Some(m.clone());
        m
    }

    /// Builds the program; runs `side` on another core once the flow graph is built (the other
    /// core helps building it; solving it and linking the calls are serial).
    #[cfg(not(target_arch = "wasm32"))]
    fn build<R: Send>(&self, program: &mut Program, side: impl FnOnce() -> R + Send) -> R {
        let mut out = None;
        rayon::in_place_scope(|s| {
            let flows = self.build_with(program, || {
                s.spawn(|_| {
                    let t0 = crate::program::Lap::start();
                    out = Some(side());
                    t0.done("beside (externals)");
                })
            });
            // Freeing the flow graph's many small sets need not hold up the link.
            s.spawn(move |_| drop(flows));
        });
        match out {
            Some(r) => r,
            // (The scope waits for its task, and re-raises its panic.)
            None => unreachable!("rayon scope returned before its task"),
        }
    }

    /// Builds the program, then runs `side`.
    #[cfg(target_arch = "wasm32")]
    fn build<R>(&self, program: &mut Program, side: impl FnOnce() -> R) -> R {
        drop(self.build_with(program, || ()));
        side()
    }

    /// Builds the program; calls `constructed` once the flow graph is built.
    /// Returns the solved flows (for the caller to free).
    fn build_with(&self, program: &mut Program, constructed: impl FnOnce()) -> Flows<'a> {
        // The function table does not depend on the flow pass: it is built beside it.
        let tables = FuncTables {
            files: self.files,
            file_package: &self.file_package,
            file_in_build: &self.file_in_build,
            func_base: &self.func_base,
        };
        // Neither do the hand-off facts, read by a view of the tables of its own.
        let shared = self.tables();
        let n_funcs = self.func_origin.len();
        let t0 = crate::program::Lap::start();
        let (flows, (strings, handoffs)) = beside(
            || {
                let t0 = crate::program::Lap::start();
                let r = flow::solve(self, constructed);
                t0.done("flow::solve");
                r
            },
            || {
                let t0 = crate::program::Lap::start();
                let strings = tables.functions(program);
                t0.done("functions");
                let t0 = crate::program::Lap::start();
                let handoffs = handoff::collect(&Linker::view(shared), n_funcs);
                t0.done("handoffs");
                (strings, handoffs)
            },
        );
        t0.done("solve||functions");
        self.link_calls(program, flows, strings, handoffs)
    }

    /// Every call resolved into edges and every function's strings, with the solved flows.
    fn link_calls(
        &self,
        program: &mut Program,
        mut flows: Flows<'a>,
        mut strings: Interner,
        handoffs: handoff::Handoffs,
    ) -> Flows<'a> {
        let mut graph: DiGraph<FuncId, CallEdge> =
            DiGraph::with_capacity(program.funcs.len(), program.funcs.len() * 4);
        for i in 0..program.funcs.len() {
            graph.add_node(FuncId(i as u32));
        }
        let mut unresolved = UnresolvedCounts::default();
        let mut seen: FxHashSet<(u32, u32, u32)> = FxHashSet::default();
        let t0 = crate::program::Lap::start();
        for (fi, f) in self.files.iter().enumerate() {
            for (i, func) in f.funcs.iter().enumerate() {
                let caller = self.func_of(fi as u32, i as u32);
                let ctx = self.ctx_of_func(caller);
                // Sentinels handed to a function that stores them for another goroutine
                // (`req.respond(ErrX)`): this function produces them.
                let mut handed: Vec<(ValueRef, u32)> = Vec::new();
                for call in &func.calls {
                    if flow::dbg_on() {
                        flow::SITE.with(|s| *s.borrow_mut() = format!("{}:{}", f.path, call.line));
                    }
                    let targets =
                        self.call_targets(&call.callee, ctx, &mut unresolved, Some(&mut flows));
                    for (callee, _) in &targets {
                        for &p in handoffs.params_written(*callee) {
                            let r = match call.args.get(p as usize) {
                                Some(Ty::Global(name)) => ValueRef {
                                    qual: None,
                                    name: name.clone(),
                                },
                                Some(Ty::PkgMember { qual, name }) => ValueRef {
                                    qual: Some(qual.clone()),
                                    name: name.clone(),
                                },
                                _ => continue,
                            };
                            if !handed.iter().any(|(h, l)| *h == r && *l == call.line) {
                                handed.push((r, call.line));
                            }
                        }
                    }
                    for (callee, kind) in targets {
                        // One edge per (caller, callee, line).
                        if !seen.insert((caller.0, callee.0, call.line)) {
                            continue;
                        }
                        graph.add_edge(
                            caller.node(),
                            callee.node(),
                            CallEdge {
                                line: call.line,
                                kind,
                                is_go: call.is_go,
                                is_defer: call.is_defer,
                            },
                        );
                    }
                }
                let owned = self.owned_strings(fi as u32, func, &handed, &mut strings);
                program.funcs[caller.index()].strings = owned;
            }
        }
        t0.done("edges+strings");
        program.handoffs = handoffs;
        program.graph = graph;
        program.unresolved = unresolved;
        program.strings = strings;
        flows
    }

    /// The functions a call may reach without type flow (static targets, RTA dispatch): what
    /// the type-flow pass passes arguments to.
    pub(crate) fn plain_targets(&self, callee: &'a Callee, ctx: Ctx<'a>) -> Vec<FuncId> {
        let mut unresolved = UnresolvedCounts::default();
        self.call_targets(callee, ctx, &mut unresolved, None)
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    /// The functions a call may reach, with the edge kind; counts what it cannot resolve.
    /// With `flows`, interface calls dispatch to the types reaching the receiver and calls of
    /// func values to the functions reaching the callee.
    fn call_targets(
        &self,
        callee: &'a Callee,
        ctx: Ctx<'a>,
        unresolved: &mut UnresolvedCounts,
        mut flows: Option<&mut Flows<'a>>,
    ) -> Vec<(FuncId, EdgeKind)> {
        let mut targets = self.direct_targets(callee, ctx, unresolved, flows.as_deref_mut());
        if let (Callee::Value(Ty::Local { .. }), [(_, EdgeKind::Static)], Some(fl)) =
            (callee, targets.as_slice(), flows.as_deref_mut())
        {
            // A local defined as a function and reassigned: every function stored in it.
            let fs = fl.value_targets(self, callee, ctx);
            if fs.len() > 1 {
                return fs.into_iter().map(|f| (f, EdgeKind::Dynamic)).collect();
            }
        }
        if targets.is_empty() {
            if let Some(fl) = flows {
                let fs = fl.value_targets(self, callee, ctx);
                if !fs.is_empty() {
                    unresolved.func_value = unresolved.func_value.saturating_sub(1);
                    targets = fs.into_iter().map(|f| (f, EdgeKind::Dynamic)).collect();
                }
            }
        }
        targets
    }

    fn direct_targets(
        &self,
        callee: &'a Callee,
        ctx: Ctx<'a>,
        unresolved: &mut UnresolvedCounts,
        flows: Option<&mut Flows<'a>>,
    ) -> Vec<(FuncId, EdgeKind)> {
        match callee {
            Callee::Literal(i) => vec![(self.func_of(ctx.file, *i), EdgeKind::Static)],
            Callee::Global(name) => match self.resolve_value_name(ctx, name, 0) {
                RType::FuncVal(f) => vec![(f, EdgeKind::Static)],
                RType::Unknown => {
                    if is_builtin(name) || self.is_type_name(callee, ctx) {
                        unresolved.builtin_or_conversion += 1;
                    } else {
                        unresolved.unknown_name += 1;
                    }
                    Vec::new()
                }
                _ if self.is_type_name(callee, ctx) => {
                    unresolved.builtin_or_conversion += 1;
                    Vec::new()
                }
                other => self.func_value_targets(other, unresolved),
            },
            Callee::Qualified { qual, name } => match self.import_target(ctx.file, qual) {
                Some(Some(pkg)) => {
                    if let Some(&f) = self.pkg_funcs[pkg as usize].get(name.as_str()) {
                        return vec![(f, EdgeKind::Static)];
                    }
                    if self.is_type_name(callee, ctx) {
                        unresolved.builtin_or_conversion += 1;
                        return Vec::new();
                    }
                    // A package-level func-typed variable of that package.
                    match self.pkg_values[pkg as usize].get(name.as_str()) {
                        Some(&(file, idx)) => {
                            let v = &self.files[file as usize].values[idx as usize];
                            let t = self.resolve(&v.ty, Ctx { file, tparams: &[] }, 0);
                            self.func_value_targets(t, unresolved)
                        }
                        None => {
                            unresolved.unknown_name += 1;
                            Vec::new()
                        }
                    }
                }
                Some(None) => {
                    unresolved.external += 1;
                    Vec::new()
                }
                None => {
                    unresolved.unknown_name += 1;
                    Vec::new()
                }
            },
            Callee::Value(t) => {
                let r = self.resolve(t, ctx, 0);
                self.func_value_targets(r, unresolved)
            }
            Callee::Method { recv, name } => {
                let r = self.resolve(recv, ctx, 0);
                match self.find_method(&r, name) {
                    Some(MethodEntry::Concrete(f)) => vec![(f, EdgeKind::Static)],
                    Some(MethodEntry::Abstract(iface)) => {
                        let impls = self.dispatch(iface, name.as_str());
                        if impls.is_empty() {
                            unresolved.no_implementation += 1;
                        }
                        // Type flow narrows RTA to the types that reach the receiver.
                        if let Some(fl) = flows {
                            if let Some(types) = fl.receiver_types(self, recv, ctx) {
                                let names = self.iface_method_names(iface);
                                let shape = self.iface_method_shape(iface, name);
                                if let Some(fs) =
                                    flow::methods_of(self, &types, &names, name, shape)
                                {
                                    return fs
                                        .into_iter()
                                        .map(|f| (f, EdgeKind::Dynamic))
                                        .collect();
                                }
                            }
                        }
                        impls.iter().map(|&f| (f, EdgeKind::Dynamic)).collect()
                    }
                    None => match &r {
                        RType::Unknown => {
                            unresolved.unknown_receiver += 1;
                            Vec::new()
                        }
                        RType::External => {
                            unresolved.external += 1;
                            Vec::new()
                        }
                        RType::Ptr(inner) if matches!(self.ty(*inner), RType::External) => {
                            unresolved.external += 1;
                            Vec::new()
                        }
                        _ => {
                            // A field of function type called like a method: `s.hook(x)`.
                            let field = self.member_type(&r, name, 0);
                            if matches!(field, RType::Unknown) {
                                unresolved.method_not_found += 1;
                                Vec::new()
                            } else {
                                self.func_value_targets(field, unresolved)
                            }
                        }
                    },
                }
            }
        }
    }

    fn func_value_targets(
        &self,
        t: RType<'a>,
        unresolved: &mut UnresolvedCounts,
    ) -> Vec<(FuncId, EdgeKind)> {
        match t {
            RType::FuncVal(f) => vec![(f, EdgeKind::Static)],
            _ => {
                unresolved.func_value += 1;
                Vec::new()
            }
        }
    }

    /// σ(f): the strings of one function, constants and sentinels resolved.
    fn owned_strings(
        &self,
        file: u32,
        func: &'a crate::lang::go::Func,
        handed: &[(ValueRef, u32)],
        strings: &mut Interner,
    ) -> Vec<OwnedString> {
        let mut out: Vec<OwnedString> = Vec::new();
        for s in &func.strings {
            if let Some(o) = self.own(file, s, None, strings) {
                out.push(o);
            }
        }
        for (r, line) in func.error_refs.iter().chain(handed) {
            let Some((vfile, v)) = self.value_decl(file, r) else {
                continue;
            };
            let Some(sentinel) = &v.sentinel else {
                continue;
            };
            let name = match &r.qual {
                Some(q) => format!("{q}.{}", r.name),
                None => r.name.clone(),
            };
            if let Some(mut o) = self.own(vfile, sentinel, Some(&name), strings) {
                o.role = Role::Sentinel;
                o.line = *line;
                out.push(o);
            }
        }
        out.sort_by_key(|o| (o.line, o.text));
        out.dedup_by(|a, b| a.text == b.text && a.role == b.role && a.line == b.line);
        out
    }

    fn own(
        &self,
        file: u32,
        s: &'a StringUse,
        sentinel: Option<&str>,
        strings: &mut Interner,
    ) -> Option<OwnedString> {
        let (text, via) = match &s.value {
            StrValue::Literal(t) => (t.clone(), None),
            StrValue::Const(r) => {
                let t = self.const_string(file, r, 0)?;
                (t, Some(r.name.as_str()))
            }
        };
        if text.trim().is_empty() {
            return None;
        }
        let via_const = sentinel.or(via).map(|n| strings.intern(n));
        Some(OwnedString {
            text: strings.intern(&text),
            role: s.role,
            form: s.form,
            line: s.line,
            api: strings.intern(sentinel.unwrap_or(&s.api)),
            via_const,
        })
    }

    /// The package-level value a reference names, seen from `file`.
    fn value_decl(&self, file: u32, r: &ValueRef) -> Option<(u32, &'a crate::lang::go::ValueDecl)> {
        let (vf, vi) = self.find_value(file, r.qual.as_deref(), &r.name, |_| true)?;
        Some((vf, &self.files[vf as usize].values[vi as usize]))
    }

    /// The first package-level value `qual.name` (or `name` in the package of `file`, then its
    /// dot imports) that `accept`s: (file, index in the file's values).
    fn find_value(
        &self,
        file: u32,
        qual: Option<&str>,
        name: &str,
        accept: impl Fn(&crate::lang::go::ValueDecl) -> bool,
    ) -> Option<(u32, u32)> {
        let in_pkg = |p: u32| -> Option<(u32, u32)> {
            let &(vf, vi) = self.pkg_values[p as usize].get(name)?;
            accept(&self.files[vf as usize].values[vi as usize]).then_some((vf, vi))
        };
        match qual {
            Some(q) => in_pkg(self.import_target(file, q)??),
            None => std::iter::once(self.file_package[file as usize])
                .chain(self.dot_imports[file as usize].iter().copied())
                .find_map(in_pkg),
        }
    }

    fn const_string(&self, file: u32, r: &ValueRef, depth: u32) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let (vf, v) = self.value_decl(file, r)?;
        if let Some(s) = &v.string {
            return Some(s.clone());
        }
        let next = v.alias_of.as_ref()?;
        self.const_string(vf, next, depth + 1)
    }
}

impl<'a> Linker<'a> {
    /// The package variable `qual.name` (or `name` in this package or a dot import) seen from
    /// `ctx`: (file, index in the file's values).
    pub(crate) fn package_var(
        &self,
        ctx: Ctx<'a>,
        qual: Option<&str>,
        name: &str,
    ) -> Option<(u32, u32)> {
        self.find_value(ctx.file, qual, name, |v| !v.is_const)
    }

    /// The named struct type that declares field `name` of a value of type `rx` (directly or
    /// through embedded fields, shallowest first).
    pub(crate) fn field_owner(&self, rx: &RType<'a>, name: &str) -> Option<TypeId> {
        self.field_owner_at(rx, name, 0)
    }

    fn field_owner_at(&self, rx: &RType<'a>, name: &str, depth: u32) -> Option<TypeId> {
        if depth > 4 {
            return None;
        }
        let RType::Named(t) = self.pointee(rx) else {
            return None;
        };
        let RType::Struct(fields, _) = self.underlying(RType::Named(t), 0) else {
            return None;
        };
        if fields.iter().any(|f| {
            f.name.as_deref() == Some(name) || (f.name.is_none() && embedded(&f.ty) == Some(name))
        }) {
            return Some(t);
        }
        let ctx = self.ctx_of_type(t);
        for f in fields.iter().filter(|f| f.name.is_none()) {
            let et = self.resolve(&f.ty, ctx, 1);
            if let Some(o) = self.field_owner_at(&et, name, depth + 1) {
                return Some(o);
            }
        }
        None
    }

    /// The name of the field at position `i` of named struct type `t`.
    pub(crate) fn field_name_at(&self, t: TypeId, i: u32) -> Option<&'a str> {
        let RType::Struct(fields, _) = self.underlying(RType::Named(t), 0) else {
            return None;
        };
        let f = fields.get(i as usize)?;
        match &f.name {
            Some(n) => Some(n.as_str()),
            None => embedded(&f.ty),
        }
    }
}

/// The plain per-file tables the function table is built from (no caches: shareable across
/// threads, unlike the [`Linker`]).
struct FuncTables<'l, 'a> {
    files: &'a [GoFile],
    file_package: &'l [u32],
    file_in_build: &'l [bool],
    func_base: &'l [u32],
}

impl FuncTables<'_, '_> {
    /// Files and functions of the program, with go/ssa display names; returns the interner
    /// holding the names (the function's strings are interned after them).
    fn functions(&self, program: &mut Program) -> Interner {
        let mut strings = Interner::new();
        // Files and functions, with go/ssa display names.
        for (fi, f) in self.files.iter().enumerate() {
            program.files.push(ProgramFile {
                path: f.path.clone(),
                package: self.file_package[fi],
                in_build: self.file_in_build[fi],
                syntax_errors: f.syntax_errors.clone(),
            });
            let pkg_path = &program.packages[self.file_package[fi] as usize].path;
            let mut names: Vec<String> = Vec::with_capacity(f.funcs.len());
            for func in &f.funcs {
                let display = match (func.parent, &func.receiver) {
                    (Some(p), _) => {
                        let suffix = func.name.rsplit('$').next().unwrap_or("");
                        format!("{}${}", names[p as usize], suffix)
                    }
                    (None, Some(r)) if func.name.contains('$') => {
                        format!("{pkg_path}.{}", func.name)
                    }
                    (None, Some(r)) => {
                        let star = if r.pointer { "*" } else { "" };
                        format!("({star}{pkg_path}.{}).{}", r.type_name, func.name)
                    }
                    (None, None) => format!("{pkg_path}.{}", func.name),
                };
                let id = FuncId(program.funcs.len() as u32);
                let name = strings.intern(&display);
                program.by_name.entry(name).or_default().push(id);
                names.push(display);
                program.funcs.push(Function {
                    name,
                    file: FileId(fi as u32),
                    line: func.line,
                    end_line: func.end_line,
                    span: func.span,
                    kind: if func.parent.is_some() || func.name.starts_with("init$") {
                        FuncKind::Literal
                    } else if func.receiver.is_some() {
                        FuncKind::Method
                    } else {
                        FuncKind::Function
                    },
                    parent: func.parent.map(|p| FuncId(self.func_base[fi] + p)),
                    returns_error: func.returns_error(),
                    strings: Vec::new(),
                });
            }
        }
        strings
    }
}

/// Runs `a` here and `b` on another core meanwhile (natively; in sequence on wasm32).
#[cfg(not(target_arch = "wasm32"))]
fn beside<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    let mut rb = None;
    let ra = rayon::in_place_scope(|s| {
        s.spawn(|_| rb = Some(b()));
        a()
    });
    match rb {
        Some(rb) => (ra, rb),
        // (The scope waits for its task, and re-raises its panic.)
        None => unreachable!("rayon scope returned before its task"),
    }
}

#[cfg(target_arch = "wasm32")]
fn beside<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}

/// The field name an embedded field gets: its type's name.
fn embedded(t: &crate::lang::go::Ty) -> Option<&str> {
    match t {
        crate::lang::go::Ty::Named { name, .. } => Some(name),
        crate::lang::go::Ty::Pointer(inner) => embedded(inner),
        _ => None,
    }
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "append"
            | "cap"
            | "close"
            | "complex"
            | "copy"
            | "delete"
            | "imag"
            | "len"
            | "make"
            | "new"
            | "panic"
            | "print"
            | "println"
            | "real"
            | "recover"
            | "min"
            | "max"
            | "clear"
            | "string"
            | "int"
            | "byte"
            | "rune"
            | "error"
            | "bool"
            | "float64"
            | "float32"
            | "int64"
            | "int32"
            | "int16"
            | "int8"
            | "uint"
            | "uint64"
            | "uint32"
            | "uint16"
            | "uint8"
            | "uintptr"
            | "any"
            | "complex128"
            | "complex64"
    )
}
