//! `cargo xtask install`: idempotent tool installation driven by a table.
//!
//! Every entry is checked first and installed only if missing. Groups: `base` (what `test`,
//! `bench` and `callgraph-score` need) and `web` (the browser app's toolchain; not requested by
//! `test` yet).

use crate::{metadata, util};
use anyhow::{bail, Context, Result};
use std::process::Command;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Group {
    Base,
    Web,
}

enum Version {
    Exact(&'static str),
    /// The version of this package in Cargo.lock.
    FromLock(&'static str),
}

enum Item {
    /// A Debian package (checked with `dpkg -s`).
    Apt(&'static str),
    /// A Debian package that is only needed when `bin` is not on PATH already (e.g. `npm`, which
    /// nodesource's `nodejs` ships and which conflicts with Debian's `npm` package).
    AptUnlessOnPath {
        pkg: &'static str,
        bin: &'static str,
    },
    /// `rustup target add` (checked with `rustup target list --installed`).
    RustupTarget(&'static str),
    /// `rustup component add` (checked with `rustup component list --installed`).
    RustupComponent(&'static str),
    /// `cargo install` (checked with `<bin> --version`).
    Cargo {
        krate: &'static str,
        bin: &'static str,
        version: Version,
        locked: bool,
    },
    /// `npm install` into `<repo>/.tools` (checked with `.tools/node_modules/.bin/<bin> --version`).
    Npm {
        package: &'static str,
        version: &'static str,
        bin: &'static str,
        /// Text the `--version` output must contain.
        expect: &'static str,
    },
}

struct Tool {
    group: Group,
    item: Item,
}

const fn tool(group: Group, item: Item) -> Tool {
    Tool { group, item }
}

/// Everything the project may need, in installation order (apt first).
const TOOLS: &[Tool] = &[
    tool(Group::Base, Item::Apt("golang-go")),
    tool(Group::Base, Item::Apt("clang")),
    tool(Group::Base, Item::Apt("llvm")),
    tool(Group::Base, Item::Apt("python3")),
    // Real Go projects under /usr/share/gocode/src labelled by the explain dev set (tests/eval).
    tool(
        Group::Base,
        Item::Apt("golang-github-hashicorp-memberlist-dev"),
    ),
    tool(Group::Base, Item::Apt("golang-github-hashicorp-raft-dev")),
    tool(Group::Base, Item::Apt("golang-github-hashicorp-yamux-dev")),
    tool(
        Group::Base,
        Item::Apt("golang-github-go-sql-driver-mysql-dev"),
    ),
    tool(Group::Web, Item::Apt("chromium")),
    tool(Group::Web, Item::Apt("chromium-driver")),
    tool(
        Group::Web,
        Item::AptUnlessOnPath {
            pkg: "npm",
            bin: "npm",
        },
    ),
    tool(Group::Base, Item::RustupTarget("wasm32-unknown-unknown")),
    tool(Group::Base, Item::RustupComponent("clippy")),
    tool(Group::Base, Item::RustupComponent("rustfmt")),
    // trunk 0.22 needs rustc >= 1.96.1.
    tool(
        Group::Web,
        Item::Cargo {
            krate: "trunk",
            bin: "trunk",
            version: Version::Exact("0.21.14"),
            locked: true,
        },
    ),
    // Must equal Cargo.lock's wasm-bindgen or trunk tries to download one; no --locked (its
    // lockfile names a crate version the registry here lacks).
    tool(
        Group::Web,
        Item::Cargo {
            krate: "wasm-bindgen-cli",
            bin: "wasm-bindgen",
            version: Version::FromLock("wasm-bindgen"),
            locked: false,
        },
    ),
    // Not Debian's binaryen 108: its output fails at runtime.
    tool(
        Group::Web,
        Item::Npm {
            package: "binaryen",
            version: "132.0.0",
            bin: "wasm-opt",
            expect: "version 132",
        },
    ),
    // Drives Debian's chromium in the real-browser tests (never `playwright install`).
    tool(
        Group::Web,
        Item::Npm {
            package: "playwright-core",
            version: "1.65.1",
            bin: "playwright-core",
            expect: "1.65.1",
        },
    ),
];

/// `cargo xtask install [base|web|all]...`
pub fn cmd(args: &[String]) -> Result<()> {
    let mut groups = vec![Group::Base];
    for a in args {
        match a.as_str() {
            "base" => {}
            "web" | "all" => groups.push(Group::Web),
            other => bail!("install: unknown group `{other}` (base, web, all)"),
        }
    }
    ensure(&groups)
}

/// Check every tool of `groups` and install the missing ones.
pub fn ensure(groups: &[Group]) -> Result<()> {
    let wanted: Vec<&Tool> = TOOLS.iter().filter(|t| groups.contains(&t.group)).collect();
    let mut present = Vec::new();

    // apt: one `apt-get update` and one `apt-get install` for everything missing.
    let mut missing_apt = Vec::new();
    for t in &wanted {
        match t.item {
            Item::Apt(pkg) => {
                if dpkg_installed(pkg) {
                    present.push(pkg.to_string());
                } else {
                    missing_apt.push(pkg);
                }
            }
            Item::AptUnlessOnPath { pkg, bin } => {
                if util::on_path(bin) || dpkg_installed(pkg) {
                    present.push(bin.to_string());
                } else {
                    missing_apt.push(pkg);
                }
            }
            _ => {}
        }
    }
    if !missing_apt.is_empty() {
        println!("install: apt packages {}", missing_apt.join(" "));
        apt_get(&["update"])?;
        let mut args = vec!["install", "-y"];
        args.extend(&missing_apt);
        apt_get(&args)?;
    }

    // rustup targets and components, listed once.
    let needs_rustup = wanted
        .iter()
        .any(|t| matches!(t.item, Item::RustupTarget(_) | Item::RustupComponent(_)));
    if needs_rustup {
        if !util::on_path("rustup") {
            bail!("install: `rustup` is not on PATH (install Rust with rustup, then retry)");
        }
        let targets = util::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
        let components =
            util::output(Command::new("rustup").args(["component", "list", "--installed"]))?;
        for t in &wanted {
            match t.item {
                Item::RustupTarget(target) => {
                    if targets.lines().any(|l| l.trim() == target) {
                        present.push(target.to_string());
                    } else {
                        println!("install: rustup target {target}");
                        util::run(Command::new("rustup").args(["target", "add", target]))?;
                    }
                }
                Item::RustupComponent(comp) => {
                    if has_component(&components, comp) {
                        present.push(comp.to_string());
                    } else {
                        println!("install: rustup component {comp}");
                        util::run(Command::new("rustup").args(["component", "add", comp]))?;
                    }
                }
                _ => {}
            }
        }
    }

    // cargo install, npm.
    for t in &wanted {
        match &t.item {
            Item::Cargo {
                krate,
                bin,
                version,
                locked,
            } => {
                let version = match version {
                    Version::Exact(v) => v.to_string(),
                    Version::FromLock(pkg) => {
                        let lock = std::fs::read_to_string(util::repo_root().join("Cargo.lock"))
                            .context("reading Cargo.lock")?;
                        metadata::lock_version(&lock, pkg)
                            .with_context(|| format!("`{pkg}` is not in Cargo.lock"))?
                    }
                };
                let have = util::probe(Command::new(bin).arg("--version"));
                if have.is_some_and(|out| version_matches(&out, &version)) {
                    present.push(format!("{krate} {version}"));
                    continue;
                }
                println!("install: cargo install {krate} {version}");
                let mut cmd = util::cargo();
                cmd.args(["install", krate, "--version", &version]);
                if *locked {
                    cmd.arg("--locked");
                }
                util::run(&mut cmd)?;
            }
            Item::Npm {
                package,
                version,
                bin,
                expect,
            } => {
                let tools = util::repo_root().join(".tools");
                let exe = tools.join("node_modules").join(".bin").join(bin);
                let have = util::probe(Command::new(&exe).arg("--version"));
                if have.is_some_and(|out| out.contains(expect)) {
                    present.push(format!("{package}@{version}"));
                    continue;
                }
                println!("install: npm {package}@{version} into {}", tools.display());
                std::fs::create_dir_all(&tools)?;
                util::run(
                    Command::new("npm")
                        .arg("install")
                        .arg("--prefix")
                        .arg(&tools)
                        .arg(format!("{package}@{version}")),
                )?;
            }
            _ => {}
        }
    }

    if !present.is_empty() {
        println!("install: already present: {}", present.join(", "));
    }
    Ok(())
}

/// `dpkg -s PKG` reports it fully installed.
fn dpkg_installed(pkg: &str) -> bool {
    util::probe(Command::new("dpkg").args(["-s", pkg])).is_some_and(|out| {
        out.lines()
            .any(|l| l.trim() == "Status: install ok installed")
    })
}

/// `rustup component list --installed` prints e.g. `clippy-x86_64-unknown-linux-gnu`.
fn has_component(list: &str, comp: &str) -> bool {
    list.lines().any(|l| {
        let l = l.trim();
        l == comp || l.starts_with(&format!("{comp}-"))
    })
}

/// `trunk 0.21.14` / `wasm-bindgen 0.2.130` contain the version as a whole word.
fn version_matches(version_output: &str, version: &str) -> bool {
    version_output.split_whitespace().any(|w| w == version)
}

fn apt_get(args: &[&str]) -> Result<()> {
    if !util::on_path("apt-get") {
        bail!("install: `apt-get` not found; install the packages by hand");
    }
    let is_root = util::probe(Command::new("id").arg("-u")).is_some_and(|o| o.trim() == "0");
    let mut cmd = if is_root {
        Command::new("apt-get")
    } else if util::on_path("sudo") {
        let mut c = Command::new("sudo");
        c.arg("apt-get");
        c
    } else {
        bail!("install: apt-get needs root and `sudo` is not available");
    };
    cmd.env("DEBIAN_FRONTEND", "noninteractive")
        .args(["-o", "DPkg::Lock::Timeout=600"])
        .args(args);
    util::run(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names() {
        let list = "cargo-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\n\
                    rust-std-wasm32-unknown-unknown\n";
        assert!(has_component(list, "clippy"));
        assert!(!has_component(list, "rustfmt"));
        assert!(!has_component(list, "rust-src"));
        assert!(has_component(list, "rust-std"));
    }

    #[test]
    fn versions() {
        assert!(version_matches("trunk 0.21.14\n", "0.21.14"));
        assert!(!version_matches("trunk 0.21.1\n", "0.21.14"));
        assert!(!version_matches("trunk 0.21.140\n", "0.21.14"));
    }

    #[test]
    fn web_group_is_separate() {
        let base: Vec<_> = TOOLS.iter().filter(|t| t.group == Group::Base).collect();
        assert!(base
            .iter()
            .all(|t| !matches!(t.item, Item::Cargo { .. } | Item::Npm { .. })));
        let web_apt: Vec<&str> = TOOLS
            .iter()
            .filter(|t| t.group == Group::Web)
            .filter_map(|t| match t.item {
                Item::Apt(p) => Some(p),
                Item::AptUnlessOnPath { pkg, .. } => Some(pkg),
                _ => None,
            })
            .collect();
        assert_eq!(web_apt, ["chromium", "chromium-driver", "npm"]);
    }
}
