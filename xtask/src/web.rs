//! `cargo xtask build` and `cargo xtask serve`: the browser app.
//!
//! build: check/install the web toolchain, `trunk build --release` (offline, with the grammar C
//! code pointed at tree-sitter-language's wasm libc headers), then make `dist/` self-contained:
//! trunk's inline boot script moves to `boot.js` (the CSP allows no inline script), the demo
//! repository is packed as `dist/demo/repo.tar.gz` with its logs as `dist/demo/logs.txt`, and the
//! size of every file is reported raw and gzip-compressed. Every URL in `dist/` is relative, so it
//! works from any static server, any sub-path, and with no network.
//!
//! serve: build, then serve `dist/` on localhost with [`crate::static_server`].

use crate::{install, metadata, static_server, util};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn dist_dir() -> PathBuf {
    util::repo_root().join("dist")
}

/// PATH with `<repo>/.tools/node_modules/.bin` first (wasm-opt 132 from npm).
pub fn tools_path() -> std::ffi::OsString {
    let bin = util::repo_root()
        .join(".tools")
        .join("node_modules")
        .join(".bin");
    let mut paths = vec![bin];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// `cargo xtask build`.
pub fn cmd_build(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        bail!("build: unexpected argument `{a}`");
    }
    build()?;
    Ok(())
}

/// Installs what is missing, builds `dist/`, prints the sizes. Returns the dist directory.
pub fn build() -> Result<PathBuf> {
    install::ensure(&[install::Group::Base, install::Group::Web])?;
    let include = metadata::load()?.ts_wasm_include()?;
    let cflags = format!("-isystem {}", include.display());
    // trunk runs cargo offline; make sure every crate is in the local registry first.
    util::run(util::cargo().args(["fetch"]))?;
    let started = std::time::Instant::now();
    util::run(
        Command::new("trunk")
            .current_dir(util::repo_root())
            .env("PATH", tools_path())
            .env("CFLAGS_wasm32_unknown_unknown", &cflags)
            .args(["build", "--release"]),
    )
    .context("trunk build failed")?;
    println!("trunk build: {:.1} s", started.elapsed().as_secs_f64());
    let dist = dist_dir();
    extract_boot_script(&dist)?;
    pack_demo(
        &util::repo_root().join("static").join("demo"),
        &dist.join("demo"),
    )?;
    report_sizes(&dist)?;
    Ok(dist)
}

/// Moves trunk's inline `<script type="module">…</script>` into `boot.js`.
fn extract_boot_script(dist: &Path) -> Result<()> {
    let index = dist.join("index.html");
    let html =
        std::fs::read_to_string(&index).with_context(|| format!("reading {}", index.display()))?;
    let (html, script) = split_inline_module(&html)
        .with_context(|| format!("{}: no inline module script from trunk", index.display()))?;
    std::fs::write(dist.join("boot.js"), script)?;
    std::fs::write(&index, html)?;
    Ok(())
}

/// `html` with its first inline `<script type="module">` replaced by `<script type="module"
/// src="./boot.js">`, and the script's body.
pub fn split_inline_module(html: &str) -> Option<(String, String)> {
    let open = "<script type=\"module\">";
    let start = html.find(open)?;
    let body_start = start + open.len();
    let end = body_start + html[body_start..].find("</script>")?;
    let script = html[body_start..end].trim().to_string();
    let out = format!(
        "{}<script type=\"module\" src=\"./boot.js\"></script>{}",
        &html[..start],
        &html[end + "</script>".len()..]
    );
    Some((out, script))
}

/// `static/demo/repo` → `dist/demo/repo.tar.gz` and `dist/demo/repo.zip`; `static/demo/logs/*` →
/// `dist/demo/logs.txt`;
/// `manifest.json`, `logs/` and `traces/` are copied for the Clusters tab.
fn pack_demo(src: &Path, out: &Path) -> Result<()> {
    let repo = src.join("repo");
    if !repo.is_dir() {
        println!("demo: {} does not exist; no demo bundled", repo.display());
        return Ok(());
    }
    std::fs::create_dir_all(out)?;
    util::run(
        Command::new("tar")
            .arg("--sort=name")
            .arg("--mtime=@0")
            .arg("--owner=0")
            .arg("--group=0")
            .arg("--numeric-owner")
            .arg("-czf")
            .arg(out.join("repo.tar.gz"))
            .arg("-C")
            .arg(src)
            .arg("repo"),
    )?;
    // The same files as a zip: the worker pool's JIT warm-up loads it the way a picked zip is
    // loaded (web/src/app/pool.rs).
    zip_dir(&repo, "repo", &out.join("repo.zip"))?;
    // The demo's log box gets the error and warning lines (info lines explain nothing).
    let mut logs = String::new();
    let logs_dir = src.join("logs");
    if logs_dir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&logs_dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let t =
                std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
            for line in t.lines().filter(|l| is_error_line(l)).take(DEMO_MAX_LINES) {
                logs.push_str(line);
                logs.push('\n');
            }
        }
    }
    std::fs::write(out.join("logs.txt"), logs)?;
    copy_demo_data(src, out)
}

/// The Clusters tab's demo input: `manifest.json` and the whole log and trace files it lists.
fn copy_demo_data(src: &Path, out: &Path) -> Result<()> {
    let manifest = src.join("manifest.json");
    if !manifest.is_file() {
        return Ok(());
    }
    std::fs::copy(&manifest, out.join("manifest.json"))?;
    for dir in ["logs", "traces"] {
        let from = src.join(dir);
        if !from.is_dir() {
            continue;
        }
        std::fs::create_dir_all(out.join(dir))?;
        for e in std::fs::read_dir(&from)? {
            let p = e?.path();
            if let (true, Some(name)) = (p.is_file(), p.file_name()) {
                std::fs::copy(&p, out.join(dir).join(name))
                    .with_context(|| format!("copying {}", p.display()))?;
            }
        }
    }
    Ok(())
}

const DEMO_MAX_LINES: usize = 60;

/// klog `E…`/`W…` lines and JSON lines with level error/warn.
pub fn is_error_line(l: &str) -> bool {
    let klog = (l.starts_with('E') || l.starts_with('W'))
        && l.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
    klog || l.contains("\"level\":\"error\"") || l.contains("\"level\":\"warn\"")
}

fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .context("running gzip")?;
    Ok(out.stdout.len() as u64)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// Prints raw and gzip size per file and for the first view (everything but the worker and demo).
pub fn report_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    walk(dist, &mut files)?;
    files.sort();
    let (mut first_raw, mut first_gz, mut all_raw, mut all_gz) = (0, 0, 0, 0);
    println!("\n{:<44} {:>12} {:>12}", "dist/", "raw bytes", "gzip -9");
    for f in &files {
        let raw = std::fs::metadata(f)?.len();
        let gz = gzip_size(f)?;
        let rel = f.strip_prefix(dist).unwrap_or(f).display().to_string();
        println!("{rel:<44} {raw:>12} {gz:>12}");
        all_raw += raw;
        all_gz += gz;
        let first_view =
            !rel.starts_with("worker") && !rel.starts_with("demo/") && !rel.starts_with("embed-");
        if first_view {
            first_raw += raw;
            first_gz += gz;
        }
    }
    println!(
        "{:<44} {first_raw:>12} {first_gz:>12}",
        "first view (app, no worker/demo)"
    );
    println!("{:<44} {all_raw:>12} {all_gz:>12}", "everything");
    Ok(())
}

/// `cargo xtask serve [--port N] [--no-build]`.
pub fn cmd_serve(args: &[String]) -> Result<()> {
    let mut port = 8080u16;
    let mut build_first = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .context("--port needs a number")?
                    .parse()
                    .context("--port needs a number")?
            }
            "--no-build" => build_first = false,
            other => bail!("serve: unexpected argument `{other}` (--port N, --no-build)"),
        }
    }
    let dist = if build_first { build()? } else { dist_dir() };
    if !dist.join("index.html").is_file() {
        bail!(
            "{} has no index.html; run `cargo xtask build`",
            dist.display()
        );
    }
    let (listener, port) = static_server::bind(&format!("127.0.0.1:{port}"))?;
    println!("\nRefract is served from {}", dist.display());
    println!("  app:   http://127.0.0.1:{port}/");
    println!("  demo:  http://127.0.0.1:{port}/?demo=1");
    println!("  embed: http://127.0.0.1:{port}/embed-example.html");
    println!("(Ctrl-C to stop)");
    static_server::serve(listener, dist);
    Ok(())
}

/// Zips every file under `dir` as `prefix/…`, sorted by path, deflated, with fixed timestamps.
fn zip_dir(dir: &Path, prefix: &str, out: &Path) -> Result<()> {
    fn walk(dir: &Path, rel: &str, files: &mut Vec<(String, PathBuf)>) -> Result<()> {
        for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let e = e?;
            let rel = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.file_type()?.is_dir() {
                walk(&e.path(), &rel, files)?;
            } else {
                files.push((rel, e.path()));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, prefix, &mut files)?;
    files.sort();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, path) in files {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        zip.start_file(name, options)?;
        std::io::Write::write_all(&mut zip, &bytes)?;
    }
    zip.finish()
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_keeps_error_lines() {
        assert!(is_error_line(
            "E1121 10:46:32.442162 1 handlers.go:54] \"checkout failed\""
        ));
        assert!(is_error_line("{\"level\":\"error\",\"msg\":\"x\"}"));
        assert!(!is_error_line("I1121 10:46:32.442162 1 main.go:1] ok"));
        assert!(!is_error_line(
            "{\"level\":\"info\",\"msg\":\"order placed\"}"
        ));
        assert!(!is_error_line("Error: free text"));
    }

    #[test]
    fn inline_boot_script_moves_out() {
        let html = "<head><script type=\"module\">\nimport init from './app-1.js';\nawait init();\n</script></head>";
        let (out, script) = split_inline_module(html).unwrap();
        assert_eq!(
            out,
            "<head><script type=\"module\" src=\"./boot.js\"></script></head>"
        );
        assert_eq!(script, "import init from './app-1.js';\nawait init();");
        assert!(split_inline_module("<p>no script</p>").is_none());
    }
}
