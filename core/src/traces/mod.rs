//! Traces: OTLP JSON, Jaeger JSON, Zipkin v2 JSON and CSV → one [`Span`] model, then error-chain
//! clustering, the broken-trace report and the drill-down data the UI draws.
//!
//! Why here and not in the UI: the browser and the CLI must agree on every count, and a million
//! spans must be folded in a worker. Parsing ([`parse_traces`]) detects the format from the
//! bytes; the stages after it ([`chains`], [`broken`], [`drill`]) only see [`Span`]s.
//!
//! Stages:
//! ```text
//! bytes ─ parse_traces ─→ TraceSet ─ Traces::build ─→ per-trace index
//!            ├─ chains::cluster   → ErrorChainCluster (signature, counts, p50/p99, examples, logs)
//!            ├─ broken::report    → BrokenReport (orphans, roots, cycles, durations, per service)
//!            └─ drill::*          → DrillNode trees, icicle FlameNode, per-cluster histograms
//! ```

pub mod analysis;
pub mod broken;
pub mod chains;
pub mod csv;
pub mod drill;
pub mod ids;
mod loose;
mod model;
mod otlp;
pub mod trace_index;

use std::collections::HashMap;

use serde::Deserialize;

pub use analysis::{analyze, TraceAnalysis, TraceInput};
pub use model::{ErrorSource, Span, SpanError, TraceFormat, TraceSet};
pub use trace_index::Traces;

/// Why a trace input could not be read at all (single bad spans are skipped and counted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    #[error("the trace input is empty")]
    Empty,
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("no spans found: expected OTLP JSON (resourceSpans), Jaeger JSON (data[].spans), Zipkin v2 JSON (an array of spans) or CSV")]
    NoSpans,
    #[error("CSV trace header lacks columns: {missing} (expected TraceID,SpanID,ParentID,service,operation,start,end)")]
    CsvHeader { missing: String },
}

impl From<serde_json::Error> for TraceError {
    fn from(e: serde_json::Error) -> Self {
        TraceError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Top {
    #[serde(rename = "resourceSpans", alias = "batches")]
    resource_spans: Option<Vec<otlp::ResourceSpans>>,
    /// Jaeger api_v3: `{"result": {"resourceSpans": …}}`.
    result: Option<Box<Top>>,
    /// Jaeger query API `{"data": [trace…]}` or a Redux wrapper `{"data": trace}`.
    data: Option<serde_json::Value>,
    /// A single Jaeger trace `{"traceID", "spans", "processes"}`.
    spans: Option<Vec<loose::LooseSpan>>,
    processes: HashMap<String, loose::Process>,
}

impl Top {
    /// Appends this object's spans; false if it had none of the known top-level keys.
    fn convert(self, set: &mut TraceSet, idx: usize) -> Result<bool, TraceError> {
        let mut known = false;
        if let Some(rs) = self.resource_spans {
            set.note_format(TraceFormat::OtlpJson);
            otlp::convert(rs, set);
            known = true;
        }
        if let Some(r) = self.result {
            known |= r.convert(set, idx)?;
        }
        if let Some(spans) = self.spans {
            known = true;
            for (i, s) in spans.into_iter().enumerate() {
                s.into_span(&self.processes, set, &format!("object {idx}, span {i}"));
            }
        }
        match self.data {
            Some(serde_json::Value::Array(traces)) => {
                known = true;
                for (t, v) in traces.into_iter().enumerate() {
                    let tr: loose::JTrace = serde_json::from_value(v)?;
                    for (i, s) in tr.spans.into_iter().enumerate() {
                        s.into_span(&tr.processes, set, &format!("data[{t}].spans[{i}]"));
                    }
                }
            }
            Some(v @ serde_json::Value::Object(_)) => {
                let tr: loose::JTrace = serde_json::from_value(v)?;
                known = true;
                for (i, s) in tr.spans.into_iter().enumerate() {
                    s.into_span(&tr.processes, set, &format!("data.spans[{i}]"));
                }
            }
            _ => {}
        }
        Ok(known)
    }
}

/// Reads a trace file of any supported format (JSON Lines of OTLP objects included).
pub fn parse_traces(input: &[u8]) -> Result<TraceSet, TraceError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let start = input.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(TraceError::Empty);
    };
    let mut set = TraceSet::default();
    match input[start] {
        b'[' => {
            let spans: Vec<loose::LooseSpan> = serde_json::from_slice(input)?;
            for (i, s) in spans.into_iter().enumerate() {
                s.into_span(&HashMap::new(), &mut set, &format!("span {i}"));
            }
        }
        b'{' => {
            let mut any = false;
            let stream = serde_json::Deserializer::from_slice(input).into_iter::<Top>();
            for (i, top) in stream.enumerate() {
                any |= top?.convert(&mut set, i)?;
            }
            if !any {
                // Single span documents (Jaeger Elasticsearch / domain model), one per object.
                let stream =
                    serde_json::Deserializer::from_slice(input).into_iter::<loose::LooseSpan>();
                for (i, s) in stream.enumerate() {
                    let s = s?;
                    if !s.has_ids() {
                        return Err(TraceError::NoSpans);
                    }
                    s.into_span(&HashMap::new(), &mut set, &format!("object {i}"));
                }
            }
        }
        _ => {
            let text = String::from_utf8_lossy(input);
            csv::parse(&text, &mut set)?;
        }
    }
    if set.spans.is_empty() && set.skipped == 0 && set.formats.is_empty() {
        return Err(TraceError::NoSpans);
    }
    Ok(set)
}

#[cfg(test)]
mod tests;
