//! The whole pipeline for one repository: [`FileSet`] → parsed facts → [`Program`] → [`Closure`],
//! with the time each stage took.
//!
//! Parsing is the only stage that scales with the bytes of source; it runs file-parallel on
//! rayon natively. In the browser the web app calls the stages itself, spreading
//! [`crate::lang::go::parse_file`] over Web Workers, so nothing here assumes threads.

use serde::Serialize;

use crate::closure::Closure;
use crate::explain::externals::{ExternalCalls, RawExternalCalls};
use crate::lang::go::{self, GoFile, GoMod, ParseError};
use crate::program::{self, BuildTarget, Program};
use crate::source::{FileSet, SourceFile};

/// Settings of an index run.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Depth of the constant closure.
    pub k: u32,
    pub target: BuildTarget,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            k: 3,
            target: BuildTarget::default(),
        }
    }
}

/// Milliseconds per stage (zero where no clock is available, as in wasm32).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StageTimings {
    pub parse_ms: f64,
    pub link_ms: f64,
    pub closure_ms: f64,
}

/// A repository analysed up to the constant closure.
#[derive(Debug)]
pub struct Index {
    pub program: Program,
    pub closure: Closure,
    /// Calls into packages outside the repository, per function (for external origins).
    pub externals: ExternalCalls,
    pub timings: StageTimings,
    /// Go source bytes parsed.
    pub bytes_parsed: usize,
    /// Files tree-sitter could not parse at all (recoverable syntax errors are per file in the
    /// program instead).
    pub parse_failures: Vec<String>,
}

/// Parses every `.go` file of the set; files that fail entirely are reported, not fatal.
pub fn parse_go(files: &[SourceFile]) -> (Vec<GoFile>, Vec<ParseError>) {
    let go_files: Vec<&SourceFile> = files.iter().filter(|f| f.path.ends_with(".go")).collect();
    let results = par_map(&go_files, |f| go::parse_file(&f.path, &f.text));
    let mut ok = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    for r in results {
        match r {
            Ok(f) => ok.push(f),
            Err(e) => failed.push(e),
        }
    }
    (ok, failed)
}

/// The `go.mod` files of the set, as (directory, contents).
pub fn go_mods(files: &[SourceFile]) -> Vec<(String, GoMod)> {
    files
        .iter()
        .filter(|f| f.path == "go.mod" || f.path.ends_with("/go.mod"))
        .map(|f| {
            let dir = f
                .path
                .strip_suffix("go.mod")
                .unwrap_or("")
                .trim_end_matches('/');
            (dir.to_string(), go::parse_go_mod(&f.text))
        })
        .collect()
}

/// Runs parse → link → closure over a file set.
pub fn index(files: &FileSet, opts: &IndexOptions) -> Index {
    let clock = Clock::start();
    let (facts, failures) = parse_go(&files.files);
    let parse_ms = clock.lap();
    let failures = failures.into_iter().map(|e| e.to_string()).collect();
    let mut idx = link_parsed(&files.files, facts, failures, opts, |_| {});
    idx.timings.parse_ms = parse_ms;
    idx
}

/// The tail of [`index`] for facts parsed elsewhere (the web app parses in several Web Workers
/// and links in one): link → closure. `facts` may come in any order; they are sorted by path so
/// the program is the same as [`index`] builds. `files` supplies the `go.mod` files and the byte
/// count; `parse_failures` are the messages of files that could not be parsed at all.
/// `on_linked` sees the program between linking and the closure (for progress reports).
pub fn link_parsed(
    files: &[SourceFile],
    mut facts: Vec<GoFile>,
    parse_failures: Vec<String>,
    opts: &IndexOptions,
    on_linked: impl FnOnce(&Program),
) -> Index {
    let clock = Clock::start();
    facts.sort_by(|a, b| a.path.cmp(&b.path));
    let bytes_parsed = files
        .iter()
        .filter(|f| f.path.ends_with(".go"))
        .map(|f| f.text.len())
        .sum();
    let (program, raw_externals) = program::link_with(
        facts,
        &go_mods(files),
        &opts.target,
        RawExternalCalls::collect,
    );
    let t0 = crate::program::Lap::start();
    let externals = raw_externals.resolve(&program);
    t0.done("externals resolve");
    let link_ms = clock.lap();
    on_linked(&program);
    let closure = Closure::compute(&program, opts.k);
    let closure_ms = clock.lap();
    Index {
        program,
        closure,
        externals,
        timings: StageTimings {
            parse_ms: 0.0,
            link_ms,
            closure_ms,
        },
        bytes_parsed,
        parse_failures,
    }
}

/// Splits the `.go` files of `files` into shares for `parsers` workers ([`share_plan`] of their
/// sizes). Returns indices into `files`, each share in ascending order, shares in the order to
/// hand them out.
pub fn go_shares(files: &[SourceFile], parsers: usize) -> Vec<Vec<usize>> {
    let go: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].path.ends_with(".go"))
        .collect();
    let sizes: Vec<u64> = go.iter().map(|&i| files[i].text.len() as u64).collect();
    share_plan(&sizes, parsers)
        .into_iter()
        .map(|share| share.into_iter().map(|k| go[k]).collect())
        .collect()
}

/// Splits work items of the given sizes (bytes of source) into shares for `parsers` workers that
/// each take the next share when they are free. Returns indices into `sizes`, each share in
/// ascending order, shares in the order to hand them out.
///
/// Why shares of different sizes: the first `parsers` shares are small, so that every worker
/// starts soon (the web app inflates the archive share by share while the first ones are
/// parsed); the middle shares are large, so that hand-overs stay few (guided self-scheduling:
/// half of the remaining bytes per worker); the last are small again, so that no worker is left
/// parsing a large share alone while the others are done. Items go out largest first, so a file
/// larger than a share's target is a share of its own early on, never a late straggler.
pub fn share_plan(sizes: &[u64], parsers: usize) -> Vec<Vec<usize>> {
    let p = parsers.max(1) as u64;
    let total: u64 = sizes.iter().sum();
    let opening = (total / (8 * p)).max(1);
    let floor = (total / (16 * p)).max(1);
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let mut items = order.into_iter().peekable();
    let mut remaining = total;
    let mut shares = Vec::new();
    while items.peek().is_some() {
        let target = if (shares.len() as u64) < p {
            opening
        } else {
            (remaining / (2 * p)).max(floor)
        };
        let mut share = Vec::new();
        let mut bytes = 0u64;
        while bytes < target {
            let Some(i) = items.next() else { break };
            bytes += sizes[i];
            share.push(i);
        }
        remaining -= bytes;
        share.sort_unstable();
        shares.push(share);
    }
    shares
}

/// Bare tree-sitter parse of every `.go` file (no extraction): the benchmark's baseline.
/// Returns the total number of syntax nodes.
pub fn parse_only(files: &[SourceFile]) -> usize {
    let go_files: Vec<&SourceFile> = files.iter().filter(|f| f.path.ends_with(".go")).collect();
    par_map(&go_files, |f| go::parse_only(&f.path, &f.text).unwrap_or(0))
        .into_iter()
        .sum()
}

#[cfg(not(target_arch = "wasm32"))]
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

#[cfg(target_arch = "wasm32")]
fn par_map<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}

/// A stopwatch that reads zero on wasm32, where `std::time::Instant` is unavailable.
struct Clock {
    #[cfg(not(target_arch = "wasm32"))]
    last: std::cell::Cell<std::time::Instant>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            #[cfg(not(target_arch = "wasm32"))]
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    /// Milliseconds since the previous lap (or the start).
    fn lap(&self) -> f64 {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let now = std::time::Instant::now();
            let ms = now.duration_since(self.last.get()).as_secs_f64() * 1000.0;
            self.last.set(now);
            ms
        }
        #[cfg(target_arch = "wasm32")]
        {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.to_string(),
            text: text.to_string(),
        }
    }

    fn sample() -> Vec<SourceFile> {
        vec![
            file("go.mod", "module example.com/m\n"),
            file(
                "a/a.go",
                "package a\nimport \"errors\"\nvar ErrA = errors.New(\"a failed\")\nfunc A() error { return ErrA }\n",
            ),
            file(
                "b/b.go",
                "package b\nimport (\"fmt\"; \"example.com/m/a\")\nfunc B() error {\n\tif err := a.A(); err != nil {\n\t\treturn fmt.Errorf(\"b: %w\", err)\n\t}\n\treturn nil\n}\n",
            ),
            file("README.md", "hello"),
        ]
    }

    #[test]
    fn link_parsed_matches_index_whatever_the_fact_order() {
        let files = sample();
        let set = FileSet {
            files: files.clone(),
            ..Default::default()
        };
        let whole = index(&set, &IndexOptions::default());
        let (mut facts, failed) = parse_go(&files);
        assert!(failed.is_empty());
        facts.reverse();
        let mut linked_funcs = 0;
        let split = link_parsed(&files, facts, Vec::new(), &IndexOptions::default(), |p| {
            linked_funcs = p.funcs.len()
        });
        assert_eq!(linked_funcs, split.program.funcs.len());
        assert_eq!(whole.program.funcs.len(), split.program.funcs.len());
        assert_eq!(whole.program.graph.edge_count(), 1);
        assert_eq!(split.program.graph.edge_count(), 1);
        let names = |p: &Program| -> Vec<String> {
            (0..p.funcs.len() as u32)
                .map(|i| p.name(program::FuncId(i)).to_string())
                .collect()
        };
        assert_eq!(names(&whole.program), names(&split.program));
        assert_eq!(whole.bytes_parsed, split.bytes_parsed);
        assert_eq!(whole.closure.stats(), split.closure.stats());
    }

    #[test]
    fn shares_cover_every_go_file_once() {
        let mut files = sample();
        files.push(file("c/big.go", &"x".repeat(100)));
        files.push(file("c/mid.go", &"x".repeat(60)));
        files.push(file("c/small.go", &"x".repeat(50)));
        let shares = go_shares(&files, 2);
        let mut all: Vec<usize> = shares.concat();
        all.sort_unstable();
        let go: Vec<usize> = (0..files.len())
            .filter(|&i| files[i].path.ends_with(".go"))
            .collect();
        assert_eq!(all, go);
        assert!(shares.iter().all(|s| s.windows(2).all(|w| w[0] < w[1])));
        assert!(go_shares(&files[..1], 4).is_empty());
    }

    #[test]
    fn share_plan_starts_small_grows_and_ends_small() {
        // 200 files of 1..=200 bytes (20,100 in all), 2 workers.
        let sizes: Vec<u64> = (1..=200).collect();
        let total: u64 = sizes.iter().sum();
        let plan = share_plan(&sizes, 2);
        let mut all = plan.concat();
        all.sort_unstable();
        assert_eq!(all, (0..200).collect::<Vec<_>>());
        let bytes: Vec<u64> = plan
            .iter()
            .map(|s| s.iter().map(|&i| sizes[i]).sum())
            .collect();
        // Openings: an eighth of the bytes per worker (overshooting by less than one file).
        for b in &bytes[..2] {
            assert!(*b >= total / 16 && *b < total / 16 + 200, "{bytes:?}");
        }
        // Then half of what is left per worker, shrinking, down to a floor of 1/32.
        let largest = *bytes.iter().max().unwrap();
        assert_eq!(largest, bytes[2], "{bytes:?}");
        assert!(largest > total / 5, "{bytes:?}");
        let last = *bytes.last().unwrap();
        assert!(last <= total / 32 + 200, "{bytes:?}");
        assert!(plan.len() < 20, "{}", plan.len());
        // Largest first: the biggest file is in the first share.
        assert!(plan[0].contains(&199));
    }

    #[test]
    fn share_plan_edge_cases() {
        assert!(share_plan(&[], 4).is_empty());
        assert_eq!(share_plan(&[10], 0), vec![vec![0]]);
        // A file larger than any target is a share of its own.
        let plan = share_plan(&[1000, 1, 1, 1], 2);
        assert_eq!(plan[0], vec![0]);
        assert_eq!(plan.concat().len(), 4);
        // Empty files are still handed out.
        assert_eq!(share_plan(&[0, 0, 0], 2).concat().len(), 3);
    }
}
