//! logfmt (`level=error msg="dial failed" err="connection refused"`) and klog's structured tail
//! (`"Reconcile failed" controller="pod" err="timeout"`).
//!
//! Values are bare (up to the next space) or double-quoted with Go escapes (`\"`, `\\`, `\n`,
//! `\t`, `\uXXXX`), as written by go-kit, logrus' text formatter, slog's TextHandler and klog.

/// Reads a double-quoted Go string at the start of `s`; returns the unescaped text and the
/// bytes consumed (including both quotes). `None` if unterminated.
pub fn quoted(s: &str) -> Option<(String, usize)> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'u' => {
                        let mut v = 0u32;
                        for _ in 0..4 {
                            v = v * 16 + chars.next()?.1.to_digit(16)?;
                        }
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    None
}

/// Splits `s` into `key=value` pairs. Returns `None` unless every whitespace-separated token is
/// a pair with a non-empty key (bare words mean the text is not logfmt).
pub fn pairs(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace() || c == '"')?;
        if key_end == 0 || rest.as_bytes()[key_end] != b'=' {
            return None;
        }
        let key = &rest[..key_end];
        rest = &rest[key_end + 1..];
        let value = if rest.starts_with('"') {
            let (v, n) = quoted(rest)?;
            rest = &rest[n..];
            if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
                return None;
            }
            v
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let v = rest[..end].to_owned();
            rest = &rest[end..];
            v
        };
        out.push((key.to_owned(), value));
        rest = rest.trim_start();
    }
    Some(out)
}

/// Keys whose presence makes a line of pairs a log line rather than any `a=b` text.
pub fn has_log_key(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, _)| {
        matches!(
            k.as_str(),
            "msg" | "message" | "level" | "lvl" | "ts" | "time" | "err" | "error" | "caller"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs() {
        let p = pairs(r#"level=error msg="dial tcp: \"x\" refused" err=EOF n=3"#).unwrap();
        assert_eq!(
            p,
            vec![
                ("level".into(), "error".into()),
                ("msg".into(), "dial tcp: \"x\" refused".into()),
                ("err".into(), "EOF".into()),
                ("n".into(), "3".into()),
            ]
        );
        assert_eq!(pairs("level=error and then words"), None);
        assert_eq!(pairs(r#"msg="unterminated"#), None);
        assert_eq!(pairs("=x"), None);
        assert_eq!(pairs("k="), Some(vec![("k".into(), String::new())]));
    }

    #[test]
    fn reads_quoted() {
        assert_eq!(quoted(r#""a\tb\u00e9" rest"#), Some(("a\tbé".into(), 12)));
        assert_eq!(quoted("nope"), None);
    }
}
