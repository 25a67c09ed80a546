//! `refract bench-cluster`: throughput of log template mining and of trace clustering on
//! generated inputs of a given size. `cargo xtask bench` runs it; no timing assertions.
//!
//! Logs: the `Content` column of the four Loghub-2k sets (HDFS, Zookeeper, OpenSSH, Linux),
//! repeated to `--lines` lines with every digit replaced by a pseudo-random one, so values vary
//! as in a real log. Timed: the bare miner (`TemplateMiner::add`), and the whole log path
//! (bytes → `logs::ingest` → `parse_line` → `LogClusterer`).
//! Traces: `--traces` traces of `--spans-per-trace` spans as OTLP JSON Lines (one object per
//! trace), 10% failing along one of five chains. Timed: `parse_traces` and `traces::analyze`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use refract_core::cluster::{LogClusterer, MinerConfig, TemplateMiner};
use refract_core::logs::ingest::{ingest, IngestOptions};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shared Loghub folder (holding HDFS/, Zookeeper/, OpenSSH/, Linux/).
    #[arg(long, value_name = "DIR")]
    pub loghub: PathBuf,
    #[arg(long, default_value_t = 1_000_000)]
    pub lines: usize,
    #[arg(long, default_value_t = 100_000)]
    pub traces: usize,
    #[arg(long, default_value_t = 10)]
    pub spans_per_trace: usize,
    /// Repetitions; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
    #[arg(long)]
    pub json: bool,
    /// Also write the generated log (one line per message) here, for the in-browser benchmark
    /// to read the same input.
    #[arg(long, value_name = "FILE")]
    pub write_logs: Option<PathBuf>,
    /// Also write the generated OTLP JSON Lines traces here.
    #[arg(long, value_name = "FILE")]
    pub write_traces: Option<PathBuf>,
}

const SETS: [&str; 4] = ["HDFS", "Zookeeper", "OpenSSH", "Linux"];

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn contents(loghub: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for set in SETS {
        let p = loghub
            .join(set)
            .join(format!("{set}_2k.log_structured.csv"));
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        let mut lines = text.lines();
        let header = refract_core::traces::csv::split(lines.next().unwrap_or(""));
        let Some(col) = header.iter().position(|h| h == "Content") else {
            bail!("{}: no Content column", p.display());
        };
        for (i, l) in lines.enumerate() {
            let row = refract_core::traces::csv::split(l);
            match row.get(col) {
                Some(c) => out.push(c.clone()),
                None => bail!("{}:{}: row has no Content field", p.display(), i + 2),
            }
        }
    }
    Ok(out)
}

fn vary(base: &str, rng: &mut Rng) -> String {
    base.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                (b'0' + (rng.next() % 10) as u8) as char
            } else {
                c
            }
        })
        .collect()
}

/// OTLP JSON Lines: one `{"resourceSpans": [...]}` per trace, one resource per span.
fn otlp_traces(traces: usize, per: usize) -> String {
    const SERVICES: [&str; 6] = [
        "frontend",
        "checkout",
        "payment",
        "cart",
        "inventory",
        "shipping",
    ];
    const CHAINS: [(&str, &str); 5] = [
        ("payment", "CardDeclined"),
        ("inventory", "NotFound"),
        ("cart", "RedisTimeout"),
        ("shipping", "HTTP 503"),
        ("checkout", "context.DeadlineExceeded"),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut s = String::with_capacity(traces * per * 260);
    let t0: u64 = 1_700_000_000_000_000_000;
    for t in 0..traces {
        let fail = rng
            .next()
            .is_multiple_of(10)
            .then(|| CHAINS[(rng.next() % 5) as usize]);
        let start = t0 + t as u64 * 1_000_000;
        s.push_str("{\"resourceSpans\":[");
        for i in 0..per {
            let service = if i == 0 {
                "frontend"
            } else {
                SERVICES[1 + (i - 1) % 5]
            };
            let parent = if i == 0 { 0 } else { (i - 1) / 2 + 1 };
            let dur = 1_000_000 + rng.next() % 50_000_000;
            let err = fail.filter(|(svc, _)| *svc == service || i == 0);
            if i > 0 {
                s.push(',');
            }
            let _ = write!(
                s,
                "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{service}\"}}}}]}},\
                 \"scopeSpans\":[{{\"scope\":{{}},\"spans\":[{{\"traceId\":\"{:032x}\",\"spanId\":\"{:016x}\",\"parentSpanId\":\"{}\",\
                 \"name\":\"{service}.op{}\",\"kind\":2,\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"",
                (t + 1) as u64,
                (t * per + i + 1) as u64,
                if parent == 0 { String::new() } else { format!("{:016x}", (t * per + parent) as u64) },
                i % 3,
                start + i as u64 * 1000,
                start + i as u64 * 1000 + dur,
            );
            match err {
                Some((_, kind)) if i > 0 => {
                    let _ = write!(
                        s,
                        ",\"status\":{{\"code\":2}},\"events\":[{{\"name\":\"exception\",\"attributes\":[{{\"key\":\"exception.type\",\"value\":{{\"stringValue\":\"{kind}\"}}}}]}}]"
                    );
                }
                Some(_) => s.push_str(",\"attributes\":[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"500\"}}],\"status\":{\"code\":2}"),
                None => {}
            }
            s.push_str("}]}]}");
        }
        s.push_str("]}\n");
    }
    s
}

fn best<T>(runs: u32, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(v);
    }
    (best, last.expect("at least one run"))
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let base = contents(&args.loghub)?;
    anyhow::ensure!(
        !base.is_empty(),
        "no Loghub lines under {}",
        args.loghub.display()
    );
    let mut rng = Rng(42);
    let lines: Vec<String> = (0..args.lines)
        .map(|i| vary(&base[i % base.len()], &mut rng))
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();

    let (mine_s, clusters) = best(args.runs, || {
        let mut m = TemplateMiner::new(MinerConfig::default());
        for l in &lines {
            m.add(l);
        }
        m.len()
    });

    let mut text = String::with_capacity(bytes);
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    drop(lines);
    if let Some(p) = &args.write_logs {
        std::fs::write(p, &text).with_context(|| format!("writing {}", p.display()))?;
    }
    let (ingest_s, ingest_clusters) = best(args.runs, || {
        let mut c = LogClusterer::new(MinerConfig::default());
        let rep = ingest(text.as_bytes(), IngestOptions::default(), |n, r| {
            c.add(n, &r);
        });
        rep.map(|_| c.finish().0.clusters.len())
    });
    let ingest_clusters = ingest_clusters?;
    drop(text);

    let json = otlp_traces(args.traces, args.spans_per_trace);
    let json_bytes = json.len();
    if let Some(p) = &args.write_traces {
        std::fs::write(p, &json).with_context(|| format!("writing {}", p.display()))?;
    }
    let (parse_s, set) = best(args.runs, || {
        refract_core::traces::parse_traces(json.as_bytes())
    });
    let set = set?;
    drop(json);
    let (analyze_s, analysis) = best(args.runs, || refract_core::traces::analyze(&set, None));

    let report = serde_json::json!({
        "logs": {
            "lines": args.lines,
            "mb": bytes as f64 / 1e6,
            "templates": clusters,
            "mine_s": mine_s,
            "mine_lines_per_s": args.lines as f64 / mine_s,
            "ingest_parse_cluster_s": ingest_s,
            "ingest_parse_cluster_lines_per_s": args.lines as f64 / ingest_s,
            "ingest_clusters": ingest_clusters,
        },
        "traces": {
            "traces": args.traces,
            "spans": set.spans.len(),
            "otlp_json_mb": json_bytes as f64 / 1e6,
            "parse_s": parse_s,
            "analyze_s": analyze_s,
            "total_s": parse_s + analyze_s,
            "spans_per_s": set.spans.len() as f64 / (parse_s + analyze_s),
            "error_traces": analysis.chains.error_traces,
            "error_chain_clusters": analysis.chains.clusters.len(),
            "complete_share": analysis.broken.complete_share,
        },
        "runs": args.runs,
    });
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{report:#}");
    }
    Ok(())
}
