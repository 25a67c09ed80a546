//! OTLP/JSON logs (`resourceLogs` → `scopeLogs` → `logRecords`), the protobuf JSON mapping of
//! `LogsData`: what the OpenTelemetry Collector's file exporter and OTLP/HTTP JSON carry.
//!
//! One document holds many records, so it does not fit the one-line-one-record shape of the other
//! formats: [`super::ingest::Ingester`] hands every line that is such a document (the collector
//! writes JSON Lines) — or a whole file that is one pretty-printed document — to [`parse`].
//!
//! Mapping: `body` (a string, or the `msg`/`message` of a key-value body) → message; `severityText`
//! or else `severityNumber` (1–4 trace … 21–24 fatal) → level; `timeUnixNano` or else
//! `observedTimeUnixNano` → time; `traceId`/`spanId` (hex, or base64 as some exporters write) →
//! ids; resource `service.name` → service; `exception.message`/`error` attributes → error;
//! `code.filepath`+`code.lineno` (or `code.file.path`+`code.line.number`) → caller. Other
//! attributes are kept as fields.

use serde::Deserialize;
use serde_json::Value;

use super::record::{classify_key, Caller, Level, LineFormat, LogRecord, Slot};
use super::time;
use crate::traces::ids;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogsData {
    resource_logs: Vec<ResourceLogs>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ResourceLogs {
    resource: Option<Attributes>,
    #[serde(alias = "instrumentationLibraryLogs")]
    scope_logs: Vec<ScopeLogs>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Attributes {
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ScopeLogs {
    scope: Option<Scope>,
    log_records: Vec<OtlpRecord>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Scope {
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct OtlpRecord {
    time_unix_nano: Value,
    observed_time_unix_nano: Value,
    severity_number: Value,
    severity_text: String,
    body: Value,
    attributes: Vec<KeyValue>,
    trace_id: String,
    span_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeyValue {
    key: String,
    value: Value,
}

/// Quick test before a full parse: a JSON object that names `resourceLogs`.
pub fn looks_like(text: &str) -> bool {
    text.trim_start().starts_with('{') && text.contains("\"resourceLogs\"")
}

/// Parses one OTLP/JSON logs document into records, in document order.
pub fn parse(bytes: &[u8]) -> Result<Vec<LogRecord>, serde_json::Error> {
    let data: LogsData = serde_json::from_slice(bytes)?;
    let mut out = Vec::new();
    for rl in data.resource_logs {
        let resource = rl.resource.map(|r| r.attributes).unwrap_or_default();
        let service = resource
            .iter()
            .find(|kv| kv.key == "service.name")
            .and_then(|kv| text(&kv.value));
        for sl in rl.scope_logs {
            let logger = sl.scope.map(|s| s.name).filter(|n| !n.is_empty());
            for r in sl.log_records {
                out.push(record(r, service.as_deref(), logger.as_deref()));
            }
        }
    }
    Ok(out)
}

fn record(r: OtlpRecord, service: Option<&str>, logger: Option<&str>) -> LogRecord {
    let mut rec = LogRecord::plain("");
    rec.format = LineFormat::Otlp;
    rec.service = service.map(str::to_owned);
    rec.logger = logger.map(str::to_owned);
    let nanos = int(&r.time_unix_nano)
        .filter(|&n| n > 0)
        .or_else(|| int(&r.observed_time_unix_nano).filter(|&n| n > 0));
    if let Some(n) = nanos {
        rec.unix_nanos = Some(n);
        rec.timestamp = Some(time::format_unix_ns(n));
    }
    rec.level = Level::parse(&r.severity_text).or_else(|| severity(int(&r.severity_number)?));
    rec.trace_id = ids::normalize(&r.trace_id);
    rec.span_id = ids::normalize(&r.span_id);
    match &r.body {
        Value::Object(_) => body(&mut rec, &r.body),
        v => rec.message = text(v).unwrap_or_default(),
    }
    let (mut file, mut line) = (None, None);
    for kv in r.attributes {
        let Some(v) = text(&kv.value) else { continue };
        match kv.key.as_str() {
            "code.filepath" | "code.file.path" => file = Some(v),
            "code.lineno" | "code.line.number" => line = v.parse::<u32>().ok(),
            "exception.message" | "error" | "err" | "error.message" if rec.error.is_none() => {
                rec.error = Some(v)
            }
            "exception.stacktrace" if rec.stacktrace.is_none() => rec.stacktrace = Some(v),
            k => match classify_key(k) {
                Slot::Message if rec.message.is_empty() => rec.message = v,
                Slot::Service if rec.service.is_none() => rec.service = Some(v),
                _ => rec.fields.push((kv.key, v)),
            },
        }
    }
    if let (Some(file), Some(line)) = (file, line) {
        rec.caller = Some(Caller { file, line });
    }
    rec
}

/// A key-value body (`{"kvlistValue": {"values": [...]}}`): its message and error keys.
fn body(rec: &mut LogRecord, v: &Value) {
    if let Some(s) = text(v) {
        rec.message = s;
        return;
    }
    let values = v
        .get("kvlistValue")
        .and_then(|k| k.get("values"))
        .and_then(Value::as_array);
    for kv in values.into_iter().flatten() {
        let (Some(k), Some(val)) = (
            kv.get("key").and_then(Value::as_str),
            kv.get("value").and_then(text),
        ) else {
            continue;
        };
        rec.absorb(k, val);
    }
}

/// The text of an `AnyValue` (`{"stringValue": …}`, `intValue`, …) or of a plain JSON scalar.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => {
            for k in ["stringValue", "intValue", "doubleValue", "boolValue"] {
                if let Some(x) = o.get(k).filter(|x| !x.is_object()) {
                    return text(x);
                }
            }
            None
        }
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// OTLP `SeverityNumber`: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL.
fn severity(n: i64) -> Option<Level> {
    Some(match n {
        1..=4 => Level::Trace,
        5..=8 => Level::Debug,
        9..=12 => Level::Info,
        13..=16 => Level::Warn,
        17..=20 => Level::Error,
        21..=24 => Level::Fatal,
        _ => return None,
    })
}
