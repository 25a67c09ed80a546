//! `refract`: the command line over refract-core, for CI, batch work and benchmarks.
//!
//! Each subcommand is a module with an `Args` struct and a `run`; this file only dispatches.

mod bench_cluster_cmd;
mod bench_cmd;
mod callgraph_cmd;
mod closure_cmd;
mod cluster_cmd;
mod cluster_print;
mod eval_cmd;
mod index_cmd;
mod repo;
mod trace_cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "refract",
    version,
    about = "Where did this error really come from?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index a repository and print counts and per-stage times.
    Index(index_cmd::Args),
    /// Print the call graph (tsv, dot or json).
    Callgraph(callgraph_cmd::Args),
    /// Print the constant closure of one function with the chain to each string.
    Closure(closure_cmd::Args),
    /// Time the pipeline against a bare tree-sitter parse of the same files.
    Bench(bench_cmd::Args),
    /// Cluster error logs (templates) and traces (error chains); Loghub CSV or a report.
    Cluster(cluster_cmd::ClusterArgs),
    /// Time template mining and trace clustering on generated inputs.
    BenchCluster(bench_cluster_cmd::Args),
    /// Explain log lines: logging function, pass-through functions, root cause.
    Trace(trace_cmd::Args),
    /// Score the explainer on labelled case files (root@1, path@1, text@1, hop F1).
    Eval(eval_cmd::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Index(a) => index_cmd::run(a),
        Command::Callgraph(a) => callgraph_cmd::run(a),
        Command::Closure(a) => closure_cmd::run(a),
        Command::Bench(a) => bench_cmd::run(a),
        Command::BenchCluster(a) => bench_cluster_cmd::run(a),
        Command::Cluster(a) => cluster_cmd::run(a),
        Command::Trace(a) => trace_cmd::run(a),
        Command::Eval(a) => eval_cmd::run(a),
    };
    if let Err(e) = result {
        eprintln!("refract: error: {e:#}");
        std::process::exit(1);
    }
}

/// mimalloc for the Rust side of indexing (facts, linking): glibc malloc was ~8% of an index run.
/// tree-sitter's C allocations keep the system allocator, as in the bare-parse baseline.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
