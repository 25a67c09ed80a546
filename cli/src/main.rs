//! `refract`: the command line over refract-core.

use clap::{Parser, Subcommand};

mod cluster_cmd;

#[derive(Debug, Parser)]
#[command(name = "refract", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Mine log templates (Drain-style) and print LineId,ClusterId,Template as CSV.
    Cluster(cluster_cmd::ClusterArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Cluster(args) => cluster_cmd::run(&args),
    }
}
