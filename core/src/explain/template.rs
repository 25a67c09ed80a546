//! One error/log string constant compiled into a matcher: literal text with typed holes.
//!
//! A Go format string says exactly which parts of a line are fixed (the literals) and which were
//! filled in at run time (the fmt verbs). Matching a line against it by literals and typed holes,
//! instead of splitting the line on ": ", is what lets messages contain colons, URLs and quoted
//! values. Holes that can hold an error (`%w`, and `%v`/`%s` whose argument may be an error) are
//! where an inner error's text sits; the segmenter explains those captures recursively.

use crate::lang::go::{Form, Role};

/// What a fmt verb can print, as far as matching is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hole {
    /// `%w`: always an error.
    Error,
    /// `%v`, `%+v`: any value, often an error.
    Value,
    /// `%s`: a string, sometimes an error.
    Str,
    /// `%d %b %o %U`: an integer.
    Int,
    /// `%e %f %g`.
    Float,
    /// `%x %X`: hex digits.
    Hex,
    /// `%q`: a quoted string or rune.
    Quoted,
    /// `%t`.
    Bool,
    /// `%T %p %c` and unknown verbs: anything non-empty.
    Other,
}

impl Hole {
    /// Whether the hole may hold an inner error's text.
    pub fn may_be_error(self) -> bool {
        matches!(self, Hole::Error | Hole::Value | Hole::Str)
    }

    fn from_verb(v: char) -> Hole {
        match v {
            'w' => Hole::Error,
            'v' => Hole::Value,
            's' => Hole::Str,
            'd' | 'b' | 'o' | 'O' | 'U' => Hole::Int,
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => Hole::Float,
            'x' | 'X' => Hole::Hex,
            'q' => Hole::Quoted,
            't' => Hole::Bool,
            _ => Hole::Other,
        }
    }

    /// Whether `s` is text this verb could have printed.
    pub fn accepts(self, s: &str) -> bool {
        let s_trim = s.trim_start();
        match self {
            Hole::Value | Hole::Str => true,
            Hole::Error | Hole::Other => !s.is_empty(),
            Hole::Int => {
                let t = s_trim.strip_prefix(['-', '+']).unwrap_or(s_trim);
                (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())) || t.starts_with("U+")
            }
            Hole::Float => {
                !s_trim.is_empty()
                    && (s_trim
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                        || matches!(s_trim, "NaN" | "+Inf" | "-Inf"))
            }
            Hole::Hex => {
                // `%x` of a slice prints `[a0 ff]`.
                let t = s_trim.strip_prefix("0x").unwrap_or(s_trim);
                !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_hexdigit() || b" []".contains(&b))
            }
            Hole::Quoted => {
                s.len() >= 2
                    && matches!(s.as_bytes()[0], b'"' | b'`' | b'\'')
                    && matches!(s.as_bytes()[s.len() - 1], b'"' | b'`' | b'\'')
            }
            Hole::Bool => matches!(s, "true" | "false"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    Hole(Hole),
}

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
    /// A plain log message, which the logger may follow by an error or fields (`log.Println("x",
    /// err)`, `logger.Error("x", zap.Error(err))` normalised to `x: <err>`).
    pub open_tail: bool,
}

/// Separators a logger puts between a plain message and what follows it.
const TAIL_SEPARATORS: [&str; 5] = [": ", " - ", ", ", "; ", " "];

/// Spans of the holes of one match, in template order (byte offsets into the matched text).
pub type Captures = Vec<(Hole, usize, usize)>;

/// Bound on backtracking work per match call, so that adversarial lines stay cheap.
const STEP_LIMIT: usize = 20_000;

impl Template {
    /// Compiles a string constant used with `form`.
    pub fn compile(text: &str, form: Form, role: Role) -> Template {
        // Loggers end the line themselves; a format's own final newline is not in the line.
        let text = text.trim_end_matches(['\n', '\r']);
        let mut pieces = match form {
            Form::Plain => vec![Piece::Lit(text.to_string())],
            Form::Printf | Form::WrapPrefixf => parse_printf(text),
            Form::WrapPrefix => vec![Piece::Lit(text.to_string())],
        };
        if matches!(form, Form::WrapPrefix | Form::WrapPrefixf) {
            pieces.push(Piece::Lit(": ".into()));
            pieces.push(Piece::Hole(Hole::Error));
        }
        Template {
            pieces: merge_literals(pieces),
            open_tail: role == Role::Log && form == Form::Plain,
        }
    }

    /// Literal characters: how much of a line a match of this template explains for sure.
    pub fn literal_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => l.len(),
                Piece::Hole(_) => 0,
            })
            .sum()
    }

    /// The longest literal piece: the anchor the index looks for.
    pub fn anchor(&self) -> Option<&str> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Lit(l) => Some(l.as_str()),
                Piece::Hole(_) => None,
            })
            .max_by_key(|l| l.len())
    }

    /// The literal just before the final hole, when the template ends with a hole
    /// (`"%s: %v"` → `": "`): what the text before that hole's capture must end with.
    pub fn literal_before_last_hole(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [.., Piece::Lit(l), Piece::Hole(_)] => Some(l),
            _ => None,
        }
    }

    /// The first literal if the template starts with one.
    pub fn leading_literal(&self) -> Option<&str> {
        match self.pieces.first() {
            Some(Piece::Lit(l)) => Some(l),
            _ => None,
        }
    }

    /// Every way the template matches all of `text` (at most `limit`). An open tail is reported
    /// as a final [`Hole::Error`] capture.
    pub fn match_full(&self, text: &str, limit: usize) -> Vec<Captures> {
        let mut out = Vec::new();
        let mut caps = Vec::new();
        let mut steps = 0usize;
        self.step(text, 0, 0, &mut caps, &mut out, limit, &mut steps);
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn step(
        &self,
        text: &str,
        i: usize,
        pos: usize,
        caps: &mut Captures,
        out: &mut Vec<Captures>,
        limit: usize,
        steps: &mut usize,
    ) {
        *steps += 1;
        if out.len() >= limit || *steps > STEP_LIMIT {
            return;
        }
        let rest = &text[pos..];
        match self.pieces.get(i) {
            None => {
                if rest.is_empty() {
                    out.push(caps.clone());
                } else if self.open_tail {
                    // `log.Print("closing: ", err)`: the message ends with its own separator.
                    if text[..pos].ends_with([' ', ':', '=']) {
                        let mut c = caps.clone();
                        c.push((Hole::Error, pos, text.len()));
                        out.push(c);
                        return;
                    }
                    for sep in TAIL_SEPARATORS {
                        if rest.len() > sep.len() && rest.starts_with(sep) {
                            let mut c = caps.clone();
                            c.push((Hole::Error, pos + sep.len(), text.len()));
                            out.push(c);
                            return;
                        }
                    }
                }
            }
            Some(Piece::Lit(l)) => {
                if rest.starts_with(l.as_str()) {
                    self.step(text, i + 1, pos + l.len(), caps, out, limit, steps);
                }
            }
            Some(Piece::Hole(h)) => match self.pieces.get(i + 1) {
                None => {
                    if h.accepts(rest) {
                        caps.push((*h, pos, text.len()));
                        self.step(text, i + 1, text.len(), caps, out, limit, steps);
                        caps.pop();
                    }
                }
                Some(Piece::Lit(next)) => {
                    // Later occurrences first: error holes usually hold the longer text.
                    let found: Vec<usize> =
                        rest.match_indices(next.as_str()).map(|(q, _)| q).collect();
                    for q in found.into_iter().rev() {
                        if h.accepts(&rest[..q]) {
                            caps.push((*h, pos, pos + q));
                            self.step(text, i + 1, pos + q, caps, out, limit, steps);
                            caps.pop();
                        }
                    }
                }
                Some(Piece::Hole(_)) => {
                    // Adjacent holes: try every split.
                    for (q, _) in rest.char_indices().skip(1) {
                        if h.accepts(&rest[..q]) {
                            caps.push((*h, pos, pos + q));
                            self.step(text, i + 1, pos + q, caps, out, limit, steps);
                            caps.pop();
                        }
                    }
                }
            },
        }
    }
}

fn merge_literals(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (out.last_mut(), p) {
            (Some(Piece::Lit(a)), Piece::Lit(b)) => a.push_str(&b),
            (_, Piece::Lit(b)) if b.is_empty() => {}
            (_, p) => out.push(p),
        }
    }
    out
}

/// Splits a printf format into literals and holes: flags, width, precision, `[n]` argument
/// indexes and `*` are read and dropped; `%%` is a literal `%`.
pub fn parse_printf(format: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        // Flags, width, precision, argument index.
        while let Some(&n) = chars.peek() {
            if "+-# 0123456789.*[]".contains(n) {
                chars.next();
            } else {
                break;
            }
        }
        match chars.next() {
            Some('%') => lit.push('%'),
            Some(v) => {
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Hole(Hole::from_verb(v)));
            }
            None => lit.push('%'),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printf(s: &str) -> Template {
        Template::compile(s, Form::Printf, Role::ErrorNew)
    }

    #[test]
    fn parses_verbs_flags_and_percent() {
        assert_eq!(
            parse_printf("a %-5.2f%% b %[1]q %+v"),
            vec![
                Piece::Lit("a ".into()),
                Piece::Hole(Hole::Float),
                Piece::Lit("% b ".into()),
                Piece::Hole(Hole::Quoted),
                Piece::Lit(" ".into()),
                Piece::Hole(Hole::Value),
            ]
        );
    }

    #[test]
    fn wrap_prefix_adds_colon_and_error_hole() {
        let t = Template::compile("open config", Form::WrapPrefix, Role::ErrorWrap);
        let m = t.match_full("open config: disk full", 4);
        assert_eq!(m, vec![vec![(Hole::Error, 13, 22)]]);
        assert!(t.match_full("open config", 4).is_empty());
    }

    #[test]
    fn holes_are_typed() {
        let t = printf("retry %d of %s");
        assert_eq!(t.match_full("retry 3 of db", 4).len(), 1);
        assert!(t.match_full("retry x of db", 4).is_empty());
        let q = printf("bad name %q");
        assert_eq!(q.match_full("bad name \"a: b\"", 4).len(), 1);
        assert!(q.match_full("bad name a", 4).is_empty());
    }

    #[test]
    fn colons_and_urls_inside_values_do_not_split() {
        let t = printf("fetch %s: %w");
        let line = "fetch http://x.io:80/a: dial tcp 10.0.0.1:80: connection refused";
        let m = t.match_full(line, 8);
        // Several splits are possible; the one with the URL whole is among them.
        assert!(m.iter().any(|c| &line[c[0].1..c[0].2] == "http://x.io:80/a"
            && &line[c[1].1..c[1].2] == "dial tcp 10.0.0.1:80: connection refused"));
    }

    #[test]
    fn open_tail_for_plain_log_messages() {
        let t = Template::compile("sync failed", Form::Plain, Role::Log);
        assert_eq!(t.match_full("sync failed", 4), vec![vec![]]);
        let m = t.match_full("sync failed: EOF", 4);
        assert_eq!(m, vec![vec![(Hole::Error, 13, 16)]]);
        let p = Template::compile("closing conn: ", Form::Plain, Role::Log);
        assert_eq!(
            p.match_full("closing conn: EOF", 4),
            vec![vec![(Hole::Error, 14, 17)]]
        );
        let n = Template::compile("retry %d\n", Form::Printf, Role::Log);
        assert_eq!(n.match_full("retry 3", 4).len(), 1);
        let e = Template::compile("sync failed", Form::Plain, Role::ErrorNew);
        assert!(e.match_full("sync failed: EOF", 4).is_empty());
    }

    #[test]
    fn pathological_input_is_bounded() {
        let t = printf("%s%s%s%s%s%s x");
        let line = "a".repeat(5000);
        assert!(t.match_full(&line, 4).is_empty());
    }
}
