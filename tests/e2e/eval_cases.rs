//! The evaluation dev set (`tests/eval/*.json`, issue #3 item 7) is hand-labelled; this test keeps
//! the labels honest. For every case file it checks the schema and the path rules of
//! `tests/eval/README.md`, and against the real source tree it labels (Debian's `golang-go` and
//! `golang-*-dev` packages): each hop's file exists, its `line` declares the named function (or a
//! func literal for `$N` names), each hop's `fmt` occurs in that file as a Go string literal, and
//! the literal text of every `fmt` appears in the log line, outermost hop first.
//!
//! A case file whose repository is absent is skipped with a message (run `cargo xtask install`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

const KINDS: &[&str] = &[
    "log",
    "wrap",
    "passthrough",
    "origin",
    "origin_sentinel",
    "origin_external",
    "convert",
];

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval")
}

fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(eval_dir())
        .expect("tests/eval exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Collects problems instead of stopping at the first, so one run lists every bad label.
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, at: &str, msg: impl std::fmt::Display) {
        self.0.push(format!("{at}: {msg}"));
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The bare function name a declaration line must carry: `(*net/http.conn).serve` → `serve`,
/// `net/http.ReadResponse` → `ReadResponse`. `None` for func literals (`F$1`, `F$2$1`).
fn decl_name(func: &str) -> Option<&str> {
    if func.contains('$') {
        return None;
    }
    let tail = func.rsplit(')').next().unwrap_or(func);
    let tail = tail.strip_prefix('.').unwrap_or(tail);
    Some(tail.rsplit('.').next().unwrap_or(tail))
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `func Name(`, `func (r *T) Name(` or `func Name[T any](` on this line.
fn declares(line: &str, name: &str) -> bool {
    let t = line.trim_start();
    if !t.starts_with("func ") && !t.starts_with("func(") {
        return false;
    }
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(pos) = t[from..].find(name) {
        let start = from + pos;
        let end = start + name.len();
        let before_ok = start == 0 || !is_ident_byte(bytes[start - 1]);
        let after_ok = matches!(bytes.get(end), Some(b'(') | Some(b'['));
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

/// A func literal starts on this line: `func(` or `func (` not followed by a name.
fn has_func_literal(line: &str) -> bool {
    let mut rest = line;
    while let Some(pos) = rest.find("func") {
        let before_ok = pos == 0 || !is_ident_byte(rest.as_bytes()[pos - 1]);
        let after = rest[pos + 4..].trim_start();
        if before_ok && after.starts_with('(') {
            return true;
        }
        rest = &rest[pos + 4..];
    }
    false
}

/// The body of a Go interpreted string literal holding `s` (what sits between the quotes).
fn go_quote_body(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The literal pieces of a format string, split at verbs (`%v`, `%-8.3f`, `%[1]d`, …); `%%` is
/// a literal `%`. Trailing newlines are dropped (loggers end the line there).
fn literal_pieces(fmt: &str) -> Vec<String> {
    let fmt = fmt.trim_end_matches('\n');
    let mut pieces = vec![String::new()];
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            pieces.last_mut().expect("never empty").push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            pieces.last_mut().expect("never empty").push('%');
            continue;
        }
        // Flags, width, precision, argument index; then the verb letter.
        while let Some(&n) = chars.peek() {
            chars.next();
            if n.is_ascii_alphabetic() {
                break;
            }
        }
        pieces.push(String::new());
    }
    pieces.into_iter().filter(|p| !p.is_empty()).collect()
}

fn check_hop(
    repo: &Path,
    hop: &Value,
    at: &str,
    problems: &mut Problems,
    sources: &mut Vec<(String, String)>,
) {
    let (Some(file), Some(func), Some(line), Some(kind)) = (
        str_field(hop, "file"),
        str_field(hop, "func"),
        hop.get("line").and_then(Value::as_u64),
        str_field(hop, "kind"),
    ) else {
        problems.add(at, "hop needs string file, func, kind and integer line");
        return;
    };
    if !KINDS.contains(&kind) {
        problems.add(at, format!("unknown kind `{kind}`"));
    }
    let fmt = match hop.get("fmt") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Null) => None,
        _ => {
            problems.add(at, "hop needs `fmt`: string or null");
            None
        }
    };
    if kind == "passthrough" && fmt.is_some() {
        problems.add(
            at,
            "a passthrough hop contributes no text (fmt must be null)",
        );
    }
    if matches!(kind, "wrap" | "origin" | "convert") && fmt.is_none() {
        problems.add(
            at,
            format!("a `{kind}` hop contributes text (fmt must be a string)"),
        );
    }
    if file.starts_with('/') || file.contains("..") {
        problems.add(at, format!("file `{file}` must be relative to the repo"));
        return;
    }
    let text = match fs::read_to_string(repo.join(file)) {
        Ok(t) => t,
        Err(e) => {
            problems.add(at, format!("{file}: {e}"));
            return;
        }
    };
    let decl_line = usize::try_from(line)
        .ok()
        .and_then(|l| l.checked_sub(1))
        .and_then(|i| text.lines().nth(i));
    match (decl_line, decl_name(func)) {
        (None, _) => problems.add(at, format!("{file} has no line {line}")),
        (Some(l), Some(name)) if !declares(l, name) => problems.add(
            at,
            format!(
                "{file}:{line} does not declare `{name}` ({func}): `{}`",
                l.trim()
            ),
        ),
        (Some(l), None) if !has_func_literal(l) => problems.add(
            at,
            format!(
                "{file}:{line} has no func literal for {func}: `{}`",
                l.trim()
            ),
        ),
        _ => {}
    }
    if let Some(f) = fmt {
        if !text.contains(&go_quote_body(f)) && !text.contains(f) {
            problems.add(at, format!("fmt {f:?} does not occur in {file}"));
        }
        sources.push((func.to_string(), f.to_string()));
    }
}

/// The structural rules of README.md: log only first, origin kinds only last, root = last hop.
fn check_shape(case: &Value, path: &[Value], at: &str, problems: &mut Problems) {
    if path.len() < 2 {
        problems.add(at, "a path has at least two hops");
        return;
    }
    let kinds: Vec<&str> = path.iter().filter_map(|h| str_field(h, "kind")).collect();
    if kinds.len() != path.len() {
        return; // reported per hop
    }
    let last = kinds[kinds.len() - 1];
    if !last.starts_with("origin") {
        problems.add(
            at,
            format!("the last hop must be an origin kind, not `{last}`"),
        );
    }
    if !matches!(kinds[0], "log" | "wrap" | "convert") {
        problems.add(
            at,
            format!(
                "the first hop must log, wrap or convert, not `{}`",
                kinds[0]
            ),
        );
    }
    for (i, k) in kinds.iter().enumerate() {
        if *k == "log" && i != 0 {
            problems.add(at, format!("hop {i}: only the first hop may log"));
        }
        if k.starts_with("origin") && i != kinds.len() - 1 {
            problems.add(at, format!("hop {i}: only the last hop may be an origin"));
        }
    }
    let funcs: Vec<&str> = path.iter().filter_map(|h| str_field(h, "func")).collect();
    let distinct: HashSet<&&str> = funcs.iter().collect();
    if distinct.len() != funcs.len() {
        problems.add(at, "one hop per function: a function appears twice");
    }
    let Some(root) = case.get("root") else {
        problems.add(at, "missing root");
        return;
    };
    let hop = &path[path.len() - 1];
    for key in ["file", "func", "line"] {
        if root.get(key) != hop.get(key) {
            problems.add(at, format!("root.{key} differs from the last hop's"));
        }
    }
    let external = root.get("external_origin").and_then(Value::as_str);
    let sentinel = root.get("sentinel").and_then(Value::as_str);
    if (last == "origin_external") != external.is_some() {
        problems.add(
            at,
            "root.external_origin is set exactly when the root is origin_external",
        );
    }
    if (last == "origin_sentinel") != sentinel.is_some() {
        problems.add(
            at,
            "root.sentinel is set exactly when the root is origin_sentinel",
        );
    }
}

/// Every hop's literal text occurs in the log line, and each hop's text starts after the
/// start of the hop outside it (a wrapper's suffix, like `%v %s`'s " ", may follow the inner text,
/// so only the first piece of each hop is ordered).
fn check_log_text(log: &str, sources: &[(String, String)], at: &str, problems: &mut Problems) {
    let mut pos = 0;
    for (func, fmt) in sources {
        let mut pieces = literal_pieces(fmt).into_iter();
        let Some(first) = pieces.next() else { continue };
        let Some(i) = log[pos..].find(&first) else {
            problems.add(
                at,
                format!(
                    "{func}: text {first:?} of {fmt:?} is not in the log line after byte {pos}"
                ),
            );
            continue;
        };
        pos += i + first.len();
        let mut rest = pos;
        for piece in pieces {
            match log[rest..].find(&piece) {
                Some(j) => rest += j + piece.len(),
                None => problems.add(
                    at,
                    format!("{func}: text {piece:?} of {fmt:?} is not in the log line after byte {rest}"),
                ),
            }
        }
    }
}

fn check_file(path: &Path, seen_ids: &mut HashSet<String>, problems: &mut Problems) -> usize {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let doc: Value = match fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            problems.add(&name, e);
            return 0;
        }
    };
    let Some(repo) = str_field(&doc, "repo") else {
        problems.add(&name, "missing string `repo`");
        return 0;
    };
    if doc.get("k").and_then(Value::as_u64).is_none_or(|k| k == 0) {
        problems.add(&name, "`k` must be a positive integer");
    }
    if !doc.get("include_tests").is_some_and(Value::is_boolean) {
        problems.add(&name, "`include_tests` must be a boolean");
    }
    let Some(cases) = doc.get("cases").and_then(Value::as_array) else {
        problems.add(&name, "missing array `cases`");
        return 0;
    };
    // The agreed format: absolute, or relative to the case file's directory (the demo's).
    let repo = path.parent().unwrap_or(Path::new(".")).join(repo);
    let repo = repo.as_path();
    if !repo.is_dir() {
        eprintln!(
            "eval_cases: skipping {name}: {} is absent (run `cargo xtask install`)",
            repo.display()
        );
        return 0;
    }
    for case in cases {
        let id = str_field(case, "id").unwrap_or("");
        let at = format!("{name}#{id}");
        if id.is_empty() {
            problems.add(&at, "missing id");
        } else if !seen_ids.insert(id.to_string()) {
            problems.add(&at, "duplicate id");
        }
        let log = str_field(case, "log").unwrap_or("");
        if log.trim().is_empty() {
            problems.add(&at, "missing log line");
        }
        let Some(hops) = case.get("path").and_then(Value::as_array) else {
            problems.add(&at, "missing array `path`");
            continue;
        };
        let mut sources = Vec::new();
        for (i, hop) in hops.iter().enumerate() {
            check_hop(repo, hop, &format!("{at} hop {i}"), problems, &mut sources);
        }
        check_shape(case, hops, &at, problems);
        check_log_text(log, &sources, &at, problems);
    }
    cases.len()
}

#[test]
fn eval_case_files_are_well_formed_and_match_the_source() {
    let files = case_files();
    assert!(
        !files.is_empty(),
        "no case files in {}",
        eval_dir().display()
    );
    let mut problems = Problems(Vec::new());
    let mut seen = HashSet::new();
    let mut checked = 0;
    for f in &files {
        checked += check_file(f, &mut seen, &mut problems);
    }
    eprintln!(
        "eval_cases: {checked} cases checked in {} files",
        files.len()
    );
    assert!(
        problems.0.is_empty(),
        "{} problems:\n{}",
        problems.0.len(),
        problems.0.join("\n")
    );
}

#[test]
fn the_checks_themselves_catch_what_they_should() {
    assert_eq!(decl_name("(*net/http.conn).serve"), Some("serve"));
    assert_eq!(decl_name("net/http.ReadResponse"), Some("ReadResponse"));
    assert_eq!(decl_name("(github.com/x/y.T).M"), Some("M"));
    assert_eq!(decl_name("(*a/b.T).M$1"), None);
    assert!(declares(
        "func (c *conn) serve(ctx context.Context) {",
        "serve"
    ));
    assert!(declares("func Map[K comparable](m K) {", "Map"));
    assert!(!declares("func (c *conn) serveX() {", "serve"));
    assert!(!declares("\treturn serve(x)", "serve"));
    assert!(has_func_literal("\tgo func() {"));
    assert!(has_func_literal("\trestore := func(req *restoreFuture) {"));
    assert!(!has_func_literal("func Name() {"));
    assert_eq!(go_quote_body("a\"b\\c\n"), "a\\\"b\\\\c\\n");
    assert_eq!(
        literal_pieces("sql: Scan error on column index %d, name %q: %w"),
        vec!["sql: Scan error on column index ", ", name ", ": "]
    );
    assert_eq!(literal_pieces("100%% of %-8.3f\n"), vec!["100% of "]);
    let mut p = Problems(Vec::new());
    check_log_text(
        "a: b: c",
        &[("f".into(), "b: %v".into()), ("g".into(), "a: %v".into())],
        "t",
        &mut p,
    );
    assert_eq!(
        p.0.len(),
        1,
        "out-of-order texts must be reported: {:?}",
        p.0
    );
}
