//! Jaeger JSON (query/UI `data[].spans` with `processes`, bare span arrays with inline
//! `process`, Elasticsearch documents, the domain model with base64 ids and RFC 3339 times) and
//! Zipkin v2 JSON (`traceId`/`id`/`parentId`/`localEndpoint`, `tags` as a map).
//!
//! One permissive span struct reads all of them; which one a span is follows from its fields
//! (`id` without `spanID` is Zipkin).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::ids;
use super::model::{ErrorFacts, Span, TraceFormat, TraceSet};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct JTrace {
    pub spans: Vec<LooseSpan>,
    pub processes: HashMap<String, Process>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct Process {
    #[serde(rename = "serviceName")]
    service_name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Ref {
    #[serde(rename = "refType")]
    ref_type: String,
    #[serde(rename = "spanID", alias = "spanId")]
    span_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JLog {
    fields: Vec<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LooseSpan {
    #[serde(rename = "traceID", alias = "traceId")]
    trace_id: String,
    #[serde(rename = "spanID", alias = "spanId")]
    span_id: Option<String>,
    /// Zipkin's span id.
    id: Option<String>,
    #[serde(rename = "parentSpanID", alias = "parentId", alias = "parentSpanId")]
    parent_id: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    name: Option<String>,
    references: Vec<Ref>,
    #[serde(rename = "startTime")]
    start_time: Value,
    #[serde(rename = "startTimeMillis")]
    start_time_millis: Option<i64>,
    /// Zipkin: µs since the epoch.
    timestamp: Option<i64>,
    duration: Value,
    tags: Value,
    logs: Vec<JLog>,
    #[serde(rename = "processID")]
    process_id: Option<String>,
    process: Option<Process>,
    #[serde(rename = "localEndpoint")]
    local_endpoint: Option<Process>,
}

/// `"5000ns"`, `"1.5ms"`, `"2s"` (Go duration strings in the domain model) → ns.
fn go_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic() || c == 'µ')?;
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let mul = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return None,
    };
    Some((v * mul) as i64)
}

fn tag_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Calls `f(key, value)` for Jaeger tag lists (`{key, value}` or `{key, vStr|vBool|…}`) and
/// Zipkin tag maps.
fn each_tag(tags: &Value, mut f: impl FnMut(&str, &str)) {
    match tags {
        Value::Array(list) => {
            for t in list {
                let Some(key) = t.get("key").and_then(Value::as_str) else {
                    continue;
                };
                let v = ["value", "vStr", "vBool", "vInt64", "vFloat64"]
                    .iter()
                    .find_map(|k| t.get(*k))
                    .map(tag_text)
                    .unwrap_or_default();
                f(key, &v);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                f(k, &tag_text(v));
            }
        }
        _ => {}
    }
}

impl LooseSpan {
    /// True if the object carries a trace id and a span id (i.e. is a span at all).
    pub(crate) fn has_ids(&self) -> bool {
        !self.trace_id.is_empty() && (self.span_id.is_some() || self.id.is_some())
    }

    fn is_zipkin(&self) -> bool {
        self.span_id.is_none() && self.id.is_some()
    }

    fn start_ns(&self) -> i64 {
        if let Some(ts) = self.timestamp {
            return ts.saturating_mul(1_000);
        }
        match &self.start_time {
            Value::Number(n) => n.as_i64().unwrap_or(0).saturating_mul(1_000),
            Value::String(s) => crate::logs::time::parse_any(s).unwrap_or(0),
            _ => self
                .start_time_millis
                .map_or(0, |ms| ms.saturating_mul(1_000_000)),
        }
    }

    fn duration_ns(&self) -> i64 {
        match &self.duration {
            Value::Number(n) => n.as_i64().unwrap_or(0).saturating_mul(1_000),
            Value::String(s) => go_duration(s).unwrap_or(0),
            _ => 0,
        }
    }

    /// Appends the [`Span`] to `set`, or counts a skipped span (naming `where_`) without ids.
    pub(crate) fn into_span(
        self,
        processes: &HashMap<String, Process>,
        set: &mut TraceSet,
        where_: &str,
    ) {
        let zipkin = self.is_zipkin();
        set.note_format(if zipkin {
            TraceFormat::ZipkinJson
        } else {
            TraceFormat::JaegerJson
        });
        let span_id = self
            .span_id
            .as_deref()
            .or(self.id.as_deref())
            .and_then(ids::normalize);
        let (Some(trace_id), Some(span_id)) = (ids::normalize(&self.trace_id), span_id) else {
            set.skip(format!("{where_}: span without trace or span id"));
            return;
        };
        let parent_id = self
            .parent_id
            .as_deref()
            .and_then(ids::normalize)
            .or_else(|| {
                // CHILD_OF wins over FOLLOWS_FROM; the first reference otherwise.
                let r = self
                    .references
                    .iter()
                    .find(|r| r.ref_type == "CHILD_OF")
                    .or(self.references.first())?;
                ids::normalize(&r.span_id)
            });
        let service = self
            .process
            .as_ref()
            .or(self.local_endpoint.as_ref())
            .map(|p| p.service_name.clone())
            .or_else(|| {
                let id = self.process_id.as_ref()?;
                processes.get(id).map(|p| p.service_name.clone())
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        let mut facts = ErrorFacts::default();
        each_tag(&self.tags, |k, v| facts.attribute(k, v));
        for log in &self.logs {
            let fields = Value::Array(log.fields.clone());
            let mut is_err = false;
            each_tag(&fields, |k, v| {
                is_err |= k == "event" && (v == "error" || v == "exception")
            });
            if is_err {
                facts.exception_event = true;
                each_tag(&fields, |k, v| facts.attribute(k, v));
            }
        }
        let (http_status, error) = facts.finish();
        let start_ns = self.start_ns();
        let end_ns = start_ns.saturating_add(self.duration_ns());
        set.spans.push(Span {
            trace_id,
            span_id,
            parent_id,
            service,
            operation: self.operation_name.or(self.name).unwrap_or_default(),
            start_ns,
            end_ns,
            http_status,
            error,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(go_duration("5000ns"), Some(5000));
        assert_eq!(go_duration("1.5ms"), Some(1_500_000));
        assert_eq!(go_duration("x"), None);
    }
}
