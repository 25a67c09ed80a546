//! `.zip` and `.tar.gz` (and plain `.tar`) archives from memory.
//!
//! Why so defensive: archives come from users, in the browser as in the CLI, and an archive is a
//! program for the decompressor. Nothing read from a header is trusted for allocation: every read
//! goes through a [`Meter`] that counts decompressed bytes and stops at `max_total_bytes` or at a
//! decompressed/compressed ratio over `max_ratio` (only once more than [`RATIO_FLOOR`] bytes came
//! out, so small archives never trip it), and each entry is read with `Read::take` at
//! `max_file_bytes + 1`. Entry names are normalized and unsafe ones (absolute, `..`, drive
//! letters) reject the archive. The format is decided by magic bytes, not by the file name.
//! No `std::fs` here: this runs in the browser.

use std::cell::Cell;
use std::io::{self, Cursor, Read};

use super::entries::{self, Staged};
use super::filter::{self, Collector, Content};
use super::{FileSet, LoadOptions, SourceError, SourceFile};

/// Below this many decompressed bytes the ratio check is not applied.
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// The container formats we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Zip,
    TarGz,
    Tar,
}

/// Decides the format from the first bytes.
pub(crate) fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(Format::Zip)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        Some(Format::TarGz)
    } else if bytes.len() >= 262 && &bytes[257..262] == b"ustar" {
        Some(Format::Tar)
    } else {
        None
    }
}

/// Whether `bytes` look like a zip archive (by magic bytes): [`ZipBatches`] can read it.
pub fn is_zip(bytes: &[u8]) -> bool {
    detect(bytes) == Some(Format::Zip)
}

/// Loads a zip or tar.gz archive held in memory. `name` is only used in errors. If all entries
/// share one top-level directory (GitHub's `repo-main/`), it is stripped.
pub fn load_archive(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<FileSet, SourceError> {
    let staged = match detect(bytes) {
        Some(Format::Zip) => return ZipBatches::open(name, bytes, opts)?.finish(),
        Some(Format::TarGz) => {
            let meter = Meter::new(name, bytes.len() as u64, opts);
            let gz = flate2::read::MultiGzDecoder::new(bytes);
            read_tar(
                name,
                Metered {
                    inner: gz,
                    meter: &meter,
                },
                &meter,
                opts,
            )?
        }
        Some(Format::Tar) => {
            let meter = Meter::new(name, bytes.len() as u64, opts);
            read_tar(
                name,
                Metered {
                    inner: bytes,
                    meter: &meter,
                },
                &meter,
                opts,
            )?
        }
        None => {
            return Err(SourceError::UnsupportedFormat {
                name: name.to_string(),
            })
        }
    };
    Ok(entries::finish(staged, opts))
}

/// Which limit a [`Meter`] hit.
#[derive(Debug, Clone, Copy)]
enum Trip {
    Total,
    Ratio,
}

/// Counts decompressed bytes across the whole archive and enforces the total and ratio caps.
struct Meter {
    archive: String,
    compressed: u64,
    max_total: u64,
    max_ratio: u64,
    total: Cell<u64>,
    tripped: Cell<Option<Trip>>,
}

impl Meter {
    fn new(archive: &str, compressed: u64, opts: &LoadOptions) -> Self {
        Meter {
            archive: archive.to_string(),
            compressed: compressed.max(1),
            max_total: opts.max_total_bytes,
            max_ratio: opts.max_ratio,
            total: Cell::new(0),
            tripped: Cell::new(None),
        }
    }

    fn add(&self, n: usize) -> io::Result<()> {
        let total = self.total.get().saturating_add(n as u64);
        self.total.set(total);
        let trip = if total > self.max_total {
            Some(Trip::Total)
        } else if total > RATIO_FLOOR && total > self.compressed.saturating_mul(self.max_ratio) {
            Some(Trip::Ratio)
        } else {
            None
        };
        match trip {
            Some(t) => {
                self.tripped.set(Some(t));
                Err(io::Error::other("archive limit exceeded"))
            }
            None => Ok(()),
        }
    }

    /// The limit error, if a limit was hit; it explains any I/O error seen after it.
    fn error(&self) -> Option<SourceError> {
        self.tripped.get().map(|t| match t {
            Trip::Total => SourceError::ArchiveTooLarge {
                archive: self.archive.clone(),
                cap: self.max_total,
            },
            Trip::Ratio => SourceError::SuspiciousRatio {
                archive: self.archive.clone(),
                decompressed: self.total.get(),
                compressed: self.compressed,
                max_ratio: self.max_ratio,
            },
        })
    }

    /// Maps an error from the archive reader: a tripped limit wins over what the reader saw.
    fn corrupt(&self, entry: Option<&str>, detail: impl ToString) -> SourceError {
        self.error().unwrap_or_else(|| SourceError::CorruptArchive {
            archive: self.archive.clone(),
            entry: entry.map(str::to_string),
            detail: detail.to_string(),
        })
    }
}

/// A reader whose output is counted by a [`Meter`].
struct Metered<'m, R> {
    inner: R,
    meter: &'m Meter,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.tripped.get().is_some() {
            return Err(io::Error::other("archive limit exceeded"));
        }
        let n = self.inner.read(buf)?;
        self.meter.add(n)?;
        Ok(n)
    }
}

/// Reads at most `max_file_bytes + 1` bytes, so that "too large" is detectable without trusting
/// the declared size.
fn read_limited(r: impl Read, opts: &LoadOptions) -> io::Result<Vec<u8>> {
    let limit = opts.max_file_bytes.saturating_add(1);
    let mut buf = Vec::new();
    r.take(limit).read_to_end(&mut buf)?;
    Ok(buf)
}

fn unsafe_entry(archive: &str, entry: &str) -> SourceError {
    SourceError::UnsafeEntryPath {
        archive: archive.to_string(),
        entry: entry.to_string(),
    }
}

/// A zip archive loaded in batches, for a caller that wants to start on the first files while
/// the rest are still compressed (the web app parses one batch in a worker while the next is
/// inflated).
///
/// A zip's central directory lists every name and declared size up front, so [`ZipBatches::open`]
/// reaches every verdict that needs no content (the common top directory, excluded
/// directories, tests, declared sizes over the cap) before inflating anything. The files still
/// wanted are then inflated in whatever batches the caller asks for, and [`ZipBatches::finish`]
/// inflates the rest. The [`FileSet`] is the same whatever the batches; [`load_archive`] is
/// `open` + `finish`. Every byte inflated goes through one [`Meter`], so the archive's limits hold
/// across batches.
///
/// Only the entries that can end up kept are ever inflated: not an earlier copy of a duplicated
/// path, nor a file under a directory excluded by the full rules (`vendor/`, `target/` beside a
/// `Cargo.toml`, …). A corrupt entry or a bomb there is never read, so it does not fail the load.
/// Wanted entries are inflated in the order asked (`finish`: by path), so of several faults the
/// one reported depends on that order.
pub struct ZipBatches<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    meter: Meter,
    /// Verdicts so far; the wanted files join it as they are inflated.
    collector: Collector,
    /// Wanted files not inflated yet, by final path.
    pending: std::collections::BTreeMap<String, PendingEntry>,
}

/// A wanted entry of a [`ZipBatches`] that is still compressed.
#[derive(Debug, Clone)]
struct PendingEntry {
    /// Central directory index.
    entry: usize,
    /// The name as stored, for errors.
    raw_name: String,
    /// The size the archive declares (not trusted for anything but planning).
    declared: u64,
}

impl<'a> ZipBatches<'a> {
    /// Reads the central directory and judges every entry by name and declared size.
    pub fn open(name: &str, bytes: &'a [u8], opts: &LoadOptions) -> Result<Self, SourceError> {
        let meter = Meter::new(name, bytes.len() as u64, opts);
        let mut zip =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| meter.corrupt(None, e))?;
        if zip.len() > opts.max_entries {
            return Err(SourceError::TooManyEntries {
                archive: name.to_string(),
                cap: opts.max_entries,
            });
        }
        let mut staged = Vec::with_capacity(zip.len());
        let mut raw_names = Vec::with_capacity(zip.len());
        for i in 0..zip.len() {
            // Metadata only: nothing is decompressed by `by_index_raw`.
            let f = zip.by_index_raw(i).map_err(|e| meter.corrupt(None, e))?;
            let raw_name = match f.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(f.name_raw()).into_owned(),
            };
            let path = match filter::normalize_entry_path(&raw_name) {
                Ok(Some(p)) => p,
                Ok(None) => continue,
                Err(()) => return Err(unsafe_entry(name, &raw_name)),
            };
            if f.is_symlink() {
                continue; // never followed
            }
            let is_dir = f.is_dir();
            staged.push(Staged {
                path,
                is_dir,
                content: Content::NotRead {
                    size: if is_dir { 0 } else { f.size() },
                },
                entry: raw_names.len(),
            });
            raw_names.push((i, raw_name));
        }
        let all_files = entries::strip_common_top(&mut staged);
        let mut collector = Collector::new(opts);
        let mut pending = std::collections::BTreeMap::new();
        for s in staged {
            let declared = match s.content {
                Content::NotRead { size } => size,
                Content::Bytes(ref b) => b.len() as u64,
            };
            if collector.judge(&s.path, s.is_dir, declared, &all_files) {
                let (entry, raw_name) = raw_names[s.entry].clone();
                // A later entry of the same path replaces an earlier one, as extracting would.
                pending.insert(
                    s.path,
                    PendingEntry {
                        entry,
                        raw_name,
                        declared,
                    },
                );
            } else if !s.is_dir {
                pending.remove(&s.path);
            }
        }
        Ok(ZipBatches {
            zip,
            meter,
            collector,
            pending,
        })
    }

    /// The wanted files not inflated yet, as (final path, declared size), by path.
    pub fn pending(&self) -> impl Iterator<Item = (&str, u64)> {
        self.pending.iter().map(|(p, e)| (p.as_str(), e.declared))
    }

    /// Inflates the pending files among `paths` and returns those kept (not binary, generated or
    /// over the cap once inflated), in the order asked. Paths not pending are ignored.
    pub fn read<S: AsRef<str>>(&mut self, paths: &[S]) -> Result<Vec<SourceFile>, SourceError> {
        let mut kept = Vec::with_capacity(paths.len());
        for path in paths {
            let path = path.as_ref();
            if let Some(text) = self.inflate(path)? {
                kept.push(SourceFile {
                    path: path.to_string(),
                    text: text.to_string(),
                });
            }
        }
        Ok(kept)
    }

    /// Inflates `path` if it is pending and offers it to the collector; its text if kept.
    fn inflate(&mut self, path: &str) -> Result<Option<&str>, SourceError> {
        let Some(e) = self.pending.remove(path) else {
            return Ok(None);
        };
        let f = self
            .zip
            .by_index(e.entry)
            .map_err(|err| self.meter.corrupt(Some(&e.raw_name), err))?;
        let bytes = read_limited(
            Metered {
                inner: f,
                meter: &self.meter,
            },
            self.collector.options(),
        )
        .map_err(|err| self.meter.corrupt(Some(&e.raw_name), err))?;
        self.collector.offer(path, Content::Bytes(bytes));
        Ok(self.collector.kept(path))
    }

    /// Inflates whatever is still pending and returns the whole [`FileSet`].
    pub fn finish(mut self) -> Result<FileSet, SourceError> {
        let rest: Vec<String> = self.pending.keys().cloned().collect();
        for path in &rest {
            self.inflate(path)?;
        }
        if let Some(e) = self.meter.error() {
            return Err(e);
        }
        Ok(self.collector.finish())
    }
}

fn read_tar<R: Read>(
    name: &str,
    reader: R,
    meter: &Meter,
    opts: &LoadOptions,
) -> Result<Vec<Staged>, SourceError> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| meter.corrupt(None, e))?;
    let mut staged = Vec::new();
    let mut count = 0usize;
    for entry in entries {
        let entry = entry.map_err(|e| meter.corrupt(None, e))?;
        count += 1;
        if count > opts.max_entries {
            return Err(SourceError::TooManyEntries {
                archive: name.to_string(),
                cap: opts.max_entries,
            });
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = match filter::normalize_entry_path(&raw_name) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(()) => return Err(unsafe_entry(name, &raw_name)),
        };
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            staged.push(Staged {
                path,
                is_dir: true,
                content: Content::NotRead { size: 0 },
                entry: count,
            });
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            continue; // links, devices, …: never followed
        }
        let declared = entry.size();
        let content = if filter::may_keep(&path, opts) && declared <= opts.max_file_bytes {
            let bytes = read_limited(entry, opts).map_err(|e| meter.corrupt(Some(&raw_name), e))?;
            Content::Bytes(bytes)
        } else {
            Content::NotRead { size: declared }
        };
        staged.push(Staged {
            path,
            is_dir: false,
            content,
            entry: count,
        });
    }
    if let Some(e) = meter.error() {
        return Err(e);
    }
    Ok(staged)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::source::SkipReason;
    use std::io::Write;
    use std::time::{Duration, Instant};
    use zip::write::SimpleFileOptions;

    /// A deflated zip of `(name, bytes)`; names ending in `/` become directories.
    pub(crate) fn make_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (n, data) in entries {
            if n.ends_with('/') {
                w.add_directory(*n, o).unwrap();
            } else {
                w.start_file(*n, o).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    /// A gzip-compressed tar of `(name, bytes)`, names written raw (so `..` and `/` survive).
    pub(crate) fn make_tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut b = tar::Builder::new(gz);
        for (n, data) in entries {
            let mut h = tar::Header::new_gnu();
            let name = n.as_bytes();
            h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
            if n.ends_with('/') {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_size(0);
            } else {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_size(data.len() as u64);
            }
            h.set_mode(0o644);
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    fn repo_entries() -> Vec<(&'static str, &'static [u8])> {
        vec![
            ("repo-main/", b""),
            ("repo-main/go.mod", b"module example.com/x\n"),
            ("repo-main/main.go", b"package main\n\nfunc main() {}\n"),
            ("repo-main/main_test.go", b"package main\n"),
            ("repo-main/README.md", b"# x\n"),
            ("repo-main/vendor/", b""),
            ("repo-main/vendor/a/a.go", b"package a\n"),
            (
                "repo-main/internal/gen.pb.go",
                b"// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage internal\n",
            ),
            ("repo-main/internal/bin.go", b"package internal\x00\x01"),
            ("repo-main/internal/ok.go", b"package internal\n"),
            ("repo-main/.git/config", b"[core]\n"),
            ("repo-main/rs/Cargo.toml", b"[package]\nname = \"r\"\n"),
            ("repo-main/rs/src/lib.rs", b"pub fn f() {}\n"),
            ("repo-main/rs/target/debug/x.rs", b"fn g() {}\n"),
        ]
    }

    fn check_repo(fs: &FileSet) {
        let paths = fs.kept_paths();
        assert_eq!(
            paths,
            [
                "go.mod",
                "internal/ok.go",
                "main.go",
                "rs/Cargo.toml",
                "rs/src/lib.rs"
            ]
        );
        assert_eq!(fs.files[2].text, "package main\n\nfunc main() {}\n");
        let skipped = fs.skip_list();
        assert_eq!(
            skipped,
            [
                (".git", &SkipReason::ExcludedDir),
                ("internal/bin.go", &SkipReason::Binary),
                ("internal/gen.pb.go", &SkipReason::Generated),
                ("main_test.go", &SkipReason::TestFile),
                ("rs/target", &SkipReason::ExcludedDir),
                ("vendor", &SkipReason::ExcludedDir),
            ]
        );
        assert_eq!(fs.other_files, 1);
    }

    #[test]
    fn zip_repo_is_stripped_and_filtered() {
        let fs = load_archive(
            "repo.zip",
            &make_zip(&repo_entries()),
            &LoadOptions::default(),
        )
        .unwrap();
        check_repo(&fs);
    }

    /// A zip whose first entry, `first` (4,000 numbered comment lines), has 30 bytes of its
    /// deflate stream flipped; `rest` follow intact.
    fn zip_with_corrupt_first(first: &str, rest: &[(&str, &[u8])]) -> Vec<u8> {
        let text: Vec<u8> = (0..4000u32)
            .flat_map(|i| format!("// line {i}\n").into_bytes())
            .collect();
        let mut entries = vec![(first, &text[..])];
        entries.extend_from_slice(rest);
        let mut bytes = make_zip(&entries);
        // Local header (30 bytes) + name: the deflate stream starts there; skip a little of it.
        let at = 30 + first.len() + 26;
        for b in &mut bytes[at..at + 30] {
            *b ^= 0x55;
        }
        bytes
    }

    /// Everything a [`FileSet`] holds, for comparing two loads.
    fn dump(fs: &FileSet) -> String {
        serde_json::to_string(fs).unwrap()
    }

    #[test]
    fn zip_batches_give_the_same_file_set_in_any_order() {
        let bytes = make_zip(&repo_entries());
        let whole = load_archive("repo.zip", &bytes, &LoadOptions::default()).unwrap();
        let mut zb = ZipBatches::open("repo.zip", &bytes, &LoadOptions::default()).unwrap();
        // Wanted by name, final paths (top directory stripped); tests, vendor, .git, README and
        // rs/target are judged without inflating anything.
        let pending: Vec<&str> = zb.pending().map(|(p, _)| p).collect();
        assert_eq!(
            pending,
            [
                "go.mod",
                "internal/bin.go",
                "internal/gen.pb.go",
                "internal/ok.go",
                "main.go",
                "rs/Cargo.toml",
                "rs/src/lib.rs"
            ]
        );
        assert_eq!(
            zb.pending().find(|(p, _)| *p == "main.go").map(|(_, n)| n),
            Some(29)
        );
        // Binary and generated files are judged once inflated and not returned.
        let got = zb
            .read(&[
                "main.go",
                "internal/bin.go",
                "internal/gen.pb.go",
                "nope.go",
            ])
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path, "main.go");
        assert_eq!(got[0].text, "package main\n\nfunc main() {}\n");
        // Asking again inflates nothing more.
        assert!(zb.read(&["main.go"]).unwrap().is_empty());
        let batched = zb.finish().unwrap();
        check_repo(&batched);
        assert_eq!(dump(&batched), dump(&whole));
    }

    #[test]
    fn zip_batches_keep_the_archive_limits_across_batches() {
        let mib = vec![0u8; 1024 * 1024];
        let names: Vec<String> = (0..60).map(|i| format!("f{i}.go")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &mib[..])).collect();
        let bytes = make_zip(&entries);
        let mut zb = ZipBatches::open("many.zip", &bytes, &LoadOptions::default()).unwrap();
        let mut err = None;
        for chunk in names.chunks(7) {
            if let Err(e) = zb.read(chunk) {
                err = Some(e);
                break;
            }
        }
        assert!(
            matches!(err, Some(SourceError::SuspiciousRatio { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn zip_entries_that_cannot_be_kept_are_never_inflated() {
        // A corrupt file under vendor/ (excluded) at the top level, where `may_keep` alone
        // could not exclude it (the first component might have been a stripped top directory).
        let bytes = zip_with_corrupt_first("vendor/a.go", &[("b.go", b"package b\n")]);
        let fs = load_archive("v.zip", &bytes, &LoadOptions::default()).unwrap();
        assert_eq!(fs.kept_paths(), ["b.go"]);
        assert_eq!(fs.skip_list(), [("vendor", &SkipReason::ExcludedDir)]);
        // The entry is corrupt indeed: keeping vendor/ reads it, and the load fails on it.
        let opts = LoadOptions {
            include_vendor: true,
            ..LoadOptions::default()
        };
        let err = load_archive("v.zip", &bytes, &opts).unwrap_err();
        assert!(
            matches!(&err, SourceError::CorruptArchive { entry: Some(e), .. } if e == "vendor/a.go"),
            "{err:?}"
        );
    }

    #[test]
    fn zip_batches_name_the_corrupt_entry() {
        let bytes = zip_with_corrupt_first("d/a.go", &[("d/b.go", b"package b\n")]);
        let mut zb = ZipBatches::open("c.zip", &bytes, &LoadOptions::default()).unwrap();
        assert_eq!(zb.read(&["b.go"]).unwrap().len(), 1);
        match zb.read(&["a.go"]).unwrap_err() {
            SourceError::CorruptArchive { archive, entry, .. } => {
                assert_eq!(archive, "c.zip");
                assert_eq!(entry.as_deref(), Some("d/a.go"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn tar_gz_repo_is_stripped_and_filtered() {
        let fs = load_archive(
            "repo.tar.gz",
            &make_tar_gz(&repo_entries()),
            &LoadOptions::default(),
        )
        .unwrap();
        check_repo(&fs);
    }

    #[test]
    fn include_tests_keeps_test_files() {
        let opts = LoadOptions {
            include_tests: true,
            ..LoadOptions::default()
        };
        let fs = load_archive("repo.zip", &make_zip(&repo_entries()), &opts).unwrap();
        assert!(fs.files.iter().any(|f| f.path == "main_test.go"));
        assert!(!fs.skipped.iter().any(|s| s.reason == SkipReason::TestFile));
    }

    #[test]
    fn too_large_file_is_skipped_with_size() {
        let big = vec![b'a'; 200];
        let opts = LoadOptions {
            max_file_bytes: 100,
            ..LoadOptions::default()
        };
        for bytes in [
            make_zip(&[("big.go", &big), ("s.go", b"package s\n")]),
            make_tar_gz(&[("big.go", &big), ("s.go", b"package s\n")]),
        ] {
            let fs = load_archive("a", &bytes, &opts).unwrap();
            assert_eq!(fs.files.len(), 1);
            assert_eq!(fs.files[0].path, "s.go");
            assert_eq!(fs.skipped[0].path, "big.go");
            assert_eq!(
                fs.skipped[0].reason,
                SkipReason::TooLarge {
                    size: 200,
                    cap: 100
                }
            );
        }
    }

    #[test]
    fn unsafe_paths_are_rejected_naming_the_entry() {
        for evil in ["../evil.go", "/abs.go", "a/../../evil.go", "C:/win.go"] {
            let entries: &[(&str, &[u8])] =
                &[("ok.go", b"package ok\n"), (evil, b"package evil\n")];
            for (kind, bytes) in [("zip", make_zip(entries)), ("tgz", make_tar_gz(entries))] {
                let err = load_archive("bad", &bytes, &LoadOptions::default()).unwrap_err();
                match &err {
                    SourceError::UnsafeEntryPath { archive, entry } => {
                        assert_eq!(archive, "bad");
                        assert_eq!(entry, evil, "{kind}");
                    }
                    other => panic!("{kind} {evil}: unexpected {other:?}"),
                }
                assert!(err.to_string().contains(evil), "{err}");
            }
        }
    }

    #[test]
    fn unsupported_and_corrupt() {
        let err = load_archive("x.txt", b"hello world", &LoadOptions::default()).unwrap_err();
        assert!(
            matches!(err, SourceError::UnsupportedFormat { ref name } if name == "x.txt"),
            "{err:?}"
        );
        let err = load_archive("x.zip", b"PK\x03\x04garbage", &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, SourceError::CorruptArchive { .. }), "{err:?}");
        let mut tgz = make_tar_gz(&[("a.go", b"package a\n")]);
        tgz.truncate(tgz.len() / 2);
        let err = load_archive("x.tgz", &tgz, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, SourceError::CorruptArchive { .. }), "{err:?}");
        assert!(load_archive("empty", &[], &LoadOptions::default()).is_err());
    }

    #[test]
    fn plain_tar_is_read() {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_ustar();
        h.set_path("a/x.go").unwrap();
        h.set_size(10);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, &b"package x\n"[..]).unwrap();
        let bytes = b.into_inner().unwrap();
        let fs = load_archive("x.tar", &bytes, &LoadOptions::default()).unwrap();
        assert_eq!(fs.files.len(), 1);
        assert_eq!(fs.files[0].path, "x.go");
    }

    #[test]
    fn too_many_entries() {
        let opts = LoadOptions {
            max_entries: 2,
            ..LoadOptions::default()
        };
        let entries: &[(&str, &[u8])] = &[("a.go", b""), ("b.go", b""), ("c.go", b"")];
        for bytes in [make_zip(entries), make_tar_gz(entries)] {
            let err = load_archive("many", &bytes, &opts).unwrap_err();
            assert!(
                matches!(err, SourceError::TooManyEntries { cap: 2, .. }),
                "{err:?}"
            );
        }
    }

    const BOMB: usize = 50 * 1024 * 1024;

    #[test]
    fn zip_bomb_is_stopped_by_ratio() {
        let zeros = vec![0u8; BOMB];
        let bytes = make_zip(&[("bomb.go", &zeros)]);
        // The file cap must not be what stops it.
        let opts = LoadOptions {
            max_file_bytes: u64::MAX / 2,
            ..LoadOptions::default()
        };
        let start = Instant::now();
        let err = load_archive("bomb.zip", &bytes, &opts).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5));
        match err {
            SourceError::SuspiciousRatio {
                decompressed,
                compressed,
                max_ratio,
                ..
            } => {
                assert_eq!(compressed, bytes.len() as u64);
                assert_eq!(max_ratio, 200);
                assert!(
                    decompressed > compressed * 200 && decompressed < BOMB as u64,
                    "{decompressed}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn tar_gz_bomb_is_stopped_even_in_a_skipped_file() {
        // The bomb is a README: never kept, but the tar stream still has to be inflated.
        let zeros = vec![0u8; BOMB];
        let bytes = make_tar_gz(&[("README", &zeros), ("a.go", b"package a\n")]);
        let err = load_archive("bomb.tgz", &bytes, &LoadOptions::default()).unwrap_err();
        assert!(
            matches!(err, SourceError::SuspiciousRatio { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("bomb.tgz"), "{err}");
        // With the ratio check relaxed, the total cap stops it.
        let opts = LoadOptions {
            max_ratio: u64::MAX,
            max_total_bytes: 10 * 1024 * 1024,
            ..LoadOptions::default()
        };
        let err = load_archive("bomb.tgz", &bytes, &opts).unwrap_err();
        assert!(
            matches!(err, SourceError::ArchiveTooLarge { cap, .. } if cap == 10 * 1024 * 1024),
            "{err:?}"
        );
    }

    #[test]
    fn bomb_spread_over_many_small_files_is_stopped() {
        let mib = vec![0u8; 1024 * 1024];
        let names: Vec<String> = (0..60).map(|i| format!("f{i}.go")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &mib[..])).collect();
        let bytes = make_zip(&entries);
        let err = load_archive("many.zip", &bytes, &LoadOptions::default()).unwrap_err();
        assert!(
            matches!(err, SourceError::SuspiciousRatio { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn corrupt_entry_is_named() {
        let bytes = zip_with_corrupt_first("a.go", &[]);
        let err = load_archive("c.zip", &bytes, &LoadOptions::default()).unwrap_err();
        match &err {
            SourceError::CorruptArchive { archive, entry, .. } => {
                assert_eq!(archive, "c.zip");
                assert_eq!(entry.as_deref(), Some("a.go"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("a.go"), "{err}");
    }

    #[test]
    fn small_archives_never_trip_the_ratio() {
        // 512 KiB of zeros compresses far beyond 200:1 but stays under the floor.
        let zeros = vec![b'a'; 512 * 1024];
        let bytes = make_tar_gz(&[("x.go", &zeros)]);
        assert!((zeros.len() as u64) > bytes.len() as u64 * 200);
        let fs = load_archive("small.tgz", &bytes, &LoadOptions::default()).unwrap();
        assert_eq!(fs.files.len(), 1);
    }
}
