//! The miner on real Loghub-2k data from the shared folder (`$REFRACT_SHARED` or `../shared`).

mod common;

use std::collections::HashMap;

use common::loghub_csv::{corrected_csv, read_structured, shared_dir};
use refract_core::cluster::{MinerConfig, TemplateMiner};

/// (clusters, grouping accuracy) of the default miner on one dataset.
fn run(dataset: &str) -> (usize, f64) {
    let shared =
        shared_dir().expect("Loghub data not found: set REFRACT_SHARED to the shared/ folder");
    let rows = read_structured(&corrected_csv(&shared, dataset)).expect("read Loghub CSV");
    assert_eq!(rows.len(), 2000);
    let mut m = TemplateMiner::new(MinerConfig::default());
    let ids: Vec<u32> = rows.iter().map(|(c, _)| m.add(c).0).collect();
    // Grouping accuracy as in score.py: a line is right iff its cluster == its true group.
    let mut pred: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut truth: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (id, (_, t))) in ids.iter().zip(&rows).enumerate() {
        pred.entry(*id).or_default().push(i);
        truth.entry(t.as_str()).or_default().push(i);
    }
    let correct: usize = pred
        .values()
        .filter(|members| truth[rows[members[0]].1.as_str()] == **members)
        .map(Vec::len)
        .sum();
    (m.len(), correct as f64 / rows.len() as f64)
}

#[test]
fn linux_2k_cluster_count() {
    let (clusters, ga) = run("Linux");
    // Measured: 114 clusters (118 true groups), GA 0.7540.
    assert!((112..=116).contains(&clusters), "{clusters} clusters");
    assert!(ga >= 0.75, "GA {ga}");
}

#[test]
fn hdfs_2k_is_exact() {
    let (clusters, ga) = run("HDFS");
    assert_eq!(clusters, 14);
    assert_eq!(ga, 1.0);
}
