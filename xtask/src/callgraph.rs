//! `cargo xtask callgraph-score`: score `refract callgraph` on the Go standard library against the
//! type-checked oracle in `<shared>/data/callgraph-oracle` (pair level, `vta` row).

use crate::{install, metadata, util};
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

/// The columns `refract callgraph --format tsv` must print in its header line.
const TSV_COLUMNS: &[&str] = &[
    "caller_file",
    "caller_line",
    "callee_file",
    "callee_line",
    "call_site_file",
    "call_site_line",
    "kind",
];

/// The oracle row the thresholds apply to.
const ALGO: &str = "vta";

/// `cargo xtask callgraph-score [--min-recall R] [--min-precision P]`
pub fn cmd(args: &[String]) -> Result<()> {
    let flags = util::parse_flags(args, &["min-recall", "min-precision"])?;
    let min_recall = util::fraction_flag(&flags, "min-recall", crate::TARGET_MIN_RECALL)?;
    let min_precision = util::fraction_flag(&flags, "min-precision", crate::TARGET_MIN_PRECISION)?;
    install::ensure(&[install::Group::Base])?;
    score(min_recall, min_precision)
}

/// One row of compare.py's table.
#[derive(Debug, PartialEq)]
pub struct Score {
    pub oracle: u64,
    pub candidate: u64,
    pub true_pos: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Build refract (release), run it on the Go stdlib, score with compare.py, check the floors.
pub fn score(min_recall: f64, min_precision: f64) -> Result<()> {
    let shared = util::shared_dir()?;
    let oracle_dir = shared.join("data").join("callgraph-oracle");
    let compare = oracle_dir.join("compare.py");
    let corpus = oracle_dir.join("stdlib");
    if !compare.is_file() || !corpus.is_dir() {
        bail!("oracle not found under {}", oracle_dir.display());
    }
    let go_src = Path::new(util::GO_STDLIB_SRC);
    if !go_src.is_dir() {
        bail!("{} not found (apt-get install golang-go)", go_src.display());
    }

    util::run(util::cargo().args(["build", "--release", "-p", "refract", "--bin", "refract"]))?;
    let meta = metadata::load()?;
    let refract = meta.release_bin("refract");
    let tsv = meta.target_dir.join("callgraph-stdlib.tsv");

    let mut cmd = Command::new(&refract);
    cmd.arg("callgraph")
        .arg("--repo")
        .arg(go_src)
        // The oracle covers the standard library's vendored and generated files too.
        .args(["--include-vendor", "--include-generated", "--format", "tsv"]);
    println!("$ {} > {}", util::show(&cmd), tsv.display());
    let out = File::create(&tsv).with_context(|| format!("creating {}", tsv.display()))?;
    let status = cmd
        .stdout(Stdio::from(out))
        .status()
        .with_context(|| format!("could not start {}", refract.display()))?;
    if !status.success() {
        bail!("`refract callgraph` failed ({status})");
    }
    let text = std::fs::read_to_string(&tsv)?;
    if text.trim().is_empty() {
        bail!("`refract callgraph --format tsv` printed nothing (is the subcommand implemented?)");
    }
    check_header(text.lines().next().unwrap_or(""))?;
    println!(
        "{} call edges written",
        text.lines().count().saturating_sub(1)
    );

    let report = util::output(
        Command::new("python3")
            .arg(&compare)
            .arg(&corpus)
            .arg(&tsv)
            .args(["--level", "pair"]),
    )?;
    print!("{report}");
    let s = parse_compare(&report, ALGO)?;
    println!(
        "\n{ALGO}: recall {:.3} (floor {min_recall:.3}), precision {:.3} (floor {min_precision:.3})",
        s.recall, s.precision
    );
    let mut failures = Vec::new();
    if s.recall < min_recall {
        failures.push(format!("recall {:.3} < {min_recall:.3}", s.recall));
    }
    if s.precision < min_precision {
        failures.push(format!("precision {:.3} < {min_precision:.3}", s.precision));
    }
    if !failures.is_empty() {
        bail!(
            "call-graph fidelity against {ALGO} below the floor: {}",
            failures.join(", ")
        );
    }
    Ok(())
}

/// The candidate TSV header must name the columns compare.py and the contract expect.
fn check_header(header: &str) -> Result<()> {
    let cols: Vec<&str> = header.split('\t').collect();
    let missing: Vec<&str> = TSV_COLUMNS
        .iter()
        .copied()
        .filter(|c| !cols.contains(c))
        .collect();
    if !missing.is_empty() {
        bail!(
            "`refract callgraph --format tsv` header lacks {} (got `{header}`)",
            missing.join(", ")
        );
    }
    Ok(())
}

/// Find `algo`'s row in compare.py's output (a tab-separated table after a header line
/// `algo oracle candidate_scoped true_pos precision recall f1`).
pub fn parse_compare(output: &str, algo: &str) -> Result<Score> {
    let mut lines = output.lines();
    let header: Vec<&str> = lines
        .by_ref()
        .find(|l| l.starts_with("algo\t"))
        .context("compare.py output has no `algo` header line")?
        .split('\t')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .with_context(|| format!("compare.py header lacks `{name}`"))
    };
    let (i_or, i_ca, i_tp) = (col("oracle")?, col("candidate_scoped")?, col("true_pos")?);
    let (i_p, i_r, i_f) = (col("precision")?, col("recall")?, col("f1")?);
    let row: Vec<&str> = lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&algo))
        .with_context(|| format!("compare.py printed no `{algo}` row"))?;
    let field = |i: usize| {
        row.get(i)
            .copied()
            .with_context(|| format!("`{algo}` row is short"))
    };
    let int = |i: usize| -> Result<u64> {
        let s = field(i)?;
        s.parse().with_context(|| format!("bad count `{s}`"))
    };
    let num = |i: usize| -> Result<f64> {
        let s = field(i)?;
        s.parse().with_context(|| format!("bad number `{s}`"))
    };
    Ok(Score {
        oracle: int(i_or)?,
        candidate: int(i_ca)?,
        true_pos: int(i_tp)?,
        precision: num(i_p)?,
        recall: num(i_r)?,
        f1: num(i_f)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from compare.py on a 200-edge sample of the static oracle.
    const SAMPLE: &str =
        "candidate edges in compiled files: 140  (level=pair, fold_closures=False)\n\
        algo\toracle\tcandidate_scoped\ttrue_pos\tprecision\trecall\tf1\n\
        static\t23342\t140\t140\t1.000\t0.006\t0.012\n\
        cha\t84258\t140\t140\t1.000\t0.002\t0.003\n\
        rta\t42172\t135\t135\t1.000\t0.003\t0.006\n\
        vta\t30115\t140\t140\t1.000\t0.005\t0.009\n";

    #[test]
    fn parses_vta_row() {
        assert_eq!(
            parse_compare(SAMPLE, "vta").unwrap(),
            Score {
                oracle: 30115,
                candidate: 140,
                true_pos: 140,
                precision: 1.0,
                recall: 0.005,
                f1: 0.009,
            }
        );
        let rta = parse_compare(SAMPLE, "rta").unwrap();
        assert_eq!((rta.candidate, rta.recall), (135, 0.003));
    }

    #[test]
    fn missing_rows_are_errors() {
        assert!(parse_compare(SAMPLE, "pta").is_err());
        assert!(parse_compare("vta\t1\t2\t3\t0.5\t0.5\t0.5\n", "vta").is_err());
        assert!(parse_compare("", "vta").is_err());
    }

    #[test]
    fn header_check() {
        assert!(check_header(&TSV_COLUMNS.join("\t")).is_ok());
        assert!(check_header("caller_file\tcaller_line").is_err());
        assert!(check_header("").is_err());
    }
}
