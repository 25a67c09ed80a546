//! Scoring explanations against labelled cases: root@1, path@1, text@1 and hop F1.
//!
//! A case names every hop of the true path (file relative to the repo root, line of the
//! function's name, kind, and the format constant the hop contributed). path@1 asks the best path
//! to equal it hop for hop (file, line, kind, in order); text@1 only the text-contributing hops
//! (their format constants, in order); root@1 the root's file and line; hop F1 compares the hop
//! sets of the best path and the label.

use serde::{Deserialize, Serialize};

use super::{Explanation, Hop};

#[derive(Debug, Clone, Deserialize)]
pub struct CaseFile {
    /// Absolute, or relative to the case file's directory.
    pub repo: String,
    #[serde(default = "default_k")]
    pub k: u32,
    #[serde(default)]
    pub include_tests: bool,
    pub cases: Vec<Case>,
}

fn default_k() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub id: String,
    pub log: String,
    pub path: Vec<ExpectedHop>,
    pub root: ExpectedRoot,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ExpectedHop {
    pub file: String,
    pub func: String,
    pub line: u32,
    pub kind: String,
    #[serde(default)]
    pub fmt: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ExpectedRoot {
    pub file: String,
    pub func: String,
    pub line: u32,
    #[serde(default)]
    pub external_origin: Option<String>,
    #[serde(default)]
    pub sentinel: Option<String>,
}

/// How one case fared.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub id: String,
    pub root_ok: bool,
    pub path_ok: bool,
    pub text_ok: bool,
    /// Hops of the best path that are in the label (file, line, kind).
    pub hop_tp: usize,
    pub got_hops: usize,
    pub want_hops: usize,
}

/// Scores the best path of `got` against `case`.
pub fn score_case(case: &Case, got: &Explanation) -> CaseResult {
    let hops: &[Hop] = got.paths.first().map_or(&[], |p| p.hops.as_slice());
    let same = |h: &Hop, w: &ExpectedHop| {
        h.file == w.file && h.line == w.line && h.kind.as_str() == w.kind
    };
    let path_ok =
        hops.len() == case.path.len() && hops.iter().zip(&case.path).all(|(h, w)| same(h, w));
    let got_text: Vec<&str> = hops.iter().filter_map(|h| h.fmt.as_deref()).collect();
    let want_text: Vec<&str> = case.path.iter().filter_map(|w| w.fmt.as_deref()).collect();
    let root_ok = got
        .root
        .as_ref()
        .is_some_and(|r| r.file == case.root.file && r.line == case.root.line);
    let mut unused: Vec<&ExpectedHop> = case.path.iter().collect();
    let mut tp = 0;
    for h in hops {
        if let Some(i) = unused.iter().position(|w| same(h, w)) {
            unused.swap_remove(i);
            tp += 1;
        }
    }
    CaseResult {
        id: case.id.clone(),
        root_ok,
        path_ok,
        text_ok: got_text == want_text,
        hop_tp: tp,
        got_hops: hops.len(),
        want_hops: case.path.len(),
    }
}

/// The figures over a set of cases.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Summary {
    pub cases: usize,
    pub root_at_1: f64,
    pub path_at_1: f64,
    pub text_at_1: f64,
    pub hop_f1: f64,
}

pub fn summarise(results: &[CaseResult]) -> Summary {
    let n = results.len();
    if n == 0 {
        return Summary::default();
    }
    let frac =
        |f: &dyn Fn(&CaseResult) -> bool| results.iter().filter(|r| f(r)).count() as f64 / n as f64;
    let tp: usize = results.iter().map(|r| r.hop_tp).sum();
    let got: usize = results.iter().map(|r| r.got_hops).sum();
    let want: usize = results.iter().map(|r| r.want_hops).sum();
    let precision = if got == 0 {
        0.0
    } else {
        tp as f64 / got as f64
    };
    let recall = if want == 0 {
        0.0
    } else {
        tp as f64 / want as f64
    };
    Summary {
        cases: n,
        root_at_1: frac(&|r| r.root_ok),
        path_at_1: frac(&|r| r.path_ok),
        text_at_1: frac(&|r| r.text_ok),
        hop_f1: if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        },
    }
}
