//! Log records → template clusters with the facts an incident view needs: counts, levels,
//! services, first/last seen, example line numbers, and (when a repository is loaded) the code
//! paths behind each template.
//!
//! Streaming like the miner under it: per line only the cluster's counters change; examples,
//! services and paths are capped per cluster. The text mined is [`LogRecord::full_text`]
//! (message plus a separate error field), because `logger.Error("sync failed", zap.Error(err))`
//! is one error whatever the logger put where.
//!
//! Code-path clustering: a caller-supplied function maps a record to a [`CodePath`] (the explain
//! engine's reconstructed path). The cluster key is then (template, path): each template cluster
//! lists its paths with counts, and a template whose lines took different paths is marked
//! `split`.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::drain::{ClusterId, MinerConfig, TemplateMiner};
use super::timeline::{Bounds, Timeline};
use crate::logs::{Level, LogRecord};
use crate::traces::chains::LogJoin;

/// Caps per cluster.
pub const MAX_EXAMPLES: usize = 5;
pub const MAX_SERVICES: usize = 32;
pub const MAX_PATHS: usize = 16;

/// One hop of a reconstructed path, as the cluster view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PathHop {
    pub func: String,
    pub file: String,
    pub line: u32,
    /// `log`, `wrap`, `passthrough`, `origin`, …
    pub kind: String,
}

/// A reconstructed error path (logging function first, root cause last).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodePath {
    pub hops: Vec<PathHop>,
}

impl CodePath {
    /// `func (file:line)` of the root cause.
    pub fn root(&self) -> Option<&PathHop> {
        self.hops.last()
    }
}

/// The lines of one template that took one code path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathSplit {
    /// `None`: the lines could not be explained.
    pub path: Option<CodePath>,
    pub count: u64,
    pub example_lines: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCluster {
    pub id: u32,
    pub template: String,
    pub count: u64,
    /// Lines per level, most severe first; lines without a level are not counted here.
    pub levels: Vec<(Level, u64)>,
    pub services: Vec<String>,
    pub first_seen_ns: Option<i64>,
    pub last_seen_ns: Option<i64>,
    /// First line numbers (1-based) of the cluster.
    pub example_lines: Vec<u64>,
    /// A full example line's text (message and error).
    pub example: String,
    /// Lines that carried a trace id.
    pub with_trace_id: u64,
    /// Lines per time bucket of [`LogClusters::histogram`] (empty without timestamps).
    pub histogram: Vec<u32>,
    /// Code paths (only when a path function was given), most lines first.
    pub paths: Vec<PathSplit>,
    /// More than one distinct path (explained or not) under this template.
    pub split: bool,
}

#[derive(Default)]
struct Acc {
    count: u64,
    levels: [u64; 7],
    services: Vec<String>,
    first: Option<i64>,
    last: Option<i64>,
    examples: Vec<u64>,
    example: String,
    with_trace: u64,
    paths: Vec<PathSplit>,
}

/// Maps a record (and its mined text) to its reconstructed code path.
pub type PathFn<'p> = Box<dyn FnMut(&LogRecord, &str) -> Option<CodePath> + 'p>;

/// The finished clusters and the bounds their histograms share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogClusters {
    /// Most lines first.
    pub clusters: Vec<LogCluster>,
    /// `None` when no line had a timestamp.
    pub histogram: Option<Bounds>,
}

/// Streams records into template clusters.
pub struct LogClusterer<'p> {
    miner: TemplateMiner,
    accs: Vec<Acc>,
    join: LogJoin,
    timeline: Timeline,
    path_of: Option<PathFn<'p>>,
    path_cache: FxHashMap<String, Option<CodePath>>,
}

/// Texts whose path is remembered (explaining is the expensive step; logs repeat).
const PATH_CACHE: usize = 50_000;

fn level_slot(l: Level) -> usize {
    l as usize
}

const LEVELS: [Level; 7] = [
    Level::Trace,
    Level::Debug,
    Level::Info,
    Level::Warn,
    Level::Error,
    Level::Fatal,
    Level::Panic,
];

impl<'p> LogClusterer<'p> {
    pub fn new(config: MinerConfig) -> LogClusterer<'p> {
        LogClusterer {
            miner: TemplateMiner::new(config),
            accs: Vec::new(),
            join: LogJoin::default(),
            timeline: Timeline::default(),
            path_of: None,
            path_cache: FxHashMap::default(),
        }
    }

    /// Adds code-path clustering: `f(record, text)` returns the reconstructed path of the
    /// record whose mined text is `text`.
    pub fn with_paths(
        mut self,
        f: impl FnMut(&LogRecord, &str) -> Option<CodePath> + 'p,
    ) -> LogClusterer<'p> {
        self.path_of = Some(Box::new(f));
        self
    }

    /// Adds one record read from line `line_no`; returns its template cluster.
    pub fn add(&mut self, line_no: u64, rec: &LogRecord) -> ClusterId {
        let text = rec.full_text();
        let id = self.miner.add(&text);
        let i = id.0 as usize;
        if self.accs.len() <= i {
            self.accs.resize_with(i + 1, Acc::default);
        }
        let path = match self.path_of.as_mut() {
            None => None,
            Some(f) => Some(match self.path_cache.get(&text) {
                Some(p) => p.clone(),
                None => {
                    let p = f(rec, &text);
                    if self.path_cache.len() < PATH_CACHE {
                        self.path_cache.insert(text.clone(), p.clone());
                    }
                    p
                }
            }),
        };
        let a = &mut self.accs[i];
        a.count += 1;
        if let Some(l) = rec.level {
            a.levels[level_slot(l)] += 1;
        }
        if let Some(s) = &rec.service {
            if a.services.len() < MAX_SERVICES && !a.services.contains(s) {
                a.services.push(s.clone());
            }
        }
        if let Some(t) = rec.unix_nanos {
            self.timeline.add(i, t);
            a.first = Some(a.first.map_or(t, |f| f.min(t)));
            a.last = Some(a.last.map_or(t, |l| l.max(t)));
        }
        if a.examples.len() < MAX_EXAMPLES {
            a.examples.push(line_no);
        }
        if a.example.is_empty() {
            a.example = text;
        }
        if rec.trace_id.is_some() {
            a.with_trace += 1;
        }
        if let Some(p) = path {
            match a.paths.iter().position(|s| s.path == p) {
                Some(j) => {
                    let s = &mut a.paths[j];
                    s.count += 1;
                    if s.example_lines.len() < MAX_EXAMPLES {
                        s.example_lines.push(line_no);
                    }
                }
                None if a.paths.len() < MAX_PATHS => a.paths.push(PathSplit {
                    path: p,
                    count: 1,
                    example_lines: vec![line_no],
                }),
                None => {}
            }
        }
        if rec.trace_id.is_some() || rec.span_id.is_some() {
            self.join
                .add(rec.trace_id.as_deref(), rec.span_id.as_deref(), id.0);
        }
        id
    }

    pub fn miner(&self) -> &TemplateMiner {
        &self.miner
    }

    /// The clusters (most lines first; ids are miner cluster ids) and the join for traces.
    pub fn finish(self) -> (LogClusters, LogJoin) {
        let miner = self.miner;
        let timeline = self.timeline;
        let has_time = timeline.bounds().is_some();
        let mut join = self.join;
        join.templates = miner.clusters().map(|c| c.template()).collect();
        let mut out: Vec<LogCluster> = self
            .accs
            .into_iter()
            .enumerate()
            .filter(|(_, a)| a.count > 0)
            .map(|(i, mut a)| {
                a.paths.sort_by_key(|p| std::cmp::Reverse(p.count));
                let levels = LEVELS
                    .iter()
                    .rev()
                    .filter(|l| a.levels[level_slot(**l)] > 0)
                    .map(|l| (*l, a.levels[level_slot(*l)]))
                    .collect();
                LogCluster {
                    id: i as u32,
                    template: join.templates.get(i).cloned().unwrap_or_default(),
                    count: a.count,
                    levels,
                    services: a.services,
                    first_seen_ns: a.first,
                    last_seen_ns: a.last,
                    example_lines: a.examples,
                    example: a.example,
                    with_trace_id: a.with_trace,
                    histogram: if has_time {
                        timeline.row(i)
                    } else {
                        Vec::new()
                    },
                    split: a.paths.len() > 1,
                    paths: a.paths,
                }
            })
            .collect();
        out.sort_by(|x, y| y.count.cmp(&x.count).then(x.id.cmp(&y.id)));
        (
            LogClusters {
                clusters: out,
                histogram: timeline.bounds(),
            },
            join,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::parse_line;

    fn hop(f: &str) -> PathHop {
        PathHop {
            func: f.into(),
            file: "x.go".into(),
            line: 1,
            kind: "origin".into(),
        }
    }

    #[test]
    fn clusters_with_levels_traces_and_path_splits() {
        let lines = [
            r#"{"level":"error","ts":1700000000,"msg":"sync failed","error":"dial tcp 10.0.0.1:5432: connection refused","trace_id":"aa","service":"api"}"#,
            r#"{"level":"error","ts":1700000005,"msg":"sync failed","error":"dial tcp 10.0.0.2:5432: connection refused","trace_id":"bb","service":"api"}"#,
            r#"{"level":"warn","ts":1700000001,"msg":"sync failed","error":"dial tcp 10.0.0.3:5432: connection refused","service":"worker"}"#,
            "E1121 10:00:00.000000 1 main.go:5] cache miss for key 42",
        ];
        // the path depends on the address: .3 was dialled from another function
        let mut c = LogClusterer::new(MinerConfig::default()).with_paths(|_, text| {
            Some(CodePath {
                hops: vec![hop(if text.contains(".3:") { "b" } else { "a" })],
            })
        });
        for (i, l) in lines.iter().enumerate() {
            c.add(i as u64 + 1, &parse_line(l));
        }
        let (lc, join) = c.finish();
        let clusters = lc.clusters;
        assert_eq!(clusters.len(), 2);
        let b = lc.histogram.unwrap();
        assert_eq!(b.bucket_ns, 1_000_000_000);
        assert_eq!(clusters[0].histogram.iter().sum::<u32>(), 3);
        assert_eq!(clusters[0].histogram[0], 1);
        assert_eq!(clusters[0].histogram[1], 1);
        assert_eq!(clusters[0].histogram[5], 1);
        let a = &clusters[0];
        assert_eq!(
            a.template,
            "sync failed: dial tcp <*>:<*>: connection refused"
        );
        assert_eq!(a.count, 3);
        assert_eq!(a.levels, vec![(Level::Error, 2), (Level::Warn, 1)]);
        assert_eq!(a.services, vec!["api", "worker"]);
        assert_eq!(a.first_seen_ns, Some(1_700_000_000_000_000_000));
        assert_eq!(a.last_seen_ns, Some(1_700_000_005_000_000_000));
        assert_eq!(a.example_lines, vec![1, 2, 3]);
        assert_eq!(a.with_trace_id, 2);
        assert!(a.split);
        assert_eq!(
            a.paths
                .iter()
                .map(|p| (p.path.as_ref().unwrap().hops[0].func.as_str(), p.count))
                .collect::<Vec<_>>(),
            vec![("a", 2), ("b", 1)]
        );
        assert!(!clusters[1].split);
        assert_eq!(join.templates.len(), 2);
        assert!(!join.is_empty());
    }
}
