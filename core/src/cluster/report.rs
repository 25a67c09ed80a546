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
