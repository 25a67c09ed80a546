//! `cargo xtask test`: every check CI runs, in order, failing fast.

use crate::{browser, callgraph, explain, install, metadata, util};
use anyhow::{bail, Result};

pub fn cmd(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        bail!("test: unexpected argument `{a}`");
    }
    let mut steps = util::Steps::default();
    steps.run("install (base, web)", || {
        install::ensure(&[install::Group::Base, install::Group::Web])
    })?;
    steps.run("cargo fmt --check", || {
        util::run(util::cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    steps.run("cargo clippy", || {
        util::run(util::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.run("cargo test", || {
        util::run(util::cargo().args(["test", "--workspace"]))
    })?;
    steps.run("wasm32 build (refract-core)", wasm32_build)?;
    steps.run("wasm32 clippy (refract-web)", browser::wasm32_clippy)?;
    steps.run("call-graph score (stdlib, vta)", || {
        callgraph::score(crate::TEST_MIN_RECALL, crate::TEST_MIN_PRECISION)
    })?;
    steps.run("Loghub template mining (score.py)", loghub_scores)?;
    steps.run("explain eval (fixture + dev set)", explain::eval_gate)?;
    steps.run("real-browser tests (chromium)", browser::run)?;
    steps.print_summary();
    println!("\nall checks passed");
    Ok(())
}

/// `cargo build -p refract-core --target wasm32-unknown-unknown`, with the grammar C builds
/// pointed at tree-sitter-language's wasm libc headers.
pub fn wasm32_build() -> Result<()> {
    let include = metadata::load()?.ts_wasm_include()?;
    let cflags = format!("-isystem {}", include.display());
    println!("CFLAGS_wasm32_unknown_unknown={cflags}");
    util::run(
        util::cargo()
            .env("CFLAGS_wasm32_unknown_unknown", cflags)
            .args([
                "build",
                "-p",
                "refract-core",
                "--target",
                "wasm32-unknown-unknown",
            ]),
    )
}

/// The template miner on the four labelled Loghub-2k sets, scored by their `score.py`; the script
/// fails below the targets (GA ≥ published Drain per set, mean ≥ 0.93).
pub fn loghub_scores() -> Result<()> {
    util::run(util::cargo().args(["build", "--release", "-p", "refract", "--bin", "refract"]))?;
    let bin = metadata::load()?.release_bin("refract");
    let script = util::repo_root().join("xtask").join("loghub_score.py");
    util::run(
        std::process::Command::new("python3")
            .arg(script)
            .arg("--shared")
            .arg(util::shared_dir()?)
            .arg("--bin")
            .arg(bin),
    )
}
