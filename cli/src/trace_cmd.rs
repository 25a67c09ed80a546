//! `refract trace`: explain log lines — the logging function, every function the error passed
//! through, and the root cause.
//!
//! Contract (other tools read it): `--log LINE [--json]` prints one explanation; `--logs FILE
//! --json` prints JSON Lines, one object per input line in order, with the index built once.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use refract_core::explain::{ExplainOptions, Explainer, Explanation};
use refract_core::index::Index;

use crate::repo::RepoArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// One log line to explain.
    #[arg(long, conflicts_with = "logs", required_unless_present = "logs")]
    pub log: Option<String>,
    /// A file of log lines, one per line.
    #[arg(long)]
    pub logs: Option<PathBuf>,
    /// Depth of the constant closure.
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    /// Print JSON (JSON Lines with `--logs`).
    #[arg(long)]
    pub json: bool,
    /// Candidate functions listed per line.
    #[arg(long, default_value_t = 50)]
    pub max_candidates: usize,
    /// Minimum similarity of a fuzzy candidate.
    #[arg(long, default_value_t = 0.8)]
    pub fuzzy_threshold: f64,
}

/// The explainer over an index, with the options of the command line.
pub fn explainer<'a>(idx: &'a Index, opts: ExplainOptions) -> Explainer<'a> {
    Explainer::new(&idx.program, &idx.closure, opts).with_externals(idx.externals.clone())
}

/// Explains one raw log line (as it appears in a log file).
pub fn explain_line(ex: &Explainer<'_>, line: &str) -> Explanation {
    ex.explain_line(line)
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(l) = &args.log {
        if l.trim().is_empty() {
            bail!("--log is empty: give the log line to explain");
        }
    }
    if !args.repo.repo.exists() {
        bail!("repository {} does not exist", args.repo.repo.display());
    }
    let lines: Box<dyn Iterator<Item = anyhow::Result<String>>> = match (&args.log, &args.logs) {
        (Some(l), _) => Box::new(std::iter::once(Ok(l.clone()))),
        (None, Some(path)) => {
            let f = std::fs::File::open(path)
                .with_context(|| format!("cannot open log file {}", path.display()))?;
            let path = path.clone();
            Box::new(
                std::io::BufReader::new(f)
                    .lines()
                    .enumerate()
                    .map(move |(i, r)| {
                        r.with_context(|| format!("{}:{}: cannot read line", path.display(), i + 1))
                    }),
            )
        }
        (None, None) => bail!("give --log LINE or --logs FILE"),
    };
    let (_, idx) = args.repo.index(args.k)?;
    let ex = explainer(
        &idx,
        ExplainOptions {
            max_candidates: args.max_candidates,
            fuzzy_threshold: args.fuzzy_threshold,
            ..ExplainOptions::default()
        },
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in lines {
        let line = line?;
        let e = explain_line(&ex, &line);
        if args.json {
            serde_json::to_writer(&mut out, &e)?;
            writeln!(out)?;
        } else {
            print_readable(&mut out, &e)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn print_readable(out: &mut impl Write, e: &Explanation) -> std::io::Result<()> {
    let shown: String = e.log.chars().take(300).collect();
    writeln!(out, "log: {shown}")?;
    if let Some(n) = &e.note {
        writeln!(out, "note: {n}")?;
    }
    for (i, p) in e.paths.iter().enumerate() {
        writeln!(out, "path {} (score {:.3}):", i + 1, p.score)?;
        for h in &p.hops {
            let site = h
                .site
                .as_ref()
                .map(|s| format!("  [{}:{}]", s.file, s.line))
                .unwrap_or_default();
            let text = h
                .text
                .as_ref()
                .map(|t| format!("  {t:?}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<16} {}  {}:{}{site}{text}",
                h.kind.as_str(),
                h.func,
                h.file,
                h.line
            )?;
        }
    }
    match &e.root {
        Some(r) => {
            write!(out, "root cause: {}  {}:{}", r.func, r.file, r.line)?;
            if let Some(x) = &r.external_origin {
                write!(out, "  (external: {x})")?;
            }
            if let Some(s) = &r.sentinel {
                write!(out, "  (sentinel: {s})")?;
            }
            writeln!(out)?;
        }
        None => {
            writeln!(out, "no template matched")?;
            if !e.candidates.is_empty() {
                writeln!(out, "nearest candidates:")?;
                for c in e.candidates.iter().take(10) {
                    writeln!(
                        out,
                        "  {:.3}  {}  {}:{}  {:?}",
                        c.score, c.func, c.site.file, c.site.line, c.template
                    )?;
                }
            }
        }
    }
    writeln!(out)
}
