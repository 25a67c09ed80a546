//! Error-chain clustering: traces that failed the same way, folded into one cluster.
//!
//! Per trace with at least one error span: the *origin* is the deepest error span (ties: the
//! earliest, then the first in input order); the chain runs from the top of the origin's
//! fragment (the root) down to the origin, keeping the error-carrying spans in between. The
//! signature is that chain as (service, operation, status) steps, where status is the span's
//! error kind or `ok`. Traces with equal signatures form a cluster.
//!
//! Logs join by trace id (and by span id for lines emitted inside a chain span), so a cluster
//! lists the log templates seen in its traces.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::ids;
use super::trace_index::{TraceView, Traces};
use crate::intern::{Interner, Sym};

/// The status of a step that did not fail.
pub const OK: &str = "ok";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChainStep {
    pub service: String,
    pub operation: String,
    /// The span's error kind (`HTTP 503`, `io.EOF`, …) or `ok`.
    pub status: String,
}

/// Log lines as the trace join needs them: which templates were seen under which trace/span ids.
///
/// Bounded: at most [`LogJoin::MAX_IDS`] ids per map and [`LogJoin::MAX_PER_ID`] lines per id
/// are remembered; what is left out is counted in `dropped`.
#[derive(Debug, Clone, Default)]
pub struct LogJoin {
    pub templates: Vec<String>,
    by_trace: FxHashMap<String, Vec<u32>>,
    by_span: FxHashMap<String, Vec<u32>>,
    /// Log lines (or span references) not remembered because a cap was reached.
    pub dropped: u64,
}

impl LogJoin {
    pub const MAX_IDS: usize = 2_000_000;
    pub const MAX_PER_ID: usize = 256;

    /// Records one log line of template `template` (an index into `templates`).
    pub fn add(&mut self, trace_id: Option<&str>, span_id: Option<&str>, template: u32) {
        if let Some(t) = trace_id.and_then(ids::normalize) {
            self.dropped += !Self::push(&mut self.by_trace, t, template) as u64;
        }
        if let Some(s) = span_id.and_then(ids::normalize) {
            self.dropped += !Self::push(&mut self.by_span, s, template) as u64;
        }
    }

    fn push(map: &mut FxHashMap<String, Vec<u32>>, id: String, template: u32) -> bool {
        let full = map.len() >= Self::MAX_IDS;
        match map.get_mut(&id) {
            Some(v) if v.len() < Self::MAX_PER_ID => v.push(template),
            Some(_) => return false,
            None if full => return false,
            None => {
                map.insert(id, vec![template]);
            }
        }
        true
    }

    pub fn is_empty(&self) -> bool {
        self.by_trace.is_empty() && self.by_span.is_empty()
    }
}

/// A log template seen in a cluster's traces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterLog {
    /// The log template's cluster id (= `LogCluster::id` of the same run).
    pub template_id: u32,
    pub template: String,
    /// Log lines with one of the cluster's trace ids.
    pub lines: u64,
    /// Of those, lines whose span id is a span of the error chain.
    pub on_chain: u64,
    /// The template's most common code paths (filled by `ClusterReport::new` when a repository
    /// was loaded).
    #[serde(default)]
    pub paths: Vec<crate::cluster::CodePath>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorChainCluster {
    pub id: u32,
    /// Root first, origin last.
    pub signature: Vec<ChainStep>,
    /// Number of traces.
    pub count: u64,
    /// The origin's error kind.
    pub error_type: String,
    /// Services on the chain, in chain order, deduplicated.
    pub services: Vec<String>,
    /// All services of the cluster's traces, sorted.
    pub services_affected: Vec<String>,
    pub first_seen_ns: i64,
    pub last_seen_ns: i64,
    /// Trace durations (earliest start to latest end).
    pub latency_p50_ns: i64,
    pub latency_p99_ns: i64,
    /// Up to five trace ids, in input order.
    pub example_trace_ids: Vec<String>,
    /// HTTP status of the traces (the root's, else the highest on the chain), most common first.
    pub http_statuses: Vec<(u16, u64)>,
    /// Traces per time bucket of [`ChainReport::histogram`].
    pub histogram: Vec<u32>,
    pub logs: Vec<ClusterLog>,
}

impl ErrorChainCluster {
    /// `svc:op > svc:op > …` (root first).
    pub fn path(&self) -> String {
        self.signature
            .iter()
            .map(|s| format!("{}:{}", s.service, s.operation))
            .collect::<Vec<_>>()
            .join(" > ")
    }
}

/// Shared bucket bounds of the per-cluster histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistogramBounds {
    pub start_ns: i64,
    pub bucket_ns: i64,
    pub buckets: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainReport {
    pub traces: u64,
    pub error_traces: u64,
    /// Most traces first; ids are positions in this list.
    pub clusters: Vec<ErrorChainCluster>,
    pub histogram: HistogramBounds,
}

#[derive(Default)]
struct Acc {
    key: Vec<[Sym; 3]>,
    count: u64,
    services_affected: Vec<Sym>,
    first: i64,
    last: i64,
    latencies: Vec<i64>,
    /// Trace start times, for the histogram.
    starts: Vec<i64>,
    examples: Vec<u32>,
    http: FxHashMap<u16, u64>,
    logs: FxHashMap<u32, (u64, u64)>,
}

/// Number of histogram buckets.
pub const BUCKETS: u32 = 48;

/// Clusters the error traces of `traces`; `logs` (optional) adds log templates per cluster.
pub fn cluster(traces: &Traces<'_>, logs: Option<&LogJoin>) -> ChainReport {
    let mut names = Interner::new();
    let ok = names.intern(OK);
    let mut index: FxHashMap<Vec<[Sym; 3]>, usize> = FxHashMap::default();
    let mut accs: Vec<Acc> = Vec::new();
    let mut error_traces = 0;
    let mut chain: Vec<u32> = Vec::new();
    for (ti, t) in traces.traces.iter().enumerate() {
        let Some(origin) = origin(traces, t) else {
            continue;
        };
        error_traces += 1;
        chain_of(traces, t, origin, &mut chain);
        let key: Vec<[Sym; 3]> = chain
            .iter()
            .map(|&l| {
                let s = traces.span(t, l);
                let status = s.error.as_ref().map_or(ok, |e| names.intern(&e.kind));
                [names.intern(&s.service), names.intern(&s.operation), status]
            })
            .collect();
        let ai = *index.entry(key.clone()).or_insert_with(|| {
            accs.push(Acc {
                key,
                first: i64::MAX,
                last: i64::MIN,
                ..Acc::default()
            });
            accs.len() - 1
        });
        let a = &mut accs[ai];
        a.count += 1;
        a.first = a.first.min(t.start_ns);
        a.last = a.last.max(t.start_ns);
        a.latencies.push(t.end_ns.saturating_sub(t.start_ns));
        a.starts.push(t.start_ns);
        if a.examples.len() < 5 {
            a.examples.push(ti as u32);
        }
        for &g in &t.spans {
            let sym = names.intern(&traces.spans[g as usize].service);
            if !a.services_affected.contains(&sym) {
                a.services_affected.push(sym);
            }
        }
        if let Some(code) = http_status(traces, t, &chain) {
            *a.http.entry(code).or_default() += 1;
        }
        if let Some(j) = logs {
            join_logs(traces, t, &chain, j, &mut a.logs);
        }
    }
    let histogram = bounds(&accs);
    let mut clusters: Vec<ErrorChainCluster> = accs
        .into_iter()
        .map(|a| finish(a, &names, traces, logs, histogram))
        .collect();
    clusters.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.first_seen_ns.cmp(&b.first_seen_ns))
            .then_with(|| a.signature.len().cmp(&b.signature.len()))
    });
    for (i, c) in clusters.iter_mut().enumerate() {
        c.id = i as u32;
    }
    ChainReport {
        traces: traces.traces.len() as u64,
        error_traces,
        clusters,
        histogram,
    }
}

/// The deepest error span of a trace (ties: earliest start, then input order).
pub fn origin(traces: &Traces<'_>, t: &TraceView) -> Option<u32> {
    let mut best: Option<(u32, i64, u32)> = None;
    for (l, &g) in t.spans.iter().enumerate() {
        let s = &traces.spans[g as usize];
        if !s.is_error() {
            continue;
        }
        let cand = (t.depth[l], s.start_ns, l as u32);
        best = match best {
            None => Some(cand),
            Some(b) if cand.0 > b.0 || (cand.0 == b.0 && cand.1 < b.1) => Some(cand),
            keep => keep,
        };
    }
    best.map(|b| b.2)
}

/// Fills `out` with the chain root-first: the fragment top, error ancestors, the origin.
pub fn chain_of(traces: &Traces<'_>, t: &TraceView, origin: u32, out: &mut Vec<u32>) {
    out.clear();
    out.push(origin);
    let mut cur = origin;
    for _ in 0..t.len() {
        let Some(p) = t.parent[cur as usize] else {
            break;
        };
        // the top of the fragment: a root, an orphan, or where a parent cycle begins
        let top = t.parent[p as usize].is_none() || t.in_cycle[p as usize];
        if top || traces.span(t, p).is_error() {
            out.push(p);
        }
        if top {
            break;
        }
        cur = p;
    }
    out.reverse();
}

fn http_status(traces: &Traces<'_>, t: &TraceView, chain: &[u32]) -> Option<u16> {
    let first = chain.first().and_then(|&l| traces.span(t, l).http_status);
    first.or_else(|| {
        chain
            .iter()
            .filter_map(|&l| traces.span(t, l).http_status)
            .max()
    })
}

fn join_logs(
    traces: &Traces<'_>,
    t: &TraceView,
    chain: &[u32],
    j: &LogJoin,
    acc: &mut FxHashMap<u32, (u64, u64)>,
) {
    let Some(first) = t.spans.first() else {
        return;
    };
    let trace_id = &traces.spans[*first as usize].trace_id;
    if let Some(list) = j.by_trace.get(trace_id) {
        for &tpl in list {
            acc.entry(tpl).or_default().0 += 1;
        }
    }
    for &l in chain {
        if let Some(list) = j.by_span.get(&traces.span(t, l).span_id) {
            for &tpl in list {
                acc.entry(tpl).or_default().1 += 1;
            }
        }
    }
}

fn bounds(accs: &[Acc]) -> HistogramBounds {
    let start = accs.iter().map(|a| a.first).min().unwrap_or(0);
    let end = accs.iter().map(|a| a.last).max().unwrap_or(0);
    let span = end.saturating_sub(start).max(0);
    let bucket = (span / BUCKETS as i64 + 1).max(1);
    HistogramBounds {
        start_ns: start,
        bucket_ns: bucket,
        buckets: BUCKETS,
    }
}

/// The `q` quantile (0..=1) of sorted values, nearest-rank.
pub fn quantile(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn finish(
    mut a: Acc,
    names: &Interner,
    traces: &Traces<'_>,
    logs: Option<&LogJoin>,
    h: HistogramBounds,
) -> ErrorChainCluster {
    a.latencies.sort_unstable();
    let signature: Vec<ChainStep> = a
        .key
        .iter()
        .map(|[s, o, st]| ChainStep {
            service: names.resolve(*s).to_owned(),
            operation: names.resolve(*o).to_owned(),
            status: names.resolve(*st).to_owned(),
        })
        .collect();
    let mut services: Vec<String> = Vec::new();
    for s in &signature {
        if !services.contains(&s.service) {
            services.push(s.service.clone());
        }
    }
    let mut services_affected: Vec<String> = a
        .services_affected
        .iter()
        .map(|&s| names.resolve(s).to_owned())
        .collect();
    services_affected.sort();
    let mut histogram = vec![0u32; h.buckets as usize];
    for s in &a.starts {
        let b = ((s - h.start_ns) / h.bucket_ns).clamp(0, h.buckets as i64 - 1);
        histogram[b as usize] += 1;
    }
    let mut http: Vec<(u16, u64)> = a.http.into_iter().collect();
    http.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let mut cl: Vec<ClusterLog> = a
        .logs
        .into_iter()
        .map(|(tpl, (lines, on_chain))| ClusterLog {
            template_id: tpl,
            template: logs
                .and_then(|j| j.templates.get(tpl as usize))
                .cloned()
                .unwrap_or_default(),
            lines,
            on_chain,
            paths: Vec::new(),
        })
        .collect();
    cl.sort_by(|x, y| {
        (y.lines + y.on_chain)
            .cmp(&(x.lines + x.on_chain))
            .then(x.template_id.cmp(&y.template_id))
    });
    let example_trace_ids = a
        .examples
        .iter()
        .filter_map(|&ti| traces.traces[ti as usize].spans.first())
        .map(|&g| traces.spans[g as usize].trace_id.clone())
        .collect();
    ErrorChainCluster {
        id: 0,
        error_type: signature
            .last()
            .map(|s| s.status.clone())
            .unwrap_or_default(),
        signature,
        count: a.count,
        services,
        services_affected,
        first_seen_ns: a.first,
        last_seen_ns: a.last,
        latency_p50_ns: quantile(&a.latencies, 0.5),
        latency_p99_ns: quantile(&a.latencies, 0.99),
        example_trace_ids,
        http_statuses: http,
        histogram,
        logs: cl,
    }
}
