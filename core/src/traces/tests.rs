//! Format readers on inline samples, the shared real fixtures, and a synthetic trace set whose
//! clusters and broken-trace counts are known exactly.

use super::chains::{self, LogJoin};
use super::*;

#[test]
fn otlp_inline_base64_and_numbers() {
    let j = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
      "scopeSpans":[{"scope":{},"spans":[
        {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"AAAAAAAAAAE=","name":"GET /a","kind":2,
         "startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"1700000000250000000",
         "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}}],
         "status":{"code":"STATUS_CODE_ERROR","message":"upstream timeout after 30s"}},
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000002","parentSpanId":"0000000000000001",
         "name":"db.query","startTimeUnixNano":"1700000000010000000","endTimeUnixNano":"1700000000020000000",
         "events":[{"name":"exception","attributes":[{"key":"exception.type","value":{"stringValue":"*pq.Error"}},
           {"key":"exception.message","value":{"stringValue":"deadlock detected"}}]}]}
      ]}]}]}"#;
    let set = parse_traces(j.as_bytes()).unwrap();
    assert_eq!(set.formats, vec![TraceFormat::OtlpJson]);
    assert_eq!(set.spans.len(), 2);
    let a = &set.spans[0];
    assert_eq!(a.trace_id, "5b8efff798038103d269b633813fc60c");
    assert_eq!(a.span_id, "0000000000000001");
    assert_eq!(a.service, "api");
    assert_eq!(a.duration_ns(), 250_000_000);
    assert_eq!(a.http_status, Some(503));
    let e = a.error.as_ref().unwrap();
    assert_eq!(e.source, ErrorSource::Status);
    assert_eq!(e.kind, "HTTP 503");
    assert_eq!(e.message.as_deref(), Some("upstream timeout after 30s"));
    let b = &set.spans[1];
    assert_eq!(b.parent_id.as_deref(), Some("0000000000000001"));
    let e = b.error.as_ref().unwrap();
    assert_eq!(
        (e.source, e.kind.as_str()),
        (ErrorSource::Exception, "*pq.Error")
    );
}

#[test]
fn zipkin_v2() {
    let j = r#"[{"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"a2fb4a1d1a96d312","name":"get /api",
      "timestamp":1700000000000000,"duration":207000,"kind":"SERVER","localEndpoint":{"serviceName":"frontend"},
      "tags":{"http.status_code":"500","error":"connection refused"}},
     {"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"b3fb4a1d1a96d312","parentId":"a2fb4a1d1a96d312","name":"select",
      "timestamp":1700000000001000,"duration":0,"localEndpoint":{"serviceName":"mysql"}}]"#;
    let set = parse_traces(j.as_bytes()).unwrap();
    assert_eq!(set.formats, vec![TraceFormat::ZipkinJson]);
    let a = &set.spans[0];
    assert_eq!(
        (a.service.as_str(), a.operation.as_str()),
        ("frontend", "get /api")
    );
    assert_eq!(a.duration_ns(), 207_000_000);
    let e = a.error.as_ref().unwrap();
    assert_eq!(e.source, ErrorSource::Tag);
    assert_eq!(e.kind, "HTTP 500");
    assert_eq!(e.message.as_deref(), Some("connection refused"));
    assert_eq!(set.spans[1].parent_id.as_deref(), Some("a2fb4a1d1a96d312"));
    assert!(!set.spans[1].is_error());
}

#[test]
fn jaeger_query_api() {
    let j = r#"{"data":[{"traceID":"abc","spans":[
       {"traceID":"abc","spanID":"s1","operationName":"HTTP GET","references":[],"startTime":1000,"duration":50,
        "tags":[{"key":"otel.status_code","type":"string","value":"ERROR"}],"processID":"p1",
        "logs":[{"timestamp":1010,"fields":[{"key":"event","type":"string","value":"error"},{"key":"error.object","type":"string","value":"EOF"}]}]},
       {"traceID":"abc","spanID":"s2","operationName":"child","references":[{"refType":"CHILD_OF","traceID":"abc","spanID":"s1"}],
        "startTime":1001,"duration":10,"tags":[{"key":"error","type":"bool","value":true}],"processID":"p2"}],
      "processes":{"p1":{"serviceName":"gw","tags":[]},"p2":{"serviceName":"svc","tags":[]}}}],"total":0,"limit":0,"offset":0,"errors":null}"#;
    let set = parse_traces(j.as_bytes()).unwrap();
    assert_eq!(set.formats, vec![TraceFormat::JaegerJson]);
    assert_eq!(set.spans[0].service, "gw");
    assert_eq!(set.spans[0].start_ns, 1_000_000);
    let e = set.spans[0].error.as_ref().unwrap();
    assert_eq!(
        (e.source, e.message.as_deref()),
        (ErrorSource::Exception, Some("EOF"))
    );
    assert_eq!(set.spans[1].parent_id.as_deref(), Some("s1"));
    assert_eq!(
        set.spans[1].error.as_ref().map(|e| e.source),
        Some(ErrorSource::Tag)
    );
    assert_eq!(set.spans[1].service, "svc");
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    assert_eq!(parse_traces(b"  \n"), Err(TraceError::Empty));
    assert!(matches!(
        parse_traces(b"{\"resourceSpans\": [}"),
        Err(TraceError::Json { line: 1, .. })
    ));
    assert_eq!(parse_traces(b"{\"hello\": 1}"), Err(TraceError::NoSpans));
    assert!(matches!(
        parse_traces(b"x,y\n1,2"),
        Err(TraceError::CsvHeader { .. })
    ));
}

/// The synthetic set: nine traces with known clusters and defects:
/// t1–t3 fail along frontend → checkout → payment (CardDeclined); t4 along frontend → cart
/// (RedisTimeout); t5 is clean; t6 has an orphan error span (inventory NotFound); t7 two roots;
/// t8 a parent cycle and no root; t9 a zero and a negative duration.
const SYNTHETIC: &str = include_str!("../../../tests/fixtures/traces/synthetic.csv");

#[test]
fn synthetic_clusters_and_broken_counts() {
    let set = parse_traces(SYNTHETIC.as_bytes()).unwrap();
    assert_eq!((set.spans.len(), set.skipped), (23, 0));
    let traces = Traces::build(&set.spans);
    assert_eq!(traces.traces.len(), 9);

    let mut logs = LogJoin::default();
    logs.templates = vec!["charge failed: <*>".into(), "cache miss".into()];
    logs.add(Some("t1"), Some("a3"), 0);
    logs.add(Some("t2"), Some("zz-not-a-span"), 0);
    logs.add(Some("t4"), None, 1);
    let r = chains::cluster(&traces, Some(&logs));
    assert_eq!((r.traces, r.error_traces), (9, 5));
    let sigs: Vec<(String, u64)> = r
        .clusters
        .iter()
        .map(|c| {
            let s = c
                .signature
                .iter()
                .map(|s| format!("{}:{}:{}", s.service, s.operation, s.status))
                .collect::<Vec<_>>()
                .join(" > ");
            (s, c.count)
        })
        .collect();
    assert_eq!(
        sigs,
        vec![
            (
                "frontend:GET /checkout:HTTP 500 > checkout:PlaceOrder:error > payment:Charge:CardDeclined".to_owned(),
                3
            ),
            ("frontend:GET /cart:ok > cart:GetCart:RedisTimeout".to_owned(), 1),
            ("inventory:Lookup:NotFound".to_owned(), 1),
        ]
    );
    let a = &r.clusters[0];
    assert_eq!(a.id, 0);
    assert_eq!(a.error_type, "CardDeclined");
    assert_eq!(a.services, vec!["frontend", "checkout", "payment"]);
    assert_eq!(
        a.services_affected,
        vec!["cart", "checkout", "frontend", "payment"]
    );
    assert_eq!(a.example_trace_ids, vec!["t1", "t2", "t3"]);
    assert_eq!(a.latency_p50_ns, 200_000_000);
    assert_eq!(a.latency_p99_ns, 300_000_000);
    assert_eq!(a.first_seen_ns, 1_700_000_000_000_000_000);
    assert_eq!(a.last_seen_ns, 1_700_000_200_000_000_000);
    assert_eq!(a.http_statuses, vec![(500, 3)]);
    assert_eq!(a.histogram.iter().sum::<u32>(), 3);
    assert_eq!(a.histogram[0], 1);
    assert_eq!(a.histogram[r.histogram.buckets as usize - 1], 1);
    assert_eq!(a.logs.len(), 1);
    assert_eq!(
        (
            a.logs[0].template.as_str(),
            a.logs[0].lines,
            a.logs[0].on_chain
        ),
        ("charge failed: <*>", 2, 1)
    );
    assert_eq!(r.clusters[1].logs[0].template, "cache miss");
    assert_eq!(r.clusters[1].http_statuses, vec![(200, 1)]);
    assert!(r.clusters[2].logs.is_empty());

    let b = broken::report(&traces);
    assert_eq!(b.traces, 9);
    assert_eq!(b.spans, 23);
    assert_eq!(b.complete_traces, 6);
    assert!((b.complete_share - 6.0 / 9.0).abs() < 1e-12);
    assert_eq!((b.orphan_spans, b.traces_with_orphans), (1, 1));
    assert_eq!(b.multiple_root_traces, 1);
    assert_eq!(b.no_root_traces, 1);
    assert_eq!((b.cycle_traces, b.spans_in_cycles), (1, 2));
    assert_eq!(b.nonpositive_duration_spans, 2);
    assert_eq!(b.examples.orphans, vec!["t6"]);
    assert_eq!(b.examples.cycles, vec!["t8"]);
    let svc = |n: &str| b.per_service.iter().find(|s| s.service == n).unwrap();
    assert_eq!(svc("frontend").traces, 8);
    assert_eq!(svc("frontend").broken_traces, 2);
    assert_eq!(svc("frontend").extra_roots, 1);
    assert_eq!(svc("inventory").orphan_spans, 1);
    assert_eq!(svc("queue").spans_in_cycles, 2);
    assert_eq!(svc("catalog").nonpositive_duration_spans, 2);
    assert_eq!(b.per_service[0].service, "frontend");

    let d = drill::by_error_type(&r);
    assert_eq!(d.count, 5);
    assert_eq!(d.children[0].name, "CardDeclined");
    assert_eq!(d.children[0].children[0].name, a.path());
    assert_eq!(d.children[0].children[0].children[0].name, "HTTP 500");
    assert_eq!(d.children[0].children[0].children[0].count, 3);
    let s = drill::by_service(&r);
    assert_eq!(
        s.children
            .iter()
            .map(|c| (c.name.as_str(), c.count))
            .collect::<Vec<_>>(),
        vec![("payment", 3), ("cart", 1), ("inventory", 1)]
    );
    let f = drill::flame(&r);
    assert_eq!(f.count, 5);
    assert_eq!(
        f.children
            .iter()
            .map(|c| (c.operation.as_str(), c.count, c.error))
            .collect::<Vec<_>>(),
        vec![
            ("GET /checkout", 3, true),
            ("GET /cart", 1, false),
            ("Lookup", 1, true)
        ]
    );
    let leaf = &f.children[0].children[0].children[0];
    assert_eq!((leaf.operation.as_str(), leaf.self_count), ("Charge", 3));
}

/// Every trace fixture in the shared data parses (skipped when REFRACT_SHARED is unset).
#[test]
fn shared_fixtures_parse() {
    let Some(root) = std::env::var_os("REFRACT_SHARED") else {
        eprintln!("REFRACT_SHARED unset: skipping the shared trace fixtures");
        return;
    };
    let dir = std::path::Path::new(&root).join("data/traces/fixtures");
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json" || x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 70,
        "only {} fixture files found",
        files.len()
    );
    let mut errors_seen = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.strip_prefix(&dir).unwrap().display().to_string();
        if name.ends_with("examples/logs.json") {
            assert_eq!(parse_traces(&bytes), Err(TraceError::NoSpans), "{name}");
            continue;
        }
        let set = parse_traces(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!set.spans.is_empty(), "{name}: no spans");
        assert_eq!(set.skipped, 0, "{name}: {:?}", set.skipped_examples);
        for s in &set.spans {
            assert!(!s.trace_id.is_empty() && !s.span_id.is_empty(), "{name}");
        }
        errors_seen += set.spans.iter().filter(|s| s.is_error()).count();
        let traces = Traces::build(&set.spans);
        let _ = chains::cluster(&traces, None);
        let _ = broken::report(&traces);
    }
    assert!(errors_seen > 0);
    // Facts read off the fixtures by hand.
    let read = |rel: &str| parse_traces(&std::fs::read(dir.join(rel)).unwrap()).unwrap();
    let g = read("jaegertracing__jaeger-ui/packages/jaeger-ui/src/components/TracePage/TraceGraph/testTrace.json");
    assert_eq!(g.formats, vec![TraceFormat::JaegerJson]);
    assert_eq!(g.spans.len(), 11);
    let errs: Vec<&str> = g
        .spans
        .iter()
        .filter(|s| s.is_error())
        .map(|s| s.span_id.as_str())
        .collect();
    assert_eq!(errs, vec!["span-2"]);
    let m = read("jaegertracing__jaeger/internal/storage/v2/memory/fixtures/otel_traces_01.json");
    assert_eq!(m.formats, vec![TraceFormat::OtlpJson]);
    assert_eq!(m.spans.len(), 4);
    assert_eq!(m.spans[0].trace_id, "00000000000000010000000000000000");
    let multi = read("jaegertracing__jaeger-ui/packages/jaeger-ui/src/utils/fixtures/otlp2jaeger-multi-in.json.txt");
    assert_eq!(multi.formats, vec![TraceFormat::OtlpJson]);
    let d =
        read("jaegertracing__jaeger/internal/uimodel/converter/v1/json/fixtures/domain_01.json");
    assert_eq!(d.spans[0].trace_id, "00000000000000000000000000000001");
    assert_eq!(d.spans[0].duration_ns(), 5_000);
}
