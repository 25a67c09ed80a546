//! `refract cluster`: mine log templates from a file of messages, streaming.
//!
//! Output is CSV `LineId,ClusterId,Template` on stdout, one row per input line (LineId is the
//! 1-based line number). Templates are the *final* template of each cluster, so rows are written
//! after the whole input was read; only the per-line cluster ids (4 bytes each) are kept meanwhile.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use refract_core::cluster::{ClusterId, MinerConfig, TemplateMiner};

/// Input formats understood by `refract cluster`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One message per line (the `Content` column of a Loghub `*_structured.csv`, already
    /// extracted; no header fields are parsed off the line).
    Loghub,
}

#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// Log file, one message per line (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub logs: PathBuf,
    /// Input format.
    #[arg(long, value_enum, default_value = "loghub")]
    pub format: LogFormat,
}

pub fn run(args: &ClusterArgs) -> anyhow::Result<()> {
    let input: Box<dyn BufRead> = if args.logs.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let f =
            File::open(&args.logs).with_context(|| format!("opening {}", args.logs.display()))?;
        Box::new(BufReader::with_capacity(1 << 16, f))
    };
    let (miner, ids) =
        mine(input, args.format).with_context(|| format!("reading {}", args.logs.display()))?;
    let stdout = io::stdout().lock();
    write_csv(&miner, &ids, BufWriter::with_capacity(1 << 16, stdout))?;
    Ok(())
}

/// Reads all lines and returns the miner and each line's cluster id.
pub fn mine(
    mut input: impl BufRead,
    format: LogFormat,
) -> io::Result<(TemplateMiner, Vec<ClusterId>)> {
    let LogFormat::Loghub = format;
    let mut miner = TemplateMiner::new(MinerConfig::default());
    let mut ids = Vec::new();
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let mut line = buf.as_slice();
        if let Some(l) = line.strip_suffix(b"\n") {
            line = l;
        }
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        let msg = String::from_utf8_lossy(line);
        ids.push(miner.add(&msg));
    }
    Ok((miner, ids))
}

/// Writes `LineId,ClusterId,Template` rows (RFC 4180 quoting).
pub fn write_csv(miner: &TemplateMiner, ids: &[ClusterId], mut out: impl Write) -> io::Result<()> {
    let templates: Vec<String> = miner.clusters().map(|c| csv_field(&c.template())).collect();
    writeln!(out, "LineId,ClusterId,Template")?;
    for (i, id) in ids.iter().enumerate() {
        let t = templates.get(id.0 as usize).map_or("", String::as_str);
        writeln!(out, "{},{},{}", i + 1, id.0, t)?;
    }
    out.flush()
}

/// Quotes a CSV field if it holds a comma, quote, CR/LF or leading/trailing space.
pub fn csv_field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("a b"), "a b");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn mines_and_writes() {
        let input = "Invalid user a from 1.2.3.4\r\nInvalid user b from 1.2.3.5\nx, \"y\"\n";
        let (m, ids) = mine(input.as_bytes(), LogFormat::Loghub).expect("in-memory read");
        let mut out = Vec::new();
        write_csv(&m, &ids, &mut out).expect("in-memory write");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "LineId,ClusterId,Template\n1,0,Invalid user <*> from <*>\n2,0,Invalid user <*> from <*>\n3,1,\"x, \"\"<*>\"\"\"\n"
        );
    }
}
