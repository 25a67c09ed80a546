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
    #[arg(long, conflicts_with = "logs", required_unless_present_any = ["logs", "bench"])]
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
    /// Benchmark instead of printing: time N lines (those of --logs, then lines rendered from
    /// the repository's templates) and print p50/p99 as JSON.
    #[arg(long, value_name = "N")]
    pub bench: Option<usize>,
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
    if let Some(n) = args.bench {
        return bench(args, n);
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

/// `--bench N`: index once, then time `explain_line` per line.
fn bench(args: &Args, n: usize) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let (_, idx) = args.repo.index(args.k)?;
    let index_ms = start.elapsed().as_secs_f64() * 1e3;
    let start = std::time::Instant::now();
    let ex = explainer(&idx, ExplainOptions::default());
    let matcher_ms = start.elapsed().as_secs_f64() * 1e3;
    let mut lines: Vec<String> = match &args.logs {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read {}", p.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    lines.truncate(n);
    let from_file = lines.len();
    lines.extend(ex.sample_lines(n - lines.len()));
    let mut timed: Vec<(f64, &str)> = Vec::with_capacity(lines.len());
    let mut explained = 0usize;
    for l in &lines {
        let t = std::time::Instant::now();
        let e = explain_line(&ex, l);
        timed.push((t.elapsed().as_secs_f64() * 1e3, l));
        explained += usize::from(e.root.is_some());
    }
    timed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let ms: Vec<f64> = timed.iter().map(|t| t.0).collect();
    let slowest: Vec<serde_json::Value> = timed
        .iter()
        .rev()
        .take(3)
        .map(|(t, l)| serde_json::json!({"ms": t, "line": l.chars().take(200).collect::<String>()}))
        .collect();
    let pct = |p: f64| {
        ms.get(((ms.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "{}",
        serde_json::json!({
            "lines": ms.len(), "from_file": from_file, "explained": explained,
            "templates": ex.templates(), "index_ms": index_ms, "matcher_build_ms": matcher_ms,
            "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": ms.last().copied().unwrap_or(0.0),
            "slowest": slowest,
        })
    );
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
