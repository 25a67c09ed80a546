//! Throughput of the template miner (a measurement, not a test):
//! `cargo run --release -p refract-core --example cluster_bench [target_lines]`
//!
//! Builds ~1M messages by repeating the Content column of the four labelled Loghub-2k sets
//! (HDFS, Zookeeper, OpenSSH, Linux; from `$REFRACT_SHARED` or `../../shared`) and times
//! `TemplateMiner::add` over all of them with one miner.

#[path = "../tests/common/loghub_csv.rs"]
mod loghub_csv;

use std::time::Instant;

use refract_core::cluster::{MinerConfig, TemplateMiner};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target: usize = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 1_000_000,
    };
    let shared = loghub_csv::shared_dir().ok_or("no shared data dir (set REFRACT_SHARED)")?;
    let mut base = Vec::new();
    for d in ["HDFS", "Zookeeper", "OpenSSH", "Linux"] {
        let rows = loghub_csv::read_structured(&loghub_csv::corrected_csv(&shared, d))?;
        base.extend(rows.into_iter().map(|(c, _)| c));
    }
    let lines: Vec<&str> = base
        .iter()
        .map(String::as_str)
        .cycle()
        .take(target)
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();

    for round in 0..3 {
        let mut m = TemplateMiner::new(MinerConfig::default());
        let t = Instant::now();
        let mut check = 0u64;
        for l in &lines {
            check = check.wrapping_add(u64::from(m.add(l).0));
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "round {round}: {} lines, {:.1} MB in {:.3} s = {:.2} M lines/s, {:.0} MB/s; {} clusters (checksum {check})",
            lines.len(),
            bytes as f64 / 1e6,
            s,
            lines.len() as f64 / s / 1e6,
            bytes as f64 / s / 1e6,
            m.len()
        );
    }
    Ok(())
}
