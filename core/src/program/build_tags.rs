//! Go build constraints: which files the go tool would compile for one target.
//!
//! The standard library and many services define the same function once per OS
//! (`file_unix.go`, `file_windows.go`); linking a call to every definition would be wrong.
//! Files for other targets stay in the program (a user may ask about them), but names resolve to
//! the definitions of the files in the build first.

/// The target the build constraints are evaluated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildTarget {
    pub goos: String,
    pub goarch: String,
    pub cgo: bool,
    /// Extra tags (`-tags`).
    pub tags: Vec<String>,
}

impl Default for BuildTarget {
    fn default() -> Self {
        BuildTarget {
            goos: "linux".into(),
            goarch: "amd64".into(),
            cgo: false,
            tags: Vec::new(),
        }
    }
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];
const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

impl BuildTarget {
    fn has_tag(&self, tag: &str) -> bool {
        if tag == self.goos || tag == self.goarch || tag == "gc" {
            return true;
        }
        if tag == "unix" {
            return UNIX_OS.contains(&self.goos.as_str());
        }
        if tag == "cgo" {
            return self.cgo;
        }
        if let Some(v) = tag.strip_prefix("go1.") {
            // Every released version satisfies `go1.N`; experiments and `ignore` do not.
            return v.parse::<u32>().is_ok();
        }
        self.tags.iter().any(|t| t == tag)
    }

    /// Whether a file with this name and `//go:build` line is part of the build.
    pub fn includes(&self, file_name: &str, constraint: Option<&str>) -> bool {
        self.file_name_matches(file_name) && constraint.is_none_or(|c| self.eval(c))
    }

    /// The `_GOOS`, `_GOARCH`, `_GOOS_GOARCH` file name suffix rule.
    fn file_name_matches(&self, file_name: &str) -> bool {
        let stem = file_name.strip_suffix(".go").unwrap_or(file_name);
        let stem = stem.strip_suffix("_test").unwrap_or(stem);
        let parts: Vec<&str> = stem.split('_').collect();
        if parts.len() < 2 {
            return true;
        }
        let last = parts[parts.len() - 1];
        let before = parts[parts.len() - 2];
        if parts.len() >= 3 && KNOWN_OS.contains(&before) && KNOWN_ARCH.contains(&last) {
            return self.has_tag(before) && self.has_tag(last);
        }
        if KNOWN_OS.contains(&last) || KNOWN_ARCH.contains(&last) {
            return self.has_tag(last);
        }
        true
    }

    /// Evaluates a `//go:build` expression (`||`, `&&`, `!`, parentheses). A malformed
    /// expression counts as satisfied, so a typo never hides code.
    pub fn eval(&self, expr: &str) -> bool {
        let tokens = tokenize(expr);
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            target: self,
        };
        match p.or() {
            Some(v) if p.pos == tokens.len() => v,
            _ => true,
        }
    }
}

fn tokenize(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'(' | b')' | b'!' => {
                out.push(&expr[i..i + 1]);
                i += 1;
            }
            b'&' | b'|' if i + 1 < b.len() && b[i + 1] == b[i] => {
                out.push(&expr[i..i + 2]);
                i += 2;
            }
            _ => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                if i == start {
                    out.push(&expr[i..i + 1]);
                    i += 1;
                } else {
                    out.push(&expr[start..i]);
                }
            }
        }
    }
    out
}

struct Parser<'a> {
    tokens: &'a [&'a str],
    pos: usize,
    target: &'a BuildTarget,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.pos).copied()
    }
    fn or(&mut self) -> Option<bool> {
        let mut v = self.and()?;
        while self.peek() == Some("||") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Some(v)
    }
    fn and(&mut self) -> Option<bool> {
        let mut v = self.not()?;
        while self.peek() == Some("&&") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Some(v)
    }
    fn not(&mut self) -> Option<bool> {
        match self.peek()? {
            "!" => {
                self.pos += 1;
                Some(!self.not()?)
            }
            "(" => {
                self.pos += 1;
                let v = self.or()?;
                if self.peek() != Some(")") {
                    return None;
                }
                self.pos += 1;
                Some(v)
            }
            tag if tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
            {
                self.pos += 1;
                Some(self.target.has_tag(tag))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_suffixes() {
        let t = BuildTarget::default();
        assert!(t.includes("file_linux.go", None));
        assert!(!t.includes("file_windows.go", None));
        assert!(t.includes("asm_linux_amd64.go", None));
        assert!(!t.includes("asm_linux_arm64.go", None));
        assert!(!t.includes("sys_arm64.go", None));
        assert!(t.includes("my_file.go", None));
        assert!(t.includes("linux.go", None));
    }

    #[test]
    fn constraint_expressions() {
        let t = BuildTarget::default();
        assert!(t.eval("linux && amd64"));
        assert!(t.eval("unix && !windows"));
        assert!(!t.eval("ignore"));
        assert!(!t.eval("cgo"));
        assert!(t.eval("!cgo || (linux && !arm)"));
        assert!(!t.eval("darwin || (freebsd && 386)"));
        assert!(t.eval("go1.18"));
        assert!(t.eval("((("), "malformed counts as satisfied");
    }
}
