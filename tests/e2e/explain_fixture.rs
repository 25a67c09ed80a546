//! The `errpath` fixture: log lines with exact answers (`tests/fixtures/go/errpath.cases.json`)
//! — 2–6 hop paths, pass-through chains beyond k, interface dispatch, const indirection, a
//! sentinel, a goroutine hand-off, errors handed back through a future, a result struct and a
//! channel helper, and an external origin — and the behaviours around them.

use refract_core::explain::eval::{self, CaseFile};
use refract_core::explain::{ExplainOptions, Explainer, HopKind, LogInput};
use refract_tests::*;

fn explainer(idx: &refract_core::index::Index) -> Explainer<'_> {
    Explainer::new(&idx.program, &idx.closure, ExplainOptions::default())
        .with_externals(idx.externals.clone())
}

#[test]
fn every_labelled_case_is_exact() {
    let text = std::fs::read_to_string(fixture("go/errpath.cases.json")).expect("case file");
    let cases: CaseFile = serde_json::from_str(&text).expect("case file parses");
    let idx = index_repo(&fixture("go/errpath"), cases.k);
    let ex = explainer(&idx);
    for case in &cases.cases {
        let got = ex.explain_line(&case.log);
        let r = eval::score_case(case, &got);
        assert!(
            r.root_ok && r.path_ok && r.text_ok,
            "{}: {:#?}",
            case.id,
            got.paths.first()
        );
        let root = got.root.as_ref().expect("root");
        assert_eq!(
            root.external_origin, case.root.external_origin,
            "{}",
            case.id
        );
        assert_eq!(root.sentinel, case.root.sentinel, "{}", case.id);
    }
}

#[test]
fn same_text_in_two_functions_gives_two_close_paths() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = explainer(&idx);
    let e = ex.explain(LogInput::text("query failed: row is corrupt"));
    let roots: Vec<&str> = e
        .paths
        .iter()
        .map(|p| p.hops.last().expect("hop").func.as_str())
        .collect();
    assert!(
        roots.contains(&"(*example.com/errpath/store.DB).readRow"),
        "{roots:?}"
    );
    assert!(
        roots.contains(&"example.com/errpath/svc.check"),
        "{roots:?}"
    );
}

#[test]
fn the_caller_decides_between_equal_texts() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = explainer(&idx);
    let e = ex.explain(LogInput {
        message: "query failed: row is corrupt",
        error: None,
        caller: Some(("svc/svc.go", 73)),
    });
    let first = &e.paths.first().expect("path").hops[0];
    assert_eq!(first.func, "example.com/errpath/svc.Audit");
}

#[test]
fn error_field_is_explained_as_the_inner_error() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = explainer(&idx);
    let e = ex.explain(LogInput {
        message: "refresh: refresh cache",
        error: Some("fetch http://x: status 503"),
        caller: None,
    });
    let hops = &e.paths.first().expect("path").hops;
    assert_eq!(hops.last().expect("hop").kind, HopKind::Origin);
    assert_eq!(
        hops.last().expect("hop").fmt.as_deref(),
        Some("fetch %s: status %d")
    );
}

#[test]
fn unmatched_line_is_an_answer_with_nearest_candidates() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = explainer(&idx);
    // Drifted from the code: `%d` printed as a word, so no exact match.
    let e = ex.explain(LogInput::text("gave up after three retries"));
    assert!(e.paths.is_empty(), "{:?}", e.paths);
    assert!(e
        .note
        .as_deref()
        .is_some_and(|n| n.contains("no template matched")));
    assert!(e
        .candidates
        .iter()
        .any(|c| c.template == "gave up after %d retries" && !c.exact && c.score >= 0.7));
    let e = ex.explain(LogInput::text("totally unrelated words here"));
    assert!(e.paths.is_empty() && e.candidates.is_empty());
}

#[test]
fn a_megabyte_line_is_cut_not_fatal() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = explainer(&idx);
    let line = format!("run all: worker crashed {}", "x".repeat(1 << 20));
    let e = ex.explain(LogInput::text(&line));
    assert!(e.note.as_deref().is_some_and(|n| n.contains("cut")));
}

#[test]
fn the_printed_caller_answers_a_bare_standard_sentinel() {
    // `log.Print(err)` with `log.Lshortfile`: `jobs.go:33: unexpected EOF`.
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = explainer(&idx);
    let e = ex.explain_line("2026/11/21 03:12:44 jobs.go:33: unexpected EOF");
    let hops: Vec<(&str, HopKind)> = e.paths[0]
        .hops
        .iter()
        .map(|h| (h.func.as_str(), h.kind))
        .collect();
    assert_eq!(
        hops,
        [
            ("example.com/errpath/jobs.LogHeader", HopKind::Log),
            ("example.com/errpath/jobs.Header", HopKind::Passthrough),
            (
                "example.com/errpath/jobs.readHeader",
                HopKind::OriginSentinel
            ),
        ]
    );
    let root = e.root.expect("root");
    assert_eq!(root.sentinel.as_deref(), Some("io.ErrUnexpectedEOF"));
    assert_eq!(root.external_origin, None);
}

#[test]
fn hand_offs_connect_readers_to_writers() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let p = &idx.program;
    let one = |name: &str| {
        let f = p.find_by_name(name);
        assert_eq!(f.len(), 1, "{name}");
        f[0]
    };
    let writers = |name: &str| -> Vec<(String, Option<u32>)> {
        let mut v: Vec<(String, Option<u32>)> = p
            .handoffs
            .writers_read_by(one(name))
            .map(|w| (p.name(w.func).to_string(), w.param))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let t = "example.com/errpath/tasks";
    // `f.err = <-f.errCh`: every sender on a channel of errors in the package; `respond` and
    // `notify` send their parameter.
    assert_eq!(
        writers(&format!("(*{t}.future).Error")),
        [
            (format!("(*{t}.future).respond"), Some(0)),
            (format!("{t}.notify"), Some(1)),
        ]
    );
    // `r := <-p.out; return r.err`: the struct literal `result{err: err}` in `run`.
    assert_eq!(
        writers(&format!("(*{t}.Pipe).send")),
        [(format!("(*{t}.Pipe).run"), None)]
    );
    // A function that only starts goroutines reads nothing.
    assert!(writers(&format!("(*{t}.Runner).Serve")).is_empty());
    assert_eq!(
        p.handoffs
            .params_written(one(&format!("(*{t}.future).respond"))),
        [0]
    );
}
