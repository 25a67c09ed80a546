//! Loading from the file system: a directory tree, or an archive file handed to [`load_path`].
//!
//! Why these choices: the root may be a symlink (`/usr/lib/go-1.19/src` is one) and is followed,
//! but symlinks inside the tree are not, so a cycle cannot make the walk endless and a link cannot
//! pull in files from outside the repository. Excluded directories are pruned, not walked
//! (a `vendor/` can be most of a Go repository). This is the only module using `std::fs`; it
//! compiles for wasm32 but is not meant to be called there.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::archive;
use super::filter::{self, Collector, Content};
use super::{FileSet, LoadOptions, SourceError};

/// Loads a repository from a directory (a symlinked root is followed) or from a `.zip`,
/// `.tar.gz`/`.tgz` (or `.tar`) file, recognised by its magic bytes.
pub fn load_path(path: &Path, opts: &LoadOptions) -> Result<FileSet, SourceError> {
    let meta = fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return load_dir(path, opts);
    }
    let name = path.display().to_string();
    if meta.len() > opts.max_total_bytes {
        // Even compressed, it would expand past the cap.
        return Err(SourceError::ArchiveTooLarge {
            archive: name,
            cap: opts.max_total_bytes,
        });
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| {
            f.take(opts.max_total_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
        })
        .map_err(|e| io_error(path, e))?;
    archive::load_archive(&name, &bytes, opts)
}

fn io_error(path: &Path, e: io::Error) -> SourceError {
    if e.kind() == io::ErrorKind::NotFound {
        SourceError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        SourceError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

/// Walks `root` depth-first with an explicit stack (no recursion limit to hit).
fn load_dir(root: &Path, opts: &LoadOptions) -> Result<FileSet, SourceError> {
    let mut collector = Collector::new(opts);
    // (absolute dir, relative dir with trailing '/' or "" for the root)
    let mut stack: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let mut children = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| io_error(&dir, e))? {
            let entry = entry.map_err(|e| io_error(&dir, e))?;
            let file_type = entry.file_type().map_err(|e| io_error(&entry.path(), e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            children.push((name, file_type, entry.path()));
        }
        children.sort_by(|a, b| a.0.cmp(&b.0));
        let has_cargo_toml = children
            .iter()
            .any(|(n, t, _)| n == "Cargo.toml" && t.is_file());
        for (name, file_type, abs) in children {
            let rel_path = format!("{rel}{name}");
            if file_type.is_symlink() {
                continue; // never followed inside the tree
            }
            if file_type.is_dir() {
                if filter::excluded_dir_name(&name, has_cargo_toml, opts.include_vendor) {
                    collector.exclude_dir(&rel_path);
                } else {
                    stack.push((abs, format!("{rel_path}/")));
                }
                continue;
            }
            if !file_type.is_file() {
                continue; // sockets, fifos, devices
            }
            let size = fs::metadata(&abs).map_err(|e| io_error(&abs, e))?.len();
            if collector.wants(&rel_path, Some(size)) {
                let mut bytes = Vec::new();
                fs::File::open(&abs)
                    .and_then(|f| {
                        f.take(opts.max_file_bytes.saturating_add(1))
                            .read_to_end(&mut bytes)
                    })
                    .map_err(|e| io_error(&abs, e))?;
                collector.offer(&rel_path, Content::Bytes(bytes));
            }
        }
    }
    Ok(collector.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SkipReason;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "refract-source-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }

        fn write(&self, rel: &str, bytes: &[u8]) {
            let p = self.0.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn sample_tree() -> TempDir {
        let t = TempDir::new();
        t.write("go.mod", b"module example.com/x\n");
        t.write("main.go", b"package main\n");
        t.write("main_test.go", b"package main\n");
        t.write("README.md", b"# x\n");
        t.write("vendor/github.com/a/a.go", b"package a\n");
        t.write("pkg/testdata/in.go", b"package broken\n");
        t.write("pkg/p.go", b"package p\n");
        t.write(
            "pkg/zz_generated.go",
            b"// +build !x\n\n// Code generated by deepcopy-gen. DO NOT EDIT.\n\npackage p\n",
        );
        t.write("pkg/blob.go", b"\x7fELF\x00\x00");
        t.write("pkg/big.go", &vec![b'/'; 2048]);
        t.write(".git/HEAD", b"ref: refs/heads/main\n");
        t.write("pkg/target/t.go", b"package target\n");
        t
    }

    fn opts() -> LoadOptions {
        LoadOptions {
            max_file_bytes: 1024,
            ..LoadOptions::default()
        }
    }

    #[test]
    fn directory_tree_is_filtered() {
        let t = sample_tree();
        let fs = load_path(&t.0, &opts()).unwrap();
        let paths = fs.kept_paths();
        assert_eq!(paths, ["go.mod", "main.go", "pkg/p.go", "pkg/target/t.go"]);
        assert_eq!(fs.files[2].text, "package p\n");
        let skipped = fs.skip_list();
        assert_eq!(
            skipped,
            [
                (".git", &SkipReason::ExcludedDir),
                ("main_test.go", &SkipReason::TestFile),
                (
                    "pkg/big.go",
                    &SkipReason::TooLarge {
                        size: 2048,
                        cap: 1024
                    }
                ),
                ("pkg/blob.go", &SkipReason::Binary),
                ("pkg/testdata", &SkipReason::ExcludedDir),
                ("pkg/zz_generated.go", &SkipReason::Generated),
                ("vendor", &SkipReason::ExcludedDir),
            ]
        );
        assert_eq!(fs.other_files, 1);
    }

    #[test]
    fn include_tests_option() {
        let t = sample_tree();
        let fs = load_path(
            &t.0,
            &LoadOptions {
                include_tests: true,
                ..opts()
            },
        )
        .unwrap();
        let paths = fs.kept_paths();
        assert_eq!(
            paths,
            [
                "go.mod",
                "main.go",
                "main_test.go",
                "pkg/p.go",
                "pkg/target/t.go"
            ]
        );
    }

    #[test]
    fn rust_target_dir_is_pruned_next_to_cargo_toml() {
        let t = TempDir::new();
        t.write("Cargo.toml", b"[package]\n");
        t.write("src/lib.rs", b"pub fn f() {}\n");
        t.write("target/debug/build/out.rs", b"fn g() {}\n");
        let fs = load_path(&t.0, &LoadOptions::default()).unwrap();
        let paths = fs.kept_paths();
        assert_eq!(paths, ["Cargo.toml", "src/lib.rs"]);
        assert_eq!(fs.skipped.len(), 1);
        assert_eq!(fs.skipped[0].path, "target");
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_root_is_followed_inner_symlinks_are_not() {
        let t = sample_tree();
        // A cycle inside the tree and a link to outside it: neither may be followed.
        std::os::unix::fs::symlink(&t.0, t.0.join("pkg/loop")).unwrap();
        let outside = TempDir::new();
        outside.write("secret.go", b"package secret\n");
        std::os::unix::fs::symlink(outside.0.join("secret.go"), t.0.join("linked.go")).unwrap();
        let link_holder = TempDir::new();
        let root_link = link_holder.0.join("src");
        std::os::unix::fs::symlink(&t.0, &root_link).unwrap();
        let fs = load_path(&root_link, &opts()).unwrap();
        let paths = fs.kept_paths();
        assert_eq!(paths, ["go.mod", "main.go", "pkg/p.go", "pkg/target/t.go"]);
    }

    #[test]
    fn missing_path_is_not_found() {
        let t = TempDir::new();
        let missing = t.0.join("nope");
        let err = load_path(&missing, &opts()).unwrap_err();
        assert!(
            matches!(&err, SourceError::NotFound { path } if *path == missing),
            "{err:?}"
        );
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn archive_files_by_magic_not_extension() {
        let t = TempDir::new();
        let zip = archive::tests::make_zip(&[("r-main/a.go", b"package a\n")]);
        t.write("download.bin", &zip);
        let fs = load_path(&t.0.join("download.bin"), &opts()).unwrap();
        assert_eq!(fs.files.len(), 1);
        assert_eq!(fs.files[0].path, "a.go");
        let tgz = archive::tests::make_tar_gz(&[("r-main/b.go", b"package b\n")]);
        t.write("repo.zip", &tgz);
        let fs = load_path(&t.0.join("repo.zip"), &opts()).unwrap();
        assert_eq!(fs.files[0].path, "b.go");
        t.write("notes.txt", b"hello");
        let err = load_path(&t.0.join("notes.txt"), &opts()).unwrap_err();
        assert!(
            matches!(err, SourceError::UnsupportedFormat { .. }),
            "{err:?}"
        );
    }
}
