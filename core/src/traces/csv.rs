//! CSV traces: a header naming at least trace id, span id, parent id, service (or pod),
//! operation, start and end (or duration) columns, in any order and spelling
//! (`TraceID`, `trace_id`, `traceId`, …). Times are epoch numbers (s/ms/µs/ns judged by
//! magnitude) or ISO timestamps. Optional columns: `status`/`status_code`, `error`,
//! `error_type`, `http_status`.

use super::ids;
use super::model::{ErrorFacts, Span, TraceFormat, TraceSet};
use super::TraceError;
use crate::logs::time;

/// Splits one CSV record (RFC 4180 quotes; no embedded newlines).
pub fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[derive(Default)]
struct Cols {
    trace: Option<usize>,
    span: Option<usize>,
    parent: Option<usize>,
    service: Option<usize>,
    operation: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    duration: Option<usize>,
    status: Option<usize>,
    error: Option<usize>,
    error_type: Option<usize>,
    http: Option<usize>,
}

fn key(h: &str) -> String {
    h.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

impl Cols {
    fn read(header: &[String]) -> Cols {
        let mut c = Cols::default();
        for (i, h) in header.iter().enumerate() {
            let slot = match key(h).as_str() {
                "traceid" | "trace" => &mut c.trace,
                "spanid" | "span" | "id" => &mut c.span,
                "parentid" | "parentspanid" | "parent" => &mut c.parent,
                "service" | "servicename" | "pod" | "podname" | "servicepod" | "component" => {
                    &mut c.service
                }
                "operation" | "operationname" | "name" | "spanname" | "endpoint" => {
                    &mut c.operation
                }
                "start" | "starttime" | "startts" | "timestamp" | "startns" | "startus" => {
                    &mut c.start
                }
                "end" | "endtime" | "endts" | "endns" | "endus" => &mut c.end,
                "duration" | "durationns" | "durationus" | "elapsed" => &mut c.duration,
                "status" | "statuscode" | "otelstatuscode" => &mut c.status,
                "error" | "iserror" => &mut c.error,
                "errortype" | "exceptiontype" => &mut c.error_type,
                "httpstatus" | "httpstatuscode" | "httpcode" => &mut c.http,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        c
    }
}

fn time_ns(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<i64>() {
        return Some(time::epoch_int(v));
    }
    time::parse_any(s)
}

/// Nanoseconds per unit of a numeric start time (1 for ISO text).
fn start_unit(start: Option<&str>) -> i64 {
    match start.and_then(|s| s.parse::<i64>().ok()) {
        Some(v) if v != 0 => time::epoch_int(v) / v,
        _ => 1,
    }
}

/// Reads CSV text. The first non-empty line is the header.
pub(crate) fn parse(text: &str, set: &mut TraceSet) -> Result<(), TraceError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(TraceError::Empty);
    };
    let c = Cols::read(&split(header));
    let mut missing = Vec::new();
    for (name, v) in [
        ("trace id", c.trace),
        ("span id", c.span),
        ("parent id", c.parent),
        ("service", c.service),
        ("operation", c.operation),
        ("start", c.start),
    ] {
        if v.is_none() {
            missing.push(name);
        }
    }
    if c.end.is_none() && c.duration.is_none() {
        missing.push("end or duration");
    }
    if !missing.is_empty() {
        return Err(TraceError::CsvHeader {
            missing: missing.join(", "),
        });
    }
    set.note_format(TraceFormat::Csv);
    for (i, line) in lines {
        let row = split(line);
        let get = |col: Option<usize>| col.and_then(|i| row.get(i)).map(|s| s.trim());
        let (Some(trace_id), Some(span_id)) = (
            get(c.trace).and_then(ids::normalize),
            get(c.span).and_then(ids::normalize),
        ) else {
            set.skip(format!("line {}: no trace or span id", i + 1));
            continue;
        };
        let Some(start_ns) = get(c.start).and_then(time_ns) else {
            set.skip(format!("line {}: unreadable start time", i + 1));
            continue;
        };
        let end_ns = match (get(c.end).and_then(time_ns), get(c.duration)) {
            (Some(e), _) => e,
            (None, Some(d)) => match d.parse::<i64>() {
                // A duration is in the unit of a numeric start column (ns for ISO starts).
                Ok(d) => start_ns.saturating_add(d.saturating_mul(start_unit(get(c.start)))),
                Err(_) => {
                    set.skip(format!("line {}: unreadable duration", i + 1));
                    continue;
                }
            },
            (None, None) => {
                set.skip(format!("line {}: unreadable end time", i + 1));
                continue;
            }
        };
        let mut facts = ErrorFacts::default();
        if let Some(s) = get(c.status) {
            if s.eq_ignore_ascii_case("error") || s == "2" || s == "STATUS_CODE_ERROR" {
                facts.status_error = true;
            }
        }
        if let Some(e) = get(c.error) {
            facts.attribute("error", e);
        }
        if let Some(t) = get(c.error_type).filter(|t| !t.is_empty()) {
            facts.attribute("error.type", t);
            facts.tag_error = true;
        }
        if let Some(h) = get(c.http) {
            facts.attribute("http.status_code", h);
        }
        let (http_status, error) = facts.finish();
        set.spans.push(Span {
            trace_id,
            span_id,
            parent_id: get(c.parent).and_then(ids::normalize),
            service: get(c.service).unwrap_or("unknown").to_owned(),
            operation: get(c.operation).unwrap_or("").to_owned(),
            start_ns,
            end_ns,
            http_status,
            error,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quotes() {
        assert_eq!(
            split(r#"a,"b,c","d""e",,"#),
            vec!["a", "b,c", "d\"e", "", ""]
        );
    }

    #[test]
    fn reads_rows() {
        let text = "TraceID,SpanID,ParentID,service/pod,operation,start,end,status\n\
                    t1,s1,,frontend-7d9f,GET /cart,1700000000000000,1700000000500000,\n\
                    t1,s2,s1,cart-5c6b,GetCart,1700000000100000,1700000000400000,ERROR\n\
                    ,s3,s1,cart,x,1,2,\n";
        let mut set = TraceSet::default();
        parse(text, &mut set).unwrap();
        assert_eq!(set.spans.len(), 2);
        assert_eq!(set.skipped, 1);
        assert_eq!(set.spans[0].parent_id, None);
        assert_eq!(set.spans[0].service, "frontend-7d9f");
        assert_eq!(set.spans[0].duration_ns(), 500_000_000);
        assert!(set.spans[1].is_error());
        let mut set = TraceSet::default();
        assert!(matches!(
            parse("a,b\n1,2\n", &mut set),
            Err(TraceError::CsvHeader { .. })
        ));
    }
}
