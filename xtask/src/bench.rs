//! `cargo xtask bench [--repo PATH] [--only index|cluster]`: release-build refract, run
//! `refract bench --json` (indexing), the explainer's benchmark (`explain::bench`) and
//! `refract bench-cluster --json` (template mining on 1 M
//! Loghub-derived lines, trace clustering of 100k traces / 1 M OTLP spans) and pass their JSON
//! through, adding each child's peak RSS. A plain runner: no timing assertions.

use crate::{install, metadata, util};
use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

pub fn cmd(args: &[String]) -> Result<()> {
    let flags = util::parse_flags(args, &["repo", "only"])?;
    let only = flags.get("only").map(String::as_str);
    if let Some(o) = only.filter(|o| !matches!(*o, "index" | "cluster")) {
        bail!("bench: --only takes `index` or `cluster`, not `{o}`");
    }
    let repo = PathBuf::from(
        flags
            .get("repo")
            .map(String::as_str)
            .unwrap_or(util::GO_STDLIB_SRC),
    );
    if only != Some("cluster") && !repo.is_dir() {
        bail!("bench: repository {} not found", repo.display());
    }
    install::ensure(&[install::Group::Base])?;
    util::run(util::cargo().args(["build", "--release", "-p", "refract", "--bin", "refract"]))?;
    let refract = metadata::load()?.release_bin("refract");

    if only != Some("cluster") {
        let mut cmd = Command::new(&refract);
        cmd.arg("bench").arg("--repo").arg(&repo).arg("--json");
        run_json(cmd)?;
        crate::explain::bench(&repo)?;
    }
    if only != Some("index") {
        let mut cmd = Command::new(&refract);
        cmd.arg("bench-cluster")
            .arg("--loghub")
            .arg(util::shared_dir()?.join("data").join("loghub"))
            .arg("--json");
        run_json(cmd)?;
    }
    Ok(())
}

/// Runs one `refract … --json` child, pretty-prints its JSON, its peak RSS and wall time.
fn run_json(mut cmd: Command) -> Result<()> {
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
    match serde_json::from_str::<serde_json::Value>(out.trim()) {
        Ok(v) => println!("{}", serde_json::to_string_pretty(&v)?),
        Err(e) => {
            eprintln!("bench: output is not one JSON object ({e}); passing it through");
            print!("{out}");
        }
    }
    println!("peak_rss_mb: {:.1}", maxrss_kb as f64 / 1024.0);
    println!("wall_s: {:.2}", wall.as_secs_f64());
    Ok(())
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
