//! The explainer's gates and benchmark: `refract eval` on the committed case files (a floor that
//! fails on regression) and `refract trace --bench` on the Go standard library.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::{metadata, util};

/// Regression floors on the dev set (`tests/eval/*.json`), raised as the engine improves. The
/// acceptance target is root@1 ≥ 0.95 and path@1 ≥ 0.90.
pub const EVAL_MIN_ROOT: f64 = 0.95;
pub const EVAL_MIN_PATH: f64 = 0.94;

fn release_refract() -> Result<PathBuf> {
    util::run(util::cargo().args(["build", "--release", "-p", "refract", "--bin", "refract"]))?;
    Ok(metadata::load()?.release_bin("refract"))
}

/// The dev set's case files, sorted.
fn dev_set() -> Result<Vec<PathBuf>> {
    let dir = util::repo_root().join("tests").join("eval");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// `refract eval`: the fixture must be exact; the dev set must stay above its floors.
pub fn eval_gate() -> Result<()> {
    let bin = release_refract()?;
    let fixture = util::repo_root().join("tests/fixtures/go/errpath.cases.json");
    util::run(
        std::process::Command::new(&bin)
            .arg("eval")
            .arg(&fixture)
            .args(["--min-root", "1", "--min-path", "1"]),
    )?;
    let files = dev_set()?;
    if files.is_empty() {
        println!("no dev-set case files under tests/eval");
        return Ok(());
    }
    util::run(
        std::process::Command::new(&bin)
            .arg("eval")
            .args(&files)
            .arg("--min-root")
            .arg(EVAL_MIN_ROOT.to_string())
            .arg("--min-path")
            .arg(EVAL_MIN_PATH.to_string()),
    )
}

/// `refract trace --bench 1000` on the standard library: the dev set's standard-library lines,
/// then lines rendered from the library's own templates. Targets: p50 ≤ 5 ms, p99 ≤ 50 ms.
pub fn bench(stdlib: &std::path::Path) -> Result<()> {
    let bin = release_refract()?;
    let mut lines = Vec::new();
    for f in dev_set()? {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f)?)
            .with_context(|| format!("{}: not JSON", f.display()))?;
        if v["repo"]
            .as_str()
            .is_some_and(|r| std::path::Path::new(r) == stdlib)
        {
            for c in v["cases"].as_array().into_iter().flatten() {
                if let Some(l) = c["log"].as_str() {
                    lines.push(l.to_string());
                }
            }
        }
    }
    let file = std::env::temp_dir().join(format!("refract-bench-lines-{}.log", std::process::id()));
    std::fs::write(&file, lines.join("\n"))?;
    let mut cmd = std::process::Command::new(&bin);
    cmd.arg("trace")
        .arg("--repo")
        .arg(stdlib)
        .args(["--bench", "1000", "--logs"])
        .arg(&file);
    println!("$ {}", util::show(&cmd));
    let out = cmd.output().context("run refract trace --bench")?;
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        anyhow::bail!(
            "`refract trace --bench` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("bench output is not JSON")?;
    println!("{}", serde_json::to_string_pretty(&v)?);
    let (p50, p99) = (
        v["p50_ms"].as_f64().unwrap_or(f64::NAN),
        v["p99_ms"].as_f64().unwrap_or(f64::NAN),
    );
    println!(
        "trace per line: p50 {p50:.2} ms (target ≤ 5), p99 {p99:.2} ms (target ≤ 50) — {}",
        if p50 <= 5.0 && p99 <= 50.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}
