//! Variable masking: turns one raw log message into whitespace-separated tokens in which values
//! that are almost certainly variables are replaced by [`WILDCARD`].
//!
//! Hand-written byte scanners (no regex): this runs once per token on the hot path. Masked tokens
//! are written into one reused `String` buffer; no allocation per token.
//!
//! A token is split into leading punctuation, a *core* and trailing punctuation
//! (`"[10.0.0.1]:"` → `"["`, `"10.0.0.1"`, `"]:"`); the punctuation is kept, the core is replaced.
//! The core is a variable when it
//! * contains an ASCII digit (numbers, hex such as `0x1f`/`blk_-123`, IPv4, most IPv6, UUIDs,
//!   durations `12ms`/`1.5s`, versions, ids),
//! * is a path (`/var/lib/x`, `C:\dir`) or URL (`scheme://…`),
//! * is a long hex run (≥ 16 hex digits, e.g. a hash with no decimal digit), or
//! * is quoted (`'…'`, `"…"`, `` `…` ``) as a whole token.
//!
//! `key=value` and `key:value` keep the key when the value is a variable: `uid=0` → `uid=<*>`,
//! `sessionid:0x1` → `sessionid:<*>`. An `address:port` core becomes `<*>:<*>`.

/// The placeholder for a variable, in masked tokens and in templates.
pub const WILDCARD: &str = "<*>";

/// A masked message: tokens stored back to back in one buffer.
#[derive(Debug, Default, Clone)]
pub struct MaskedLine {
    buf: String,
    spans: Vec<(usize, usize)>,
}

/// Messages are cut to this many tokens; the rest becomes one final [`WILDCARD`]. Bounds the
/// size of a cluster's template.
pub const MAX_TOKENS: usize = 512;

impl MaskedLine {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the content with the masked tokens of `msg`.
    pub fn mask(&mut self, msg: &str) {
        self.buf.clear();
        self.spans.clear();
        let mut toks = msg.split_ascii_whitespace().peekable();
        let mut prev_date = false;
        while let Some(tok) = toks.next() {
            let start = self.buf.len();
            if self.spans.len() == MAX_TOKENS - 1 {
                self.buf.push_str(WILDCARD);
                self.spans.push((start, self.buf.len()));
                break;
            }
            // Month / weekday names next to a number or another such name are date parts.
            let date = is_date_name(tok)
                && (prev_date
                    || toks.peek().is_some_and(|n| {
                        n.starts_with(|c: char| c.is_ascii_digit()) || is_date_name(n)
                    }));
            prev_date = date;
            if date {
                self.buf.push_str(WILDCARD);
            } else {
                mask_token(tok, &mut self.buf);
            }
            // A run of bare wildcards (a list of ids, a timestamp) is one variable.
            if &self.buf[start..] == WILDCARD {
                if let Some(&(ps, pe)) = self.spans.last() {
                    if &self.buf[ps..pe] == WILDCARD {
                        self.buf.truncate(start);
                        continue;
                    }
                }
            }
            self.spans.push((start, self.buf.len()));
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Token `i` (panics if out of range, like slice indexing).
    pub fn get(&self, i: usize) -> &str {
        let (s, e) = self.spans[i];
        &self.buf[s..e]
    }

    pub fn tokens(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.spans.iter().map(|&(s, e)| &self.buf[s..e])
    }
}

/// Masks `msg` and returns its tokens joined by single spaces (convenience; allocates).
pub fn mask_message(msg: &str) -> String {
    let mut m = MaskedLine::new();
    m.mask(msg);
    let mut out = String::with_capacity(msg.len());
    for (i, t) in m.tokens().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Three-letter English month or weekday name, capitalised (`Jul`, `Fri`), possibly with a comma.
fn is_date_name(tok: &str) -> bool {
    const NAMES: [&str; 19] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Mon",
        "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
    ];
    let t = tok.strip_suffix(',').unwrap_or(tok);
    NAMES.contains(&t)
}

fn is_open(b: u8) -> bool {
    matches!(b, b'(' | b'[' | b'{' | b'<' | b'\'' | b'"' | b'`')
}

fn is_close(b: u8) -> bool {
    matches!(
        b,
        b')' | b']' | b'}' | b'>' | b'\'' | b'"' | b'`' | b',' | b';' | b':' | b'.' | b'!' | b'?'
    )
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'\'' | b'"' | b'`')
}

/// Appends the masked form of one whitespace-free token to `out`.
fn mask_token(tok: &str, out: &mut String) {
    let b = tok.as_bytes();
    let mut s = 0;
    while s < b.len() && is_open(b[s]) {
        s += 1;
    }
    let mut e = b.len();
    while e > s && is_close(b[e - 1]) {
        e -= 1;
    }
    if s == e {
        out.push_str(tok);
        return;
    }
    // All split points are at ASCII bytes, so these slices are on char boundaries.
    let (pre, core, suf) = (&tok[..s], &tok[s..e], &tok[e..]);

    // Whole-token quoted value: the quote right before the core closes right after it.
    if s > 0 && e < b.len() && is_quote(b[s - 1]) && b[e] == b[s - 1] {
        out.push_str(pre);
        out.push_str(WILDCARD);
        out.push_str(suf);
        return;
    }

    if let Some(k) = key_len(core).filter(|_| !core.contains("://")) {
        let value = &core[k + 1..];
        if !value.is_empty() && is_variable(value) {
            out.push_str(pre);
            out.push_str(&core[..=k]);
            out.push_str(WILDCARD);
            out.push_str(suf);
            return;
        }
    }

    if is_variable(core) {
        out.push_str(pre);
        if is_addr_port(core) {
            out.push_str("<*>:<*>");
        } else {
            out.push_str(WILDCARD);
        }
        out.push_str(suf);
        return;
    }
    out.push_str(tok);
}

/// Index of the `=` or `:` ending an identifier-like key (`uid=`, `sessionid:`), if any.
/// Keys hold no digits, so `fe80::1` is not read as key `fe80`.
fn key_len(core: &str) -> Option<usize> {
    let b = core.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'=' | b':' => return Some(i),
            c if c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b'.') => {}
            _ => return None,
        }
    }
    None
}

/// `…:digits` where the part before the colon also contains a digit (`10.0.0.1:80`, `/1.2.3.4:50010`).
fn is_addr_port(core: &str) -> bool {
    let Some(i) = core.rfind(':') else {
        return false;
    };
    let (host, port) = (&core[..i], &core[i + 1..]);
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|c| c.is_ascii_digit())
        && host.bytes().any(|c| c.is_ascii_digit())
        && !host.contains(':')
}

/// Whether a token core (no surrounding punctuation) looks like a variable value.
pub fn is_variable(core: &str) -> bool {
    let b = core.as_bytes();
    if b.iter().any(u8::is_ascii_digit) {
        return true;
    }
    if b.len() > 1 && b[0] == b'/' {
        return true; // absolute path
    }
    if b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' {
        return true; // Windows path
    }
    if core.contains("://") {
        return true; // URL
    }
    b.len() >= 16 && b.iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        mask_message(s)
    }

    #[test]
    fn numbers_hex_and_ids() {
        assert_eq!(m("took 42 ms"), "took <*> ms");
        assert_eq!(m("value -3.25"), "value <*>");
        assert_eq!(m("addr 0x7fff1a2b"), "addr <*>");
        assert_eq!(m("block blk_-6952295868487656571 done"), "block <*> done");
        assert_eq!(m("hash deadbeefdeadbeefcafe"), "hash <*>");
        assert_eq!(m("word deadbeef"), "word deadbeef");
    }

    #[test]
    fn addresses() {
        assert_eq!(m("from 173.234.31.186 port 22"), "from <*> port <*>");
        assert_eq!(m("delete blk_1 blk_-2 blk_3 now"), "delete <*> now");
        assert_eq!(m("[173.234.31.186]"), "[<*>]");
        assert_eq!(m("/10.251.39.144:50010 Served"), "<*>:<*> Served");
        assert_eq!(m("to 10.0.0.1:8080,"), "to <*>:<*>,");
        assert_eq!(m("ipv6 fe80::1ff:fe23:4567:890a up"), "<*> up");
        assert_eq!(m("addr fe80::1ff:fe23:4567:890a up"), "addr <*> up");
        assert_eq!(m("addr [2001:db8::1]"), "addr [<*>]");
    }

    #[test]
    fn uuids_durations_paths() {
        assert_eq!(m("id 123e4567-e89b-12d3-a456-426614174000"), "id <*>");
        assert_eq!(m("in 12ms and 1.5s"), "in <*> and <*>");
        assert_eq!(m("open /var/lib/zookeeper failed"), "open <*> failed");
        assert_eq!(m("open C:\\temp\\x failed"), "open <*> failed");
        assert_eq!(m("get https://example.com/a"), "get <*>");
        assert_eq!(m("a / b"), "a / b");
    }

    #[test]
    fn quoted_and_key_values() {
        assert_eq!(m("node '/dev/vcs1' created"), "node '<*>' created");
        assert_eq!(m("user \"bob\","), "user \"<*>\",");
        assert_eq!(
            m("uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4"),
            "uid=<*> euid=<*> tty=ssh ruser= rhost=<*>"
        );
        assert_eq!(m("(uid=0)"), "(uid=<*>)");
        assert_eq!(
            m("sessionid:0x14ede63a5a70000 type:create"),
            "sessionid:<*> type:create"
        );
        assert_eq!(m("Couldn't authenticate"), "Couldn't authenticate");
    }

    #[test]
    fn dates() {
        assert_eq!(m("at Fri Jul  1 07:57:30 2005 x"), "at <*> x");
        assert_eq!(m("on Sun, Mar 3"), "on <*>");
        assert_eq!(m("May I"), "May I");
        assert_eq!(m("Jul"), "Jul");
    }

    #[test]
    fn whitespace_and_unicode() {
        assert_eq!(m("  a\t b  "), "a b");
        assert_eq!(m(""), "");
        assert_eq!(m("état 5€ «x»"), "état <*> «x»");
        let mut ml = MaskedLine::new();
        ml.mask("x 1 y");
        assert_eq!(ml.len(), 3);
        assert_eq!(ml.get(1), "<*>");
        let long = "w ".repeat(MAX_TOKENS + 10);
        ml.mask(&long);
        assert_eq!(ml.len(), MAX_TOKENS);
        assert_eq!(ml.get(MAX_TOKENS - 2), "w");
        assert_eq!(ml.get(MAX_TOKENS - 1), "<*>");
    }
}
