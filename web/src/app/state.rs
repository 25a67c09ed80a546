//! The UI's reactive state: one `Copy` bundle of signals shared by every view.

use leptos::prelude::*;
use refract_core::query::{ClosureEntry, FuncSummary, Neighbourhood, Overview};

use super::trace::Trace;

/// Where the analysis stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Idle,
    Running,
    Ready,
    Cancelled,
    /// A worker failed or died; the message says which and why.
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Explain,
    Functions,
    Clusters,
}

/// A file shown in the source view, with the lines to mark.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    pub path: String,
    pub text: Option<String>,
    /// The format call's (or call site's) line.
    pub mark: Option<u32>,
    /// The function's first and last line.
    pub span: Option<(u32, u32)>,
    /// Text contributed at the marked line, highlighted where it occurs there.
    pub fragment: Option<String>,
}

#[derive(Clone, Copy)]
pub struct Ui {
    pub phase: RwSignal<Phase>,
    /// (done, total) per [`crate::protocol::Stage`].
    pub progress: RwSignal<[(u32, u32); 4]>,
    pub repo_name: RwSignal<Option<String>>,
    pub overview: RwSignal<Option<Overview>>,
    pub elapsed_ms: RwSignal<Option<f64>>,
    pub logs: RwSignal<String>,
    pub notes: RwSignal<Vec<String>>,
    pub tab: RwSignal<Tab>,
    pub query: RwSignal<String>,
    pub hits: RwSignal<Vec<FuncSummary>>,
    pub selected: RwSignal<Option<FuncSummary>>,
    pub neighbourhood: RwSignal<Option<Neighbourhood>>,
    pub closure: RwSignal<Vec<ClosureEntry>>,
    pub source: RwSignal<Option<SourceView>>,
    pub traces: RwSignal<Vec<Trace>>,
    pub explaining: RwSignal<bool>,
    pub current: RwSignal<usize>,
    pub hop: RwSignal<Option<usize>>,
    pub alt_path: RwSignal<usize>,
    pub embed: bool,
}

impl Ui {
    pub fn new(embed: bool) -> Ui {
        Ui {
            phase: RwSignal::new(Phase::Idle),
            progress: RwSignal::new([(0, 0); 4]),
            repo_name: RwSignal::new(None),
            overview: RwSignal::new(None),
            elapsed_ms: RwSignal::new(None),
            logs: RwSignal::new(String::new()),
            notes: RwSignal::new(Vec::new()),
            tab: RwSignal::new(Tab::Overview),
            query: RwSignal::new(String::new()),
            hits: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            neighbourhood: RwSignal::new(None),
            closure: RwSignal::new(Vec::new()),
            source: RwSignal::new(None),
            traces: RwSignal::new(Vec::new()),
            explaining: RwSignal::new(false),
            current: RwSignal::new(0),
            hop: RwSignal::new(None),
            alt_path: RwSignal::new(0),
            embed,
        }
    }

    /// Forget the previous repository's results (inputs are kept).
    pub fn reset_results(&self) {
        self.progress.set([(0, 0); 4]);
        self.overview.set(None);
        self.elapsed_ms.set(None);
        self.hits.set(Vec::new());
        self.selected.set(None);
        self.neighbourhood.set(None);
        self.closure.set(Vec::new());
        self.source.set(None);
        self.traces.set(Vec::new());
        self.hop.set(None);
    }

    /// The non-empty lines of the log box.
    pub fn log_lines(&self) -> Vec<String> {
        self.logs
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}
