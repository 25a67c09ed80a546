//! Everything the Clusters view shows for a trace input, computed in one call.

use serde::{Deserialize, Serialize};

use super::broken::{self, BrokenReport};
use super::chains::{self, ChainReport, LogJoin};
use super::drill::{self, DrillNode, FlameNode};
use super::model::{TraceFormat, TraceSet};
use super::trace_index::Traces;

/// What was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceInput {
    pub spans: u64,
    pub formats: Vec<TraceFormat>,
    pub skipped: u64,
    pub skipped_examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceAnalysis {
    pub input: TraceInput,
    pub chains: ChainReport,
    pub broken: BrokenReport,
    /// error type → call path → HTTP status
    pub by_error_type: DrillNode,
    /// origin service → error type → origin operation
    pub by_service: DrillNode,
    /// icicle of the clustered chains
    pub flame: FlameNode,
}

/// Clusters, broken-trace report and drill-down data of `set`; `logs` joins log templates.
pub fn analyze(set: &TraceSet, logs: Option<&LogJoin>) -> TraceAnalysis {
    let traces = Traces::build(&set.spans);
    let chains = chains::cluster(&traces, logs);
    let broken = broken::report(&traces);
    TraceAnalysis {
        input: TraceInput {
            spans: set.spans.len() as u64,
            formats: set.formats.clone(),
            skipped: set.skipped,
            skipped_examples: set.skipped_examples.clone(),
        },
        by_error_type: drill::by_error_type(&chains),
        by_service: drill::by_service(&chains),
        flame: drill::flame(&chains),
        chains,
        broken,
    }
}
