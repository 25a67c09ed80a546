//! Test/bench helper: read the `Content` column of a Loghub `*_structured*.csv` (RFC 4180
//! quoting: fields may hold commas, doubled quotes and line breaks) and locate the shared data.

use std::path::{Path, PathBuf};

/// `$REFRACT_SHARED`, else `<crate>/../../shared`, if that directory exists.
pub fn shared_dir() -> Option<PathBuf> {
    let p = std::env::var_os("REFRACT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    p.is_dir().then_some(p)
}

/// Path of a dataset's corrected (Loghub-2.0) structured CSV under `shared`.
pub fn corrected_csv(shared: &Path, dataset: &str) -> PathBuf {
    shared.join(format!(
        "data/loghub/{dataset}/loghub-2.0_2k/{dataset}_2k.log_structured_corrected.csv"
    ))
}

/// All records of a CSV text.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// `(Content, EventTemplate)` per line of a structured CSV.
pub fn read_structured(path: &Path) -> std::io::Result<Vec<(String, String)>> {
    let bytes = std::fs::read(path)?;
    let rows = parse_csv(&String::from_utf8_lossy(&bytes));
    let Some((header, body)) = rows.split_first() else {
        return Ok(Vec::new());
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(c), Some(t)) = (col("Content"), col("EventTemplate")) else {
        return Err(std::io::Error::other("no Content/EventTemplate column"));
    };
    Ok(body
        .iter()
        .filter(|r| r.len() > c.max(t))
        .map(|r| (r[c].clone(), r[t].clone()))
        .collect())
}
