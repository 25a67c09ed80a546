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
    /// Run only one side: `parse` (the bare parse), `index` (the pipeline) or `load` (neither:
    /// the cost both share), e.g. to count instructions of each under callgrind.
    #[arg(long, value_enum)]
    pub only: Option<Only>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    Load,
    Parse,
    Index,
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
    let (parse, index) = match args.only {
        None => (true, true),
        Some(Only::Load) => (false, false),
        Some(Only::Parse) => (true, false),
        Some(Only::Index) => (false, true),
    };
    for _ in 0..args.runs.max(1) {
        if parse {
            let t = Instant::now();
            let nodes = refract_core::index::parse_only(&files.files);
            bare = bare.min(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(
                nodes > 0,
                "no Go syntax nodes parsed in {}",
                args.repo.repo.display()
            );
        }
        if !index {
            continue;
        }
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
    // Sides not run (`--only`) are reported as null.
    let bare = parse.then_some(bare);
    let total = index.then_some(total);
    let mb_per_s = |ms: Option<f64>| ms.map(|ms| bytes as f64 / 1e6 / (ms / 1000.0));
    let report = serde_json::json!({
        "repo": args.repo.repo.display().to_string(),
        "threads": threads,
        "go_files": files.files.iter().filter(|f| f.path.ends_with(".go")).count(),
        "bytes": bytes,
        "functions": functions,
        "load_ms": load_ms,
        "bare_parse_ms": bare,
        "index_ms": total,
        "stages_ms": index.then_some(best),
        "index_over_bare_parse": bare.zip(total).map(|(b, t)| t / b),
        "mb_per_s": mb_per_s(total),
        "bare_parse_mb_per_s": mb_per_s(bare),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{report:#}");
    }
    Ok(())
}
