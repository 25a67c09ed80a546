//! Options shared by every subcommand that reads a repository, and the loading itself.

use std::path::PathBuf;

use anyhow::Context;
use refract_core::index::{self, Index, IndexOptions};
use refract_core::source::{self, FileSet, LoadOptions};

#[derive(clap::Args, Debug, Clone)]
pub struct RepoArgs {
    /// Repository: a directory, a .zip or a .tar.gz.
    #[arg(long)]
    pub repo: PathBuf,
    /// Also read `_test.go` files.
    #[arg(long)]
    pub include_tests: bool,
    /// Also read `vendor/` directories.
    #[arg(long)]
    pub include_vendor: bool,
    /// Also read generated Go files (`// Code generated … DO NOT EDIT.`).
    #[arg(long)]
    pub include_generated: bool,
    /// Skip source files larger than this many bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_file_bytes: u64,
}

impl RepoArgs {
    pub fn load(&self) -> anyhow::Result<FileSet> {
        let opts = LoadOptions {
            max_file_bytes: self.max_file_bytes,
            include_tests: self.include_tests,
            include_vendor: self.include_vendor,
            include_generated: self.include_generated,
            ..LoadOptions::default()
        };
        source::load_path(&self.repo, &opts)
            .with_context(|| format!("cannot read repository {}", self.repo.display()))
    }

    pub fn index(&self, k: u32) -> anyhow::Result<(FileSet, Index)> {
        let files = self.load()?;
        let idx = index::index(
            &files,
            &IndexOptions {
                k,
                ..IndexOptions::default()
            },
        );
        Ok((files, idx))
    }
}
