//! Log lines → [`LogRecord`]: timestamp, level, logger, caller, message, error, trace ids.
//!
//! Refract explains *messages*, but real log lines wrap the message in decoration that differs by
//! logger: klog's `E1121 10:00:00.000000 1234 file.go:123] `, Go `log` flags, logfmt pairs, JSON
//! objects from zap/logrus/slog/zerolog/bunyan. [`parse_line`] recognises these and returns one
//! normalised record, so the explain engine, the template miner and the trace join all see the
//! same fields. It never fails: text with no recognised structure becomes a record whose message
//! is the whole line. [`ingest`] streams a reader of lines into records with a malformed-line
//! report.
//!
//! OTLP/JSON logs documents hold many records; [`ingest`] recognises them (a line, or a whole
//! file that is one document) and reads them with [`otlp`].
//!
//! Recognition order (first that fits wins): JSON object → klog header → logfmt (every token a
//! `key=value` and a log key present) → Go `log` (date/time/`file.go:N:` prefix) → plain
//! prefixes (ISO/syslog timestamp, `[ERROR]`, `ERROR:`, zap console columns).
//!
//! ```
//! use refract_core::logs::{parse_line, Level, LineFormat};
//! let r = parse_line(r#"E1121 10:00:00.000000 1234 controller.go:123] "Reconcile failed" err="webhook denied the request""#);
//! assert_eq!(r.format, LineFormat::Klog);
//! assert_eq!(r.level, Some(Level::Error));
//! assert_eq!(r.message, "Reconcile failed");
//! assert_eq!(r.error.as_deref(), Some("webhook denied the request"));
//! assert_eq!(r.caller.as_ref().map(|c| c.line), Some(123));
//! ```

mod header;
pub mod ingest;
mod json;
mod logfmt;
pub mod otlp;
mod plain;
mod record;
pub mod time;

pub use header::{HeaderError, HeaderFormat};
pub use record::{Caller, JsonFlavor, Level, LineFormat, LogRecord};

/// How to read lines beyond auto-detection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// A Loghub-style header; lines that do not match it fall back to auto-detection.
    pub header: Option<HeaderFormat>,
}

/// Parses one log line (a trailing `\r`/`\n` is ignored). Never fails.
pub fn parse_line(line: &str) -> LogRecord {
    let mut rec = parse_structure(line);
    if rec.trace_id.is_none() && !matches!(rec.format, LineFormat::Json { .. } | LineFormat::Logfmt)
    {
        inline_ids(&mut rec);
    }
    rec
}

/// Text formats often carry ids inside the message (`… trace_id=4bf9… span_id=00f0…`); they
/// are read and removed from the message (like a level prefix, they are decoration: left in,
/// they would make the template miner merge different messages and hide the text's origin).
fn inline_ids(rec: &mut LogRecord) {
    /// Finds `key value`; returns the value and the byte range of `key…value` in `msg`.
    fn find(msg: &str, keys: &[&str]) -> Option<(String, std::ops::Range<usize>)> {
        for k in keys {
            let mut from = 0;
            while let Some(i) = msg[from..].find(k) {
                let at = from + i;
                from = at + k.len();
                // a key starts a word
                if at > 0 && msg.as_bytes()[at - 1].is_ascii_alphanumeric() {
                    continue;
                }
                let rest = &msg[from..];
                let quoted = rest.starts_with('"');
                let v = rest.trim_start_matches(['"', ' ']);
                let skipped = rest.len() - v.len();
                let end = v
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .unwrap_or(v.len());
                if end > 0 {
                    let close = usize::from(quoted && v[end..].starts_with('"'));
                    return Some((v[..end].to_owned(), at..from + skipped + end + close));
                }
            }
        }
        None
    }
    fn cut(msg: &mut String, r: std::ops::Range<usize>) {
        let (mut start, mut end) = (r.start, r.end);
        if msg[end..].starts_with(' ') {
            end += 1;
        } else if msg[..start].ends_with(' ') {
            start -= 1;
        }
        msg.replace_range(start..end, "");
    }
    if !rec.message.contains("race") && !rec.message.contains("RACE") {
        return;
    }
    const TRACE: [&str; 6] = [
        "trace_id=",
        "traceId=",
        "traceID=",
        "trace_id:",
        "trace-id=",
        "TraceID=",
    ];
    const SPAN: [&str; 6] = [
        "span_id=", "spanId=", "spanID=", "span_id:", "span-id=", "SpanID=",
    ];
    let Some((t, r)) = find(&rec.message, &TRACE) else {
        return;
    };
    rec.trace_id = Some(t);
    cut(&mut rec.message, r);
    if rec.span_id.is_none() {
        if let Some((s, r)) = find(&rec.message, &SPAN) {
            rec.span_id = Some(s);
            cut(&mut rec.message, r);
        }
    }
}

fn parse_structure(line: &str) -> LogRecord {
    let line = line.trim_end_matches(['\n', '\r']);
    if line.trim_start().starts_with('{') {
        if let Some(r) = json::parse(line) {
            return r;
        }
    }
    if let Some(r) = plain::klog(line) {
        return r;
    }
    if let Some(r) = logfmt_line(line) {
        return r;
    }
    if let Some(r) = plain::golog(line) {
        return r;
    }
    plain::plain(line)
}

/// [`parse_line`] with options; the header format is tried first.
pub fn parse_line_with(line: &str, opts: &ParseOptions) -> LogRecord {
    if let Some(h) = &opts.header {
        if let Some(r) = h.apply(line.trim_end_matches(['\n', '\r'])) {
            return r;
        }
    }
    parse_line(line)
}

/// True if [`parse_line`] would have to fall back on a line that claims a structure: a `{` line
/// that is not a JSON object. Used by ingestion to report malformed lines.
pub fn looks_malformed(line: &str, rec: &LogRecord) -> bool {
    line.trim_start().starts_with('{') && !matches!(rec.format, LineFormat::Json { .. })
}

fn logfmt_line(line: &str) -> Option<LogRecord> {
    if !line.contains('=') {
        return None;
    }
    let pairs = logfmt::pairs(line)?;
    if pairs.len() < 2 || !logfmt::has_log_key(&pairs) {
        return None;
    }
    let mut rec = LogRecord::plain("");
    rec.format = LineFormat::Logfmt;
    for (k, v) in pairs {
        rec.absorb(&k, v);
    }
    Some(rec)
}

#[cfg(test)]
mod tests;
