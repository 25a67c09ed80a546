//! `refract callgraph`: every call edge, with function identity = (file, line of the name).

use std::io::Write;

use refract_core::program::{EdgeKind, FuncId, Program};

use crate::repo::RepoArgs;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Tsv,
    Dot,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, value_enum, default_value_t = Format::Tsv)]
    pub format: Format,
}

fn kind(k: EdgeKind) -> &'static str {
    match k {
        EdgeKind::Static => "static",
        EdgeKind::Dynamic => "dynamic",
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let files = args.repo.load()?;
    let (facts, _) = refract_core::index::parse_go(&files.files);
    let program = refract_core::program::link(
        facts,
        &refract_core::index::go_mods(&files.files),
        &Default::default(),
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Tsv => write_tsv(&program, &mut out)?,
        Format::Dot => write_dot(&program, &mut out)?,
        Format::Json => write_json(&program, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn edges(p: &Program) -> impl Iterator<Item = (FuncId, FuncId, u32, EdgeKind)> + '_ {
    use petgraph::visit::EdgeRef;
    p.graph.edge_references().map(|e| {
        (
            FuncId(e.source().index() as u32),
            FuncId(e.target().index() as u32),
            e.weight().line,
            e.weight().kind,
        )
    })
}

fn write_tsv(p: &Program, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "caller_file\tcaller_line\tcallee_file\tcallee_line\tcall_site_file\tcall_site_line\tkind\tcaller_name\tcallee_name"
    )?;
    for (a, b, line, k) in edges(p) {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.file_path(a),
            p.func(a).line,
            p.file_path(b),
            p.func(b).line,
            p.file_path(a),
            line,
            kind(k),
            p.name(a),
            p.name(b)
        )?;
    }
    Ok(())
}

fn write_dot(p: &Program, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "digraph callgraph {{")?;
    writeln!(out, "  node [shape=box, fontname=monospace];")?;
    let mut used = vec![false; p.funcs.len()];
    for (a, b, _, _) in edges(p) {
        used[a.index()] = true;
        used[b.index()] = true;
    }
    for (i, u) in used.iter().enumerate() {
        if *u {
            let f = FuncId(i as u32);
            writeln!(
                out,
                "  n{i} [label={:?}, tooltip={:?}];",
                p.name(f),
                format!("{}:{}", p.file_path(f), p.func(f).line)
            )?;
        }
    }
    for (a, b, line, k) in edges(p) {
        let style = if k == EdgeKind::Dynamic {
            ", style=dashed"
        } else {
            ""
        };
        writeln!(out, "  n{} -> n{} [label=\"{line}\"{style}];", a.0, b.0)?;
    }
    writeln!(out, "}}")
}

fn write_json(p: &Program, out: &mut impl Write) -> std::io::Result<()> {
    let edges: Vec<serde_json::Value> = edges(p)
        .map(|(a, b, line, k)| {
            serde_json::json!({
                "caller": {"name": p.name(a), "file": p.file_path(a), "line": p.func(a).line},
                "callee": {"name": p.name(b), "file": p.file_path(b), "line": p.func(b).line},
                "call_site": {"file": p.file_path(a), "line": line},
                "kind": kind(k),
            })
        })
        .collect();
    serde_json::to_writer(&mut *out, &serde_json::json!({ "edges": edges }))?;
    writeln!(out)
}
