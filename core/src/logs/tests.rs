//! One test per format, with lines shaped like what the real loggers print.

use super::*;

fn caller(r: &LogRecord) -> Option<(&str, u32)> {
    r.caller.as_ref().map(|c| (c.file.as_str(), c.line))
}

#[test]
fn klog_unstructured() {
    let r = parse_line("E1121 10:00:00.000000    1234 reconciler.go:123] reconcile failed: operation failed: webhook denied the request\n");
    assert_eq!(r.format, LineFormat::Klog);
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(r.timestamp.as_deref(), Some("1121 10:00:00.000000"));
    assert_eq!(r.unix_nanos, None);
    assert_eq!(caller(&r), Some(("reconciler.go", 123)));
    assert_eq!(r.field("thread"), Some("1234"));
    assert_eq!(
        r.message,
        "reconcile failed: operation failed: webhook denied the request"
    );
    assert_eq!(r.error, None);
}

#[test]
fn klog_structured() {
    let r = parse_line(
        r#"I0314 08:15:02.345678       1 controller.go:287] "Observed a panic" controller="deployment" namespace="kube-system" err="Operation cannot be fulfilled on deployments.apps \"coredns\": the object has been modified" trace_id="4bf92f3577b34da6a3ce929d0e0e4736""#,
    );
    assert_eq!(r.format, LineFormat::Klog);
    assert_eq!(r.level, Some(Level::Info));
    assert_eq!(r.message, "Observed a panic");
    assert_eq!(
        r.error.as_deref(),
        Some("Operation cannot be fulfilled on deployments.apps \"coredns\": the object has been modified")
    );
    assert_eq!(
        r.trace_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(r.field("controller"), Some("deployment"));
    assert_eq!(r.field("namespace"), Some("kube-system"));
    assert_eq!(caller(&r), Some(("controller.go", 287)));
}

#[test]
fn golog_full_flags() {
    let r = parse_line("2009/11/10 23:00:00.123456 /home/u/app/server.go:42: accept tcp [::]:8080: use of closed network connection");
    assert_eq!(r.format, LineFormat::GoLog);
    assert_eq!(r.timestamp.as_deref(), Some("2009/11/10 23:00:00.123456"));
    assert_eq!(r.unix_nanos, Some(1_257_894_000_123_456_000));
    assert_eq!(caller(&r), Some(("/home/u/app/server.go", 42)));
    assert_eq!(
        r.message,
        "accept tcp [::]:8080: use of closed network connection"
    );
}

#[test]
fn golog_default_and_prefix() {
    let r = parse_line(
        "2023/04/01 12:00:01 failed to open config: open /etc/app.yaml: permission denied",
    );
    assert_eq!(r.format, LineFormat::GoLog);
    assert_eq!(caller(&r), None);
    assert_eq!(
        r.message,
        "failed to open config: open /etc/app.yaml: permission denied"
    );
    let r = parse_line("[billing] 2023/04/01 12:00:01 main.go:17: charge failed: card declined");
    assert_eq!(r.format, LineFormat::GoLog);
    assert_eq!(r.logger.as_deref(), Some("billing"));
    assert_eq!(caller(&r), Some(("main.go", 17)));
    assert_eq!(r.message, "charge failed: card declined");
    // Lshortfile only
    let r = parse_line("db.go:88: ping: dial tcp 10.0.0.5:5432: connect: connection refused");
    assert_eq!(r.format, LineFormat::GoLog);
    assert_eq!(caller(&r), Some(("db.go", 88)));
    assert_eq!(
        r.message,
        "ping: dial tcp 10.0.0.5:5432: connect: connection refused"
    );
}

#[test]
fn logfmt_gokit_and_logrus_text() {
    let r = parse_line(
        r#"ts=2024-01-02T03:04:05.678Z caller=handler.go:55 level=error msg="request failed" err="rpc error: code = Unavailable desc = connection refused" method=GET"#,
    );
    assert_eq!(r.format, LineFormat::Logfmt);
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(caller(&r), Some(("handler.go", 55)));
    assert_eq!(r.message, "request failed");
    assert_eq!(
        r.error.as_deref(),
        Some("rpc error: code = Unavailable desc = connection refused")
    );
    assert_eq!(r.fields, vec![("method".to_owned(), "GET".to_owned())]);
    assert!(r.unix_nanos.is_some());
    assert_eq!(
        r.full_text(),
        "request failed: rpc error: code = Unavailable desc = connection refused"
    );

    let r = parse_line(
        r#"time="2024-01-02T03:04:05Z" level=warning msg="retrying" attempt=3 error="context deadline exceeded""#,
    );
    assert_eq!(r.format, LineFormat::Logfmt);
    assert_eq!(r.level, Some(Level::Warn));
    assert_eq!(r.error.as_deref(), Some("context deadline exceeded"));
    assert_eq!(r.field("attempt"), Some("3"));
    // prose with an `=` is not logfmt
    let r = parse_line("value x=3 is out of range");
    assert_eq!(r.format, LineFormat::Plain);
    assert_eq!(r.message, "value x=3 is out of range");
}

#[test]
fn zap_json() {
    let r = parse_line(
        r#"{"level":"error","ts":1700000000.123456,"logger":"controller.pod","caller":"controllers/pod_controller.go:91","msg":"Reconciler error","error":"failed to sync: etcdserver: request timed out","stacktrace":"sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).reconcileHandler\n\t/go/pkg/mod/controller.go:329","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331"}"#,
    );
    assert_eq!(
        r.format,
        LineFormat::Json {
            flavor: JsonFlavor::Zap
        }
    );
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(r.logger.as_deref(), Some("controller.pod"));
    assert_eq!(caller(&r), Some(("controllers/pod_controller.go", 91)));
    assert_eq!(r.message, "Reconciler error");
    assert_eq!(
        r.error.as_deref(),
        Some("failed to sync: etcdserver: request timed out")
    );
    assert!(r
        .stacktrace
        .as_deref()
        .is_some_and(|s| s.contains("reconcileHandler")));
    assert_eq!(
        r.trace_id.as_deref(),
        Some("0af7651916cd43dd8448eb211c80319c")
    );
    assert_eq!(r.span_id.as_deref(), Some("b7ad6b7169203331"));
    assert_eq!(r.unix_nanos, Some(1_700_000_000_123_456_000));
    assert!(r.fields.is_empty());
}

#[test]
fn logrus_json() {
    let r = parse_line(
        r#"{"error":"pq: password authentication failed for user \"app\"","file":"/src/store/db.go:31","func":"store.Open","level":"fatal","msg":"cannot open database","time":"2024-03-05T10:11:12+01:00"}"#,
    );
    assert_eq!(
        r.format,
        LineFormat::Json {
            flavor: JsonFlavor::Logrus
        }
    );
    assert_eq!(r.level, Some(Level::Fatal));
    assert_eq!(r.message, "cannot open database");
    assert_eq!(caller(&r), Some(("/src/store/db.go", 31)));
    assert_eq!(r.field("func"), Some("store.Open"));
    assert_eq!(r.unix_nanos.map(|n| n / 1_000_000_000), Some(1_709_629_872));
}

#[test]
fn slog_json() {
    let r = parse_line(
        r#"{"time":"2024-05-06T07:08:09.123456789-04:00","level":"ERROR","source":{"function":"main.(*server).handle","file":"/app/server.go","line":142},"msg":"upstream call failed","err":"Get \"http://inventory:8080/items\": dial tcp: lookup inventory: no such host","service":"checkout","request_id":"r-77"}"#,
    );
    assert_eq!(
        r.format,
        LineFormat::Json {
            flavor: JsonFlavor::Slog
        }
    );
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(caller(&r), Some(("/app/server.go", 142)));
    assert_eq!(r.field("function"), Some("main.(*server).handle"));
    assert_eq!(r.service.as_deref(), Some("checkout"));
    assert_eq!(r.message, "upstream call failed");
    assert!(r
        .error
        .as_deref()
        .is_some_and(|e| e.ends_with("no such host")));
    assert_eq!(r.field("request_id"), Some("r-77"));
}

#[test]
fn zerolog_json() {
    let r = parse_line(
        r#"{"level":"error","service":"payments","error":"stripe: card_declined","caller":"/build/payments/charge.go:77","time":"2024-02-01T00:00:00Z","message":"charge failed"}"#,
    );
    assert_eq!(
        r.format,
        LineFormat::Json {
            flavor: JsonFlavor::Zerolog
        }
    );
    assert_eq!(r.message, "charge failed");
    assert_eq!(r.error.as_deref(), Some("stripe: card_declined"));
    assert_eq!(caller(&r), Some(("/build/payments/charge.go", 77)));
    assert_eq!(r.service.as_deref(), Some("payments"));
    assert_eq!(r.unix_nanos, Some(1_706_745_600_000_000_000));
}

#[test]
fn bunyan_json() {
    let r = parse_line(
        r#"{"name":"api-gateway","hostname":"gw-1","pid":412,"level":50,"err":{"message":"ECONNRESET","name":"Error","stack":"Error: ECONNRESET\n    at TLSSocket.onConnectEnd"},"msg":"proxy error","time":"2024-01-02T03:04:05.000Z","v":0}"#,
    );
    assert_eq!(
        r.format,
        LineFormat::Json {
            flavor: JsonFlavor::Bunyan
        }
    );
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(r.service.as_deref(), Some("api-gateway"));
    assert_eq!(r.message, "proxy error");
    assert_eq!(r.error.as_deref(), Some("ECONNRESET"));
    assert!(r
        .stacktrace
        .as_deref()
        .is_some_and(|s| s.starts_with("Error: ECONNRESET")));
    assert_eq!(r.field("hostname"), Some("gw-1"));
    assert_eq!(r.field("pid"), Some("412"));
}

#[test]
fn generic_json_and_broken_json() {
    let r = parse_line(
        r#"{"@timestamp":"2024-01-02T03:04:05Z","log.level":"warn","message":"disk almost full","service.name":"store","trace.id":"abc"}"#,
    );
    assert_eq!(
        r.format,
        LineFormat::Json {
            flavor: JsonFlavor::Generic
        }
    );
    assert_eq!(r.level, Some(Level::Warn));
    assert_eq!(r.message, "disk almost full");
    assert_eq!(r.service.as_deref(), Some("store"));
    assert_eq!(r.trace_id.as_deref(), Some("abc"));
    let r = parse_line(r#"{"level":"error","msg":"cut off"#);
    assert_eq!(r.format, LineFormat::Plain);
    assert_eq!(r.message, r#"{"level":"error","msg":"cut off"#);
    assert!(looks_malformed(r#"{"level":"#, &r));
}

#[test]
fn plain_prefixes() {
    let r = parse_line("2024-01-02T03:04:05.123Z ERROR [db] pool.go:20: connection reset by peer");
    assert_eq!(r.format, LineFormat::Plain);
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(r.logger.as_deref(), Some("db"));
    assert_eq!(caller(&r), Some(("pool.go", 20)));
    assert_eq!(r.message, "connection reset by peer");
    assert!(r.unix_nanos.is_some());

    let r = parse_line("[2024-01-02 03:04:05,123] [WARN] cache miss ratio high");
    assert_eq!(r.level, Some(Level::Warn));
    assert_eq!(r.timestamp.as_deref(), Some("2024-01-02 03:04:05,123"));
    assert_eq!(r.message, "cache miss ratio high");

    let r = parse_line("ERROR: could not bind: address already in use");
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(r.message, "could not bind: address already in use");

    // lower-case `error:` is part of the message
    let r = parse_line("error: open /x: permission denied");
    assert_eq!(r.level, None);
    assert_eq!(r.message, "error: open /x: permission denied");

    let r = parse_line("Nov 21 10:00:00 sshd[1234]: Failed password for root");
    assert_eq!(r.timestamp.as_deref(), Some("Nov 21 10:00:00"));
    assert_eq!(r.message, "sshd[1234]: Failed password for root");

    let r = parse_line("just some text");
    assert_eq!(r, LogRecord::plain("just some text"));
}

#[test]
fn zap_console() {
    let r = parse_line("2024-01-02T03:04:05.678Z\tERROR\tcontroller/reconcile.go:64\tReconciler error\t{\"controller\": \"memcached\", \"error\": \"failed to get deployment: not found\"}");
    assert_eq!(r.format, LineFormat::Plain);
    assert_eq!(r.level, Some(Level::Error));
    assert_eq!(caller(&r), Some(("controller/reconcile.go", 64)));
    assert_eq!(r.message, "Reconciler error");
    assert_eq!(
        r.error.as_deref(),
        Some("failed to get deployment: not found")
    );
    assert_eq!(r.field("controller"), Some("memcached"));
    let r = parse_line("2024-01-02T03:04:05.678Z\tINFO\tsetup\tstarting manager");
    assert_eq!(r.level, Some(Level::Info));
    assert_eq!(r.message, "starting manager");
}

#[test]
fn levels() {
    assert_eq!(Level::parse("WARNING"), Some(Level::Warn));
    assert_eq!(Level::parse("ERROR+2"), Some(Level::Error));
    assert_eq!(Level::parse("dpanic"), Some(Level::Panic));
    assert_eq!(Level::parse("bogus"), None);
    assert_eq!(Level::from_number(30), Some(Level::Info));
    assert_eq!(Level::from_number(60), Some(Level::Fatal));
}

#[test]
fn callers() {
    assert_eq!(
        Caller::parse("a/b.go:12:3"),
        Some(Caller {
            file: "a/b.go".into(),
            line: 12
        })
    );
    assert_eq!(Caller::parse("host:8080"), None);
    assert_eq!(Caller::parse("b.go:"), None);
}

#[test]
fn ids_inside_text_messages() {
    let r = parse_line("2024-01-02T03:04:05Z ERROR payment declined trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
    assert_eq!(
        r.trace_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(r.span_id.as_deref(), Some("00f067aa0ba902b7"));
    assert_eq!(r.message, "payment declined");
    let r = parse_line(
        r#"[2024-01-02 03:04:05] [ERROR] trace_id="abc-1" charge failed: card declined"#,
    );
    assert_eq!(r.trace_id.as_deref(), Some("abc-1"));
    assert_eq!(r.message, "charge failed: card declined");
    let r = parse_line("2023/04/01 12:00:01 retrace_id=x not an id; traceId: nothing");
    assert_eq!(r.trace_id, None);
}

#[test]
fn docker_json_file_wraps_any_line() {
    let r = parse_line(
        r#"{"log":"E1121 10:00:00.000000       1 reconciler.go:88] \"Reconcile failed\" err=\"webhook denied the request\"\n","stream":"stderr","time":"2024-11-21T10:00:00.123456789Z"}"#,
    );
    assert_eq!(r.format, LineFormat::Klog);
    assert_eq!(r.message, "Reconcile failed");
    assert_eq!(r.error.as_deref(), Some("webhook denied the request"));
    assert_eq!(r.field("stream"), Some("stderr"));
    assert_eq!(
        r.timestamp.as_deref(),
        Some("2024-11-21T10:00:00.123456789Z")
    );
    assert_eq!(r.unix_nanos, Some(1_732_183_200_123_456_789));
    let r =
        parse_line(r#"{"log":"plain words\n","stream":"stdout","time":"2024-11-21T10:00:00Z"}"#);
    assert_eq!(r.message, "plain words");
    assert_eq!(r.unix_nanos.map(|n| n / 1_000_000_000), Some(1_732_183_200));
}

mod otlp_logs {
    use crate::logs::ingest::{ingest, IngestOptions, IngestReport, Ingester, Problem};
    use crate::logs::{Caller, Level, LineFormat, LogRecord};

    const DOC: &str = include_str!("../../../tests/fixtures/logs/otlp-logs.json");
    const LINES: &str = include_str!("../../../tests/fixtures/logs/otlp-logs.jsonl");

    fn read(text: &str) -> (Vec<(u64, LogRecord)>, IngestReport) {
        let mut out = Vec::new();
        let rep = ingest(text.as_bytes(), IngestOptions::default(), |n, r| {
            out.push((n, r))
        })
        .expect("in-memory read");
        (out, rep)
    }

    #[test]
    fn pretty_printed_document_is_detected_and_read() {
        let (recs, rep) = read(DOC);
        assert_eq!(rep.malformed_count, 0, "{:?}", rep.malformed);
        assert_eq!(rep.records, 4);
        assert_eq!(rep.lines, DOC.lines().count() as u64);
        assert_eq!(rep.formats, vec![(LineFormat::Otlp, 4)]);
        let r = &recs[0].1;
        assert_eq!(recs[0].0, 1);
        assert_eq!(r.message, "charge failed for order 81723");
        assert_eq!(r.error.as_deref(), Some("card 4242 declined"));
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.service.as_deref(), Some("checkoutd"));
        assert_eq!(
            r.logger.as_deref(),
            Some("github.com/acme/checkout/internal/pay")
        );
        assert_eq!(
            r.trace_id.as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(r.span_id.as_deref(), Some("eee19b7ec3c1b174"));
        assert_eq!(r.unix_nanos, Some(1_700_000_000_100_000_000));
        assert_eq!(
            r.caller,
            Some(Caller {
                file: "internal/pay/charge.go".into(),
                line: 57
            })
        );
        assert!(r
            .fields
            .iter()
            .any(|(k, v)| k == "order.id" && v == "81723"));
        // base64 ids (some exporters) become hex; severityNumber 17 is an error
        let r = &recs[1].1;
        assert_eq!(
            r.trace_id.as_deref(),
            Some("5b8efff798038103d269b633813fc60d")
        );
        assert_eq!(r.span_id.as_deref(), Some("eee19b7ec3c1b175"));
        assert_eq!(r.level, Some(Level::Error));
        // a key-value body, severityText "Information", observed time when time is 0
        let r = &recs[2].1;
        assert_eq!(r.message, "reserved 3 items");
        assert_eq!(r.level, Some(Level::Info));
        assert_eq!(r.service.as_deref(), Some("inventory"));
        assert_eq!(r.unix_nanos, Some(1_700_000_002_000_000_000));
        // severityNumber 13 is a warning; empty ids are none
        let r = &recs[3].1;
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(r.trace_id, None);
    }

    #[test]
    fn json_lines_of_the_file_exporter_give_the_same_records() {
        let (doc, _) = read(DOC);
        let (lines, rep) = read(LINES);
        assert_eq!(rep.lines, 2);
        assert_eq!(rep.records, 4);
        assert_eq!(rep.malformed_count, 0);
        assert_eq!(
            lines.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [1, 1, 2, 2]
        );
        let a: Vec<_> = doc.into_iter().map(|(_, r)| r).collect();
        let b: Vec<_> = lines.into_iter().map(|(_, r)| r).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn chunks_and_a_following_file_do_not_matter() {
        let (whole, _) = read(DOC);
        let mut ing = Ingester::new(IngestOptions::default());
        let mut out = Vec::new();
        let mut sink = |n, r| out.push((n, r));
        ing.begin_file("otlp-logs.json", &mut sink);
        for c in DOC.as_bytes().chunks(7) {
            ing.feed(c, &mut sink);
        }
        ing.begin_file("plain.log", &mut sink);
        ing.feed(b"level=error msg=\"after the document\"\n", &mut sink);
        let rep = ing.finish(&mut sink);
        assert_eq!(out.len(), 5);
        assert_eq!(&out[..4], &whole[..]);
        assert_eq!(out[4].1.message, "after the document");
        assert_eq!(rep.files[0].records, 4);
        assert_eq!(rep.files[1].records, 1);
    }

    #[test]
    fn a_document_that_is_not_otlp_is_read_line_by_line() {
        let text = "{\n  \"level\": \"error\",\n  \"msg\": \"boom\"\n}\nplain line after\n";
        let (recs, rep) = read(text);
        assert_eq!(rep.lines, 5);
        assert_eq!(rep.records, 5);
        assert_eq!(recs[4], (5, crate::logs::parse_line("plain line after")));
        // the unclosed `{` of line 1 is reported as before
        assert_eq!(rep.malformed[0].line, 1);
        assert_eq!(rep.malformed[0].problem, Problem::InvalidJson);
        // a broken OTLP line is malformed, not fatal
        let (_, rep) = read("{\"resourceLogs\": [ {\"scopeLogs\": 5} ]}\nok\n");
        assert_eq!(rep.malformed_count, 1);
        assert_eq!(rep.malformed[0].problem, Problem::InvalidOtlp);
        assert_eq!(rep.records, 2);
    }
}
