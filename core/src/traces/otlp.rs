//! OTLP/JSON (`resourceSpans` → `scopeSpans` → `spans`), the protobuf JSON mapping of
//! `TracesData`. Typed serde structs, so unknown fields are skipped without building a DOM:
//! a million spans are read at serde speed.
//!
//! Accepted variations: ids in hex or base64; times as strings or numbers; `status.code` as
//! `2` or `"STATUS_CODE_ERROR"`; the older `instrumentationLibrarySpans`; api_v3's
//! `{"result": {...}}` wrapper (handled by the caller).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::ids;
use super::model::{ErrorFacts, Span, TraceSet};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ResourceSpans {
    resource: Option<Resource>,
    #[serde(alias = "instrumentationLibrarySpans")]
    scope_spans: Vec<ScopeSpans>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resource {
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScopeSpans {
    spans: Vec<OSpan>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct OSpan {
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    name: String,
    start_time_unix_nano: Nanos,
    end_time_unix_nano: Nanos,
    attributes: Vec<KeyValue>,
    events: Vec<Event>,
    status: Option<Status>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Event {
    name: String,
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Status {
    code: Option<serde_json::Value>,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeyValue {
    key: String,
    value: AnyValue,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct AnyValue {
    string_value: Option<String>,
    int_value: Option<Nanos>,
    bool_value: Option<bool>,
    double_value: Option<f64>,
}

impl AnyValue {
    fn text(&self) -> Option<String> {
        if let Some(s) = &self.string_value {
            return Some(s.clone());
        }
        if let Some(i) = &self.int_value {
            return Some(i.0.to_string());
        }
        if let Some(b) = self.bool_value {
            return Some(b.to_string());
        }
        self.double_value.map(|d| d.to_string())
    }
}

/// An integer that may be written as a JSON number or a decimal string (int64 in proto JSON).
#[derive(Default, Clone, Copy)]
pub(crate) struct Nanos(pub i64);

impl<'de> Deserialize<'de> for Nanos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Nanos, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Nanos;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an integer as a number or a string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Nanos, E> {
                Ok(Nanos(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Nanos, E> {
                Ok(Nanos(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Nanos, E> {
                Ok(Nanos(v as i64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Nanos, E> {
                v.trim()
                    .parse::<i64>()
                    .map(Nanos)
                    .or_else(|_| v.trim().parse::<f64>().map(|f| Nanos(f as i64)))
                    .map_err(|_| E::custom(format!("not an integer: {v:?}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Nanos, E> {
                Ok(Nanos(0))
            }
        }
        d.deserialize_any(V)
    }
}

fn is_error_code(code: &serde_json::Value) -> bool {
    match code {
        serde_json::Value::Number(n) => n.as_i64() == Some(2),
        serde_json::Value::String(s) => s == "STATUS_CODE_ERROR" || s == "ERROR" || s == "2",
        _ => false,
    }
}

/// Appends the spans of `resource_spans` to `out`.
pub(crate) fn convert(resource_spans: Vec<ResourceSpans>, out: &mut TraceSet) {
    for rs in resource_spans {
        let service = rs
            .resource
            .as_ref()
            .and_then(|r| r.attributes.iter().find(|kv| kv.key == "service.name"))
            .and_then(|kv| kv.value.text())
            .unwrap_or_else(|| "unknown".to_owned());
        for ss in rs.scope_spans {
            for s in ss.spans {
                let (Some(trace_id), Some(span_id)) =
                    (ids::normalize(&s.trace_id), ids::normalize(&s.span_id))
                else {
                    out.skip(format!(
                        "OTLP span {:?} of service {service}: missing traceId/spanId",
                        s.name
                    ));
                    continue;
                };
                let mut facts = ErrorFacts::default();
                if let Some(st) = &s.status {
                    facts.status_error = st.code.as_ref().is_some_and(is_error_code);
                    if facts.status_error {
                        facts.status_message = st.message.clone().filter(|m| !m.is_empty());
                    }
                }
                for kv in &s.attributes {
                    if let Some(v) = kv.value.text() {
                        facts.attribute(&kv.key, &v);
                    }
                }
                for ev in &s.events {
                    if ev.name == "exception" {
                        facts.exception_event = true;
                        for kv in &ev.attributes {
                            if let Some(v) = kv.value.text() {
                                facts.attribute(&kv.key, &v);
                            }
                        }
                    }
                }
                let (http_status, error) = facts.finish();
                out.spans.push(Span {
                    trace_id,
                    span_id,
                    parent_id: ids::normalize(&s.parent_span_id),
                    service: service.clone(),
                    operation: s.name,
                    start_ns: s.start_time_unix_nano.0,
                    end_ns: s.end_time_unix_nano.0,
                    http_status,
                    error,
                });
            }
        }
    }
}
