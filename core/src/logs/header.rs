//! Loghub-style header formats: `<Date> <Time> <Pid> <Level> <Component>: <Content>`.
//!
//! The format string names fields in angle brackets; the text between them is literal, and any
//! run of whitespace matches any run of whitespace (as Loghub's own regex translation does).
//! Each field is matched lazily: it ends at the first place the following literal occurs; the
//! last field takes the rest of the line. Known names fill the record's slots (`Date`+`Time` →
//! timestamp, `Level`, `Component`/`Logger` → logger, `Content` → message); others go to
//! `fields`.

use serde::{Deserialize, Serialize};

use super::record::{Level, LineFormat, LogRecord};
use super::time;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Part {
    Field(String),
    Lit(String),
    Space,
}

/// A compiled header format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderFormat {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("header format has no <Content> field")]
    NoContent,
    #[error("header format has an unterminated `<` at byte {0}")]
    Unterminated(usize),
    #[error("header format has two fields with no text between them at byte {0}")]
    Adjacent(usize),
}

impl HeaderFormat {
    pub fn parse(format: &str) -> Result<HeaderFormat, HeaderError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = format;
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        };
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                let end = rest
                    .find('>')
                    .ok_or(HeaderError::Unterminated(format.len() - rest.len()))?;
                flush(&mut lit, &mut parts);
                if matches!(parts.last(), Some(Part::Field(_))) {
                    return Err(HeaderError::Adjacent(format.len() - rest.len()));
                }
                parts.push(Part::Field(rest[1..end].to_owned()));
                rest = &rest[end + 1..];
            } else if c.is_whitespace() {
                flush(&mut lit, &mut parts);
                if !matches!(parts.last(), Some(Part::Space)) {
                    parts.push(Part::Space);
                }
                rest = &rest[c.len_utf8()..];
            } else {
                lit.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        flush(&mut lit, &mut parts);
        if !parts
            .iter()
            .any(|p| matches!(p, Part::Field(f) if f == "Content"))
        {
            return Err(HeaderError::NoContent);
        }
        Ok(HeaderFormat { parts })
    }

    /// Splits `line` by the format; `None` if it does not match (the caller falls back).
    pub fn apply(&self, line: &str) -> Option<LogRecord> {
        let mut values: Vec<(&str, &str)> = Vec::new();
        let mut rest = line;
        let mut i = 0;
        while i < self.parts.len() {
            match &self.parts[i] {
                Part::Lit(l) => rest = rest.strip_prefix(l.as_str())?,
                Part::Space => {
                    let t = rest.trim_start();
                    if t.len() == rest.len() {
                        return None;
                    }
                    rest = t;
                }
                Part::Field(name) => {
                    let end = match self.parts.get(i + 1) {
                        None => rest.len(),
                        Some(Part::Lit(l)) => rest.find(l.as_str())?,
                        Some(Part::Space) => rest.find(char::is_whitespace)?,
                        Some(Part::Field(_)) => return None,
                    };
                    values.push((name, &rest[..end]));
                    rest = &rest[end..];
                }
            }
            i += 1;
        }
        if !rest.is_empty() {
            return None;
        }
        let mut rec = LogRecord::plain("");
        rec.format = LineFormat::Header;
        let mut stamp: Vec<&str> = Vec::new();
        for (name, v) in values {
            match name {
                "Content" => rec.message = v.to_owned(),
                "Date" | "Time" | "Timestamp" | "Month" | "Day" => stamp.push(v),
                "Level" => match Level::parse(v) {
                    Some(l) => rec.level = Some(l),
                    None => rec.fields.push((name.to_owned(), v.to_owned())),
                },
                "Component" | "Logger" => rec.logger = Some(v.to_owned()),
                "Service" => rec.service = Some(v.to_owned()),
                _ => rec.fields.push((name.to_owned(), v.to_owned())),
            }
        }
        if !stamp.is_empty() {
            let s = stamp.join(" ");
            rec.unix_nanos = time::parse_any(&s);
            rec.timestamp = Some(s);
        }
        Some(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hdfs_header() {
        let f = HeaderFormat::parse("<Date> <Time> <Pid> <Level> <Component>: <Content>").unwrap();
        let r = f
            .apply("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating")
            .unwrap();
        assert_eq!(r.format, LineFormat::Header);
        assert_eq!(r.level, Some(Level::Info));
        assert_eq!(r.logger.as_deref(), Some("dfs.DataNode$PacketResponder"));
        assert_eq!(r.timestamp.as_deref(), Some("081109 203615"));
        assert_eq!(r.field("Pid"), Some("148"));
        assert_eq!(
            r.message,
            "PacketResponder 1 for block blk_38865049064139660 terminating"
        );
        assert!(f.apply("garbage").is_none());
    }

    #[test]
    fn zookeeper_header() {
        let f =
            HeaderFormat::parse("<Date> <Time> - <Level>  [<Node>:<Component>@<Id>] - <Content>")
                .unwrap();
        let r = f
            .apply("2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200")
            .unwrap();
        assert_eq!(r.level, Some(Level::Info));
        assert_eq!(r.message, "Notification time out: 3200");
        assert_eq!(r.unix_nanos.map(|n| n / 1_000_000_000), Some(1_438_191_704));
    }

    #[test]
    fn bad_formats() {
        assert_eq!(
            HeaderFormat::parse("<Date> <Time>"),
            Err(HeaderError::NoContent)
        );
        assert_eq!(
            HeaderFormat::parse("<Date"),
            Err(HeaderError::Unterminated(0))
        );
        assert_eq!(
            HeaderFormat::parse("<A><Content>"),
            Err(HeaderError::Adjacent(3))
        );
    }
}
