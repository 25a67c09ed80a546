//! `refract index`: counts and per-stage times for one repository.

use std::time::Instant;

use refract_core::lang::go::Role;
use serde::Serialize;

use crate::repo::RepoArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Depth of the constant closure.
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    files_read: usize,
    files_skipped: usize,
    skipped_by_reason: std::collections::BTreeMap<String, usize>,
    other_files: usize,
    go_files: usize,
    bytes_parsed: usize,
    files_with_syntax_errors: usize,
    parse_failures: Vec<String>,
    packages: usize,
    functions: usize,
    call_edges: Edges,
    strings_by_role: std::collections::BTreeMap<&'static str, usize>,
    distinct_strings: usize,
    closure_k: u32,
    closure_sizes: refract_core::closure::ClosureStats,
    timings_ms: Timings,
}

#[derive(Serialize)]
struct Edges {
    static_: usize,
    dynamic: usize,
    unresolved: refract_core::program::UnresolvedCounts,
    unresolved_total: usize,
}

#[derive(Serialize)]
struct Timings {
    load: f64,
    parse: f64,
    link: f64,
    closure: f64,
    total: f64,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let start = Instant::now();
    let files = args.repo.load()?;
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    let idx = refract_core::index::index(
        &files,
        &refract_core::index::IndexOptions {
            k: args.k,
            ..Default::default()
        },
    );
    let p = &idx.program;
    let mut skipped_by_reason = std::collections::BTreeMap::new();
    for s in &files.skipped {
        let key = serde_json::to_value(&s.reason)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_else(|| "other".into());
        *skipped_by_reason.entry(key).or_insert(0) += 1;
    }
    let mut strings_by_role = std::collections::BTreeMap::new();
    for r in Role::ALL {
        strings_by_role.insert(r.as_str(), 0);
    }
    let mut distinct = std::collections::HashSet::new();
    for f in &p.funcs {
        for s in &f.strings {
            *strings_by_role.entry(s.role.as_str()).or_insert(0) += 1;
            distinct.insert(s.text);
        }
    }
    let (static_, dynamic) = p.edge_counts();
    let t = idx.timings;
    let report = Report {
        files_read: files.files.len(),
        files_skipped: files.skipped.len(),
        skipped_by_reason,
        other_files: files.other_files,
        go_files: p.files.len(),
        bytes_parsed: idx.bytes_parsed,
        files_with_syntax_errors: p
            .files
            .iter()
            .filter(|f| !f.syntax_errors.is_empty())
            .count(),
        parse_failures: idx.parse_failures.clone(),
        packages: p.packages.len(),
        functions: p.funcs.len(),
        call_edges: Edges {
            static_,
            dynamic,
            unresolved_total: p.unresolved.total(),
            unresolved: p.unresolved.clone(),
        },
        strings_by_role,
        distinct_strings: distinct.len(),
        closure_k: args.k,
        closure_sizes: idx.closure.stats(),
        timings_ms: Timings {
            load: load_ms,
            parse: t.parse_ms,
            link: t.link_ms,
            closure: t.closure_ms,
            total: load_ms + t.parse_ms + t.link_ms + t.closure_ms,
        },
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("repository        {}", args.repo.repo.display());
    println!(
        "files             {} read, {} skipped, {} other; {} Go files ({:.1} MB)",
        report.files_read,
        report.files_skipped,
        report.other_files,
        report.go_files,
        report.bytes_parsed as f64 / 1e6
    );
    println!("packages          {}", report.packages);
    println!("functions         {}", report.functions);
    println!(
        "call edges        {} static, {} dynamic, {} unresolved",
        static_, dynamic, report.call_edges.unresolved_total
    );
    let u = &report.call_edges.unresolved;
    println!(
        "  unresolved      external {}, builtin/conversion {}, unknown receiver {}, method not found {}, func value {}, no implementation {}, unknown name {}",
        u.external, u.builtin_or_conversion, u.unknown_receiver, u.method_not_found, u.func_value, u.no_implementation, u.unknown_name
    );
    let roles: Vec<String> = report
        .strings_by_role
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    println!(
        "strings           {} ({} distinct)",
        roles.join(", "),
        report.distinct_strings
    );
    let c = report.closure_sizes;
    println!(
        "closure C_{}       min {}, median {}, max {}",
        args.k, c.min, c.median, c.max
    );
    let tm = &report.timings_ms;
    println!(
        "time (ms)         load {:.0}, parse {:.0}, link {:.0}, closure {:.0}, total {:.0}",
        tm.load, tm.parse, tm.link, tm.closure, tm.total
    );
    Ok(())
}
