//! The one span model every trace format is converted to.
//!
//! Only what clustering, the broken-trace report and the log join need is kept (ids, names,
//! times, error facts, HTTP status); a million spans must fit comfortably in a browser tab.

use serde::{Deserialize, Serialize};

/// How a span was marked as failed (the first matching rule wins, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorSource {
    /// An exception event / Jaeger log (`exception.type`, `event=error`).
    Exception,
    /// OTLP `status.code = ERROR` or the `otel.status_code=ERROR` tag.
    Status,
    /// An `error=true` (Jaeger/OpenTracing) or `error=<message>` (Zipkin) tag.
    Tag,
    /// `http.status_code` / `http.response.status_code` ≥ 500.
    Http,
}

/// Why a span failed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpanError {
    /// A stable name for the failure: the exception/`error.type`, `HTTP 503`, the status
    /// message with values masked, or `error`.
    pub kind: String,
    /// The raw message (exception message, status message), if any.
    pub message: Option<String>,
    pub source: ErrorSource,
}

/// One span, normalised. Ids are lower-case hex when the input was hex or base64 of 8/16 bytes,
/// else kept verbatim (hand-written fixtures use ids like `span-1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub trace_id: String,
    pub span_id: String,
    /// `None` for a root span (no parent, an empty or all-zero parent id).
    pub parent_id: Option<String>,
    pub service: String,
    pub operation: String,
    pub start_ns: i64,
    pub end_ns: i64,
    pub http_status: Option<u16>,
    pub error: Option<SpanError>,
}

impl Span {
    pub fn duration_ns(&self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }
}

/// The trace formats understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceFormat {
    OtlpJson,
    JaegerJson,
    ZipkinJson,
    Csv,
}

/// The result of reading one trace input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceSet {
    pub spans: Vec<Span>,
    /// Formats seen (an input may mix, e.g. JSON Lines of OTLP objects).
    pub formats: Vec<TraceFormat>,
    /// Items that could not be read (span without ids, CSV row with missing columns), counted.
    pub skipped: u64,
    /// The first few skipped items, with where they were (CSV line or JSON span index).
    pub skipped_examples: Vec<String>,
}

impl TraceSet {
    pub(crate) fn note_format(&mut self, f: TraceFormat) {
        if !self.formats.contains(&f) {
            self.formats.push(f);
        }
    }

    pub(crate) fn skip(&mut self, why: String) {
        self.skipped += 1;
        if self.skipped_examples.len() < 20 {
            self.skipped_examples.push(why);
        }
    }
}

/// What turned into an error in [`ErrorFacts::finish`]: collected while reading a span's
/// attributes/tags/events in any order.
#[derive(Debug, Default)]
pub(crate) struct ErrorFacts {
    pub status_error: bool,
    pub status_message: Option<String>,
    pub tag_error: bool,
    pub tag_message: Option<String>,
    pub error_type: Option<String>,
    pub exception_type: Option<String>,
    pub exception_message: Option<String>,
    pub exception_event: bool,
    pub http_status: Option<u16>,
}

impl ErrorFacts {
    /// Reads one attribute/tag. `value` is the attribute's value as text.
    pub fn attribute(&mut self, key: &str, value: &str) {
        match key {
            "error" => {
                if value.eq_ignore_ascii_case("true") {
                    self.tag_error = true;
                } else if !value.is_empty() && !value.eq_ignore_ascii_case("false") {
                    // Zipkin: `error` holds the message.
                    self.tag_error = true;
                    self.tag_message = Some(value.to_owned());
                }
            }
            "otel.status_code" if value.eq_ignore_ascii_case("error") => self.status_error = true,
            "otel.status_description" => self.status_message = Some(value.to_owned()),
            "error.type" => self.error_type = Some(value.to_owned()),
            "exception.type" | "error.kind" => self.exception_type = Some(value.to_owned()),
            "exception.message" | "error.message" | "error.object" | "message"
                if self.exception_event || key != "message" =>
            {
                self.exception_message = Some(value.to_owned())
            }
            "http.status_code" | "http.response.status_code" => {
                self.http_status = value.trim().parse().ok();
            }
            "event" if value == "error" || value == "exception" => self.exception_event = true,
            _ => {}
        }
    }

    pub fn finish(self) -> (Option<u16>, Option<SpanError>) {
        let http = self.http_status;
        let http_err = http.filter(|c| *c >= 500);
        let source = if self.exception_event || self.exception_type.is_some() {
            Some(ErrorSource::Exception)
        } else if self.status_error {
            Some(ErrorSource::Status)
        } else if self.tag_error {
            Some(ErrorSource::Tag)
        } else if http_err.is_some() {
            Some(ErrorSource::Http)
        } else {
            None
        };
        let err = source.map(|source| {
            let message = self
                .exception_message
                .or(self.status_message)
                .or(self.tag_message);
            let kind = self
                .exception_type
                .or(self.error_type)
                .or_else(|| http_err.map(|c| format!("HTTP {c}")))
                .or_else(|| {
                    message
                        .as_deref()
                        .map(crate::cluster::mask_message)
                        .filter(|m| !m.is_empty())
                })
                .unwrap_or_else(|| "error".to_owned());
            SpanError {
                kind,
                message,
                source,
            }
        });
        (http, err)
    }
}
