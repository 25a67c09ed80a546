//! The Clusters view's data for one run: log template clusters and trace error-chain clusters,
//! joined by trace id. One serialisable struct, shared by `refract cluster --json` and the web
//! worker, so both show the same numbers.

use serde::{Deserialize, Serialize};

use super::log_clusters::LogCluster;
use super::timeline::Bounds;
use crate::logs::ingest::IngestReport;
use crate::traces::TraceAnalysis;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogAnalysis {
    pub ingest: IngestReport,
    /// Templates mined (= clusters).
    pub templates: usize,
    /// Whether code paths were reconstructed (a repository was loaded).
    pub code_paths: bool,
    /// Most lines first.
    pub clusters: Vec<LogCluster>,
    /// Bounds shared by every cluster's `histogram`; `None` when no line had a timestamp.
    pub histogram: Option<Bounds>,
    /// Log lines not remembered for the trace join (its caps were reached).
    pub trace_join_dropped: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterReport {
    pub logs: Option<LogAnalysis>,
    pub traces: Option<TraceAnalysis>,
}

/// Code paths listed per joined log template in a trace cluster.
pub const PATHS_PER_TEMPLATE: usize = 3;

impl ClusterReport {
    /// Assembles the report and links both halves: each trace cluster's log templates get the
    /// code paths their log cluster found.
    pub fn new(logs: Option<LogAnalysis>, mut traces: Option<TraceAnalysis>) -> ClusterReport {
        if let (Some(l), Some(t)) = (&logs, &mut traces) {
            if l.code_paths {
                for c in &mut t.chains.clusters {
                    for cl in &mut c.logs {
                        if let Some(lc) = l.clusters.iter().find(|x| x.id == cl.template_id) {
                            cl.paths = lc
                                .paths
                                .iter()
                                .filter_map(|p| p.path.clone())
                                .take(PATHS_PER_TEMPLATE)
                                .collect();
                        }
                    }
                }
            }
        }
        ClusterReport { logs, traces }
    }
}
