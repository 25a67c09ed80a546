//! The JSON of `refract trace --json` (one object per log line), as the explain engine emits it.
//! The raw object is kept beside the typed view so exports and the embedding API hand it on
//! unchanged.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub raw: serde_json::Value,
    pub view: TraceView,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct TraceView {
    pub log: String,
    #[serde(default)]
    pub paths: Vec<PathView>,
    pub root: Option<Root>,
    #[serde(default)]
    pub candidates: Vec<serde_json::Value>,
    /// Why there is no path, or what was done to the input.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PathView {
    pub score: f64,
    pub hops: Vec<Hop>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hop {
    pub func: String,
    pub file: String,
    pub line: u32,
    pub kind: String,
    pub text: Option<String>,
    pub site: Option<Site>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Site {
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Root {
    pub func: String,
    pub file: String,
    pub line: u32,
    pub external_origin: Option<String>,
}

impl Trace {
    pub fn from_value(raw: serde_json::Value) -> Result<Trace, String> {
        let view = serde_json::from_value(raw.clone())
            .map_err(|e| format!("explain result has an unexpected shape: {e}"))?;
        Ok(Trace { raw, view })
    }
}

/// Where each hop's text sits in the log line: `(start, end, hop index)`, left to right,
/// non-overlapping (a hop's text is searched after the previous hop's).
pub fn segments(log: &str, hops: &[Hop]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    for (i, h) in hops.iter().enumerate() {
        let Some(t) = h.text.as_deref().filter(|t| !t.is_empty()) else {
            continue;
        };
        // A logger's text may carry the ": " that joins it to the error, which a structured log
        // line prints apart (`"failed" err="…"`): fall back to the text without it.
        let trimmed = t.trim_end_matches([':', ' ']);
        let found = [t, trimmed]
            .into_iter()
            .filter(|x| !x.is_empty())
            .find_map(|x| Some((log.get(from..)?.find(x)?, x.len())));
        if let Some((pos, len)) = found {
            let start = from + pos;
            out.push((start, start + len, i));
            from = start + len;
        }
    }
    out
}

/// A Markdown rendering of one explained line for an incident ticket.
pub fn markdown(t: &TraceView, path: usize) -> String {
    let mut s = format!("**Log line**\n\n```\n{}\n```\n\n", t.log);
    match t.paths.get(path) {
        Some(p) => {
            s.push_str(&format!("**Propagation path** (score {:.2})\n\n", p.score));
            for (i, h) in p.hops.iter().enumerate() {
                let at = h
                    .site
                    .as_ref()
                    .map(|x| format!(" (at {}:{})", x.file, x.line))
                    .unwrap_or_default();
                let text = h
                    .text
                    .as_deref()
                    .map(|x| format!(" — contributed `{x}`"))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{}. `{}` {} `{}:{}`{}{}\n",
                    i + 1,
                    h.func,
                    h.kind,
                    h.file,
                    h.line,
                    at,
                    text
                ));
            }
        }
        None => s.push_str("No propagation path was found.\n"),
    }
    if let Some(r) = &t.root {
        s.push_str(&format!(
            "\n**Root cause**: `{}` at `{}:{}`",
            r.func, r.file, r.line
        ));
        if let Some(x) = &r.external_origin {
            s.push_str(&format!(" (error from `{x}`)"));
        }
        s.push('\n');
    }
    s
}
