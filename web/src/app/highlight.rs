//! Go syntax colouring for the source view: a line-oriented tokenizer (keywords, strings, runes,
//! comments, numbers) that renders escaped HTML, one `<div>` per line, with the marked line, the
//! function's span and a highlighted fragment. Presentation only; it knows nothing of analysis.

const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
    "nil",
    "true",
    "false",
    "iota",
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Carry {
    None,
    BlockComment,
    RawString,
}

/// Token classes (CSS class names).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Class {
    Plain,
    Keyword,
    Str,
    Comment,
    Number,
}

impl Class {
    fn css(self) -> &'static str {
        match self {
            Class::Plain => "",
            Class::Keyword => "kw",
            Class::Str => "st",
            Class::Comment => "cm",
            Class::Number => "nu",
        }
    }
}

fn tokens(line: &str, carry: &mut Carry) -> Vec<(Class, usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let n = b.len();
    while i < n {
        let start = i;
        match *carry {
            Carry::BlockComment => {
                match line[i..].find("*/") {
                    Some(p) => {
                        i += p + 2;
                        *carry = Carry::None;
                    }
                    None => i = n,
                }
                out.push((Class::Comment, start, i));
                continue;
            }
            Carry::RawString => {
                match line[i..].find('`') {
                    Some(p) => {
                        i += p + 1;
                        *carry = Carry::None;
                    }
                    None => i = n,
                }
                out.push((Class::Str, start, i));
                continue;
            }
            Carry::None => {}
        }
        let c = b[i];
        if line[i..].starts_with("//") {
            out.push((Class::Comment, i, n));
            break;
        } else if line[i..].starts_with("/*") {
            *carry = Carry::BlockComment;
            i += 2;
            match line[i..].find("*/") {
                Some(p) => {
                    i += p + 2;
                    *carry = Carry::None;
                }
                None => i = n,
            }
            out.push((Class::Comment, start, i));
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < n && b[i] != c {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(n);
            out.push((Class::Str, start, i));
        } else if c == b'`' {
            *carry = Carry::RawString;
            i += 1;
            match line[i..].find('`') {
                Some(p) => {
                    i += p + 1;
                    *carry = Carry::None;
                }
                None => i = n,
            }
            out.push((Class::Str, start, i));
        } else if c.is_ascii_digit() {
            while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push((Class::Number, start, i));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &line[start..i];
            let class = if KEYWORDS.contains(&word) {
                Class::Keyword
            } else {
                Class::Plain
            };
            out.push((class, start, i));
        } else {
            // One (possibly multi-byte) character.
            i += line[i..].chars().next().map_or(1, char::len_utf8);
            out.push((Class::Plain, start, i));
        }
    }
    out
}

fn escape(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
}

/// Where `fragment` (or its longest literal prefix before a format verb) occurs in `line`.
fn find_fragment(line: &str, fragment: &str) -> Option<(usize, usize)> {
    let f = fragment.trim().trim_end_matches(':').trim_end();
    if f.is_empty() {
        return None;
    }
    if let Some(p) = line.find(f) {
        return Some((p, p + f.len()));
    }
    let head: String = f.split('%').next().unwrap_or("").trim_end().to_string();
    if head.chars().count() >= 4 {
        if let Some(p) = line.find(&head) {
            return Some((p, p + head.len()));
        }
    }
    None
}

/// The whole file as HTML lines.
pub fn render(
    text: &str,
    mark: Option<u32>,
    span: Option<(u32, u32)>,
    fragment: Option<&str>,
) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut carry = Carry::None;
    for (i, line) in text.lines().enumerate() {
        let no = i as u32 + 1;
        let marked = mark == Some(no);
        let in_span = span.is_some_and(|(a, b)| no >= a && no <= b);
        out.push_str("<div class=\"ln");
        if marked {
            out.push_str(" mark");
        }
        if in_span {
            out.push_str(" span");
        }
        out.push_str(&format!(
            "\" id=\"L{no}\"><span class=\"no\">{no}</span><code>"
        ));
        let hl = if marked {
            fragment.and_then(|f| find_fragment(line, f))
        } else {
            None
        };
        for (class, a, b) in tokens(line, &mut carry) {
            // Split the token at the highlight's bounds.
            let mut cuts = vec![a, b];
            if let Some((x, y)) = hl {
                for c in [x, y] {
                    if c > a && c < b && line.is_char_boundary(c) {
                        cuts.push(c);
                    }
                }
            }
            cuts.sort_unstable();
            for w in cuts.windows(2) {
                let (s, e) = (w[0], w[1]);
                let lit = hl.is_some_and(|(x, y)| s >= x && e <= y);
                if lit {
                    out.push_str("<mark>");
                }
                if class == Class::Plain {
                    escape(&line[s..e], &mut out);
                } else {
                    out.push_str(&format!("<span class=\"{}\">", class.css()));
                    escape(&line[s..e], &mut out);
                    out.push_str("</span>");
                }
                if lit {
                    out.push_str("</mark>");
                }
            }
        }
        out.push_str("</code></div>");
    }
    out
}
