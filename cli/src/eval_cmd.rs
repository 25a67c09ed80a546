//! `refract eval CASES.json…`: runs the explainer on labelled cases and prints root@1, path@1,
//! text@1 and hop F1, with every failure. `--min-root`/`--min-path` turn it into a gate.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use refract_core::explain::eval::{self, CaseFile, CaseResult, Summary};
use refract_core::explain::{ExplainOptions, Explanation};
use refract_core::index::{self, IndexOptions};
use refract_core::source::{self, LoadOptions};

use crate::trace_cmd;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Case files (JSON).
    #[arg(required = true)]
    pub cases: Vec<PathBuf>,
    /// Fail when root@1 over all files is below this.
    #[arg(long)]
    pub min_root: Option<f64>,
    /// Fail when path@1 over all files is below this.
    #[arg(long)]
    pub min_path: Option<f64>,
    /// Print each failure's best path.
    #[arg(long)]
    pub verbose: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let mut all: Vec<CaseResult> = Vec::new();
    for file in &args.cases {
        let results = run_file(file, args.verbose)?;
        print_summary(&file.display().to_string(), &eval::summarise(&results));
        all.extend(results);
    }
    let total = eval::summarise(&all);
    if args.cases.len() > 1 {
        print_summary("all", &total);
    }
    if let Some(m) = args.min_root {
        if total.root_at_1 < m {
            bail!("root@1 {:.3} is below the floor {m}", total.root_at_1);
        }
    }
    if let Some(m) = args.min_path {
        if total.path_at_1 < m {
            bail!("path@1 {:.3} is below the floor {m}", total.path_at_1);
        }
    }
    Ok(())
}

fn print_summary(name: &str, s: &Summary) {
    println!(
        "{name}: cases={} root@1={:.3} path@1={:.3} text@1={:.3} hopF1={:.3}",
        s.cases, s.root_at_1, s.path_at_1, s.text_at_1, s.hop_f1
    );
}

fn run_file(file: &Path, verbose: bool) -> anyhow::Result<Vec<CaseResult>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read case file {}", file.display()))?;
    let cases: CaseFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a case file", file.display()))?;
    let repo = {
        let r = PathBuf::from(&cases.repo);
        if r.is_absolute() {
            r
        } else {
            file.parent().unwrap_or(Path::new(".")).join(r)
        }
    };
    if !repo.exists() {
        bail!(
            "{}: repository {} does not exist",
            file.display(),
            repo.display()
        );
    }
    let files = source::load_path(
        &repo,
        &LoadOptions {
            include_tests: cases.include_tests,
            ..LoadOptions::default()
        },
    )
    .with_context(|| format!("cannot read repository {}", repo.display()))?;
    let idx = index::index(
        &files,
        &IndexOptions {
            k: cases.k,
            ..IndexOptions::default()
        },
    );
    let ex = trace_cmd::explainer(&idx, ExplainOptions::default());
    let mut results = Vec::new();
    for case in &cases.cases {
        let got = trace_cmd::explain_line(&ex, &case.log);
        let r = eval::score_case(case, &got);
        if !(r.root_ok && r.path_ok) {
            print_failure(case, &r, &got, verbose);
        }
        results.push(r);
    }
    Ok(results)
}

fn print_failure(case: &eval::Case, r: &CaseResult, got: &Explanation, verbose: bool) {
    println!(
        "FAIL {}: root {} path {} text {}",
        case.id,
        ok(r.root_ok),
        ok(r.path_ok),
        ok(r.text_ok)
    );
    let want: Vec<String> = case
        .path
        .iter()
        .map(|h| format!("{}:{}:{}", h.kind, h.file, h.line))
        .collect();
    println!("  want: {}", want.join(" → "));
    let have: Vec<String> = got
        .paths
        .first()
        .map(|p| {
            p.hops
                .iter()
                .map(|h| format!("{}:{}:{}", h.kind.as_str(), h.file, h.line))
                .collect()
        })
        .unwrap_or_default();
    println!(
        "  got:  {}",
        if have.is_empty() {
            "(no path)".into()
        } else {
            have.join(" → ")
        }
    );
    if verbose {
        if let Some(p) = got.paths.first() {
            for h in &p.hops {
                println!("    {} {} {:?}", h.kind.as_str(), h.func, h.fmt);
            }
        }
        if let Some(n) = &got.note {
            println!("  note: {n}");
        }
    }
}

fn ok(b: bool) -> &'static str {
    if b {
        "ok"
    } else {
        "FAIL"
    }
}
