//! In-memory entries → [`FileSet`]: a folder dropped in the browser, and the common tail of
//! archive loading.
//!
//! Why staging: archives (and dropped folders, whose paths start with the folder's own name)
//! usually wrap everything in one top-level directory (`repo-main/…`). Whether that is so is only
//! known after the last entry, and the `target`-next-to-`Cargo.toml` rule needs the full list of
//! paths too, so entries are first collected as [`Staged`] and judged together by [`finish`].
//! No `std::fs` here: this runs in the browser.

use std::collections::BTreeSet;

use super::filter::{self, Collector, Content};
use super::{FileSet, LoadOptions, SourceError};

/// One entry of an archive or dropped folder, with its path already normalized.
pub(crate) struct Staged {
    pub(crate) path: String,
    pub(crate) is_dir: bool,
    pub(crate) content: Content,
    /// Position in the archive (a zip's central directory index), to read the entry later.
    pub(crate) entry: usize,
}

/// Builds a [`FileSet`] from `(relative path, bytes)` pairs, e.g. the files of a folder dropped in
/// the browser. Paths may use `/` or `\`; a common top-level directory is stripped like for
/// archives. A path that is absolute or contains `..` is rejected with
/// [`SourceError::UnsafeEntryPath`].
pub fn from_entries(
    entries: impl IntoIterator<Item = (String, Vec<u8>)>,
    opts: &LoadOptions,
) -> Result<FileSet, SourceError> {
    let mut staged = Vec::new();
    for (entry, (raw, bytes)) in entries.into_iter().enumerate() {
        let path = match filter::normalize_entry_path(&raw) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(()) => {
                return Err(SourceError::UnsafeEntryPath {
                    archive: ENTRIES_NAME.to_string(),
                    entry: raw,
                })
            }
        };
        let content = if filter::may_keep(&path, opts) {
            Content::Bytes(bytes)
        } else {
            Content::NotRead {
                size: bytes.len() as u64,
            }
        };
        staged.push(Staged {
            path,
            is_dir: false,
            content,
            entry,
        });
    }
    Ok(finish(staged, opts))
}

/// The name used in errors for [`from_entries`], which has no file name.
pub(crate) const ENTRIES_NAME: &str = "<dropped files>";

/// The single top-level directory all entries share, if there is one and no file sits at the top.
fn common_top_dir(staged: &[Staged]) -> Option<String> {
    let mut top: Option<&str> = None;
    let mut any_file = false;
    for s in staged {
        let (first, rest) = match s.path.split_once('/') {
            Some((f, r)) => (f, Some(r)),
            None => (s.path.as_str(), None),
        };
        if rest.is_none() && !s.is_dir {
            return None; // a file at the top level
        }
        any_file |= !s.is_dir;
        match top {
            None => top = Some(first),
            Some(t) if t == first => {}
            Some(_) => return None,
        }
    }
    if any_file {
        top.map(str::to_string)
    } else {
        None
    }
}

/// Strips a common top-level directory and runs every entry through the rules.
pub(crate) fn finish(mut staged: Vec<Staged>, opts: &LoadOptions) -> FileSet {
    let all_files = strip_common_top(&mut staged);
    let mut collector = Collector::new(opts);
    for s in staged {
        collector.add_staged(&s.path, s.is_dir, s.content, &all_files);
    }
    collector.finish()
}

/// Strips the top-level directory all entries share (if any) from every path, and returns the
/// set of file paths (the `target`-next-to-`Cargo.toml` rule asks it).
pub(crate) fn strip_common_top(staged: &mut Vec<Staged>) -> BTreeSet<String> {
    if let Some(top) = common_top_dir(staged) {
        let prefix_len = top.len() + 1;
        staged.retain_mut(|s| {
            if s.path.len() <= prefix_len {
                return false; // the top directory entry itself
            }
            s.path.drain(..prefix_len);
            true
        });
    }
    staged
        .iter()
        .filter(|s| !s.is_dir)
        .map(|s| s.path.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SkipReason;

    fn e(path: &str, text: &str) -> (String, Vec<u8>) {
        (path.to_string(), text.as_bytes().to_vec())
    }

    #[test]
    fn dropped_folder_is_stripped_and_filtered() {
        let fs = from_entries(
            vec![
                e("myrepo/go.mod", "module x\n"),
                e("myrepo/main.go", "package main\n"),
                e("myrepo/main_test.go", "package main\n"),
                e("myrepo/README.md", "# x\n"),
                e("myrepo/vendor/a/a.go", "package a\n"),
                e("myrepo/vendor/a/b.go", "package a\n"),
                e("myrepo\\pkg\\p.go", "package p\n"),
                e("myrepo/target/t.go", "package target\n"),
            ],
            &LoadOptions::default(),
        )
        .unwrap();
        let paths = fs.kept_paths();
        assert_eq!(paths, ["go.mod", "main.go", "pkg/p.go", "target/t.go"]);
        assert_eq!(fs.files[1].text, "package main\n");
        let skipped = fs.skip_list();
        assert_eq!(
            skipped,
            [
                ("main_test.go", &SkipReason::TestFile),
                ("vendor", &SkipReason::ExcludedDir)
            ]
        );
        assert_eq!(fs.other_files, 1);
    }

    #[test]
    fn target_next_to_cargo_toml_is_excluded() {
        let fs = from_entries(
            vec![
                e("Cargo.toml", "[package]\n"),
                e("src/lib.rs", "fn a() {}\n"),
                e("target/debug/build/x/out/gen.rs", "fn b() {}\n"),
            ],
            &LoadOptions::default(),
        )
        .unwrap();
        let paths = fs.kept_paths();
        assert_eq!(paths, ["Cargo.toml", "src/lib.rs"]);
        assert_eq!(fs.skipped.len(), 1);
        assert_eq!(fs.skipped[0].path, "target");
        assert_eq!(fs.skipped[0].reason, SkipReason::ExcludedDir);
    }

    #[test]
    fn no_strip_when_files_at_top_or_several_tops() {
        let fs = from_entries(
            vec![e("a/x.go", "package a\n"), e("b/y.go", "package b\n")],
            &LoadOptions::default(),
        )
        .unwrap();
        let paths = fs.kept_paths();
        assert_eq!(paths, ["a/x.go", "b/y.go"]);
        let fs = from_entries(vec![e("a/x.go", "package a\n")], &LoadOptions::default()).unwrap();
        assert_eq!(fs.files[0].path, "x.go");
    }

    #[test]
    fn unsafe_entry_is_rejected_by_name() {
        let err = from_entries(
            vec![e("ok.go", "package a\n"), e("../evil.go", "package a\n")],
            &LoadOptions::default(),
        )
        .unwrap_err();
        match &err {
            SourceError::UnsafeEntryPath { entry, .. } => assert_eq!(entry, "../evil.go"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("../evil.go"), "{err}");
    }
}
