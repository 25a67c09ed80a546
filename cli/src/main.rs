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
    keep_freed_memory();
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

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc.h's `mi_option_e`, v3,
/// the version libmimalloc-sys builds by default; pinned by Cargo.lock).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A run is one batch job: memory freed between stages (the parse trees, the facts) is about to
/// be needed again, so it is kept instead of being returned to the OS after a second and faulted
/// back in page by page (the kernel zeroing those pages was ~10% of an index run).
fn keep_freed_memory() {
    // SAFETY: sets a process-wide allocator option; no pointer is involved, and mimalloc allows
    // options to be changed at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option_index_is_mimallocs() {
        // v3's default purge delay is 1000 ms and no neighbouring option defaults to it: if an
        // upgrade renumbers the options, this fails instead of silently setting another one.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
        keep_freed_memory();
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            -1
        );
    }
}
