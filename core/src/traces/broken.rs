//! The broken-trace report: what is wrong with the instrumentation itself, per service.
//!
//! Clustering trusts parent links; this report says how far they can be trusted. A trace is
//! *complete* when it has exactly one root, no orphan spans and no parent cycle (see
//! [`super::trace_index`]). Zero or negative durations and duplicate span ids are counted but do
//! not make a trace incomplete.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::trace_index::Traces;

/// How many example trace ids are kept per problem.
pub const EXAMPLES: usize = 5;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceBroken {
    pub service: String,
    pub spans: u64,
    pub orphan_spans: u64,
    /// Spans with end ≤ start.
    pub nonpositive_duration_spans: u64,
    /// Roots beyond the first of a trace, counted on the extra roots' services.
    pub extra_roots: u64,
    pub spans_in_cycles: u64,
    /// Traces with at least one span of this service.
    pub traces: u64,
    /// Of those, traces that are not complete.
    pub broken_traces: u64,
    pub complete_share: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenExamples {
    pub orphans: Vec<String>,
    pub multiple_roots: Vec<String>,
    pub no_root: Vec<String>,
    pub cycles: Vec<String>,
    pub nonpositive_durations: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BrokenReport {
    pub traces: u64,
    pub spans: u64,
    pub complete_traces: u64,
    pub complete_share: f64,
    pub orphan_spans: u64,
    pub traces_with_orphans: u64,
    pub multiple_root_traces: u64,
    pub no_root_traces: u64,
    pub cycle_traces: u64,
    pub spans_in_cycles: u64,
    pub nonpositive_duration_spans: u64,
    pub duplicate_span_ids: u64,
    /// Sorted by broken traces, then name.
    pub per_service: Vec<ServiceBroken>,
    pub examples: BrokenExamples,
}

fn push_example(list: &mut Vec<String>, id: &str) {
    if list.len() < EXAMPLES {
        list.push(id.to_owned());
    }
}

pub fn report(traces: &Traces<'_>) -> BrokenReport {
    let mut r = BrokenReport {
        traces: traces.traces.len() as u64,
        spans: traces.spans.len() as u64,
        ..BrokenReport::default()
    };
    let mut svc: FxHashMap<&str, ServiceBroken> = FxHashMap::default();
    let mut seen: Vec<&str> = Vec::new();
    for t in &traces.traces {
        let Some(&first) = t.spans.first() else {
            continue;
        };
        let id = traces.spans[first as usize].trace_id.as_str();
        let complete = t.is_complete();
        r.complete_traces += complete as u64;
        r.orphan_spans += t.orphans.len() as u64;
        r.duplicate_span_ids += t.duplicate_ids as u64;
        if !t.orphans.is_empty() {
            r.traces_with_orphans += 1;
            push_example(&mut r.examples.orphans, id);
        }
        if t.roots.len() > 1 {
            r.multiple_root_traces += 1;
            push_example(&mut r.examples.multiple_roots, id);
        }
        if t.roots.is_empty() {
            r.no_root_traces += 1;
            push_example(&mut r.examples.no_root, id);
        }
        let cyc = t.in_cycle.iter().filter(|&&c| c).count() as u64;
        if cyc > 0 {
            r.cycle_traces += 1;
            r.spans_in_cycles += cyc;
            push_example(&mut r.examples.cycles, id);
        }
        let mut nonpos_here = false;
        seen.clear();
        for (l, &g) in t.spans.iter().enumerate() {
            let s = &traces.spans[g as usize];
            let e = svc
                .entry(s.service.as_str())
                .or_insert_with(|| ServiceBroken {
                    service: s.service.clone(),
                    ..ServiceBroken::default()
                });
            e.spans += 1;
            if s.end_ns <= s.start_ns {
                e.nonpositive_duration_spans += 1;
                r.nonpositive_duration_spans += 1;
                nonpos_here = true;
            }
            e.spans_in_cycles += t.in_cycle[l] as u64;
            if !seen.contains(&s.service.as_str()) {
                seen.push(s.service.as_str());
                e.traces += 1;
                e.broken_traces += (!complete) as u64;
            }
        }
        for &o in &t.orphans {
            let s = traces.span(t, o);
            if let Some(e) = svc.get_mut(s.service.as_str()) {
                e.orphan_spans += 1;
            }
        }
        for &extra in t.roots.iter().skip(1) {
            let s = traces.span(t, extra);
            if let Some(e) = svc.get_mut(s.service.as_str()) {
                e.extra_roots += 1;
            }
        }
        if nonpos_here {
            push_example(&mut r.examples.nonpositive_durations, id);
        }
    }
    r.complete_share = share(r.complete_traces, r.traces);
    let mut per: Vec<ServiceBroken> = svc.into_values().collect();
    for s in &mut per {
        s.complete_share = share(s.traces - s.broken_traces, s.traces);
    }
    per.sort_by(|a, b| {
        b.broken_traces
            .cmp(&a.broken_traces)
            .then_with(|| a.service.cmp(&b.service))
    });
    r.per_service = per;
    r
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}
