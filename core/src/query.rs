//! Read-only views of an analysed repository for user interfaces: the overview counts, function
//! search, the call-graph neighbourhood of a function and its constant closure with the chain to
//! each string.
//!
//! Why here and not in the web app: these walk the call graph and the closure, which is analysis;
//! the web app only draws what these return. Every view is plain serializable data (names and
//! `file:line`, no interned ids), so it can cross a Web Worker boundary as JSON.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::index::Index;
use crate::program::{EdgeKind, FuncId, Program};
use crate::source::{FileSet, SkipReason};

/// The overview of one analysed repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// Files kept for analysis (source files and `go.mod`s).
    pub files: usize,
    /// `.go` files linked into the program.
    pub go_files: usize,
    /// Files that are not source of a supported language (counted only).
    pub other_files: usize,
    pub packages: usize,
    pub functions: usize,
    pub static_edges: usize,
    pub dynamic_edges: usize,
    /// Calls that could not be resolved to a function of the repository (external, builtins, …).
    pub unresolved_calls: usize,
    /// Distinct error/log string constants over all σ(f).
    pub error_strings: usize,
    /// Language name → kept files.
    pub languages: BTreeMap<String, usize>,
    pub skipped: Vec<Skipped>,
    pub files_with_syntax_errors: usize,
    pub parse_failures: Vec<String>,
    pub closure_k: u32,
}

/// A skipped file (or directory) and why, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A function as a UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncSummary {
    /// Index into the program's functions; stable for one analysis only.
    pub id: u32,
    pub name: String,
    pub file: String,
    pub line: u32,
    pub end_line: u32,
    /// |σ(f)|: error/log strings the function owns.
    pub strings: usize,
}

/// Callers and callees of a function up to a depth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbourhood {
    pub center: u32,
    /// The center first; every node reachable within `depth` calls either way (capped).
    pub nodes: Vec<FuncSummary>,
    pub edges: Vec<NeighbourEdge>,
    /// Nodes left out because of the cap.
    pub truncated: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourEdge {
    pub from: u32,
    pub to: u32,
    /// Line of the call site in `from`.
    pub line: u32,
    /// Resolved by interface dispatch or a function value rather than statically.
    pub dynamic: bool,
}

/// One string of C_k(f) and the call chain from f to the function that owns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureEntry {
    pub text: String,
    /// Role of the string in its owner (`error_new`, `error_wrap`, `log`, …).
    pub role: String,
    /// Line of the call that uses the string, in the owner.
    pub line: u32,
    /// `[f, …, owner]`.
    pub chain: Vec<FuncSummary>,
}

fn skip_reason(r: &SkipReason) -> String {
    match r {
        SkipReason::ExcludedDir => "excluded directory (vendor, .git, testdata, …)".into(),
        SkipReason::Generated => "generated code (DO NOT EDIT header)".into(),
        SkipReason::Binary => "binary or not UTF-8".into(),
        SkipReason::TooLarge { size, cap } => format!("too large ({size} bytes, limit {cap})"),
        SkipReason::TestFile => "test file (_test.go)".into(),
    }
}

fn language_of(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "go" => Some("Go"),
        "rs" => Some("Rust"),
        _ => None,
    }
}

/// Counts of a loaded file set and its index.
pub fn overview(files: &FileSet, index: &Index) -> Overview {
    let p = &index.program;
    let mut languages = BTreeMap::new();
    for f in &files.files {
        if let Some(lang) = language_of(&f.path) {
            *languages.entry(lang.to_string()).or_insert(0) += 1;
        }
    }
    let strings: BTreeSet<_> = p
        .funcs
        .iter()
        .flat_map(|f| f.strings.iter().map(|s| s.text))
        .collect();
    let (static_edges, dynamic_edges) = p.edge_counts();
    Overview {
        files: files.files.len(),
        go_files: p.files.len(),
        other_files: files.other_files,
        packages: p.packages.len(),
        functions: p.funcs.len(),
        static_edges,
        dynamic_edges,
        unresolved_calls: p.unresolved.total(),
        error_strings: strings.len(),
        languages,
        skipped: files
            .skipped
            .iter()
            .map(|s| Skipped {
                path: s.path.clone(),
                reason: skip_reason(&s.reason),
            })
            .collect(),
        files_with_syntax_errors: p
            .files
            .iter()
            .filter(|f| !f.syntax_errors.is_empty())
            .count(),
        parse_failures: index.parse_failures.clone(),
        closure_k: index.closure.k,
    }
}

/// The summary of one function.
pub fn func_summary(p: &Program, f: FuncId) -> FuncSummary {
    let func = p.func(f);
    FuncSummary {
        id: f.0,
        name: p.name(f).to_string(),
        file: p.file_path(f).to_string(),
        line: func.line,
        end_line: func.end_line,
        strings: func.strings.len(),
    }
}

/// Functions whose name contains `needle` (case-insensitive), functions that own strings first,
/// then by name; at most `limit`.
pub fn search_functions(p: &Program, needle: &str, limit: usize) -> Vec<FuncSummary> {
    let needle = needle.trim().to_lowercase();
    let mut hits: Vec<FuncId> = (0..p.funcs.len() as u32)
        .map(FuncId)
        .filter(|&f| p.name(f).to_lowercase().contains(&needle))
        .collect();
    hits.sort_by(|&a, &b| {
        let sa = p.func(a).strings.is_empty();
        let sb = p.func(b).strings.is_empty();
        sa.cmp(&sb).then_with(|| p.name(a).cmp(p.name(b)))
    });
    hits.into_iter()
        .take(limit)
        .map(|f| func_summary(p, f))
        .collect()
}

/// Callers and callees of `center` within `depth` calls, breadth first, at most `max_nodes`
/// nodes; edges among the kept nodes. `None` if `center` is not a function of `p`.
pub fn neighbourhood(
    p: &Program,
    center: FuncId,
    depth: u32,
    max_nodes: usize,
) -> Option<Neighbourhood> {
    if center.index() >= p.funcs.len() {
        return None;
    }
    let mut kept = vec![center];
    let mut seen = BTreeSet::from([center]);
    let mut truncated = 0;
    let mut queue = VecDeque::from([(center, 0u32)]);
    while let Some((f, d)) = queue.pop_front() {
        if d == depth {
            continue;
        }
        let mut next: Vec<FuncId> = p
            .callees(f)
            .map(|(g, _)| g)
            .chain(p.callers(f).map(|(g, _)| g))
            .collect();
        next.sort_unstable();
        next.dedup();
        for g in next {
            if seen.insert(g) {
                if kept.len() < max_nodes.max(1) {
                    kept.push(g);
                    queue.push_back((g, d + 1));
                } else {
                    truncated += 1;
                }
            }
        }
    }
    let in_view: BTreeSet<FuncId> = kept.iter().copied().collect();
    let mut edges = Vec::new();
    for &f in &kept {
        for (g, e) in p.callees(f) {
            if in_view.contains(&g) {
                edges.push(NeighbourEdge {
                    from: f.0,
                    to: g.0,
                    line: e.line,
                    dynamic: e.kind == EdgeKind::Dynamic,
                });
            }
        }
    }
    edges.sort_by_key(|e| (e.from, e.to, e.line));
    edges.dedup_by_key(|e| (e.from, e.to));
    Some(Neighbourhood {
        center: center.0,
        nodes: kept.iter().map(|&f| func_summary(p, f)).collect(),
        edges,
        truncated,
    })
}

/// C_k(f) with the chain to each string's owner, strings of f itself first, then by chain
/// length and text; at most `limit` entries. Empty if `f` is not a function of the index.
pub fn closure_of(index: &Index, f: FuncId, limit: usize) -> Vec<ClosureEntry> {
    let p = &index.program;
    if f.index() >= p.funcs.len() {
        return Vec::new();
    }
    let mut out: Vec<ClosureEntry> = Vec::new();
    for &s in index.closure.of(f) {
        let Some(chain) = index.closure.chain(p, f, s) else {
            continue;
        };
        let Some(&owner) = chain.last() else {
            continue;
        };
        let Some(used) = p.func(owner).strings.iter().find(|o| o.text == s) else {
            continue;
        };
        out.push(ClosureEntry {
            text: p.strings.resolve(s).to_string(),
            role: used.role.as_str().to_string(),
            line: used.line,
            chain: chain.iter().map(|&g| func_summary(p, g)).collect(),
        });
    }
    out.sort_by(|a, b| {
        a.chain
            .len()
            .cmp(&b.chain.len())
            .then_with(|| a.text.cmp(&b.text))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{index, IndexOptions};
    use crate::source::{SkippedFile, SourceFile};

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.to_string(),
            text: text.to_string(),
        }
    }

    /// main → B → A; A owns "a failed" (a sentinel), B wraps with "b: %w", main logs.
    fn sample() -> (FileSet, Index) {
        let set = FileSet {
            files: vec![
                file("go.mod", "module example.com/m\n"),
                file(
                    "a/a.go",
                    "package a\n\nimport \"errors\"\n\nfunc A() error {\n\treturn errors.New(\"a failed\")\n}\n",
                ),
                file(
                    "b/b.go",
                    "package b\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/a\"\n)\n\nfunc B() error {\n\tif err := a.A(); err != nil {\n\t\treturn fmt.Errorf(\"b: %w\", err)\n\t}\n\treturn nil\n}\n",
                ),
                file(
                    "main.go",
                    "package main\n\nimport (\n\t\"log\"\n\n\t\"example.com/m/b\"\n)\n\nfunc main() {\n\tif err := b.B(); err != nil {\n\t\tlog.Printf(\"run: %v\", err)\n\t}\n}\n",
                ),
            ],
            skipped: vec![SkippedFile {
                path: "vendor".into(),
                reason: SkipReason::ExcludedDir,
            }],
            other_files: 2,
        };
        let idx = index(&set, &IndexOptions::default());
        (set, idx)
    }

    fn id(idx: &Index, name: &str) -> FuncId {
        let ids = idx.program.find_by_suffix(name);
        assert_eq!(ids.len(), 1, "{name}: {ids:?}");
        ids[0]
    }

    #[test]
    fn overview_counts() {
        let (set, idx) = sample();
        let o = overview(&set, &idx);
        assert_eq!(o.files, 4);
        assert_eq!(o.go_files, 3);
        assert_eq!(o.other_files, 2);
        assert_eq!(o.functions, 3);
        assert_eq!(o.static_edges, 2);
        assert_eq!(o.error_strings, 3);
        assert_eq!(o.languages.get("Go"), Some(&3));
        assert_eq!(o.skipped.len(), 1);
        assert!(o.skipped[0].reason.contains("excluded"));
        assert_eq!(o.closure_k, 3);
    }

    #[test]
    fn closure_chains_lead_to_the_owner() {
        let (_, idx) = sample();
        let main = id(&idx, "m.main");
        let entries = closure_of(&idx, main, 100);
        let texts: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["run: %v", "b: %w", "a failed"]);
        let deepest = &entries[2];
        let chain: Vec<&str> = deepest.chain.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            chain,
            [
                "example.com/m.main",
                "example.com/m/b.B",
                "example.com/m/a.A"
            ]
        );
        assert_eq!(deepest.role, "error_new");
        assert_eq!(deepest.line, 6);
        assert!(closure_of(&idx, FuncId(99), 10).is_empty());
    }

    #[test]
    fn neighbourhood_both_directions_and_cap() {
        let (_, idx) = sample();
        let b = id(&idx, "b.B");
        let n = neighbourhood(&idx.program, b, 1, 10).expect("B exists");
        assert_eq!(n.nodes.len(), 3);
        assert_eq!(n.nodes[0].id, b.0);
        assert_eq!(n.edges.len(), 2);
        assert!(n.edges.iter().all(|e| !e.dynamic));
        let capped = neighbourhood(&idx.program, b, 1, 2).expect("B exists");
        assert_eq!(capped.nodes.len(), 2);
        assert_eq!(capped.truncated, 1);
        assert_eq!(capped.edges.len(), 1);
        assert!(neighbourhood(&idx.program, FuncId(42), 1, 10).is_none());
    }

    #[test]
    fn search_prefers_functions_with_strings() {
        let (_, idx) = sample();
        let hits = search_functions(&idx.program, "EXAMPLE.com", 10);
        assert_eq!(hits.len(), 3);
        assert!(hits.iter().all(|h| h.strings > 0));
        assert_eq!(search_functions(&idx.program, "b.B", 10)[0].file, "b/b.go");
        assert_eq!(search_functions(&idx.program, "m", 1).len(), 1);
    }
}
