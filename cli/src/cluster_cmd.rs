//! `refract cluster`: log template clusters and trace error-chain clusters.
//!
//! Two modes:
//! * `--format loghub` (the default when only `--logs` is given, without `--json`): each input
//!   line is one message; prints the CSV `LineId,ClusterId,Template` that Loghub's `score.py`
//!   reads, one row per input line (LineId is the 1-based line number). Templates are the *final*
//!   template of each cluster, so rows are written after the whole input was read; only the
//!   per-line cluster ids (4 bytes each) are kept meanwhile.
//! * `--format auto` (the default with `--traces`, `--header`, `--repo` or `--json`): log lines are parsed by
//!   `refract_core::logs` (JSON loggers, logfmt, klog, Go log, plain; `--header` for Loghub-style
//!   headers), streamed into template clusters; traces (OTLP/Jaeger/Zipkin JSON, CSV) are
//!   clustered by error chain and joined to the logs by trace id. Prints a summary, or the whole
//!   `ClusterReport` as JSON with `--json`. With `--repo`, every distinct line is explained
//!   (`refract_core::explain`) and each template cluster lists its code paths; a template whose
//!   lines took different paths is marked split.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use refract_core::cluster::{ClusterId, ClusterReport, ClusterRun, MinerConfig, TemplateMiner};
use refract_core::explain::ExplainOptions;
use refract_core::index::Index;
use refract_core::logs::ingest::IngestOptions;
use refract_core::logs::{HeaderFormat, ParseOptions};

use crate::repo::RepoArgs;

/// Input formats understood by `refract cluster`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One message per line (the `Content` column of a Loghub `*_structured.csv`, already
    /// extracted; no header fields are parsed off the line). Prints score.py's CSV.
    Loghub,
    /// Detect each line's format (JSON loggers, logfmt, klog, Go log, plain prefixes).
    Auto,
}

#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// Log files (`-` for stdin), streamed in order; malformed lines are listed per file.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub logs: Vec<PathBuf>,
    /// Trace file: OTLP JSON (also JSON Lines), Jaeger JSON, Zipkin v2 JSON or CSV.
    #[arg(long, value_name = "FILE")]
    pub traces: Option<PathBuf>,
    /// Log input format [default: loghub with only --logs, else auto].
    #[arg(long, value_enum)]
    pub format: Option<LogFormat>,
    /// Loghub-style header of the log lines, e.g. "<Date> <Time> <Level> <Component>: <Content>".
    #[arg(long, value_name = "FORMAT")]
    pub header: Option<String>,
    /// Repository (directory, .zip, .tar.gz): explain every log line and split each template
    /// cluster by the reconstructed code path (same template, different path → split shown).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Depth of the constant closure used with --repo.
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    /// Print the whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Clusters shown per section in the readable output.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

pub fn run(args: &ClusterArgs) -> anyhow::Result<()> {
    let format = args.format.unwrap_or(
        if args.json || args.traces.is_some() || args.header.is_some() || args.repo.is_some() {
            LogFormat::Auto
        } else {
            LogFormat::Loghub
        },
    );
    match format {
        LogFormat::Loghub => run_loghub(args),
        LogFormat::Auto => {
            let report = analyze(args)?;
            let mut out = BufWriter::new(io::stdout().lock());
            if args.json {
                serde_json::to_writer(&mut out, &report)?;
                writeln!(out)?;
            } else {
                crate::cluster_print::print(&report, args.top, &mut out)?;
            }
            out.flush()?;
            Ok(())
        }
    }
}

fn open(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    Ok(if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        Box::new(BufReader::with_capacity(1 << 16, f))
    })
}

fn run_loghub(args: &ClusterArgs) -> anyhow::Result<()> {
    if args.traces.is_some() || args.json || args.header.is_some() || args.repo.is_some() {
        bail!("--format loghub prints score.py's CSV for --logs only; use --format auto with --traces, --header, --repo or --json");
    }
    let [logs] = args.logs.as_slice() else {
        bail!("--format loghub needs exactly one --logs FILE");
    };
    let (miner, ids) = mine(open(logs)?).with_context(|| format!("reading {}", logs.display()))?;
    let stdout = io::stdout().lock();
    write_csv(&miner, &ids, BufWriter::with_capacity(1 << 16, stdout))?;
    Ok(())
}

/// Indexes the repository given to `--repo` (same loading rules as `refract trace`).
fn repo_index(repo: &Path, k: u32) -> anyhow::Result<Index> {
    if !repo.exists() {
        bail!("repository {} does not exist", repo.display());
    }
    let args = RepoArgs {
        repo: repo.to_path_buf(),
        include_tests: false,
        include_vendor: false,
        include_generated: false,
        max_file_bytes: 1024 * 1024,
    };
    Ok(args.index(k)?.1)
}

/// Reads the inputs named by `args` and computes the report (core's [`ClusterRun`], the same
/// sequence the web worker drives).
pub fn analyze(args: &ClusterArgs) -> anyhow::Result<ClusterReport> {
    if args.logs.is_empty() && args.traces.is_none() {
        bail!("nothing to cluster: give --logs FILE and/or --traces FILE");
    }
    let header = match &args.header {
        None => None,
        Some(h) => Some(HeaderFormat::parse(h).with_context(|| format!("--header {h:?}"))?),
    };
    let opts = IngestOptions {
        parse: ParseOptions { header },
        ..IngestOptions::default()
    };
    let index = match &args.repo {
        Some(repo) if !args.logs.is_empty() => Some(repo_index(repo, args.k)?),
        _ => None,
    };
    let explainer = index
        .as_ref()
        .map(|idx| crate::trace_cmd::explainer(idx, ExplainOptions::default()));
    let mut run = match &explainer {
        Some(ex) => ClusterRun::with_explainer(opts, ex),
        None => ClusterRun::new(opts),
    };
    for path in &args.logs {
        // Streamed through a 64 KiB buffer: a file of any size is never held whole.
        let mut input = open(path)?;
        run.begin_log_file(&if path.as_os_str() == "-" {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        });
        loop {
            let chunk = match input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            if chunk.is_empty() {
                break;
            }
            let len = chunk.len();
            run.feed_logs(chunk);
            input.consume(len);
        }
        // An empty file still yields a (empty) log half.
        run.feed_logs(&[]);
    }
    if let Some(path) = &args.traces {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if let Err(e) = run.add_traces(&bytes) {
            let hint = if bytes.windows(14).any(|w| w == b"\"resourceLogs\"") {
                " (this is an OTLP logs document: give it with --logs)"
            } else {
                ""
            };
            bail!("{}: {e}{hint}", path.display());
        }
    }
    Ok(run.finish())
}

/// Reads all lines and returns the miner and each line's cluster id.
/// (`--format loghub`: each line is one message, no parsing.)
pub fn mine(mut input: impl BufRead) -> io::Result<(TemplateMiner, Vec<ClusterId>)> {
    let mut miner = TemplateMiner::new(MinerConfig::default());
    let mut ids = Vec::new();
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let mut line = buf.as_slice();
        if let Some(l) = line.strip_suffix(b"\n") {
            line = l;
        }
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        let msg = String::from_utf8_lossy(line);
        ids.push(miner.add(&msg));
    }
    Ok((miner, ids))
}

/// Writes `LineId,ClusterId,Template` rows (RFC 4180 quoting).
pub fn write_csv(miner: &TemplateMiner, ids: &[ClusterId], mut out: impl Write) -> io::Result<()> {
    let templates: Vec<String> = miner.clusters().map(|c| csv_field(&c.template())).collect();
    writeln!(out, "LineId,ClusterId,Template")?;
    for (i, id) in ids.iter().enumerate() {
        let t = templates.get(id.0 as usize).map_or("", String::as_str);
        writeln!(out, "{},{},{}", i + 1, id.0, t)?;
    }
    out.flush()
}

/// Quotes a CSV field if it holds a comma, quote, CR/LF or leading/trailing space.
pub fn csv_field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("a b"), "a b");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn mines_and_writes() {
        let input = "Invalid user a from 1.2.3.4\r\nInvalid user b from 1.2.3.5\nx, \"y\"\n";
        let (m, ids) = mine(input.as_bytes()).expect("in-memory read");
        let mut out = Vec::new();
        write_csv(&m, &ids, &mut out).expect("in-memory write");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "LineId,ClusterId,Template\n1,0,Invalid user <*> from <*>\n2,0,Invalid user <*> from <*>\n3,1,\"x, \"\"<*>\"\"\"\n"
        );
    }
}
