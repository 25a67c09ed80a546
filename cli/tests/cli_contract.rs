//! The CLI's output contracts, checked by running the real binary on the `shop` fixture.

mod common;
use common::refract;

use std::path::PathBuf;

fn shop() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/go/shop")
}

#[test]
fn callgraph_tsv_has_the_documented_columns_and_relative_paths() {
    let repo = shop();
    let (ok, out, err) = refract(&[
        "callgraph",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--format",
        "tsv",
    ]);
    assert!(ok, "{err}");
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    assert_eq!(
        &header[..7],
        [
            "caller_file",
            "caller_line",
            "callee_file",
            "callee_line",
            "call_site_file",
            "call_site_line",
            "kind"
        ]
    );
    // main (main.go:10) calls store.NewDB (store/store.go:29) at main.go:11.
    assert!(
        out.lines()
            .any(|l| l.starts_with("main.go\t10\tstore/store.go\t29\tmain.go\t11\tstatic\t")),
        "{out}"
    );
    // Lookup's s.store.Get is a dynamic edge to (*DB).Get (store/store.go:33).
    assert!(
        out.lines().any(|l| l
            .starts_with("svc/service.go\t18\tstore/store.go\t33\tsvc/service.go\t19\tdynamic")),
        "{out}"
    );
}

#[test]
fn index_json_counts() {
    let repo = shop();
    let (ok, out, err) = refract(&["index", "--repo", repo.to_str().expect("utf-8"), "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["go_files"], 4);
    assert_eq!(v["packages"], 3);
    assert_eq!(v["strings_by_role"]["sentinel"], 1);
    assert_eq!(v["skipped_by_reason"]["excluded_dir"], 1);
    // `Service.Lookup` → `(*DB).Get`: the only type that flows into the `Store` field.
    assert_eq!(v["call_edges"]["dynamic"], 1);
}

#[test]
fn closure_prints_chains_and_rejects_unknown_functions() {
    let repo = shop();
    let r = repo.to_str().expect("utf-8");
    let (ok, out, err) = refract(&["closure", "--repo", r, "--func", "shop.main", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let reset = v["strings"]
        .as_array()
        .expect("strings")
        .iter()
        .find(|s| s["text"] == "connection reset by peer")
        .expect("string in closure");
    assert_eq!(reset["chain"].as_array().map(|c| c.len()), Some(4));
    assert_eq!(reset["site"], "store/store.go:22");

    let (ok, _, err) = refract(&["closure", "--repo", r, "--func", "NoSuchFunc"]);
    assert!(!ok);
    assert!(err.contains("no function named \"NoSuchFunc\""), "{err}");
    let (ok, _, err) = refract(&["index", "--repo", "/nonexistent/repo"]);
    assert!(!ok);
    assert!(err.contains("/nonexistent/repo"), "{err}");
}
