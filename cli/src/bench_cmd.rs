//! `refract bench`: the pipeline's time per stage against a bare tree-sitter parse of the same
//! files, in the same process. `cargo xtask bench` runs it and adds peak memory.

use std::time::Instant;

use crate::repo::RepoArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    /// Repetitions; the best of each is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let t = Instant::now();
    let files = args.repo.load()?;
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let bytes: usize = files
        .files
        .iter()
        .filter(|f| f.path.ends_with(".go"))
        .map(|f| f.text.len())
        .sum();
    let mut bare = f64::MAX;
    let mut best = refract_core::index::StageTimings {
        parse_ms: f64::MAX,
        link_ms: f64::MAX,
        closure_ms: f64::MAX,
    };
    let mut total = f64::MAX;
    let mut functions = 0;
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        let nodes = refract_core::index::parse_only(&files.files);
        bare = bare.min(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(
            nodes > 0,
            "no Go syntax nodes parsed in {}",
            args.repo.repo.display()
        );
        let t = Instant::now();
        let idx = refract_core::index::index(
            &files,
            &refract_core::index::IndexOptions {
                k: args.k,
                ..Default::default()
            },
        );
        total = total.min(t.elapsed().as_secs_f64() * 1000.0);
        best.parse_ms = best.parse_ms.min(idx.timings.parse_ms);
        best.link_ms = best.link_ms.min(idx.timings.link_ms);
        best.closure_ms = best.closure_ms.min(idx.timings.closure_ms);
        functions = idx.program.funcs.len();
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let report = serde_json::json!({
        "repo": args.repo.repo.display().to_string(),
        "threads": threads,
        "go_files": files.files.iter().filter(|f| f.path.ends_with(".go")).count(),
        "bytes": bytes,
        "functions": functions,
        "load_ms": load_ms,
        "bare_parse_ms": bare,
        "index_ms": total,
        "stages_ms": best,
        "index_over_bare_parse": total / bare,
        "mb_per_s": bytes as f64 / 1e6 / (total / 1000.0),
        "bare_parse_mb_per_s": bytes as f64 / 1e6 / (bare / 1000.0),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{report:#}");
    }
    Ok(())
}
