//! The readable (non-JSON) output of `refract cluster --format auto`.

use std::io::{self, Write};

use refract_core::cluster::ClusterReport;
use refract_core::logs::time::format_unix_ns;

fn ms(ns: i64) -> String {
    format!("{:.1} ms", ns as f64 / 1e6)
}

fn when(first: Option<i64>, last: Option<i64>) -> String {
    match (first, last) {
        (Some(f), Some(l)) => format!("{} .. {}", format_unix_ns(f), format_unix_ns(l)),
        _ => "no timestamps".to_owned(),
    }
}

pub fn print(r: &ClusterReport, top: usize, out: &mut impl Write) -> io::Result<()> {
    if let Some(l) = &r.logs {
        let i = &l.ingest;
        writeln!(
            out,
            "LOGS  {} lines, {} records, {} templates, {} malformed",
            i.lines, i.records, l.templates, i.malformed_count
        )?;
        let formats: Vec<String> = i
            .formats
            .iter()
            .map(|(f, n)| {
                format!(
                    "{}×{n}",
                    serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                        .unwrap_or_default()
                )
            })
            .collect();
        writeln!(out, "      formats: {}", formats.join(", "))?;
        for f in i.files.iter().filter(|_| i.files.len() > 1) {
            writeln!(
                out,
                "      {}: {} lines, {} records, {} malformed",
                f.name, f.lines, f.records, f.malformed_count
            )?;
        }
        for m in &i.malformed {
            let at = match &m.file {
                Some(f) => format!("{f}:{}", m.line),
                None => format!("line {}", m.line),
            };
            writeln!(out, "      {at}: {:?}: {}", m.problem, m.excerpt)?;
        }
        for c in l.clusters.iter().take(top) {
            let levels: Vec<String> = c
                .levels
                .iter()
                .map(|(lv, n)| format!("{}×{n}", lv.as_str()))
                .collect();
            writeln!(out, "\n  [{}] {}×  {}", c.id, c.count, c.template)?;
            writeln!(
                out,
                "      levels: {}  services: {}  seen: {}",
                if levels.is_empty() {
                    "-".to_owned()
                } else {
                    levels.join(" ")
                },
                if c.services.is_empty() {
                    "-".to_owned()
                } else {
                    c.services.join(", ")
                },
                when(c.first_seen_ns, c.last_seen_ns)
            )?;
            writeln!(out, "      e.g. line {:?}: {}", c.example_lines, c.example)?;
            if c.split {
                writeln!(out, "      SPLIT over {} code paths:", c.paths.len())?;
            }
            for p in &c.paths {
                match &p.path {
                    Some(path) => {
                        let hops: Vec<String> = path
                            .hops
                            .iter()
                            .map(|h| format!("{} ({}:{})", h.func, h.file, h.line))
                            .collect();
                        writeln!(out, "      {}× {}", p.count, hops.join(" -> "))?;
                    }
                    None => writeln!(out, "      {}× (no path found)", p.count)?,
                }
            }
        }
        if l.clusters.len() > top {
            writeln!(
                out,
                "\n  … {} more clusters (--top, --json)",
                l.clusters.len() - top
            )?;
        }
    }
    if let Some(t) = &r.traces {
        let c = &t.chains;
        writeln!(
            out,
            "\nTRACES  {} spans, {} traces, {} with errors, {} error-chain clusters, {} skipped",
            t.input.spans,
            c.traces,
            c.error_traces,
            c.clusters.len(),
            t.input.skipped
        )?;
        for cl in c.clusters.iter().take(top) {
            writeln!(out, "\n  [{}] {}×  {}", cl.id, cl.count, cl.error_type)?;
            for (i, s) in cl.signature.iter().enumerate() {
                writeln!(
                    out,
                    "      {}{} {} [{}]",
                    "  ".repeat(i),
                    s.service,
                    s.operation,
                    s.status
                )?;
            }
            writeln!(
                out,
                "      latency p50 {} p99 {}  seen {}",
                ms(cl.latency_p50_ns),
                ms(cl.latency_p99_ns),
                when(Some(cl.first_seen_ns), Some(cl.last_seen_ns))
            )?;
            writeln!(out, "      services: {}", cl.services_affected.join(", "))?;
            writeln!(out, "      traces: {}", cl.example_trace_ids.join(" "))?;
            for l in cl.logs.iter().take(5) {
                writeln!(
                    out,
                    "      log {}× (on chain {}): {}",
                    l.lines, l.on_chain, l.template
                )?;
                for p in &l.paths {
                    if let Some(root) = p.root() {
                        writeln!(
                            out,
                            "          root cause {} ({}:{})",
                            root.func, root.file, root.line
                        )?;
                    }
                }
            }
        }
        let b = &t.broken;
        writeln!(
            out,
            "\nBROKEN TRACES  complete {}/{} ({:.1}%), orphan spans {}, multiple roots {}, no root {}, cycles {}, zero/negative durations {}",
            b.complete_traces,
            b.traces,
            b.complete_share * 100.0,
            b.orphan_spans,
            b.multiple_root_traces,
            b.no_root_traces,
            b.cycle_traces,
            b.nonpositive_duration_spans
        )?;
        for s in b
            .per_service
            .iter()
            .filter(|s| s.broken_traces > 0 || s.nonpositive_duration_spans > 0)
            .take(top)
        {
            writeln!(
                out,
                "  {}: {}/{} traces broken, {} orphans, {} extra roots, {} in cycles, {} zero/negative",
                s.service, s.broken_traces, s.traces, s.orphan_spans, s.extra_roots, s.spans_in_cycles, s.nonpositive_duration_spans
            )?;
        }
    }
    Ok(())
}
