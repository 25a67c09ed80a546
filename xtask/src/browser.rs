//! The real-browser tests step of `cargo xtask test`: builds `dist/`, serves it twice (the app at
//! the root of one origin; on another origin, under the sub-path `/dist/`, the embedding host
//! page and the app again) with the xtask static server, computes the
//! expected counts with the native CLI, and runs every `tests/browser/*.mjs` (node +
//! playwright-core driving Debian's headless chromium). Screenshots go to `tests/artifacts/`.

use crate::{static_server, util, web};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `refract index --json` for `repo`, as a JSON string (the counts the browser must show).
fn native_counts(repo: &Path) -> Result<serde_json::Value> {
    let out = util::output(
        util::cargo()
            .args([
                "run", "--quiet", "-p", "refract", "--", "index", "--json", "--repo",
            ])
            .arg(repo),
    )?;
    serde_json::from_str(&out).context("refract index --json: invalid JSON")
}

fn zip_dir(dir: &Path, out: &Path) -> Result<()> {
    let _ = std::fs::remove_file(out);
    util::run(
        Command::new("python3")
            .args(["-m", "zipfile", "-c"])
            .arg(out)
            .arg(dir),
    )
}

pub fn run() -> Result<()> {
    run_on(web::build()?)
}

/// `cargo xtask test-browser [--no-build]`.
pub fn cmd(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        None => run(),
        Some("--no-build") => run_on(web::dist_dir()),
        Some(a) => bail!("test-browser: unexpected argument `{a}` (--no-build)"),
    }
}

fn run_on(dist: PathBuf) -> Result<()> {
    let root = util::repo_root();
    let artifacts = root.join("tests").join("artifacts");
    std::fs::create_dir_all(&artifacts)?;

    let fixture = root.join("tests").join("fixtures").join("go").join("shop");
    let zip = artifacts.join("fixture-shop.zip");
    zip_dir(&fixture, &zip)?;
    let expect = native_counts(&zip)?;
    let demo_repo = root.join("static").join("demo").join("repo");
    let mut demo = native_counts(&demo_repo)?;
    demo["probe_function"] = serde_json::Value::from("main");

    let app_port = static_server::spawn("127.0.0.1:0", dist.clone())?;
    // The second origin serves the repository root, so `dist/` is also reached from a sub-path.
    let sub_path = dist
        .strip_prefix(&root)
        .context("dist/ is not inside the repository")?
        .to_string_lossy()
        .replace('\\', "/");
    let host_port = static_server::spawn("127.0.0.1:0", root.clone())?;
    let app = format!("http://127.0.0.1:{app_port}/");
    let host = format!("http://localhost:{host_port}/{sub_path}/");
    println!("app at {app}, embedding host at {host}");

    let dir = root.join("tests").join("browser");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "mjs") && !p.ends_with("lib.mjs"))
        .collect();
    scripts.sort();
    if scripts.is_empty() {
        bail!("no browser tests in {}", dir.display());
    }
    for s in scripts {
        util::run(
            Command::new("node")
                .arg(&s)
                .env("REFRACT_APP_URL", &app)
                .env("REFRACT_HOST_URL", &host)
                .env("REFRACT_TOOLS", root.join(".tools"))
                .env("REFRACT_ARTIFACTS", &artifacts)
                .env("REFRACT_FIXTURE_ZIP", &zip)
                .env("REFRACT_EXPECT", expect.to_string())
                .env("REFRACT_DEMO_EXPECT", demo.to_string()),
        )
        .with_context(|| format!("browser test {} failed", s.display()))?;
    }
    println!("screenshots in {}", artifacts.display());
    Ok(())
}

/// `cargo clippy -p refract-web --target wasm32-unknown-unknown -- -D warnings`.
pub fn wasm32_clippy() -> Result<()> {
    let include = crate::metadata::load()?.ts_wasm_include()?;
    util::run(
        util::cargo()
            .env(
                "CFLAGS_wasm32_unknown_unknown",
                format!("-isystem {}", include.display()),
            )
            .args([
                "clippy",
                "-p",
                "refract-web",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ]),
    )
}
