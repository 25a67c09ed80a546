//! Which package each file belongs to, and each package's import path.
//!
//! A package is the set of files of one directory with one package clause. Its import path is
//! the directory's path below the nearest enclosing `go.mod`'s module path (the standard
//! library's `go.mod` says `module std`, whose packages import as their directory), or the
//! directory itself without a `go.mod`. Local `replace` directives add the replaced module's
//! import paths as aliases.

use rustc_hash::FxHashMap;

use crate::lang::go::{GoFile, GoMod};

use super::Package;

/// The packages of a set of Go files.
pub(crate) struct PackageMap {
    pub packages: Vec<Package>,
    /// Per file (same order as the input): its package index.
    pub file_package: Vec<u32>,
    /// Import path → package indices (several when a directory has several package clauses).
    pub by_import_path: FxHashMap<String, Vec<u32>>,
}

fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => base.to_string(),
        _ => format!("{base}/{rel}"),
    }
}

/// Normalises `a/./b/../c` → `a/c`; `None` if it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

/// `gomods`: (directory of the go.mod relative to the repo root, its contents).
pub(crate) fn assign(files: &[GoFile], gomods: &[(String, GoMod)]) -> PackageMap {
    // Deepest module first, so the nearest go.mod wins.
    let mut mods: Vec<&(String, GoMod)> = gomods.iter().collect();
    mods.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.len()));
    let module_of = |dir: &str| -> Option<&(String, GoMod)> {
        mods.iter().copied().find(|(mdir, _)| {
            mdir.is_empty() || dir == mdir || dir.starts_with(&format!("{mdir}/"))
        })
    };

    let mut packages: Vec<Package> = Vec::new();
    let mut key_to_pkg: FxHashMap<(String, String), u32> = FxHashMap::default();
    let mut file_package = Vec::with_capacity(files.len());
    for f in files {
        let dir = dir_of(&f.path).to_string();
        let key = (dir.clone(), f.package.clone());
        let idx = *key_to_pkg.entry(key).or_insert_with(|| {
            let path = match module_of(&dir) {
                Some((mdir, m)) => {
                    let rel = dir[mdir.len()..].trim_start_matches('/');
                    if m.module == "std" || m.module.is_empty() {
                        rel.to_string()
                    } else {
                        join(&m.module, rel)
                    }
                }
                None => dir.clone(),
            };
            packages.push(Package {
                path,
                name: f.package.clone(),
                dir: dir.clone(),
            });
            (packages.len() - 1) as u32
        });
        file_package.push(idx);
    }

    let mut by_import_path: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for (i, p) in packages.iter().enumerate() {
        by_import_path
            .entry(p.path.clone())
            .or_default()
            .push(i as u32);
    }
    // `replace example.com/lib => ./lib`: packages under ./lib also import as example.com/lib/….
    for (mdir, m) in gomods {
        for r in &m.replaces {
            let Some(target) = normalize(&join(mdir, &r.local_dir)) else {
                continue;
            };
            for (i, p) in packages.iter().enumerate() {
                let rel = if p.dir == target {
                    Some("")
                } else {
                    p.dir
                        .strip_prefix(&target)
                        .and_then(|rest| rest.strip_prefix('/'))
                };
                if let Some(rel) = rel {
                    by_import_path
                        .entry(join(&r.module, rel))
                        .or_default()
                        .push(i as u32);
                }
            }
        }
    }
    // Vendored packages (`vendor/golang.org/x/net/…`) import by the path below `vendor/`.
    for (i, p) in packages.iter().enumerate() {
        let below = match p.dir.rfind("/vendor/") {
            Some(at) => Some(&p.dir[at + "/vendor/".len()..]),
            None => p.dir.strip_prefix("vendor/"),
        };
        if let Some(below) = below {
            by_import_path
                .entry(below.to_string())
                .or_default()
                .push(i as u32);
        }
    }
    for v in by_import_path.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    PackageMap {
        packages,
        file_package,
        by_import_path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::go::{parse_go_mod, GoFile};

    fn file(path: &str, pkg: &str) -> GoFile {
        GoFile {
            path: path.into(),
            package: pkg.into(),
            ..GoFile::default()
        }
    }

    #[test]
    fn import_paths_from_nested_modules_and_replaces() {
        let files = vec![
            file("main.go", "main"),
            file("store/db.go", "store"),
            file("lib/util/u.go", "util"),
            file("tools/gen.go", "main"),
        ];
        let mods = vec![
            (
                String::new(),
                parse_go_mod("module example.com/svc\nreplace example.com/lib => ./lib\n"),
            ),
            ("lib".to_string(), parse_go_mod("module example.com/lib\n")),
        ];
        let m = assign(&files, &mods);
        let paths: Vec<&str> = m.packages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "example.com/svc",
                "example.com/svc/store",
                "example.com/lib/util",
                "example.com/svc/tools"
            ]
        );
        assert_eq!(m.by_import_path["example.com/lib/util"], vec![2]);
        assert_eq!(m.file_package, vec![0, 1, 2, 3]);
    }

    #[test]
    fn vendored_packages_import_by_their_path_below_vendor() {
        let files = vec![file("vendor/golang.org/x/net/idna/idna.go", "idna")];
        let m = assign(&files, &[(String::new(), parse_go_mod("module std\n"))]);
        assert_eq!(m.packages[0].path, "vendor/golang.org/x/net/idna");
        assert_eq!(m.by_import_path["golang.org/x/net/idna"], vec![0]);
    }

    #[test]
    fn standard_library_module_is_unprefixed() {
        let files = vec![file("net/http/client.go", "http")];
        let m = assign(&files, &[(String::new(), parse_go_mod("module std\n"))]);
        assert_eq!(m.packages[0].path, "net/http");
    }
}
