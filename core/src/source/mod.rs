//! Source loading: a repository from a directory, a `.zip` or a `.tar.gz` → an in-memory [`FileSet`].
//!
//! Why a stage of its own: the browser hands us archives and dropped folders as bytes, the CLI
//! hands us paths, and both must apply the same rules about what is worth parsing (no vendored
//! code, no generated files, no binaries, no huge files) and the same defences against hostile
//! archives (absolute or `..` paths, zip bombs). Everything later works on [`SourceFile`]s only.

use serde::Serialize;

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
    TooLarge { size: u64, cap: u64 },
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

/// Knobs for what is kept and for the archive defences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Files larger than this are skipped as [`SkipReason::TooLarge`].
    pub max_file_bytes: u64,
    /// Keep `_test.go` files.
    pub include_tests: bool,
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
            max_total_bytes: 2 * 1024 * 1024 * 1024,
            max_ratio: 200,
            max_entries: 500_000,
        }
    }
}
