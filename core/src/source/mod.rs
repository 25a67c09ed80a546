//! Source loading: a repository from a directory, a `.zip` or a `.tar.gz` → an in-memory [`FileSet`].
//!
//! Why a stage of its own: the browser hands us archives and dropped folders as bytes, the CLI
//! hands us paths, and both must apply the same rules about what is worth parsing (no vendored
//! code, no generated files, no binaries, no huge files) and the same defences against hostile
//! archives (absolute or `..` paths, zip bombs). Everything later works on [`SourceFile`]s only.
//!
//! Layout: `filter` holds every keep/skip rule; `entries` turns in-memory entries into a
//! [`FileSet`] (dropped folders, and the tail of archive loading); `archive` reads zip/tar.gz
//! from memory with hard limits, a zip also in batches ([`ZipBatches`]: the browser parses the
//! first files while the rest are still compressed); `dir` walks the file system. Only `dir` touches `std::fs`.

use std::path::PathBuf;

use serde::Serialize;

mod archive;
mod dir;
mod entries;
mod filter;

pub use archive::{is_zip, load_archive, ZipBatches, RATIO_FLOOR};
pub use dir::load_path;
pub use entries::from_entries;

/// Why a repository could not be loaded. Every variant names the path, archive or entry at fault.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{}: no such file or directory", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Neither a directory nor a zip / tar.gz / tar (by magic bytes).
    #[error("{name}: unsupported format (expected a directory, .zip, .tar.gz or .tgz)")]
    UnsupportedFormat { name: String },
    /// The archive could not be parsed; `entry` is the entry being read, when known.
    #[error("{archive}: corrupt archive{}: {detail}", entry.as_ref().map(|e| format!(" at entry {e:?}")).unwrap_or_default())]
    CorruptArchive {
        archive: String,
        entry: Option<String>,
        detail: String,
    },
    /// An absolute path, a drive letter, a `..` component or a NUL byte in an entry name.
    #[error("{archive}: unsafe entry path {entry:?} (absolute or outside the archive root)")]
    UnsafeEntryPath { archive: String, entry: String },
    /// More than `max_total_bytes` decompressed (or an archive file larger than that).
    #[error("{archive}: archive too large: more than {cap} bytes when decompressed")]
    ArchiveTooLarge { archive: String, cap: u64 },
    /// Decompressed-so-far / compressed size over `max_ratio`: a likely zip bomb.
    #[error("{archive}: suspicious compression ratio: {decompressed} bytes decompressed from {compressed} compressed bytes (limit {max_ratio}:1); possible zip bomb")]
    SuspiciousRatio {
        archive: String,
        decompressed: u64,
        compressed: u64,
        max_ratio: u64,
    },
    #[error("{archive}: too many entries (limit {cap})")]
    TooManyEntries { archive: String, cap: usize },
}

/// One file kept for analysis. `path` is relative to the repository root, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A file that was looked at and deliberately not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: SkipReason,
}

/// Why a file was not kept. Whole skipped directories (`vendor/`, …) are reported once, by
/// their directory path, not file by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// `vendor/`, `.git/`, `node_modules/`, `testdata/` and the like.
    ExcludedDir,
    /// A `// Code generated … DO NOT EDIT.` header.
    Generated,
    /// NUL bytes or invalid UTF-8.
    Binary,
    TooLarge {
        size: u64,
        cap: u64,
    },
    /// `_test.go` while tests are excluded.
    TestFile,
}

/// The files of one repository, ready for the language front ends.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileSet {
    /// Kept files, sorted by path.
    pub files: Vec<SourceFile>,
    pub skipped: Vec<SkippedFile>,
    /// Files that are not source of a supported language (READMEs, images, …); counted only.
    pub other_files: usize,
}

#[cfg(test)]
impl FileSet {
    /// Kept paths in order, for the loaders' tests.
    pub(crate) fn kept_paths(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.path.as_str()).collect()
    }

    /// (path, reason) of every skip in order, for the loaders' tests.
    pub(crate) fn skip_list(&self) -> Vec<(&str, &SkipReason)> {
        self.skipped
            .iter()
            .map(|s| (s.path.as_str(), &s.reason))
            .collect()
    }
}

/// Knobs for what is kept and for the archive defences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Files larger than this are skipped as [`SkipReason::TooLarge`].
    pub max_file_bytes: u64,
    /// Keep `_test.go` files.
    pub include_tests: bool,
    /// Keep `vendor/` directories (the standard library vendors its own dependencies).
    pub include_vendor: bool,
    /// Keep generated Go files (`// Code generated … DO NOT EDIT.`).
    pub include_generated: bool,
    /// Stop expanding an archive once this many bytes have been decompressed.
    pub max_total_bytes: u64,
    /// Stop expanding an archive whose decompressed/compressed ratio exceeds this.
    pub max_ratio: u64,
    /// Stop expanding an archive with more entries than this.
    pub max_entries: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 1024 * 1024,
            include_tests: false,
            include_vendor: false,
            include_generated: false,
            max_total_bytes: 2 * 1024 * 1024 * 1024,
            max_ratio: 200,
            max_entries: 500_000,
        }
    }
}
