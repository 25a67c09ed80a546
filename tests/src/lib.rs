//! Helpers shared by the end-to-end tests: where fixtures live, and indexing them.

use std::path::PathBuf;

use refract_core::index::{self, Index, IndexOptions};
use refract_core::program::{EdgeKind, FuncId, Program};
use refract_core::source::{self, LoadOptions};

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Loads and indexes a repository with default options and closure depth `k`.
pub fn index_repo(path: &std::path::Path, k: u32) -> Index {
    let files = source::load_path(path, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
    index::index(
        &files,
        &IndexOptions {
            k,
            ..IndexOptions::default()
        },
    )
}

/// The one function with this display name; panics with the near names otherwise.
pub fn func(p: &Program, name: &str) -> FuncId {
    match p.find_by_name(name) {
        [one] => *one,
        other => {
            let near: Vec<&str> = (0..p.funcs.len() as u32)
                .map(|i| p.name(FuncId(i)))
                .filter(|n| n.contains(name.rsplit('.').next().unwrap_or(name)))
                .collect();
            panic!("{name}: {} matches; similar: {near:?}", other.len())
        }
    }
}

/// Callees of `caller` as (display name, kind), sorted.
pub fn callees(p: &Program, caller: &str) -> Vec<(String, EdgeKind)> {
    let f = func(p, caller);
    let mut v: Vec<(String, EdgeKind)> = p
        .callees(f)
        .map(|(c, e)| (p.name(c).to_string(), e.kind))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// σ(f) as (text, role name), sorted.
pub fn strings_of(p: &Program, name: &str) -> Vec<(String, &'static str)> {
    let f = func(p, name);
    let mut v: Vec<(String, &'static str)> = p
        .func(f)
        .strings
        .iter()
        .map(|s| (p.strings.resolve(s.text).to_string(), s.role.as_str()))
        .collect();
    v.sort();
    v
}

/// The path to the `refract` binary built for this test run.
pub fn refract_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    target.join(profile).join("refract")
}
