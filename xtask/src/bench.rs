//! `cargo xtask bench [--repo PATH] [--only index|cluster|browser] [--no-build]`: release-build
//! refract, run `refract bench --json` (indexing), the explainer's benchmark (`explain::bench`)
//! and `refract bench-cluster --json` (template mining on 1 M
//! Loghub-derived lines, trace clustering of 100k traces / 1 M OTLP spans) and pass their JSON
//! through, adding each child's peak RSS; the cluster part also runs in headless Chromium and
//! beside Drain3 ([`cluster`]). Then, when the web toolchain is present (or with
//! `--only browser`), the in-browser benchmark: `tests/bench/analyse_browser.mjs` against `dist/`
//! served on localhost, with `refract index` on the same Go trees as the native reference.
//! A plain runner: no timing assertions.

mod cluster;

use crate::{install, metadata, static_server, util, web};
use anyhow::{bail, Context, Result};
use std::cell::OnceCell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

pub fn cmd(args: &[String]) -> Result<()> {
    let no_build = args.iter().any(|a| a == "--no-build");
    let args: Vec<String> = args
        .iter()
        .filter(|a| *a != "--no-build")
        .cloned()
        .collect();
    let flags = util::parse_flags(&args, &["repo", "only"])?;
    let only = flags.get("only").map(String::as_str);
    if let Some(o) = only.filter(|o| !matches!(*o, "index" | "cluster" | "browser")) {
        bail!("bench: --only takes `index`, `cluster` or `browser`, not `{o}`");
    }
    let repo = PathBuf::from(
        flags
            .get("repo")
            .map(String::as_str)
            .unwrap_or(util::GO_STDLIB_SRC),
    );
    if only.is_none_or(|o| o == "index") && !repo.is_dir() {
        bail!("bench: repository {} not found", repo.display());
    }
    install::ensure(&[install::Group::Base])?;
    util::run(util::cargo().args(["build", "--release", "-p", "refract", "--bin", "refract"]))?;
    let refract = metadata::load()?.release_bin("refract");

    if only.is_none_or(|o| o == "index") {
        let mut cmd = Command::new(&refract);
        cmd.arg("bench").arg("--repo").arg(&repo).arg("--json");
        run_json(cmd)?;
        crate::explain::bench(&repo)?;
    }
    // `dist/` is built at most once for both browser benchmarks.
    let built = OnceCell::new();
    let dist = || -> Result<PathBuf> {
        if let Some(d) = built.get() {
            return Ok(std::path::PathBuf::clone(d));
        }
        let d = dist_dir(no_build)?;
        Ok(built.get_or_init(|| d).clone())
    };
    let web = web_toolchain_present(no_build);
    if only.is_none_or(|o| o == "cluster") {
        let loghub = util::shared_dir()?.join("data").join("loghub");
        let dist_fn: &dyn Fn() -> Result<PathBuf> = &dist;
        cluster::run(&refract, &loghub, web.then_some(dist_fn))?;
    }
    match only {
        Some("browser") => browser(&refract, &dist()?)?,
        None if web => browser(&refract, &dist()?)?,
        None => println!("bench: web toolchain not installed; skipping the browser benchmark"),
        Some(_) => {}
    }
    Ok(())
}

/// `dist/` as built now (or as it is with `--no-build`), checked to hold the app.
fn dist_dir(no_build: bool) -> Result<PathBuf> {
    let dist = if no_build {
        web::dist_dir()
    } else {
        web::build()?
    };
    if !dist.join("index.html").is_file() {
        bail!(
            "bench: {} has no index.html (build it with `cargo xtask build`)",
            dist.display()
        );
    }
    Ok(dist)
}

/// The Go trees of the browser benchmark (issue 4, item 9), relative to the standard library's
/// `src/`.
const BROWSER_TREES: [&str; 3] = ["net/http", "crypto/tls", "encoding/json"];
const RUNS: usize = 3;
/// Browser runs, each paired with a native run just before it.
const BROWSER_RUNS: usize = 5;

/// chromium, node and playwright-core, plus trunk unless `dist/` is reused.
fn web_toolchain_present(no_build: bool) -> bool {
    let tools = util::repo_root().join(".tools").join("node_modules");
    Path::new("/usr/bin/chromium").is_file()
        && util::on_path("node")
        && tools.join("playwright-core").is_dir()
        && (no_build || util::on_path("trunk") || tools.join(".bin").join("trunk").is_file())
}

/// Copies the benchmark trees to `work/src` and zips them (paths relative to `src/`); times
/// `refract index` on the copy `RUNS` times; serves `dist/` and runs the browser script.
fn browser(refract: &Path, dist: &Path) -> Result<()> {
    let dist = dist.to_path_buf();
    let work = std::env::temp_dir().join(format!("refract-bench-browser-{}", std::process::id()));
    let tree = work.join("src");
    let zip = work.join("go-net-http-tls-json.zip");
    std::fs::create_dir_all(&tree)?;
    let go_src = Path::new(util::GO_STDLIB_SRC);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&zip)?);
    for t in BROWSER_TREES {
        copy_and_zip(&go_src.join(t), Path::new(t), &tree, &mut writer)?;
    }
    writer.finish().context("writing the benchmark zip")?;
    println!(
        "browser bench: {} from {} ({} bytes)",
        BROWSER_TREES.join(" + "),
        go_src.display(),
        std::fs::metadata(&zip)?.len()
    );

    let mut native = Vec::new();
    let mut counts = String::new();
    for _ in 0..RUNS {
        let mut cmd = Command::new(refract);
        cmd.arg("index").arg("--repo").arg(&tree).arg("--json");
        let start = Instant::now();
        counts = util::output(&mut cmd)?;
        native.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    native.sort_by(f64::total_cmp);
    let native_ms = native[RUNS / 2];
    println!("native `refract index` on the same trees: {native:.0?} ms, median {native_ms:.0} ms");
    let counts: serde_json::Value =
        serde_json::from_str(&counts).context("refract index --json: invalid JSON")?;
    // The native per-stage times of the same trees, to set beside the browser's.
    let mut stages = Command::new(refract);
    stages.arg("bench").arg("--repo").arg(&tree).arg("--json");
    run_json(stages)?;
    // One native thread, to set beside the parser workers' summed parse time: wasm's speed per
    // core, the floor under the in-browser/native ratio when both sides use every core.
    let mut one = Command::new(refract);
    one.env("RAYON_NUM_THREADS", "1")
        .arg("bench")
        .arg("--repo")
        .arg(&tree)
        .arg("--runs")
        .arg("5")
        .arg("--only")
        .arg("index")
        .arg("--json");
    let one_thread_parse_ms = run_json(one)?
        .and_then(|v| v["stages_ms"]["parse_ms"].as_f64())
        .unwrap_or(0.0);

    let port = static_server::spawn("127.0.0.1:0", dist.clone())?;
    let root = util::repo_root();
    let result = util::run(
        Command::new("node")
            .arg(root.join("tests").join("bench").join("analyse_browser.mjs"))
            .env("REFRACT_APP_URL", format!("http://127.0.0.1:{port}/"))
            .env("REFRACT_TOOLS", root.join(".tools"))
            .env("REFRACT_DIST", &dist)
            .env("REFRACT_BENCH_ZIP", &zip)
            .env("REFRACT_NATIVE_MS", format!("{native_ms:.1}"))
            .env(
                "REFRACT_NATIVE_1T_PARSE_MS",
                format!("{one_thread_parse_ms:.1}"),
            )
            .env("REFRACT_EXPECT", counts.to_string())
            .env("REFRACT_NATIVE_BIN", refract)
            .env("REFRACT_NATIVE_REPO", &tree)
            .env("BENCH_RUNS", BROWSER_RUNS.to_string()),
    );
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Copies every file under `dir` to `out/rel/…` and adds it to `zip` as `rel/…`.
fn copy_and_zip(
    dir: &Path,
    rel: &Path,
    out: &Path,
    zip: &mut zip::ZipWriter<std::fs::File>,
) -> Result<()> {
    std::fs::create_dir_all(out.join(rel))?;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let (path, rel) = (e.path(), rel.join(e.file_name()));
        if e.file_type()?.is_dir() {
            copy_and_zip(&path, &rel, out, zip)?;
        } else {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            std::fs::write(out.join(&rel), &bytes)?;
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file(rel.to_string_lossy().replace('\\', "/"), options)?;
            zip.write_all(&bytes)?;
        }
    }
    Ok(())
}

/// Runs one `refract … --json` child, pretty-prints its JSON, its peak RSS and wall time;
/// returns the JSON (`None` if the output was not one JSON value).
fn run_json(mut cmd: Command) -> Result<Option<serde_json::Value>> {
    println!("$ {}", util::show(&cmd));
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {}", util::show(&cmd)))?;
    let mut out = String::new();
    child
        .stdout
        .take()
        .context("no stdout pipe")?
        .read_to_string(&mut out)?;
    let (status, maxrss_kb) = wait_with_rusage(child.id())?;
    let wall = start.elapsed();
    if !status.success() {
        print!("{out}");
        bail!("`{}` failed ({status})", util::show(&cmd));
    }
    let json = match serde_json::from_str::<serde_json::Value>(out.trim()) {
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v)?);
            Some(v)
        }
        Err(e) => {
            eprintln!("bench: output is not one JSON object ({e}); passing it through");
            print!("{out}");
            None
        }
    };
    println!("peak_rss_mb: {:.1}", maxrss_kb as f64 / 1024.0);
    println!("wall_s: {:.2}", wall.as_secs_f64());
    Ok(json)
}

/// `struct rusage` on Linux: two `timeval`s then 14 `long`s, the first of which is `ru_maxrss`
/// (kilobytes).
#[repr(C)]
struct Rusage {
    utime: [std::ffi::c_long; 2],
    stime: [std::ffi::c_long; 2],
    maxrss: std::ffi::c_long,
    rest: [std::ffi::c_long; 13],
}

extern "C" {
    fn wait4(
        pid: std::ffi::c_int,
        status: *mut std::ffi::c_int,
        options: std::ffi::c_int,
        rusage: *mut Rusage,
    ) -> std::ffi::c_int;
}

/// Reap child `pid` with `wait4`, which returns that child's own resource usage (unlike
/// `getrusage(RUSAGE_CHILDREN)`, which would also count the cargo build run before it).
fn wait_with_rusage(pid: u32) -> Result<(ExitStatus, std::ffi::c_long)> {
    use std::os::unix::process::ExitStatusExt;
    let mut status: std::ffi::c_int = 0;
    let mut usage = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    loop {
        // SAFETY: `status` and `usage` are valid, properly laid out out-parameters; `pid` is our
        // own child, which std has not reaped (we never call `Child::wait`).
        let r = unsafe { wait4(pid as std::ffi::c_int, &mut status, 0, &mut usage) };
        if r == pid as std::ffi::c_int {
            return Ok((ExitStatus::from_raw(status), usage.maxrss));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err).context("wait4");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zips_trees_with_paths_relative_to_src() {
        let tmp = std::env::temp_dir().join(format!("xtask-zip-test-{}", std::process::id()));
        let src = tmp.join("go").join("net").join("http");
        std::fs::create_dir_all(src.join("internal")).unwrap();
        std::fs::write(src.join("server.go"), "package http\n").unwrap();
        std::fs::write(
            src.join("internal").join("chunked.go"),
            "package internal\n",
        )
        .unwrap();
        let out = tmp.join("out");
        let zip_path = tmp.join("t.zip");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        copy_and_zip(&src, Path::new("net/http"), &out, &mut w).unwrap();
        w.finish().unwrap();
        let mut names: Vec<String> = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap())
            .unwrap()
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["net/http/internal/chunked.go", "net/http/server.go"]
        );
        assert!(out.join("net/http/internal/chunked.go").is_file());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn rusage_layout() {
        assert_eq!(std::mem::size_of::<Rusage>(), 144);
    }

    #[test]
    fn measures_a_child() {
        // `sh -c 'exit 3'` ends with status 3 and a non-zero peak RSS.
        let child = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
        let (status, kb) = wait_with_rusage(child.id()).unwrap();
        drop(child); // reaped by wait4 above
        assert_eq!(status.code(), Some(3));
        assert!(kb > 0);
    }
}
