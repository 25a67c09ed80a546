//! `cargo xtask bench --only cluster` (issue 5, item 9): template mining and trace clustering,
//! natively and in headless Chromium on the same bytes, with Drain3 from PyPI as a reference,
//! printed as one table.
//!
//! 1. `refract bench-cluster --json --write-logs … --write-traces …`: native figures on the 1 M
//!    Loghub-derived lines and the 100k-trace / 1 M-span OTLP JSON Lines, which it also writes.
//! 2. When the web toolchain is present: `tests/bench/clusters_browser.mjs` picks both files in the
//!    Clusters tab of `dist/`; the worker's own times (reading the file excluded) give lines/s.
//! 3. Drain3 (`pip install drain3` into a venv under `~/.cache/refract`, made once) on the first
//!    `DRAIN3_LINES` lines of the same log; skipped with a note when Python or pip fail.
//!
//! A plain runner: no timing assertions.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::{static_server, util};

/// Lines given to Drain3 (it mines about 10–50k lines/s; the whole million would take minutes).
const DRAIN3_LINES: usize = 200_000;

pub fn run(
    refract: &Path,
    loghub: &Path,
    dist: Option<&dyn Fn() -> Result<PathBuf>>,
) -> Result<()> {
    let work = std::env::temp_dir().join(format!("refract-bench-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let result = run_in(refract, loghub, dist, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_in(
    refract: &Path,
    loghub: &Path,
    dist: Option<&dyn Fn() -> Result<PathBuf>>,
    work: &Path,
) -> Result<()> {
    let logs = work.join("bench-logs.log");
    let traces = work.join("bench-traces.json");
    let mut cmd = Command::new(refract);
    cmd.arg("bench-cluster")
        .arg("--loghub")
        .arg(loghub)
        .arg("--json")
        .arg("--write-logs")
        .arg(&logs)
        .arg("--write-traces")
        .arg(&traces);
    let native = super::run_json(cmd)?.context("refract bench-cluster printed no JSON")?;

    let browser = match dist {
        None => {
            println!(
                "bench: web toolchain not installed; skipping the in-browser clustering benchmark"
            );
            None
        }
        Some(dist) => Some(browser(&dist()?, &logs, &traces)?),
    };
    let drain3 = drain3(&logs);
    print_table(&native, browser.as_ref(), drain3.as_ref());
    Ok(())
}

fn browser(dist: &Path, logs: &Path, traces: &Path) -> Result<Value> {
    let port = static_server::spawn("127.0.0.1:0", dist.to_path_buf())?;
    let root = util::repo_root();
    let mut cmd = Command::new("node");
    cmd.arg(
        root.join("tests")
            .join("bench")
            .join("clusters_browser.mjs"),
    )
    .env("REFRACT_APP_URL", format!("http://127.0.0.1:{port}/"))
    .env("REFRACT_TOOLS", root.join(".tools"))
    .env("REFRACT_BENCH_LOGS", logs)
    .env("REFRACT_BENCH_TRACES", traces)
    .env("BENCH_RUNS", "2");
    println!("$ {}", util::show(&cmd));
    let out = util::output(&mut cmd)?;
    let mut json = None;
    for line in out.lines() {
        match line.strip_prefix("BENCH_JSON ") {
            Some(j) => {
                json =
                    Some(serde_json::from_str(j).context("clusters_browser.mjs: bad BENCH_JSON")?)
            }
            None => println!("{line}"),
        }
    }
    json.context("clusters_browser.mjs printed no BENCH_JSON line")
}

/// The venv's python with drain3 installed, creating it on first use.
fn drain3_python() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let venv = PathBuf::from(home)
        .join(".cache")
        .join("refract")
        .join("drain3-venv");
    let python = venv.join("bin").join("python");
    let have = |p: &Path| util::probe(Command::new(p).args(["-c", "import drain3"])).is_some();
    if python.is_file() && have(&python) {
        return Ok(python);
    }
    std::fs::create_dir_all(venv.parent().context("venv path")?)?;
    util::run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    util::run(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "drain3"])
            .stdin(Stdio::null()),
    )?;
    anyhow::ensure!(have(&python), "drain3 does not import after pip install");
    Ok(python)
}

fn drain3(logs: &Path) -> Option<Value> {
    let run = || -> Result<Value> {
        let python = drain3_python()?;
        let mut cmd = Command::new(python);
        cmd.arg(
            util::repo_root()
                .join("tests")
                .join("bench")
                .join("drain3_bench.py"),
        )
        .arg(logs)
        .arg(DRAIN3_LINES.to_string());
        println!("$ {}", util::show(&cmd));
        let out = util::output(&mut cmd)?;
        serde_json::from_str(out.trim()).context("drain3_bench.py: not JSON")
    };
    match run() {
        Ok(v) => Some(v),
        Err(e) => {
            println!("bench: Drain3 side-by-side skipped: {e:#}");
            None
        }
    }
}

fn f(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64()
}

fn cell(x: Option<f64>, fmt: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "—".to_owned(), fmt)
}

fn rate(x: f64) -> String {
    format!("{:.0}k lines/s", x / 1000.0)
}

fn secs(x: f64) -> String {
    format!("{x:.2} s")
}

fn print_table(native: &Value, browser: Option<&Value>, drain3: Option<&Value>) {
    let b = |p: &[&str]| browser.and_then(|v| f(v, p));
    let lines = f(native, &["logs", "lines"]).unwrap_or(0.0);
    let spans = f(native, &["traces", "spans"]).unwrap_or(0.0);
    let rows: [(String, String, String, String); 5] = [
        (
            format!("log: ingest + parse + mine, {lines:.0} lines"),
            cell(
                f(native, &["logs", "ingest_parse_cluster_lines_per_s"]),
                rate,
            ),
            cell(b(&["logs", "lines_per_s"]), rate),
            "—".into(),
        ),
        (
            "log: template miner alone".into(),
            cell(f(native, &["logs", "mine_lines_per_s"]), rate),
            "—".into(),
            cell(drain3.and_then(|d| f(d, &["lines_per_s"])), |x| {
                format!(
                    "{} (first {:.0} lines)",
                    rate(x),
                    drain3.and_then(|d| f(d, &["lines"])).unwrap_or(0.0)
                )
            }),
        ),
        (
            format!("traces: parse OTLP JSON, {spans:.0} spans"),
            cell(f(native, &["traces", "parse_s"]), secs),
            cell(b(&["traces", "traces_ms"]).map(|ms| ms / 1000.0), secs),
            "—".into(),
        ),
        (
            "traces: chains + broken + drill".into(),
            cell(f(native, &["traces", "analyze_s"]), secs),
            cell(b(&["traces", "finish_ms"]).map(|ms| ms / 1000.0), secs),
            "—".into(),
        ),
        (
            "traces: pick file → drawn report (browser)".into(),
            cell(f(native, &["traces", "total_s"]), |x| {
                format!("{} (parse + analyse)", secs(x))
            }),
            cell(b(&["traces", "wall_ms"]).map(|ms| ms / 1000.0), secs),
            "—".into(),
        ),
    ];
    let head = (
        "measure",
        "native",
        "headless Chromium (wasm worker)",
        "Drain3 (PyPI)",
    );
    // Each column as wide as its widest cell or its heading.
    let width = |cell: fn(&(String, String, String, String)) -> &str, head: &str| {
        rows.iter()
            .map(|r| cell(r).len())
            .max()
            .unwrap_or(0)
            .max(head.len())
    };
    let w0 = width(|r| &r.0, head.0);
    let w1 = width(|r| &r.1, head.1);
    let w2 = width(|r| &r.2, head.2);
    println!("\ncluster benchmark (issue 5, item 9)");
    println!(
        "{:w0$} | {:w1$} | {:w2$} | {}",
        head.0, head.1, head.2, head.3
    );
    println!("{}", "-".repeat(w0 + w1 + w2 + 9 + head.3.len()));
    for (a, n, br, d) in rows {
        println!("{a:w0$} | {n:w1$} | {br:w2$} | {d}");
    }
}
