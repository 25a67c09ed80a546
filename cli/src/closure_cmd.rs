//! `refract closure`: C_k of one function, with the call chain to each string's owner.

use anyhow::bail;

use crate::repo::RepoArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Function display name (`pkg/path.F`, `(*pkg/path.T).M`) or a unique suffix (`store.Get`).
    #[arg(long = "func")]
    pub func: String,
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let (_, idx) = args.repo.index(args.k)?;
    let p = &idx.program;
    let matches = p.find_by_suffix(&args.func);
    let f = match matches.as_slice() {
        [] => bail!(
            "no function named {:?} in {}",
            args.func,
            args.repo.repo.display()
        ),
        [one] => *one,
        many => {
            let names: Vec<String> = many
                .iter()
                .take(20)
                .map(|&f| format!("  {} ({}:{})", p.name(f), p.file_path(f), p.func(f).line))
                .collect();
            bail!(
                "{:?} names {} functions; give a longer name:\n{}",
                args.func,
                many.len(),
                names.join("\n")
            )
        }
    };
    let mut rows = Vec::new();
    for &s in idx.closure.of(f) {
        let chain = idx.closure.chain(p, f, s).unwrap_or_default();
        let owner = *chain.last().unwrap_or(&f);
        let owned = p.func(owner).strings.iter().find(|o| o.text == s);
        rows.push(serde_json::json!({
            "text": p.strings.resolve(s),
            "role": owned.map(|o| o.role.as_str()),
            "site": owned.map(|o| format!("{}:{}", p.file_path(owner), o.line)),
            "chain": chain.iter().map(|&c| serde_json::json!({
                "func": p.name(c), "file": p.file_path(c), "line": p.func(c).line
            })).collect::<Vec<_>>(),
        }));
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "func": p.name(f), "file": p.file_path(f), "line": p.func(f).line,
                "k": args.k, "strings": rows,
            }))?
        );
        return Ok(());
    }
    println!("{}  ({}:{})", p.name(f), p.file_path(f), p.func(f).line);
    println!("C_{} holds {} strings", args.k, rows.len());
    for r in rows {
        println!();
        println!(
            "  {:?}  [{}]  {}",
            r["text"].as_str().unwrap_or(""),
            r["role"].as_str().unwrap_or("?"),
            r["site"].as_str().unwrap_or("")
        );
        let chain: Vec<String> = r["chain"]
            .as_array()
            .map(|c| {
                c.iter()
                    .map(|h| h["func"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default();
        println!("    via {}", chain.join(" → "));
    }
    Ok(())
}
