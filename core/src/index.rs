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
    let bytes_parsed = files
        .files
        .iter()
        .filter(|f| f.path.ends_with(".go"))
        .map(|f| f.text.len())
        .sum();
    let parse_ms = clock.lap();
    let raw_externals = RawExternalCalls::collect(&facts);
    let program = program::link(facts, &go_mods(&files.files), &opts.target);
    let externals = raw_externals.resolve(&program);
    let link_ms = clock.lap();
    let closure = Closure::compute(&program, opts.k);
    let closure_ms = clock.lap();
    Index {
        program,
        closure,
        externals,
        timings: StageTimings {
            parse_ms,
            link_ms,
            closure_ms,
        },
        bytes_parsed,
        parse_failures: failures.into_iter().map(|e| e.to_string()).collect(),
    }
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
