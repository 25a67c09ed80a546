//! The bridge from the explain engine to clustering: a log record → its best reconstructed
//! path, as the [`CodePath`] key that splits template clusters.

use super::log_clusters::{CodePath, PathHop};
use crate::explain::{Explainer, LogInput};
use crate::logs::LogRecord;

/// The best path of `rec` (logging function first, root cause last); `None` if no template of
/// the repository explains it.
pub fn code_path(ex: &Explainer<'_>, rec: &LogRecord) -> Option<CodePath> {
    let e = ex.explain(LogInput {
        message: &rec.message,
        error: rec.error.as_deref(),
        caller: rec.caller.as_ref().map(|c| (c.file.as_str(), c.line)),
    });
    let best = e.paths.into_iter().next()?;
    Some(CodePath {
        hops: best
            .hops
            .into_iter()
            .map(|h| PathHop {
                func: h.func,
                file: h.file,
                line: h.line,
                kind: h.kind.as_str().to_owned(),
            })
            .collect(),
    })
}
