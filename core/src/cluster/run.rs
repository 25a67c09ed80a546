//! One clustering run, fed incrementally: log bytes in chunks, trace files whole, then the
//! [`ClusterReport`].
//!
//! Why a type of its own: `refract cluster --json` and the web worker must compute the same
//! report, and the worker gets its input as chunks it reports progress on, while the CLI streams
//! from a reader. Both drive this one sequence (ingest → template clusters → trace analysis
//! joined by trace id → report), so no step can differ between them.

use super::drain::MinerConfig;
use super::log_clusters::LogClusterer;
use super::report::{ClusterReport, LogAnalysis};
use crate::logs::ingest::{IngestOptions, Ingester};
use crate::traces::{self, TraceError, TraceSet};

/// A run in progress. `'p` is the lifetime of the code-path function (the explainer it calls).
pub struct ClusterRun<'p> {
    ingester: Option<Ingester>,
    clusterer: LogClusterer<'p>,
    code_paths: bool,
    saw_logs: bool,
    traces: Option<TraceSet>,
}

impl<'p> ClusterRun<'p> {
    /// A run without code paths.
    pub fn new(opts: IngestOptions) -> ClusterRun<'p> {
        ClusterRun {
            ingester: Some(Ingester::new(opts)),
            clusterer: LogClusterer::new(MinerConfig::default()),
            code_paths: false,
            saw_logs: false,
            traces: None,
        }
    }

    /// A run whose log clusters are split by the reconstructed code path of their lines.
    pub fn with_explainer(
        opts: IngestOptions,
        ex: &'p crate::explain::Explainer<'p>,
    ) -> ClusterRun<'p> {
        let mut run = ClusterRun::new(opts);
        run.clusterer = run
            .clusterer
            .with_paths(move |rec, _| super::code_path::code_path(ex, rec));
        run.code_paths = true;
        run
    }

    /// Feeds a chunk of log bytes (chunks may split lines anywhere). Calling it at all makes the
    /// report have a log half.
    pub fn feed_logs(&mut self, chunk: &[u8]) {
        let Self {
            ingester,
            clusterer,
            ..
        } = self;
        if let Some(ing) = ingester.as_mut() {
            ing.feed(chunk, &mut |n, rec| {
                clusterer.add(n, &rec);
            });
        }
        self.saw_logs = true;
    }

    /// Starts the next named log file: malformed lines are then reported with its name and
    /// their line number in it, and a last line without newline of the previous file is ended.
    pub fn begin_log_file(&mut self, name: &str) {
        let Self {
            ingester,
            clusterer,
            ..
        } = self;
        if let Some(ing) = ingester.as_mut() {
            ing.begin_file(name, &mut |n, rec| {
                clusterer.add(n, &rec);
            });
        }
        self.saw_logs = true;
    }

    /// Log bytes consumed so far.
    pub fn log_bytes(&self) -> u64 {
        self.ingester.as_ref().map_or(0, |i| i.report().bytes)
    }

    /// Adds one trace file (any supported format); several files are analysed as one set.
    pub fn add_traces(&mut self, bytes: &[u8]) -> Result<(), TraceError> {
        let set = traces::parse_traces(bytes)?;
        match self.traces.as_mut() {
            None => self.traces = Some(set),
            Some(all) => {
                all.spans.extend(set.spans);
                for f in set.formats {
                    if !all.formats.contains(&f) {
                        all.formats.push(f);
                    }
                }
                all.skipped += set.skipped;
                let room = 5usize.saturating_sub(all.skipped_examples.len());
                all.skipped_examples
                    .extend(set.skipped_examples.into_iter().take(room));
            }
        }
        Ok(())
    }

    /// Spans read so far.
    pub fn spans(&self) -> usize {
        self.traces.as_ref().map_or(0, |t| t.spans.len())
    }

    /// Finishes the log half (flushing a last line without newline), clusters the traces joined
    /// to the logs by trace id, and assembles the report.
    pub fn finish(self) -> ClusterReport {
        let ClusterRun {
            ingester,
            mut clusterer,
            code_paths,
            traces,
            saw_logs,
        } = self;
        let mut join = None;
        let logs = match ingester {
            Some(ing) if saw_logs => {
                let report = ing.finish(&mut |n, rec| {
                    clusterer.add(n, &rec);
                });
                let templates = clusterer.miner().len();
                let (lc, j) = clusterer.finish();
                let trace_join_dropped = j.dropped;
                join = Some(j);
                Some(LogAnalysis {
                    ingest: report,
                    templates,
                    code_paths,
                    clusters: lc.clusters,
                    histogram: lc.histogram,
                    trace_join_dropped,
                })
            }
            _ => None,
        };
        let traces = traces.map(|set| {
            let j = join.as_ref().filter(|j| !j.is_empty());
            traces::analyze(&set, j)
        });
        ClusterReport::new(logs, traces)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
{\"level\":\"error\",\"msg\":\"charge failed\",\"error\":\"card 1234 declined\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\"}
{\"level\":\"error\",\"msg\":\"charge failed\",\"error\":\"card 9876 declined\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319d\"}
{\"level\":\"warn\",\"msg\":\"slow request took 3s\"}
{not json
";

    #[test]
    fn chunked_feeding_equals_one_chunk() {
        let mut whole = ClusterRun::new(IngestOptions::default());
        whole.feed_logs(LOG.as_bytes());
        let whole = whole.finish();
        let mut parts = ClusterRun::new(IngestOptions::default());
        for c in LOG.as_bytes().chunks(7) {
            parts.feed_logs(c);
        }
        assert_eq!(parts.log_bytes(), LOG.len() as u64);
        let parts = parts.finish();
        assert_eq!(whole, parts);
        let logs = parts.logs.expect("logs were fed");
        assert_eq!(logs.ingest.records, 4);
        assert_eq!(logs.ingest.malformed_count, 1);
        assert_eq!(logs.ingest.malformed[0].line, 4);
        assert!(logs.clusters.iter().any(|c| c.count == 2));
        assert!(parts.traces.is_none());
    }

    #[test]
    fn traces_only_and_bad_traces() {
        let mut run = ClusterRun::new(IngestOptions::default());
        assert!(run.add_traces(b"   ").is_err());
        let csv = "TraceID,SpanID,ParentID,service,operation,start,end\n\
                   t1,a,,gw,GET /,0,10\nt1,b,a,api,call,1,5\nt2,c,x,api,call,1,5\n";
        run.add_traces(csv.as_bytes()).expect("csv traces");
        run.add_traces(csv.as_bytes()).expect("csv traces again");
        assert_eq!(run.spans(), 6);
        let r = run.finish();
        assert!(r.logs.is_none());
        let t = r.traces.expect("traces were added");
        assert_eq!(t.input.spans, 6);
        assert_eq!(t.broken.traces, 2);
    }
}
