//! Program linking: the facts of every file → functions, their error/log strings, and a call
//! graph.
//!
//! This is where Refract stands in for the Go type checker. The front end leaves names and
//! types symbolic; here they are resolved against every package of the repository: imports via
//! `go.mod` module paths, methods via receiver types (declarations, assignments, constructors'
//! result types, struct fields, embedded-field promotion), interface method calls RTA-style
//! (methods on types that implement the interface and are instantiated somewhere), and calls of
//! function values where a local assignment shows the target. What cannot be resolved is kept
//! and counted by reason, so a user can see how complete the graph is.

mod build_tags;
mod flow;
mod handoff;
mod link;
mod packages;
mod std_ifaces;
mod types;

use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use build_tags::BuildTarget;
pub use handoff::{Handoffs, Writer};
pub use link::{free_linked_facts, link, link_with};

use crate::intern::{Interner, Sym};
use crate::lang::go::{Form, Role};

/// A function's index in [`Program::funcs`] and its node in [`Program::graph`] (the same number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FuncId(pub u32);

impl FuncId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
    pub fn node(self) -> NodeIndex {
        NodeIndex::new(self.0 as usize)
    }
}

/// A file's index in [`Program::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// The linked program.
#[derive(Debug, Default)]
pub struct Program {
    pub files: Vec<ProgramFile>,
    pub packages: Vec<Package>,
    pub funcs: Vec<Function>,
    /// Node weights are the functions' ids; edge weights the call sites.
    pub graph: DiGraph<FuncId, CallEdge>,
    /// Every error/log string and every function display name.
    pub strings: Interner,
    pub unresolved: UnresolvedCounts,
    /// Errors handed between functions through channels and struct fields.
    pub handoffs: Handoffs,
    by_name: FxHashMap<Sym, Vec<FuncId>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgramFile {
    pub path: String,
    pub package: u32,
    /// Part of the build for the configured [`BuildTarget`].
    pub in_build: bool,
    pub syntax_errors: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Package {
    /// Import path (`net/http`, `example.com/svc/store`).
    pub path: String,
    /// Package clause name.
    pub name: String,
    pub dir: String,
}

/// How a function came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FuncKind {
    Function,
    Method,
    /// A function literal; `parent` is set.
    Literal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Function {
    /// go/ssa-style name: `net/http.Get`, `(*net/http.Client).Do`, `(pkg.T).M`, `pkg.F$1`.
    pub name: Sym,
    pub file: FileId,
    /// Line of the function's name (or of `func` for a literal), 1-based.
    pub line: u32,
    pub end_line: u32,
    /// Byte range of the declaration in its file.
    pub span: (u32, u32),
    pub kind: FuncKind,
    pub parent: Option<FuncId>,
    pub returns_error: bool,
    /// σ(f): the error and log strings this function owns.
    pub strings: Vec<OwnedString>,
}

/// One error/log string owned by a function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnedString {
    pub text: Sym,
    pub role: Role,
    pub form: Form,
    /// Line of the call (or of the reference, for sentinels).
    pub line: u32,
    /// The call as written (`fmt.Errorf`) or, for a sentinel, the sentinel's name.
    pub api: Sym,
    /// The named constant the text came from, if any.
    pub via_const: Option<Sym>,
}

/// A call site from the caller to the callee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CallEdge {
    /// Line of the call expression in the caller's file.
    pub line: u32,
    pub kind: EdgeKind,
    /// `go f()`: the callee runs in another goroutine.
    pub is_go: bool,
    pub is_defer: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A direct call, a method on a concrete type, a promoted method, a known function value.
    Static,
    /// An interface method call (or func value) resolved to one of several candidates.
    Dynamic,
}

/// Calls that were not linked to a function of the program, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnresolvedCounts {
    /// Callee in a package outside the repository (standard library of a service, deps).
    pub external: usize,
    /// Builtins (`len`, `append`) and conversions (`T(x)`): not calls of functions.
    pub builtin_or_conversion: usize,
    /// The receiver's type could not be worked out from the syntax.
    pub unknown_receiver: usize,
    /// The receiver's type is known but has no such method (or the type is not in the repo).
    pub method_not_found: usize,
    /// A call of a function value whose target is not visible locally.
    pub func_value: usize,
    /// An interface method call with no instantiated implementation in the repo.
    pub no_implementation: usize,
    /// A name that matches nothing in scope.
    pub unknown_name: usize,
}

impl UnresolvedCounts {
    pub fn total(&self) -> usize {
        self.external
            + self.builtin_or_conversion
            + self.unknown_receiver
            + self.method_not_found
            + self.func_value
            + self.no_implementation
            + self.unknown_name
    }
}

impl Program {
    pub fn func(&self, id: FuncId) -> &Function {
        &self.funcs[id.index()]
    }

    pub fn name(&self, id: FuncId) -> &str {
        self.strings.resolve(self.funcs[id.index()].name)
    }

    pub fn file_path(&self, id: FuncId) -> &str {
        &self.files[self.funcs[id.index()].file.0 as usize].path
    }

    /// Functions with exactly this display name.
    pub fn find_by_name(&self, name: &str) -> &[FuncId] {
        self.strings
            .get(name)
            .and_then(|s| self.by_name.get(&s))
            .map_or(&[], |v| v.as_slice())
    }

    /// Functions whose display name ends with `suffix` (e.g. `store.Get` or `(*DB).Get`).
    pub fn find_by_suffix(&self, suffix: &str) -> Vec<FuncId> {
        let exact = self.find_by_name(suffix);
        if !exact.is_empty() {
            return exact.to_vec();
        }
        (0..self.funcs.len() as u32)
            .map(FuncId)
            .filter(|&f| {
                let n = self.name(f);
                n.ends_with(suffix) && {
                    let cut = n.len() - suffix.len();
                    cut == 0 || matches!(n.as_bytes()[cut - 1], b'.' | b'/' | b'(' | b'*')
                }
            })
            .collect()
    }

    /// Callees of `f` with their call sites.
    pub fn callees(&self, f: FuncId) -> impl Iterator<Item = (FuncId, &CallEdge)> + '_ {
        use petgraph::visit::EdgeRef;
        self.graph
            .edges(f.node())
            .map(|e| (FuncId(e.target().index() as u32), e.weight()))
    }

    /// Callers of `f` with their call sites.
    pub fn callers(&self, f: FuncId) -> impl Iterator<Item = (FuncId, &CallEdge)> + '_ {
        use petgraph::visit::EdgeRef;
        self.graph
            .edges_directed(f.node(), petgraph::Direction::Incoming)
            .map(|e| (FuncId(e.source().index() as u32), e.weight()))
    }

    /// Number of call edges of each kind.
    pub fn edge_counts(&self) -> (usize, usize) {
        let dynamic = self
            .graph
            .edge_weights()
            .filter(|e| e.kind == EdgeKind::Dynamic)
            .count();
        (self.graph.edge_count() - dynamic, dynamic)
    }
}

/// Diagnostics: with `REFRACT_LINK_TIMES` set, the linker prints the wall time of each of its
/// parts to stderr (natively; wasm32 has no clock), so that the link stage can be profiled
/// without a profiler.
#[derive(Clone, Copy)]
pub(crate) struct Lap {
    #[cfg(not(target_arch = "wasm32"))]
    start: Option<std::time::Instant>,
}

impl Lap {
    pub(crate) fn start() -> Lap {
        #[cfg(not(target_arch = "wasm32"))]
        {
            static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
            let on = *ON.get_or_init(|| std::env::var_os("REFRACT_LINK_TIMES").is_some());
            Lap {
                start: on.then(std::time::Instant::now),
            }
        }
        #[cfg(target_arch = "wasm32")]
        Lap {}
    }

    pub(crate) fn done(self, what: &str) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(t) = self.start {
            eprintln!(
                "link: {what:<26} {:8.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        #[cfg(target_arch = "wasm32")]
        let _ = what;
    }
}
