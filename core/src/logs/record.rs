//! The normalised log record: what every line format is reduced to.
//!
//! One type for all formats so that the explain engine, the clusterer and the UI never care
//! whether a line came from zap, klog or `log.Printf`. `message` is always the human text with
//! the format's decoration removed; everything else a format carries is either a named field
//! here or kept verbatim in `fields`.

use serde::{Deserialize, Serialize};

/// Which syntax a line was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineFormat {
    /// No recognised structure, or only a plain timestamp/level prefix (incl. zap console).
    Plain,
    /// klog/glog header `E1121 10:00:00.000000 1234 file.go:123] msg`.
    Klog,
    /// Go's standard `log` package flags (`2009/11/10 23:00:00 file.go:12: msg`).
    GoLog,
    /// `key=value` pairs (go-kit, logrus text, slog TextHandler).
    Logfmt,
    /// One JSON object per line.
    Json { flavor: JsonFlavor },
    /// A user-supplied Loghub-style header (`<Date> <Time> <Level> <Component>: <Content>`).
    Header,
    /// A record of an OTLP/JSON logs document (`resourceLogs`/`scopeLogs`/`logRecords`).
    Otlp,
}

/// Which JSON logger most likely wrote a line (decided from its key set and level style).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonFlavor {
    Zap,
    Logrus,
    Slog,
    Zerolog,
    Bunyan,
    /// A JSON object with none of the above signatures (`message`/`msg` still read).
    Generic,
}

/// Severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
    Panic,
}

impl Level {
    /// Reads a level name in any case (`err`, `WARNING`, `E`, `dpanic`, `ERROR+2`, …).
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        // slog writes levels between the named ones as `ERROR+2`, `INFO-4`.
        let s = s.split(['+', '-']).next().unwrap_or(s);
        let l = match s.len() {
            1 => match s.as_bytes()[0].to_ascii_uppercase() {
                b'T' => Level::Trace,
                b'D' => Level::Debug,
                b'I' => Level::Info,
                b'W' => Level::Warn,
                b'E' => Level::Error,
                b'F' => Level::Fatal,
                b'P' => Level::Panic,
                _ => return None,
            },
            2..=11 => {
                let mut buf = [0u8; 11];
                for (d, c) in buf.iter_mut().zip(s.bytes()) {
                    *d = c.to_ascii_lowercase();
                }
                match &buf[..s.len()] {
                    b"trace" | b"trc" | b"finest" | b"verbose" => Level::Trace,
                    b"debug" | b"dbg" | b"fine" => Level::Debug,
                    b"info" | b"inf" | b"information" | b"notice" => Level::Info,
                    b"warn" | b"wrn" | b"warning" => Level::Warn,
                    b"error" | b"err" | b"eror" | b"severe" => Level::Error,
                    b"fatal" | b"ftl" | b"critical" | b"crit" | b"alert" | b"emerg" => Level::Fatal,
                    b"panic" | b"dpanic" | b"pnc" => Level::Panic,
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(l)
    }

    /// bunyan/pino numeric levels (10 trace … 60 fatal).
    pub fn from_number(n: i64) -> Option<Level> {
        Some(match n {
            ..=0 => return None,
            1..=10 => Level::Trace,
            11..=20 => Level::Debug,
            21..=30 => Level::Info,
            31..=40 => Level::Warn,
            41..=50 => Level::Error,
            _ => Level::Fatal,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
            Level::Panic => "panic",
        }
    }
}

/// The source position a logger reported (`file.go:123`). Strong evidence for the logging site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Caller {
    /// As written in the line (may be a short name, a package-relative or an absolute path).
    pub file: String,
    pub line: u32,
}

impl Caller {
    /// Parses `path/file.go:123` (also `file.go:123:45`); the file must have an extension.
    pub fn parse(s: &str) -> Option<Caller> {
        let s = s.trim();
        let (mut file, mut num) = s.rsplit_once(':')?;
        // `file.go:12:5` (line:column)
        if let Some((f, l)) = file.rsplit_once(':') {
            if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) {
                file = f;
                num = l;
            }
        }
        if num.is_empty() || num.len() > 9 || !num.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let (stem, ext) = base.rsplit_once('.')?;
        let ok_ext =
            !ext.is_empty() && ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphanumeric());
        if stem.is_empty() || !ok_ext || file.contains(char::is_whitespace) {
            return None;
        }
        Some(Caller {
            file: file.to_owned(),
            line: num.parse().ok()?,
        })
    }
}

/// One log line, normalised. Built by [`super::parse_line`]; never fails to exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    pub format: LineFormat,
    /// The timestamp as written.
    pub timestamp: Option<String>,
    /// The timestamp as Unix nanoseconds, when it names a full date (klog's has no year).
    pub unix_nanos: Option<i64>,
    pub level: Option<Level>,
    /// The logger's name (zap `logger`, Go `log` prefix, Loghub `Component`).
    pub logger: Option<String>,
    /// The emitting service/application (`service`, `service.name`, bunyan `name`).
    pub service: Option<String>,
    pub caller: Option<Caller>,
    /// The human message with the format's decoration removed.
    pub message: String,
    /// The error text (`error`, `err`, `exception` field), when the format separates it.
    pub error: Option<String>,
    pub stacktrace: Option<String>,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    /// Remaining structured fields, in line order; non-string JSON values as compact JSON.
    pub fields: Vec<(String, String)>,
}

impl LogRecord {
    /// A record holding only `message` (the plain-text fallback).
    pub fn plain(message: &str) -> LogRecord {
        LogRecord {
            format: LineFormat::Plain,
            timestamp: None,
            unix_nanos: None,
            level: None,
            logger: None,
            service: None,
            caller: None,
            message: message.to_owned(),
            error: None,
            stacktrace: None,
            trace_id: None,
            span_id: None,
            fields: Vec::new(),
        }
    }

    /// The text an error explanation should start from: `message: error` when the format kept
    /// the error apart (`logger.Error("reconcile failed", zap.Error(err))`), else the message.
    pub fn full_text(&self) -> String {
        match &self.error {
            Some(e) if !e.is_empty() && !self.message.contains(e.as_str()) => {
                if self.message.is_empty() {
                    e.clone()
                } else {
                    format!("{}: {}", self.message, e)
                }
            }
            _ => self.message.clone(),
        }
    }

    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Moves a key/value into the named slot it belongs to, or into `fields`.
    pub(crate) fn absorb(&mut self, key: &str, value: String) {
        match classify_key(key) {
            Slot::Message if self.message.is_empty() => self.message = value,
            Slot::Error if self.error.is_none() => self.error = Some(value),
            Slot::Stack if self.stacktrace.is_none() => self.stacktrace = Some(value),
            Slot::TraceId if self.trace_id.is_none() => self.trace_id = Some(value),
            Slot::SpanId if self.span_id.is_none() => self.span_id = Some(value),
            Slot::Service if self.service.is_none() => self.service = Some(value),
            Slot::Logger if self.logger.is_none() => self.logger = Some(value),
            Slot::Level if self.level.is_none() && Level::parse(&value).is_some() => {
                self.level = Level::parse(&value)
            }
            Slot::Time if self.timestamp.is_none() => {
                self.unix_nanos = super::time::parse_any(&value);
                self.timestamp = Some(value);
            }
            Slot::Caller if self.caller.is_none() && Caller::parse(&value).is_some() => {
                self.caller = Caller::parse(&value)
            }
            _ => self.fields.push((key.to_owned(), value)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Message,
    Error,
    Stack,
    TraceId,
    SpanId,
    Service,
    Logger,
    Level,
    Time,
    Caller,
    Other,
}

/// Which named slot a structured key fills. One table for JSON, logfmt and klog key/values.
pub(crate) fn classify_key(key: &str) -> Slot {
    match key {
        "msg" | "message" | "MESSAGE" | "Message" | "M" => Slot::Message,
        "error" | "err" | "exception" | "Error" | "error.message" | "exc_info" => Slot::Error,
        "stacktrace"
        | "stack"
        | "stack_trace"
        | "errorVerbose"
        | "error.stack"
        | "exception.stacktrace" => Slot::Stack,
        "trace_id" | "traceId" | "traceID" | "trace.id" | "TraceID" | "dd.trace_id"
        | "otelTraceID" | "trace" => Slot::TraceId,
        "span_id" | "spanId" | "spanID" | "span.id" | "SpanID" | "dd.span_id" | "otelSpanID" => {
            Slot::SpanId
        }
        "service" | "service.name" | "service_name" | "serviceName" | "app" => Slot::Service,
        "logger" | "logger_name" | "N" | "component" => Slot::Logger,
        "level" | "lvl" | "severity" | "L" | "log.level" => Slot::Level,
        "time" | "ts" | "timestamp" | "@timestamp" | "T" | "t" => Slot::Time,
        "caller" | "source" | "file" => Slot::Caller,
        _ => Slot::Other,
    }
}
