//! Time of the link stage alone (a measurement, not a test), and a fingerprint of its result:
//! `cargo run --release -p refract-core --example link_bench -- REPO [runs]`
//!
//! Parses the repository once, then links a copy of the facts `runs` times
//! ([`refract_core::index::link_parsed`], which reports the link stage's milliseconds) and
//! prints the best time, plus one hash per part of the program and of the external calls, so
//! that a faster linker can be checked to build exactly the same program.

use std::hash::{Hash, Hasher};
use std::path::Path;

use refract_core::index::{link_parsed, parse_go, IndexOptions};
use refract_core::program::FuncId;
use refract_core::source::{load_path, LoadOptions};

fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let repo = args.next().ok_or("usage: link_bench REPO [runs]")?;
    let runs: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 5,
    };
    let set = load_path(Path::new(&repo), &LoadOptions::default())?;
    let (facts, failed) = parse_go(&set.files);
    let failed: Vec<String> = failed.into_iter().map(|e| e.to_string()).collect();
    let opts = IndexOptions::default();
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs {
        let idx = link_parsed(&set.files, facts.clone(), failed.clone(), &opts, |_| {});
        best = best.min(idx.timings.link_ms);
        println!("link {:.1} ms", idx.timings.link_ms);
        last = Some(idx);
    }
    println!("best link {best:.1} ms over {runs} runs");
    let Some(idx) = last else { return Ok(()) };
    let p = &idx.program;
    let mut parts: Vec<(&str, String)> = Vec::new();
    parts.push(("files", format!("{:?}", p.files)));
    parts.push(("packages", format!("{:?}", p.packages)));
    parts.push(("funcs", format!("{:?}", p.funcs)));
    let names: Vec<&str> = (0..p.funcs.len() as u32)
        .map(|i| p.name(FuncId(i)))
        .collect();
    parts.push(("names", format!("{names:?}")));
    let strings: Vec<&str> = (0..p.strings.len() as u32)
        .map(|i| p.strings.resolve(refract_core::intern::Sym(i)))
        .collect();
    parts.push(("strings", format!("{strings:?}")));
    let edges: Vec<_> = p
        .graph
        .raw_edges()
        .iter()
        .map(|e| (e.source().index(), e.target().index(), e.weight))
        .collect();
    parts.push(("edges", format!("{edges:?}")));
    parts.push(("unresolved", format!("{:?}", p.unresolved)));
    parts.push(("handoffs", format!("{:?}", p.handoffs)));
    parts.push(("externals", format!("{:?}", idx.externals)));
    parts.push(("closure", format!("{:?}", idx.closure.stats())));
    for (name, text) in &parts {
        println!("{name:<10} {:016x} ({} bytes)", hash(text), text.len());
    }
    if let Ok(dir) = std::env::var("LINK_BENCH_DUMP") {
        for (name, text) in &parts {
            std::fs::write(Path::new(&dir).join(name), text)?;
        }
    }
    Ok(())
}
