//! The keep/skip rules, in one place for all three entry points (directory, archive, entries).
//!
//! Why one module: a repository must give the same [`FileSet`] whether it arrives as a folder on
//! disk, a GitHub `.zip`/`.tar.gz`, or a folder dropped in the browser. The entry points only
//! produce `(relative path, bytes)` pairs; every decision about what to keep is made here:
//!
//! * path safety ([`normalize_entry_path`]): no absolute paths, drive letters or `..`;
//! * excluded directories ([`excluded_dir_name`]): `vendor`, `.git`, `node_modules`, `testdata`,
//!   hidden directories, and `target` next to a `Cargo.toml` (a Go package may well be called
//!   `target`, so it is only excluded when it looks like a Rust build directory);
//! * file kinds ([`is_source_name`]): `.go`, `.rs`, `go.mod`, `go.work`, `Cargo.toml`;
//! * per-file skips ([`Collector`]): `_test.go`, too large, binary, generated.

use std::collections::{BTreeMap, BTreeSet};

use super::{FileSet, LoadOptions, SkipReason, SkippedFile, SourceFile};

/// How many leading bytes are searched for a NUL byte when deciding a file is binary.
pub(crate) const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Directory names skipped wherever they appear (besides hidden `.…` directories and `target`).
const EXCLUDED_DIRS: &[&str] = &["vendor", "node_modules", "testdata"];

/// Turns an archive entry name (or a dropped file's relative path) into a clean, relative,
/// `/`-separated path. `Ok(None)` for names that denote the root itself (`""`, `./`).
///
/// `\` is treated as a separator (zips made on Windows use it). Empty and `.` components are
/// dropped. An absolute path, a drive letter (`C:`), a `..` component or a NUL byte makes the
/// whole name unsafe: such entries are not skipped silently but rejected, because an archive that
/// contains them was crafted or broken.
pub(crate) fn normalize_entry_path(raw: &str) -> Result<Option<String>, ()> {
    if raw.contains('\0') {
        return Err(());
    }
    let unified = raw.replace('\\', "/");
    if unified.starts_with('/') {
        return Err(());
    }
    let mut parts: Vec<&str> = Vec::new();
    for (i, comp) in unified.split('/').enumerate() {
        if i == 0 && is_drive_letter(comp) {
            return Err(());
        }
        match comp {
            "" | "." => {}
            ".." => return Err(()),
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        Ok(None)
    } else {
        Ok(Some(parts.join("/")))
    }
}

/// `C:`, `c:foo`: a Windows drive prefix.
fn is_drive_letter(comp: &str) -> bool {
    let b = comp.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Whether a directory called `name` is skipped. `sibling_cargo_toml` says whether the directory
/// that contains it has a `Cargo.toml` (only then is `target` a Rust build directory).
pub(crate) fn excluded_dir_name(name: &str, sibling_cargo_toml: bool, keep_vendor: bool) -> bool {
    name.starts_with('.')
        || (EXCLUDED_DIRS.contains(&name) && !(keep_vendor && name == "vendor"))
        || (name == "target" && sibling_cargo_toml)
}

/// The excluded directory `path` lies in, if any: the prefix of `path` up to and including the
/// first excluded directory component (`a/vendor/b/c.go` → `a/vendor`). `has_cargo_toml(dir)` says
/// whether `dir/Cargo.toml` exists (`dir` is `""` for the root).
pub(crate) fn excluded_prefix(
    path: &str,
    is_dir: bool,
    has_cargo_toml: impl Fn(&str) -> bool,
    keep_vendor: bool,
) -> Option<&str> {
    let comps: Vec<&str> = path.split('/').collect();
    let dir_count = if is_dir {
        comps.len()
    } else {
        comps.len().saturating_sub(1)
    };
    // `start` is the byte offset of component `i`; its parent directory is `path[..start - 1]`.
    let mut start = 0usize;
    for comp in comps.iter().take(dir_count) {
        let parent = if start == 0 { "" } else { &path[..start - 1] };
        let end = start + comp.len();
        if excluded_dir_name(
            comp,
            *comp == "target" && has_cargo_toml(parent),
            keep_vendor,
        ) {
            return Some(&path[..end]);
        }
        start = end + 1;
    }
    None
}

/// The last component of a `/`-separated path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Files of a supported language (or their module manifests), worth reading.
pub(crate) fn is_source_name(name: &str) -> bool {
    name.ends_with(".go")
        || name.ends_with(".rs")
        || matches!(name, "go.mod" | "go.work" | "Cargo.toml")
}

/// Go test files.
pub(crate) fn is_test_name(name: &str) -> bool {
    name.ends_with("_test.go")
}

/// A cheap, conservative guess used while streaming an archive, before the top-level directory
/// strip is known: `false` only if the entry can certainly not end up kept, so its bytes need not
/// be held. The first component is ignored because it may be stripped; `target` is ignored
/// because whether it is excluded depends on siblings not seen yet.
pub(crate) fn may_keep(path: &str, opts: &LoadOptions) -> bool {
    let name = file_name(path);
    if !is_source_name(name) || (is_test_name(name) && !opts.include_tests) {
        return false;
    }
    let comps: Vec<&str> = path.split('/').collect();
    let dirs = &comps[..comps.len().saturating_sub(1)];
    !dirs
        .iter()
        .skip(1)
        .any(|c| excluded_dir_name(c, false, opts.include_vendor))
}

/// Go's rule for generated files: a line `^// Code generated .* DO NOT EDIT\.$` before the
/// `package` clause.
pub(crate) fn is_generated_go(text: &str) -> bool {
    const PREFIX: &str = "// Code generated ";
    const SUFFIX: &str = " DO NOT EDIT.";
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with("package ") || line.starts_with("package\t") || line == "package" {
            return false;
        }
        if line.len() >= PREFIX.len() + SUFFIX.len()
            && line.starts_with(PREFIX)
            && line.ends_with(SUFFIX)
        {
            return true;
        }
    }
    false
}

/// Binary per our rule: a NUL byte in the first 8 KiB, or not UTF-8. Returns the text otherwise.
pub(crate) fn decode_text(bytes: Vec<u8>) -> Option<String> {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if head.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// What the caller knows about a file's content when offering it to the [`Collector`].
pub(crate) enum Content {
    /// The bytes, read with a limit of `max_file_bytes + 1`.
    Bytes(Vec<u8>),
    /// Not read (not needed, or known to be larger than the cap); `size` is the best known size.
    NotRead { size: u64 },
}

/// Accumulates the verdicts for one repository and produces the [`FileSet`].
///
/// Kept files are keyed by path so that a duplicate path (possible in zip and tar) keeps the last
/// occurrence, like extracting the archive would.
pub(crate) struct Collector {
    opts: LoadOptions,
    files: BTreeMap<String, String>,
    skipped: BTreeMap<String, SkipReason>,
    excluded_dirs: BTreeSet<String>,
    other_files: usize,
}

impl Collector {
    pub(crate) fn new(opts: &LoadOptions) -> Self {
        Collector {
            opts: opts.clone(),
            files: BTreeMap::new(),
            skipped: BTreeMap::new(),
            excluded_dirs: BTreeSet::new(),
            other_files: 0,
        }
    }

    /// Records an excluded directory (reported once).
    pub(crate) fn exclude_dir(&mut self, dir: &str) {
        self.excluded_dirs.insert(dir.to_string());
    }

    /// Decides what to do with a file that is *not* in an excluded directory, before reading it.
    /// Returns `true` if the caller should read it (with a limit of `max_file_bytes + 1` bytes)
    /// and call [`Collector::offer`]; otherwise the verdict has been recorded already.
    pub(crate) fn wants(&mut self, path: &str, size: Option<u64>) -> bool {
        let name = file_name(path);
        if !is_source_name(name) {
            self.other_files += 1;
            return false;
        }
        if is_test_name(name) && !self.opts.include_tests {
            self.skip(path, SkipReason::TestFile);
            return false;
        }
        if let Some(size) = size {
            if size > self.opts.max_file_bytes {
                self.skip(
                    path,
                    SkipReason::TooLarge {
                        size,
                        cap: self.opts.max_file_bytes,
                    },
                );
                return false;
            }
        }
        true
    }

    /// Records the verdict for a file [`Collector::wants`] asked for.
    pub(crate) fn offer(&mut self, path: &str, content: Content) {
        let cap = self.opts.max_file_bytes;
        let bytes = match content {
            Content::NotRead { size } => {
                // Only reached for a file the caller judged too large to read.
                self.skip(
                    path,
                    SkipReason::TooLarge {
                        size: size.max(cap.saturating_add(1)),
                        cap,
                    },
                );
                return;
            }
            Content::Bytes(b) => b,
        };
        let len = bytes.len() as u64;
        if len > cap {
            self.skip(path, SkipReason::TooLarge { size: len, cap });
            return;
        }
        let Some(text) = decode_text(bytes) else {
            self.skip(path, SkipReason::Binary);
            return;
        };
        if path.ends_with(".go") && !self.opts.include_generated && is_generated_go(&text) {
            self.skip(path, SkipReason::Generated);
            return;
        }
        self.skipped.remove(path);
        self.files.insert(path.to_string(), text);
    }

    /// One file, start to end, for callers that already hold everything (archives, entries).
    /// `all_files` answers "does this file exist" for the `target`/`Cargo.toml` rule.
    pub(crate) fn add_staged(
        &mut self,
        path: &str,
        is_dir: bool,
        content: Content,
        all_files: &BTreeSet<String>,
    ) {
        let size = match &content {
            Content::Bytes(b) => b.len() as u64,
            Content::NotRead { size } => *size,
        };
        if self.judge(path, is_dir, size, all_files) {
            self.offer(path, content);
        }
    }

    /// Every verdict [`Collector::add_staged`] can reach from the path and the (declared) size
    /// alone. Returns `true` if the file is wanted: the caller reads it and calls
    /// [`Collector::offer`]; otherwise the verdict has been recorded.
    pub(crate) fn judge(
        &mut self,
        path: &str,
        is_dir: bool,
        size: u64,
        all_files: &BTreeSet<String>,
    ) -> bool {
        let has_cargo = |dir: &str| {
            if dir.is_empty() {
                all_files.contains("Cargo.toml")
            } else {
                all_files.contains(&format!("{dir}/Cargo.toml"))
            }
        };
        if let Some(dir) = excluded_prefix(path, is_dir, has_cargo, self.opts.include_vendor) {
            self.exclude_dir(dir);
            return false;
        }
        !is_dir && self.wants(path, Some(size))
    }

    /// The options the verdicts follow.
    pub(crate) fn options(&self) -> &LoadOptions {
        &self.opts
    }

    /// The text of `path` if it is kept so far.
    pub(crate) fn kept(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    fn skip(&mut self, path: &str, reason: SkipReason) {
        self.files.remove(path);
        self.skipped.insert(path.to_string(), reason);
    }

    /// The [`FileSet`]: files sorted by path; skipped entries sorted by path, excluded
    /// directories included once each.
    pub(crate) fn finish(self) -> FileSet {
        let mut skipped: Vec<SkippedFile> = self
            .skipped
            .into_iter()
            .map(|(path, reason)| SkippedFile { path, reason })
            .chain(self.excluded_dirs.into_iter().map(|path| SkippedFile {
                path,
                reason: SkipReason::ExcludedDir,
            }))
            .collect();
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        FileSet {
            files: self
                .files
                .into_iter()
                .map(|(path, text)| SourceFile { path, text })
                .collect(),
            skipped,
            other_files: self.other_files,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_rejects_paths() {
        assert_eq!(
            normalize_entry_path("a/./b//c.go"),
            Ok(Some("a/b/c.go".to_string()))
        );
        assert_eq!(
            normalize_entry_path("a\\b.go"),
            Ok(Some("a/b.go".to_string()))
        );
        assert_eq!(normalize_entry_path("./"), Ok(None));
        assert_eq!(normalize_entry_path("../evil.go"), Err(()));
        assert_eq!(normalize_entry_path("a/../b.go"), Err(()));
        assert_eq!(normalize_entry_path("/abs.go"), Err(()));
        assert_eq!(normalize_entry_path("\\abs.go"), Err(()));
        assert_eq!(normalize_entry_path("C:/x.go"), Err(()));
        assert_eq!(normalize_entry_path("c:x.go"), Err(()));
        assert_eq!(normalize_entry_path("a\0.go"), Err(()));
    }

    #[test]
    fn excluded_prefixes() {
        let none = |_: &str| false;
        assert_eq!(
            excluded_prefix("a/vendor/b/c.go", false, none, false),
            Some("a/vendor")
        );
        assert_eq!(
            excluded_prefix("vendor/x.go", false, none, false),
            Some("vendor")
        );
        assert_eq!(
            excluded_prefix("a/.github/w.yml", false, none, false),
            Some("a/.github")
        );
        assert_eq!(
            excluded_prefix("a/testdata", true, none, false),
            Some("a/testdata")
        );
        assert_eq!(
            excluded_prefix("a/vendor", false, none, false),
            None,
            "a file called vendor"
        );
        assert_eq!(
            excluded_prefix(".hidden.go", false, none, false),
            None,
            "hidden files are kept"
        );
        assert_eq!(excluded_prefix("pkg/target/t.go", false, none, false), None);
        let cargo_in_pkg = |d: &str| d == "pkg";
        assert_eq!(
            excluded_prefix("pkg/target/t.rs", false, cargo_in_pkg, false),
            Some("pkg/target")
        );
        let cargo_at_root = |d: &str| d.is_empty();
        assert_eq!(
            excluded_prefix("target/debug/x.rs", false, cargo_at_root, false),
            Some("target")
        );
    }

    #[test]
    fn generated_rule() {
        assert!(is_generated_go(
            "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage x\n"
        ));
        assert!(is_generated_go(
            "// Copyright\r\n// Code generated x DO NOT EDIT.\r\npackage x\r\n"
        ));
        assert!(!is_generated_go(
            "package x\n// Code generated by y. DO NOT EDIT.\n"
        ));
        assert!(
            !is_generated_go("// Code generated by y. DO NOT EDIT\npackage x\n"),
            "no final dot"
        );
        assert!(!is_generated_go(
            "//Code generated by y. DO NOT EDIT.\npackage x\n"
        ));
        assert!(!is_generated_go(
            " // Code generated by y. DO NOT EDIT.\npackage x\n"
        ));
    }

    #[test]
    fn source_names() {
        for n in [
            "a.go",
            "lib.rs",
            "go.mod",
            "go.work",
            "Cargo.toml",
            "a_test.go",
        ] {
            assert!(is_source_name(n), "{n}");
        }
        for n in ["README.md", "go.sum", "Cargo.lock", "x.gox", "main.c"] {
            assert!(!is_source_name(n), "{n}");
        }
    }

    #[test]
    fn binary_rule() {
        assert_eq!(
            decode_text(b"package a\n".to_vec()).as_deref(),
            Some("package a\n")
        );
        assert_eq!(decode_text(b"pack\0age".to_vec()), None);
        assert_eq!(decode_text(vec![0xff, 0xfe, b'a']), None);
        let mut late_nul = vec![b'a'; BINARY_SNIFF_BYTES];
        late_nul.push(0);
        assert!(
            decode_text(late_nul).is_some(),
            "NUL after the sniffed prefix is still text"
        );
    }
}
