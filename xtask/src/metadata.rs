//! The bits of `cargo metadata --format-version 1` and Cargo.lock that xtask needs.

use crate::util;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, PartialEq)]
pub struct Metadata {
    /// Where cargo puts build output (honours CARGO_TARGET_DIR and config).
    pub target_dir: PathBuf,
    /// Manifest directory of the `tree-sitter-language` package, if it is in the graph.
    pub ts_language_dir: Option<PathBuf>,
}

impl Metadata {
    /// `<target>/release/<bin>`.
    pub fn release_bin(&self, bin: &str) -> PathBuf {
        self.target_dir.join("release").join(bin)
    }

    /// `<tree-sitter-language>/wasm/include`: the small libc headers for wasm32 C builds.
    pub fn ts_wasm_include(&self) -> Result<PathBuf> {
        let dir = self
            .ts_language_dir
            .as_ref()
            .context("package `tree-sitter-language` is not in `cargo metadata` output")?;
        let inc = dir.join("wasm").join("include");
        if !inc.is_dir() {
            bail!("{} does not exist", inc.display());
        }
        Ok(inc)
    }
}

/// Run `cargo metadata --format-version 1` in the repo and parse it.
pub fn load() -> Result<Metadata> {
    let json = util::output(util::cargo().args(["metadata", "--format-version", "1"]))?;
    parse(&json)
}

/// Parse the parts of cargo-metadata JSON we use.
pub fn parse(json: &str) -> Result<Metadata> {
    let v: Value = serde_json::from_str(json).context("cargo metadata: invalid JSON")?;
    let target_dir = v
        .get("target_directory")
        .and_then(Value::as_str)
        .context("cargo metadata: no `target_directory`")?;
    let packages = v
        .get("packages")
        .and_then(Value::as_array)
        .context("cargo metadata: no `packages` array")?;
    let ts_language_dir = packages
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("tree-sitter-language"))
        .map(|p| {
            let manifest = p
                .get("manifest_path")
                .and_then(Value::as_str)
                .context("cargo metadata: tree-sitter-language has no `manifest_path`")?;
            Path::new(manifest)
                .parent()
                .map(Path::to_path_buf)
                .context("cargo metadata: manifest_path has no parent")
        })
        .transpose()?;
    Ok(Metadata {
        target_dir: PathBuf::from(target_dir),
        ts_language_dir,
    })
}

/// The version of package `name` in a Cargo.lock text (the first entry if there are several).
pub fn lock_version(lock: &str, name: &str) -> Option<String> {
    let want = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == want {
            let next = lines.next()?.trim();
            let v = next.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(v.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "packages": [
        {"name": "tree-sitter", "version": "0.27.1", "id": "a",
         "manifest_path": "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-0.27.1/Cargo.toml"},
        {"name": "tree-sitter-language", "version": "0.1.9", "id": "b",
         "manifest_path": "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-language-0.1.9/Cargo.toml"}
      ],
      "workspace_members": [],
      "target_directory": "/work/target-xtask",
      "version": 1,
      "workspace_root": "/work/wt-xtask"
    }"#;

    #[test]
    fn parses_ts_language_dir_and_target() {
        let m = parse(SAMPLE).unwrap();
        assert_eq!(
            m,
            Metadata {
                target_dir: PathBuf::from("/work/target-xtask"),
                ts_language_dir: Some(PathBuf::from(
                    "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-language-0.1.9"
                )),
            }
        );
        assert_eq!(
            m.release_bin("refract"),
            PathBuf::from("/work/target-xtask/release/refract")
        );
    }

    #[test]
    fn missing_package_is_none() {
        let m = parse(r#"{"packages": [], "target_directory": "/t"}"#).unwrap();
        assert_eq!(m.ts_language_dir, None);
        assert!(m.ts_wasm_include().is_err());
        assert!(parse("{}").is_err());
        assert!(parse("not json").is_err());
    }

    #[test]
    fn lock_version_finds_exact_name() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "trunk"), None);
    }
}
