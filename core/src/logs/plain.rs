//! Text line formats: klog/glog headers, Go's `log` flags, and common plain prefixes
//! (ISO timestamp, `[ERROR]`, `ERROR:`, zap's console encoder with tab-separated columns).
//!
//! Each reader returns `None` when the line does not have its shape, so [`super::parse_line`]
//! can try them in order; the plain-prefix reader always succeeds.

use super::record::{Caller, Level, LineFormat, LogRecord};
use super::{json, logfmt, time};

/// `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg` (klog, glog).
pub fn klog(line: &str) -> Option<LogRecord> {
    let b = line.as_bytes();
    let level = match b.first()? {
        b'I' => Level::Info,
        b'W' => Level::Warn,
        b'E' => Level::Error,
        b'F' => Level::Fatal,
        _ => return None,
    };
    if !b.get(1..5)?.iter().all(u8::is_ascii_digit) || b.get(5) != Some(&b' ') {
        return None;
    }
    let clock = time::clock_prefix(line.get(6..)?)?;
    let rest = line.get(6 + clock..)?;
    let rest = rest.strip_prefix(' ')?.trim_start();
    let tid_end = rest.find(' ')?;
    if !rest[..tid_end].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = &rest[tid_end + 1..];
    let close = rest
        .find("] ")
        .or_else(|| rest.ends_with(']').then(|| rest.len() - 1))?;
    let caller = Caller::parse(&rest[..close])?;
    let msg = rest.get(close + 2..).unwrap_or("");
    let mut rec = LogRecord::plain("");
    rec.format = LineFormat::Klog;
    rec.timestamp = Some(line[1..6 + clock].to_owned());
    rec.level = Some(level);
    rec.caller = Some(caller);
    rec.fields
        .push(("thread".to_owned(), rest_tid(line, clock)));
    klog_message(&mut rec, msg);
    Some(rec)
}

fn rest_tid(line: &str, clock: usize) -> String {
    line[6 + clock..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_owned()
}

/// klog structured messages: `"msg" key="value" err="..."`; else the text is the message.
fn klog_message(rec: &mut LogRecord, msg: &str) {
    if msg.starts_with('"') {
        if let Some((m, n)) = logfmt::quoted(msg) {
            if let Some(pairs) = logfmt::pairs(&msg[n..]) {
                rec.message = m;
                for (k, v) in pairs {
                    rec.absorb(&k, v);
                }
                return;
            }
        }
    }
    rec.message = msg.to_owned();
}

/// Go's `log` package: `[prefix]2009/11/10 23:00:00[.micro] [file.go:12: ]msg`, or any subset
/// of the flags that still shows a date, a time, or a file position.
pub fn golog(line: &str) -> Option<LogRecord> {
    let mut rec = LogRecord::plain("");
    rec.format = LineFormat::GoLog;
    let (prefix, mut rest) = find_go_date(line).unwrap_or(("", line));
    let mut stamp = String::new();
    if let Some((_, date_len)) = go_date(rest) {
        stamp.push_str(&rest[..date_len]);
        rest = &rest[date_len..];
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    if let Some(n) = time::clock_prefix(rest) {
        if rest.as_bytes().get(n) == Some(&b' ') {
            if !stamp.is_empty() {
                stamp.push(' ');
            }
            stamp.push_str(&rest[..n]);
            rest = &rest[n + 1..];
        }
    }
    // Lshortfile / Llongfile: `file.go:12: `
    let mut caller = None;
    if let Some(i) = rest.find(": ") {
        let head = &rest[..i];
        if !head.contains(' ') {
            if let Some(c) = Caller::parse(head) {
                caller = Some(c);
                rest = &rest[i + 2..];
            }
        }
    }
    if stamp.is_empty() && caller.is_none() {
        return None;
    }
    if stamp.len() >= 19 {
        rec.unix_nanos = time::parse_any(&stamp);
    }
    if !stamp.is_empty() {
        rec.timestamp = Some(stamp);
    }
    rec.caller = caller;
    let prefix = prefix.trim().trim_matches(['[', ']', ':']).trim();
    if !prefix.is_empty() {
        rec.logger = Some(prefix.to_owned());
    }
    level_prefix(&mut rec, rest);
    Some(rec)
}

/// `yyyy/mm/dd` at the start; returns (nanos of midnight, length).
fn go_date(s: &str) -> Option<((), usize)> {
    let b = s.as_bytes();
    let ok = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'/'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'/'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b.get(10).is_none_or(|c| *c == b' ');
    ok.then_some(((), 10))
}

/// A `log.New(w, prefix, flags)` prefix before the date: up to 48 bytes ending in a space.
fn find_go_date(line: &str) -> Option<(&str, &str)> {
    if go_date(line).is_some() {
        return Some(("", line));
    }
    let limit = line.len().min(50);
    for (i, c) in line.char_indices() {
        if i >= limit {
            break;
        }
        if c == ' ' || c == ']' || c == ':' {
            let rest = &line[i + 1..];
            let rest_t = rest.trim_start_matches(' ');
            if go_date(rest_t).is_some() {
                return Some((&line[..=i], rest_t));
            }
        }
    }
    None
}

/// Plain text with optional decorations: `[ts] [LEVEL] [logger] caller msg`, also zap's
/// console encoder (`ts\tLEVEL\tcaller\tmsg\t{"error": "..."}`). Always succeeds.
pub fn plain(line: &str) -> LogRecord {
    let mut rec = LogRecord::plain("");
    let mut rest = line;
    let (inner, bracketed) = match rest.strip_prefix('[') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if let Some((n, len)) = time::parse_datetime_prefix(inner) {
        let after = &inner[len..];
        let after = if bracketed {
            after.strip_prefix(']')
        } else {
            Some(after)
        };
        if let Some(after) = after {
            rec.timestamp = Some(inner[..len].to_owned());
            rec.unix_nanos = n;
            rest = after;
        }
    } else if let Some(len) = syslog_stamp(inner) {
        let after = &inner[len..];
        let after = if bracketed {
            after.strip_prefix(']')
        } else {
            Some(after)
        };
        if let Some(after) = after {
            rec.timestamp = Some(inner[..len].to_owned());
            rest = after;
        }
    }
    let tabbed = rest.starts_with('\t');
    rest = rest.trim_start();
    if tabbed {
        // zap console: `LEVEL\t[logger\t][caller\t]msg[\t{fields}]`.
        let mut cols: Vec<&str> = rest.split('\t').collect();
        if let Some(l) = cols.first().and_then(|c| Level::parse(c)) {
            rec.level = Some(l);
            cols.remove(0);
            let mut fields = None;
            if cols.len() > 1 && cols.last().is_some_and(|c| c.starts_with('{')) {
                fields = cols.last().and_then(|c| json::parse(c));
                if fields.is_some() {
                    cols.pop();
                }
            }
            if cols.len() > 1 && Caller::parse(cols[0]).is_none() && !cols[0].contains(' ') {
                rec.logger = Some(cols.remove(0).to_owned());
            }
            if cols.len() > 1 {
                if let Some(c) = Caller::parse(cols[0]) {
                    rec.caller = Some(c);
                    cols.remove(0);
                }
            }
            rec.message = cols.join("\t");
            if let Some(f) = fields {
                zap_console_fields(&mut rec, f);
            }
            return rec;
        }
    }
    level_prefix(&mut rec, rest);
    rec
}

/// `Nov 21 10:00:00` (syslog; no year, so no Unix time).
fn syslog_stamp(s: &str) -> Option<usize> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = s.get(..3)?;
    if !MONTHS.contains(&m) || s.as_bytes().get(3) != Some(&b' ') {
        return None;
    }
    let day = s[4..].trim_start_matches(' ');
    let day_start = s.len() - day.len();
    let dl = day.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&dl) || day.as_bytes().get(dl) != Some(&b' ') {
        return None;
    }
    let clock = time::clock_prefix(&day[dl + 1..])?;
    Some(day_start + dl + 1 + clock)
}

/// zap console's trailing `{json}` column: error, stack, ids and the rest as fields.
fn zap_console_fields(rec: &mut LogRecord, f: LogRecord) {
    rec.error = f.error;
    rec.stacktrace = f.stacktrace;
    rec.trace_id = f.trace_id;
    rec.span_id = f.span_id;
    rec.service = f.service;
    rec.fields = f.fields;
    if !f.message.is_empty() {
        rec.fields.push(("msg".to_owned(), f.message));
    }
}

/// Strips `[LEVEL]`, `LEVEL:`, `LEVEL ` (upper case), then `[logger]` and a `file.go:12:`
/// caller, and stores the rest as the message.
fn level_prefix(rec: &mut LogRecord, text: &str) {
    let mut rest = text.trim_start();
    if rec.level.is_none() {
        if let Some((lvl, after)) = take_level(rest) {
            rec.level = Some(lvl);
            rest = after.trim_start();
        }
    }
    // `[component]` right after the level
    if rec.level.is_some() && rest.starts_with('[') {
        if let Some(end) = rest.find("] ") {
            let name = &rest[1..end];
            if !name.is_empty() && !name.contains(' ') {
                rec.logger.get_or_insert_with(|| name.to_owned());
                rest = rest[end + 2..].trim_start();
            }
        }
    }
    if rec.caller.is_none() {
        if let Some(sp) = rest.find(' ') {
            let head = rest[..sp].trim_end_matches(':');
            if let Some(c) = Caller::parse(head) {
                rec.caller = Some(c);
                rest = rest[sp + 1..].trim_start();
            }
        }
    }
    rec.message = rest.to_owned();
}

/// A level word at the start: `[error]`, `<ERROR>`, `ERROR:`, `ERROR ` (bare words only in
/// upper case, so `error: open x` stays a message).
fn take_level(s: &str) -> Option<(Level, &str)> {
    for (open, close) in [('[', ']'), ('<', '>')] {
        if let Some(r) = s.strip_prefix(open) {
            let end = r.find(close)?;
            let l = Level::parse(&r[..end]).filter(|_| end > 1)?;
            return Some((l, &r[end + 1..]));
        }
    }
    let end = s.find([' ', ':', '\t']).unwrap_or(s.len());
    let word = &s[..end];
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let l = Level::parse(word)?;
    let after = &s[end..];
    let after = after.strip_prefix(':').unwrap_or(after);
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    Some((l, after))
}
