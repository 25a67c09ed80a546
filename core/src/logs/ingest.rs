//! Streaming ingestion: bytes → lines → [`LogRecord`]s, with a report of malformed lines.
//!
//! Log files of a gigabyte must not be held whole, and a browser hands us a file in chunks, so
//! the core is an [`Ingester`] fed byte chunks of any size; [`ingest`] drives it from a
//! `BufRead`. Memory is bounded by `max_line_bytes` (a longer line is cut there and reported)
//! and `max_listed` malformed examples.
//!
//! OTLP/JSON logs ([`super::otlp`]) are detected, not configured: a line that is a whole
//! `{"resourceLogs": …}` document (the collector's file exporter writes JSON Lines) yields all its
//! records under that line number; a file whose first line opens a JSON object it does not close
//! (a pretty-printed document) is collected and parsed at its end — the one case where a file is
//! held whole, since a JSON document cannot be read record by record without its end. If it is
//! not OTLP, its lines are read one by one as usual. Bad lines are never fatal: invalid UTF-8 is decoded
//! lossily, a `{` line that is not JSON is read as plain text, a line not matching the header
//! format is auto-detected — each counted and listed by line number.

use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};

use super::{looks_malformed, otlp, parse_line_with, LineFormat, LogRecord, ParseOptions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOptions {
    pub parse: ParseOptions,
    /// Longer lines are truncated to this many bytes (and reported).
    pub max_line_bytes: usize,
    /// At most this many malformed lines are listed (all are counted).
    pub max_listed: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            parse: ParseOptions::default(),
            max_line_bytes: 1 << 20,
            max_listed: 100,
        }
    }
}

/// Why a line was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    InvalidUtf8,
    /// Starts with `{` but is not a JSON object.
    InvalidJson,
    /// A header format was given and the line does not match it.
    HeaderMismatch,
    TooLong,
    /// Names `resourceLogs` but is not an OTLP/JSON logs document (read as a JSON line).
    InvalidOtlp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Malformed {
    /// The input file the line is in, when inputs were named ([`Ingester::begin_file`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line number (within `file` when named, else within the whole input).
    pub line: u64,
    pub problem: Problem,
    /// The first 120 characters of the line (lossy).
    pub excerpt: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Lines read, including empty ones.
    pub lines: u64,
    /// Records delivered (non-empty lines).
    pub records: u64,
    pub bytes: u64,
    pub malformed_count: u64,
    /// The first `max_listed` malformed lines.
    pub malformed: Vec<Malformed>,
    /// Records per detected format, most frequent first.
    pub formats: Vec<(LineFormat, u64)>,
    /// Per named input file, in the order they were read (empty when inputs were not named).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileIngest>,
}

/// The counts of one named input file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIngest {
    pub name: String,
    pub lines: u64,
    pub records: u64,
    pub bytes: u64,
    pub malformed_count: u64,
}

/// Push-style line reader: feed chunks, receive `(line_number, record)`.
#[derive(Debug)]
pub struct Ingester {
    opts: IngestOptions,
    buf: Vec<u8>,
    /// The current line exceeded `max_line_bytes`; the rest of it is being skipped.
    overflow: bool,
    /// Line number within the current file (equals `report.lines` when files are not named).
    file_line: u64,
    /// The current file is one multi-line JSON document, collected here until its end.
    doc: Option<Vec<u8>>,
    /// The current file's document turned out not to be OTLP; its lines are being replayed.
    replaying: bool,
    report: IngestReport,
}

impl Ingester {
    pub fn new(opts: IngestOptions) -> Ingester {
        Ingester {
            opts,
            buf: Vec::new(),
            overflow: false,
            file_line: 0,
            doc: None,
            replaying: false,
            report: IngestReport::default(),
        }
    }

    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// Starts the next input file: a last line of the previous file without a newline is ended
    /// (files never run into each other), line numbers of malformed lines restart at 1 and are
    /// reported with `name`, and the file gets its own counts in [`IngestReport::files`].
    /// The line numbers given to `sink` keep counting across files.
    pub fn begin_file(&mut self, name: &str, sink: &mut impl FnMut(u64, LogRecord)) {
        self.end_file(sink);
        self.file_line = 0;
        self.report.files.push(FileIngest {
            name: name.to_owned(),
            ..FileIngest::default()
        });
    }

    /// Consumes a chunk; calls `sink` for every complete non-empty line in it.
    pub fn feed(&mut self, chunk: &[u8], sink: &mut impl FnMut(u64, LogRecord)) {
        self.report.bytes += chunk.len() as u64;
        if let Some(f) = self.report.files.last_mut() {
            f.bytes += chunk.len() as u64;
        }
        self.split(chunk, sink);
    }

    /// Ends the current file: its last line without a newline, or its collected document.
    fn end_file(&mut self, sink: &mut impl FnMut(u64, LogRecord)) {
        if !self.buf.is_empty() || self.overflow {
            self.end_line(sink);
        }
        if let Some(doc) = self.doc.take() {
            self.end_document(doc, sink);
        }
        self.replaying = false;
    }

    /// A collected document: its OTLP records, or (not OTLP) its lines read one by one.
    fn end_document(&mut self, doc: Vec<u8>, sink: &mut impl FnMut(u64, LogRecord)) {
        let lines = doc.split(|&b| b == b'\n').count() as u64 - u64::from(doc.ends_with(b"\n"));
        match otlp::parse(&doc) {
            Ok(records) => {
                self.report.lines += lines.saturating_sub(1);
                self.file_line += lines.saturating_sub(1);
                if let Some(f) = self.report.files.last_mut() {
                    f.lines += lines.saturating_sub(1);
                }
                let n = self.report.lines + 1 - lines.max(1);
                for rec in records {
                    self.deliver(n, rec, sink);
                }
            }
            Err(_) => {
                // Undo the first line's count; the replay counts every line.
                self.report.lines -= 1;
                self.file_line -= 1;
                if let Some(f) = self.report.files.last_mut() {
                    f.lines -= 1;
                }
                self.replaying = true;
                self.split(&doc, sink);
                if !self.buf.is_empty() || self.overflow {
                    self.end_line(sink);
                }
            }
        }
    }

    fn split(&mut self, mut chunk: &[u8], sink: &mut impl FnMut(u64, LogRecord)) {
        if let Some(doc) = self.doc.as_mut() {
            doc.extend_from_slice(chunk);
            return;
        }
        while !chunk.is_empty() {
            let nl = chunk.iter().position(|&b| b == b'\n');
            let part = &chunk[..nl.unwrap_or(chunk.len())];
            let room = self.opts.max_line_bytes.saturating_sub(self.buf.len());
            if part.len() > room {
                self.buf.extend_from_slice(&part[..room]);
                self.overflow = true;
            } else {
                self.buf.extend_from_slice(part);
            }
            match nl {
                Some(i) => {
                    self.end_line(sink);
                    chunk = &chunk[i + 1..];
                    if let Some(doc) = self.doc.as_mut() {
                        doc.extend_from_slice(chunk);
                        return;
                    }
                }
                None => break,
            }
        }
    }

    /// Flushes a last line without a newline and returns the report.
    pub fn finish(mut self, sink: &mut impl FnMut(u64, LogRecord)) -> IngestReport {
        self.end_file(sink);
        let mut formats = std::mem::take(&mut self.report.formats);
        formats.sort_by_key(|f| std::cmp::Reverse(f.1));
        self.report.formats = formats;
        self.report
    }

    fn end_line(&mut self, sink: &mut impl FnMut(u64, LogRecord)) {
        self.report.lines += 1;
        self.file_line += 1;
        if let Some(f) = self.report.files.last_mut() {
            f.lines += 1;
        }
        let n = self.report.lines;
        let file_line = self.file_line;
        let mut bytes = std::mem::take(&mut self.buf);
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let overflow = std::mem::take(&mut self.overflow);
        let (text, utf8_ok) = match String::from_utf8(bytes) {
            Ok(s) => (s, true),
            Err(e) => {
                // A cut at max_line_bytes may split a character; that is not the input's fault.
                let valid_prefix = e.utf8_error().valid_up_to();
                let b = e.into_bytes();
                let ok =
                    overflow && b.len() - valid_prefix < 4 && e_is_incomplete(&b[valid_prefix..]);
                (String::from_utf8_lossy(&b).into_owned(), ok)
            }
        };
        if overflow {
            self.flag(file_line, Problem::TooLong, &text);
        } else if !utf8_ok {
            self.flag(file_line, Problem::InvalidUtf8, &text);
        }
        if text.trim().is_empty() {
            self.buf = text.into_bytes();
            self.buf.clear();
            return;
        }
        if otlp::looks_like(&text) || (file_line == 1 && !self.replaying && opens_document(&text)) {
            match otlp::parse(text.as_bytes()) {
                Ok(records) => {
                    for rec in records {
                        self.deliver(n, rec, sink);
                    }
                    self.buf = text.into_bytes();
                    self.buf.clear();
                    return;
                }
                Err(e) if e.is_eof() && file_line == 1 && !self.replaying && !overflow => {
                    let mut doc = text.into_bytes();
                    doc.push(b'\n');
                    self.doc = Some(doc);
                    return;
                }
                Err(_) if otlp::looks_like(&text) && !overflow => {
                    self.flag(file_line, Problem::InvalidOtlp, &text);
                }
                Err(_) => {}
            }
        }
        let rec = parse_line_with(&text, &self.opts.parse);
        if looks_malformed(&text, &rec) && !overflow {
            self.flag(file_line, Problem::InvalidJson, &text);
        } else if self.opts.parse.header.is_some() && rec.format != LineFormat::Header && !overflow
        {
            self.flag(file_line, Problem::HeaderMismatch, &text);
        }
        self.deliver(n, rec, sink);
        // reuse the allocation for the next line
        self.buf = text.into_bytes();
        self.buf.clear();
    }

    fn deliver(&mut self, n: u64, rec: LogRecord, sink: &mut impl FnMut(u64, LogRecord)) {
        match self
            .report
            .formats
            .iter_mut()
            .find(|(f, _)| *f == rec.format)
        {
            Some((_, c)) => *c += 1,
            None => self.report.formats.push((rec.format, 1)),
        }
        self.report.records += 1;
        if let Some(f) = self.report.files.last_mut() {
            f.records += 1;
        }
        sink(n, rec);
    }

    fn flag(&mut self, line: u64, problem: Problem, text: &str) {
        self.report.malformed_count += 1;
        let file = self.report.files.last_mut().map(|f| {
            f.malformed_count += 1;
            f.name.clone()
        });
        if self.report.malformed.len() < self.opts.max_listed {
            self.report.malformed.push(Malformed {
                file,
                line,
                problem,
                excerpt: text.chars().take(120).collect(),
            });
        }
    }
}

/// A first line that opens a JSON object without closing it (`{`, `{"resourceLogs": [`).
fn opens_document(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('{') && !t.ends_with('}')
}

fn e_is_incomplete(tail: &[u8]) -> bool {
    std::str::from_utf8(tail).is_err_and(|e| e.error_len().is_none())
}

/// Reads `input` to the end, calling `sink(line_number, record)` for every non-empty line.
/// Only I/O errors are returned; malformed content is in the report.
pub fn ingest(
    mut input: impl BufRead,
    opts: IngestOptions,
    mut sink: impl FnMut(u64, LogRecord),
) -> io::Result<IngestReport> {
    let mut ing = Ingester::new(opts);
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len();
        ing.feed(chunk, &mut sink);
        input.consume(len);
    }
    Ok(ing.finish(&mut sink))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::{HeaderFormat, Level};

    fn run(input: &[u8], opts: IngestOptions) -> (Vec<(u64, LogRecord)>, IngestReport) {
        let mut out = Vec::new();
        let rep = ingest(input, opts, |n, r| out.push((n, r))).unwrap();
        (out, rep)
    }

    #[test]
    fn counts_and_lists_malformed_lines() {
        let input =
            b"{\"level\":\"error\",\"msg\":\"a\"}\n{\n\nplain \xff text\r\n{\"msg\": \"b\"}";
        let (recs, rep) = run(input, IngestOptions::default());
        assert_eq!(rep.lines, 5);
        assert_eq!(rep.records, 4);
        assert_eq!(rep.malformed_count, 2);
        assert_eq!(
            rep.malformed
                .iter()
                .map(|m| (m.line, m.problem))
                .collect::<Vec<_>>(),
            vec![(2, Problem::InvalidJson), (4, Problem::InvalidUtf8)]
        );
        assert_eq!(recs[0].1.level, Some(Level::Error));
        assert_eq!(recs[2].0, 4);
        assert_eq!(recs[2].1.message, "plain \u{fffd} text");
        assert_eq!(recs[3].0, 5);
        assert_eq!(recs[3].1.message, "b");
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        let text = "level=error msg=\"x y\" err=EOF\nE1121 10:00:00.000000 1 a.go:1] boom\nlast";
        let whole = run(text.as_bytes(), IngestOptions::default()).0;
        let mut ing = Ingester::new(IngestOptions::default());
        let mut out = Vec::new();
        for b in text.as_bytes().chunks(3) {
            ing.feed(b, &mut |n, r| out.push((n, r)));
        }
        let rep = ing.finish(&mut |n, r| out.push((n, r)));
        assert_eq!(out, whole);
        assert_eq!(rep.records, 3);
        assert_eq!(rep.bytes, text.len() as u64);
    }

    #[test]
    fn malformed_lines_are_listed_per_file() {
        let mut ing = Ingester::new(IngestOptions::default());
        let mut out = Vec::new();
        let mut sink = |n, r: LogRecord| out.push((n, r.message));
        ing.begin_file("a.log", &mut sink);
        // the last line of a.log has no newline: it must not run into b.log
        ing.feed(b"ok one\n{bad\nlast of a", &mut sink);
        ing.begin_file("b.log", &mut sink);
        ing.feed(b"\n{\"msg\":\"fine\"}\n{also bad\n", &mut sink);
        let rep = ing.finish(&mut sink);
        assert_eq!(out.len(), 5);
        assert_eq!(out[2], (3, "last of a".to_owned()));
        assert_eq!(out[4].0, 6, "sink line numbers count across files");
        let listed: Vec<_> = rep
            .malformed
            .iter()
            .map(|m| (m.file.as_deref(), m.line))
            .collect();
        assert_eq!(listed, [(Some("a.log"), 2), (Some("b.log"), 3)]);
        let files: Vec<_> = rep
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.lines, f.records, f.malformed_count))
            .collect();
        assert_eq!(files, [("a.log", 3, 3, 1), ("b.log", 3, 2, 1)]);
        assert_eq!(rep.files[0].bytes + rep.files[1].bytes, rep.bytes);
    }

    #[test]
    fn long_lines_are_cut_and_reported() {
        let mut input = vec![b'a'; 50];
        input.extend_from_slice(b"\nshort\n");
        let opts = IngestOptions {
            max_line_bytes: 10,
            max_listed: 1,
            ..Default::default()
        };
        let (recs, rep) = run(&input, opts);
        assert_eq!(recs[0].1.message, "aaaaaaaaaa");
        assert_eq!(recs[1].1.message, "short");
        assert_eq!(rep.malformed_count, 1);
        assert_eq!(rep.malformed[0].problem, Problem::TooLong);
    }

    #[test]
    fn header_mismatch_is_reported_and_auto_detected() {
        let opts = IngestOptions {
            parse: ParseOptions {
                header: Some(HeaderFormat::parse("<Date> <Time> <Level> <Content>").unwrap()),
            },
            ..Default::default()
        };
        let (recs, rep) = run(b"2024-01-02 03:04:05 ERROR boom\nnot a header\n", opts);
        assert_eq!(recs[0].1.format, LineFormat::Header);
        assert_eq!(recs[0].1.message, "boom");
        assert_eq!(recs[1].1.message, "not a header");
        assert_eq!(rep.malformed_count, 1);
        assert_eq!(rep.malformed[0].line, 2);
        assert_eq!(rep.malformed[0].problem, Problem::HeaderMismatch);
    }
}
