//! `refract trace` and `refract eval`: the JSON contract of issue #3, checked on a real run over
//! the `errpath` fixture, and the errors a user sees.

mod common;
use common::refract;

use std::path::PathBuf;

use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/go")
}

fn repo() -> String {
    fixtures()
        .join("errpath")
        .to_str()
        .expect("utf-8")
        .to_string()
}

const LINE: &str =
    "2026/11/21 03:12:44 refresh: refresh cache: fetch http://example.com:8080/a: status 503";

fn check_object(v: &Value) {
    let o = v.as_object().expect("object");
    for key in ["log", "paths", "root", "candidates"] {
        assert!(o.contains_key(key), "missing {key} in {v}");
    }
    assert!(v["log"].is_string());
    for p in v["paths"].as_array().expect("paths") {
        assert!(p["score"].is_f64() || p["score"].is_u64());
        for h in p["hops"].as_array().expect("hops") {
            assert!(h["func"].is_string() && h["file"].is_string() && h["line"].is_u64());
            let kind = h["kind"].as_str().expect("kind");
            assert!([
                "log",
                "wrap",
                "passthrough",
                "origin",
                "origin_external",
                "origin_sentinel",
                "convert"
            ]
            .contains(&kind));
            assert!(h["text"].is_string() || h["text"].is_null());
            assert!(
                h["site"].is_null()
                    || (h["site"]["file"].is_string() && h["site"]["line"].is_u64())
            );
            assert!(
                !h["file"].as_str().expect("file").starts_with('/'),
                "file is repo-relative"
            );
        }
    }
    if !v["root"].is_null() {
        for key in ["func", "file", "line", "external_origin"] {
            assert!(v["root"].get(key).is_some(), "root lacks {key}");
        }
    }
}

#[test]
fn trace_json_follows_the_contract() {
    let (ok, out, err) = refract(&[
        "trace",
        "--repo",
        &repo(),
        "--log",
        LINE,
        "--k",
        "3",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON object");
    check_object(&v);
    assert_eq!(v["log"], LINE);
    let hops = v["paths"][0]["hops"].as_array().expect("hops");
    let kinds: Vec<&str> = hops
        .iter()
        .map(|h| h["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["log", "wrap", "origin"]);
    assert_eq!(
        hops[1]["func"],
        "(*example.com/errpath/svc.Service).Refresh"
    );
    assert_eq!(hops[1]["file"], "svc/svc.go");
    assert_eq!(hops[1]["line"], 38);
    assert_eq!(hops[1]["text"], "refresh cache: ");
    assert_eq!(hops[1]["site"]["line"], 40);
    assert_eq!(
        v["root"]["func"],
        "(*example.com/errpath/svc.HTTPFetcher).Fetch"
    );
    assert!(v["root"]["external_origin"].is_null());
}

#[test]
fn trace_logs_prints_json_lines_in_order() {
    let dir = std::env::temp_dir().join(format!("refract-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let file = dir.join("lines.log");
    let lines = [
        LINE,
        "nothing like any template at all",
        "",
        "jobs stopped run all: worker crashed",
    ];
    std::fs::write(&file, lines.join("\n")).expect("write");
    let (ok, out, err) = refract(&[
        "trace",
        "--repo",
        &repo(),
        "--logs",
        file.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(ok, "{err}");
    let objs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(objs.len(), lines.len());
    for (o, l) in objs.iter().zip(lines) {
        check_object(o);
        assert_eq!(o["log"], l);
    }
    assert!(objs[1]["root"].is_null());
    assert_eq!(objs[3]["root"]["func"], "example.com/errpath/jobs.step");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn readable_output_names_each_hop_with_file_and_line() {
    let (ok, out, err) = refract(&["trace", "--repo", &repo(), "--log", LINE]);
    assert!(ok, "{err}");
    assert!(out.contains("svc/svc.go:38"), "{out}");
    assert!(
        out.contains("root cause: (*example.com/errpath/svc.HTTPFetcher).Fetch"),
        "{out}"
    );
    let (ok, out, _) = refract(&["trace", "--repo", &repo(), "--log", "zzz qqq"]);
    assert!(ok);
    assert!(out.contains("no template matched"), "{out}");
}

#[test]
fn clear_errors() {
    let (ok, _, err) = refract(&["trace", "--repo", "/no/such/repo", "--log", LINE]);
    assert!(!ok);
    assert!(
        err.contains("/no/such/repo") && err.contains("does not exist"),
        "{err}"
    );
    let (ok, _, err) = refract(&["trace", "--repo", &repo(), "--log", "  "]);
    assert!(!ok);
    assert!(err.contains("empty"), "{err}");
    let (ok, _, err) = refract(&[
        "trace",
        "--repo",
        &repo(),
        "--logs",
        "/no/such/file.log",
        "--json",
    ]);
    assert!(!ok);
    assert!(err.contains("/no/such/file.log"), "{err}");
}

#[test]
fn a_megabyte_line_is_answered() {
    // Too long for one argument (the kernel caps those at 128 KiB), so through --logs.
    let dir = std::env::temp_dir().join(format!("refract-mb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let file = dir.join("big.log");
    let line = format!("run all: worker crashed {}", "y".repeat(1 << 20));
    std::fs::write(&file, &line).expect("write");
    let (ok, out, err) = refract(&[
        "trace",
        "--repo",
        &repo(),
        "--logs",
        file.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("JSON");
    assert!(v["note"].as_str().is_some_and(|n| n.contains("cut")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_prints_the_figures() {
    let cases = fixtures().join("errpath.cases.json");
    let (ok, out, err) = refract(&[
        "eval",
        cases.to_str().expect("utf-8"),
        "--min-root",
        "1",
        "--min-path",
        "1",
    ]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("root@1=1.000 path@1=1.000 text@1=1.000 hopF1=1.000"),
        "{out}"
    );
}
