//! `refract cluster`: the JSON report the web app and other tools read, checked on a real run
//! over the synthetic trace fixture and its logs; the Loghub CSV mode; the errors a user sees.

mod common;
use common::refract;

use std::path::PathBuf;

use serde_json::Value;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/traces")
        .join(name)
        .to_str()
        .expect("utf-8")
        .to_string()
}

#[test]
fn json_report_of_logs_and_traces() {
    let logs = fixture("synthetic.log");
    let traces = fixture("synthetic.csv");
    let (ok, out, err) = refract(&["cluster", "--logs", &logs, "--traces", &traces, "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON object");

    let l = &v["logs"];
    assert_eq!(l["ingest"]["lines"], 6);
    assert_eq!(l["ingest"]["malformed_count"], 1);
    assert_eq!(l["ingest"]["malformed"][0]["line"], 6);
    assert_eq!(l["ingest"]["malformed"][0]["problem"], "invalid_json");
    assert_eq!(l["code_paths"], false);
    let redis = l["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["template"].as_str().unwrap().starts_with("redis GET"))
        .expect("redis cluster");
    assert_eq!(redis["levels"][0], serde_json::json!(["error", 1]));

    let t = &v["traces"];
    assert_eq!(t["input"]["spans"], 23);
    assert_eq!(t["input"]["formats"], serde_json::json!(["csv"]));
    let c0 = &t["chains"]["clusters"][0];
    assert_eq!(c0["count"], 3);
    assert_eq!(c0["error_type"], "CardDeclined");
    assert_eq!(c0["signature"][0]["service"], "frontend");
    assert_eq!(c0["signature"][2]["status"], "CardDeclined");
    assert_eq!(
        c0["example_trace_ids"],
        serde_json::json!(["t1", "t2", "t3"])
    );
    assert_eq!(c0["logs"].as_array().unwrap().len(), 3);
    assert_eq!(c0["logs"][0]["on_chain"], 1);
    let c1 = &t["chains"]["clusters"][1];
    assert_eq!(c1["error_type"], "RedisTimeout");
    assert_eq!(c1["logs"][0]["on_chain"], 1);
    assert_eq!(t["broken"]["complete_traces"], 6);
    assert_eq!(t["broken"]["orphan_spans"], 1);
    assert_eq!(t["by_error_type"]["count"], 5);
    assert_eq!(t["flame"]["children"][0]["operation"], "GET /checkout");
    assert_eq!(
        t["chains"]["histogram"]["buckets"],
        c0["histogram"].as_array().unwrap().len()
    );
}

/// With a repository, log templates carry code paths, and trace clusters show the code paths of
/// the log templates joined to them.
#[test]
fn repo_code_paths_reach_trace_clusters() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/go/errpath");
    let logs = fixture("errpath.log");
    let traces = fixture("errpath.csv");
    let (ok, out, err) = refract(&[
        "cluster",
        "--logs",
        &logs,
        "--traces",
        &traces,
        "--repo",
        repo.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON object");
    assert_eq!(v["logs"]["code_paths"], true);
    let corrupt = v["logs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["template"].as_str().unwrap().contains("row is corrupt"))
        .expect("corrupt cluster");
    assert_eq!(corrupt["count"], 2);
    assert_eq!(corrupt["split"], false);
    let hops = corrupt["paths"][0]["path"]["hops"].as_array().unwrap();
    assert_eq!(
        hops.last().unwrap()["func"],
        "(*example.com/errpath/store.DB).readRow"
    );
    let c0 = &v["traces"]["chains"]["clusters"][0];
    assert_eq!(c0["count"], 2);
    assert_eq!(c0["error_type"], "ErrCorrupt");
    let joined = &c0["logs"][0];
    assert_eq!(joined["lines"], 2);
    let root = joined["paths"][0]["hops"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(root["func"], "(*example.com/errpath/store.DB).readRow");
    assert_eq!(root["file"], "store/store.go");
}

/// OTLP/JSON logs are detected (a pretty-printed document and the collector's JSON Lines), and
/// with several log files malformed lines are listed with their file and line in it.
#[test]
fn otlp_logs_and_malformed_lines_per_file() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/logs");
    let doc = dir.join("otlp-logs.json");
    let lines = dir.join("otlp-logs.jsonl");
    let plain = fixture("synthetic.log");
    let (doc, lines) = (doc.to_str().unwrap(), lines.to_str().unwrap());
    let (ok, out, err) = refract(&["cluster", "--logs", doc, &plain, lines, "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON object");
    let ing = &v["logs"]["ingest"];
    let files: Vec<(String, u64, u64)> = ing["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned(),
                f["records"].as_u64().unwrap(),
                f["malformed_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("otlp-logs.json".to_owned(), 4, 0),
            ("synthetic.log".to_owned(), 6, 1),
            ("otlp-logs.jsonl".to_owned(), 4, 0)
        ]
    );
    let m = &ing["malformed"][0];
    assert!(
        m["file"].as_str().unwrap().ends_with("synthetic.log"),
        "{m}"
    );
    assert_eq!(m["line"], 6);
    assert!(ing["formats"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!([{"kind": "otlp"}, 8])));
    let charge = v["logs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["template"]
                .as_str()
                .unwrap()
                .starts_with("charge failed for order")
        })
        .expect("the OTLP records' cluster");
    assert_eq!(charge["count"], 4);
    assert_eq!(charge["services"], serde_json::json!(["checkoutd"]));

    // The readable output names the file of a malformed line.
    let (ok, out, err) = refract(&["cluster", "--logs", doc, &plain, "--format", "auto"]);
    assert!(ok, "{err}");
    assert!(out.contains("synthetic.log:6: InvalidJson"), "{out}");

    // Given as traces, an OTLP logs document gets a hint.
    let (ok, _, err) = refract(&["cluster", "--traces", doc]);
    assert!(!ok);
    assert!(err.contains("give it with --logs"), "{err}");
}

/// The bundled demo: capture and ship jobs of erased orders fail with one template but on two
/// code paths (`Fulfiller.capture` / `Fulfiller.ship`, both from `OrderRepo.Get`), so that
/// cluster is split; every other template of the demo has one path.
#[test]
fn demo_template_split_by_code_path() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../static/demo");
    let logs = demo.join("logs/checkoutd.log");
    let repo = demo.join("repo");
    let (ok, out, err) = refract(&[
        "cluster",
        "--logs",
        logs.to_str().unwrap(),
        "--repo",
        repo.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON object");
    let clusters = v["logs"]["clusters"].as_array().unwrap();
    let split: Vec<&Value> = clusters.iter().filter(|c| c["split"] == true).collect();
    assert_eq!(split.len(), 1, "split clusters: {split:#?}");
    let c = split[0];
    assert_eq!(
        c["template"],
        "job failed: worker <*>: job <*> <*> <*> order <*>: store: not found"
    );
    assert_eq!(c["count"], 5);
    let mut paths: Vec<(u64, String, u64, String)> = c["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let hops = p["path"]["hops"].as_array().unwrap();
            let via = &hops[hops.len() - 2];
            let root = hops.last().unwrap();
            assert_eq!(
                hops[0]["func"],
                "(*github.com/refract-demo/checkout/internal/queue.Pool).Run"
            );
            (
                p["count"].as_u64().unwrap(),
                via["func"]
                    .as_str()
                    .unwrap()
                    .rsplit('.')
                    .next()
                    .unwrap()
                    .to_owned(),
                via["line"].as_u64().unwrap(),
                root["func"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    paths.sort();
    let get = "(*github.com/refract-demo/checkout/internal/store.OrderRepo).Get".to_owned();
    assert_eq!(
        paths,
        [
            (2, "capture".to_owned(), 41, get.clone()),
            (3, "ship".to_owned(), 60, get)
        ]
    );
}

#[test]
fn loghub_csv_mode_is_unchanged() {
    let dir = std::env::temp_dir().join(format!("refract-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("content.txt");
    std::fs::write(
        &f,
        "Invalid user a from 1.2.3.4\nInvalid user b from 1.2.3.5\n",
    )
    .unwrap();
    let (ok, out, err) = refract(&[
        "cluster",
        "--logs",
        f.to_str().unwrap(),
        "--format",
        "loghub",
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "LineId,ClusterId,Template\n1,0,Invalid user <*> from <*>\n2,0,Invalid user <*> from <*>\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn clear_errors() {
    let (ok, _, err) = refract(&["cluster"]);
    assert!(!ok);
    assert!(err.contains("--logs"), "{err}");
    let (ok, _, err) = refract(&["cluster", "--traces", "/nonexistent/t.json"]);
    assert!(!ok);
    assert!(err.contains("/nonexistent/t.json"), "{err}");
    let bad = fixture("synthetic.log");
    let (ok, _, err) = refract(&["cluster", "--traces", &bad]);
    assert!(!ok);
    assert!(
        err.contains("synthetic.log") && err.contains("line"),
        "{err}"
    );
    let (ok, _, err) = refract(&["cluster", "--logs", &bad, "--header", "<Date"]);
    assert!(!ok);
    assert!(err.contains("unterminated"), "{err}");
}
