//! Small helpers: locating the repository, running commands, timing steps, parsing flags.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root: the parent of xtask's manifest directory. `cargo run` sets
/// `CARGO_MANIFEST_DIR` at run time too; that one is preferred, so a checkout that was moved after
/// xtask was built still finds itself.
pub fn repo_root() -> PathBuf {
    let xtask_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    xtask_dir
        .parent()
        .map_or_else(|| xtask_dir.clone(), Path::to_path_buf)
}

/// `$REFRACT_SHARED`, else `<repo>/../shared`.
pub fn shared_dir() -> Result<PathBuf> {
    let dir = match std::env::var_os("REFRACT_SHARED") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => repo_root().join("..").join("shared"),
    };
    if !dir.is_dir() {
        bail!(
            "shared data directory {} not found (set REFRACT_SHARED or put `shared/` beside the repo)",
            dir.display()
        );
    }
    Ok(dir)
}

/// The Go standard library source tree that Debian's golang-go installs.
pub const GO_STDLIB_SRC: &str = "/usr/lib/go-1.19/src";

/// A `cargo` command (the same cargo that runs xtask), working in the repo root.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(repo_root());
    cmd
}

/// A printable form of a command: program and arguments (env not shown).
pub fn show(cmd: &Command) -> String {
    let prog = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program())
        .to_string_lossy()
        .into_owned();
    std::iter::once(prog)
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run a command with inherited stdio; fail if it cannot start or exits unsuccessfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = show(cmd);
    println!("$ {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Run a command, capturing stdout (stderr passes through); fail on a non-zero exit.
pub fn output(cmd: &mut Command) -> Result<String> {
    let shown = show(cmd);
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !out.status.success() {
        bail!("`{shown}` failed ({})", out.status);
    }
    String::from_utf8(out.stdout).with_context(|| format!("`{shown}` printed non-UTF-8"))
}

/// Run a command quietly and return its stdout if it exited successfully (for checks).
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether an executable named `name` is on PATH (like `command -v`).
pub fn on_path(name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(name))
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    })
}

/// Parse `--name value` / `--name=value` flags; every flag must be in `known`.
pub fn parse_flags(args: &[String], known: &[&str]) -> Result<HashMap<String, String>> {
    let mut flags = HashMap::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let Some(body) = arg.strip_prefix("--") else {
            bail!("unexpected argument `{arg}`");
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = it
                    .next()
                    .with_context(|| format!("flag `--{body}` needs a value"))?;
                (body.to_string(), v.clone())
            }
        };
        if !known.contains(&name.as_str()) {
            bail!("unknown flag `--{name}` (known: {})", known.join(", "));
        }
        flags.insert(name, value);
    }
    Ok(flags)
}

/// Parse an optional fraction flag in [0, 1].
pub fn fraction_flag(flags: &HashMap<String, String>, name: &str, default: f64) -> Result<f64> {
    match flags.get(name) {
        None => Ok(default),
        Some(v) => {
            let x: f64 = v
                .parse()
                .with_context(|| format!("--{name}: `{v}` is not a number"))?;
            if !(0.0..=1.0).contains(&x) {
                bail!("--{name}: {x} is not between 0 and 1");
            }
            Ok(x)
        }
    }
}

/// Runs named steps in order, printing a header for each and a timing table at the end.
#[derive(Default)]
pub struct Steps {
    rows: Vec<(String, Duration, bool)>,
}

impl Steps {
    pub fn run(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
        println!("\n==> [{}] {name}", self.rows.len() + 1);
        let start = Instant::now();
        let result = f();
        let ok = result.is_ok();
        self.rows.push((name.to_string(), start.elapsed(), ok));
        if let Err(e) = result {
            self.print_summary();
            return Err(e.context(format!("step `{name}` failed")));
        }
        Ok(())
    }

    pub fn print_summary(&self) {
        let width = self
            .rows
            .iter()
            .map(|r| r.0.len())
            .max()
            .unwrap_or(4)
            .max(4);
        println!("\n{:<width$}  {:>9}  result", "step", "time");
        let mut total = Duration::ZERO;
        for (name, took, ok) in &self.rows {
            total += *took;
            let res = if *ok { "ok" } else { "FAILED" };
            println!("{name:<width$}  {:>8.1}s  {res}", took.as_secs_f64());
        }
        println!("{:<width$}  {:>8.1}s", "total", total.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_both_forms() {
        let f = parse_flags(
            &strings(&["--min-recall", "0.5", "--min-precision=0.25"]),
            &["min-recall", "min-precision"],
        )
        .unwrap();
        assert_eq!(fraction_flag(&f, "min-recall", 0.9).unwrap(), 0.5);
        assert_eq!(fraction_flag(&f, "min-precision", 0.9).unwrap(), 0.25);
        assert_eq!(fraction_flag(&f, "other", 0.9).unwrap(), 0.9);
    }

    #[test]
    fn flags_rejected() {
        assert!(parse_flags(&strings(&["--nope", "1"]), &["repo"]).is_err());
        assert!(parse_flags(&strings(&["--repo"]), &["repo"]).is_err());
        assert!(parse_flags(&strings(&["stray"]), &["repo"]).is_err());
        let f = parse_flags(&strings(&["--min-recall", "1.5"]), &["min-recall"]).unwrap();
        assert!(fraction_flag(&f, "min-recall", 0.0).is_err());
    }
}
