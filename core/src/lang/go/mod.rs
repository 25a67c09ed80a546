//! The Go front end: tree-sitter-go → [`GoFile`] facts for one file, and `go.mod` reading.
//!
//! One file at a time, no type checker, no Go toolchain: the facts keep whatever needs other
//! files symbolic (see [`facts`]), and [`crate::program`] settles it.

mod apis;
mod extract;
mod facts;
mod gomod;

use std::cell::RefCell;

pub use extract::{default_import_name, string_literal_value};
pub use facts::*;
pub use gomod::{parse_go_mod, GoMod, Replace};

/// Why a file could not be parsed at all (distinct from recoverable syntax errors, which are
/// reported in [`GoFile::syntax_errors`]).
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("{path}: the Go grammar could not be loaded: {message}")]
    Grammar { path: String, message: String },
    #[error("{path}: tree-sitter gave up parsing the file")]
    Aborted { path: String },
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

fn with_parser<R>(
    path: &str,
    f: impl FnOnce(&mut tree_sitter::Parser) -> Result<R, ParseError>,
) -> Result<R, ParseError> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&tree_sitter_go::LANGUAGE.into())
                .map_err(|e| ParseError::Grammar {
                    path: path.to_string(),
                    message: e.to_string(),
                })?;
            *slot = Some(p);
        }
        match slot.as_mut() {
            Some(p) => f(p),
            None => Err(ParseError::Aborted {
                path: path.to_string(),
            }),
        }
    })
}

/// Parses one Go file and extracts its facts.
pub fn parse_file(path: &str, text: &str) -> Result<GoFile, ParseError> {
    with_parser(path, |p| {
        let tree = p.parse(text, None).ok_or_else(|| ParseError::Aborted {
            path: path.to_string(),
        })?;
        Ok(extract::extract(path, text, tree.root_node()))
    })
}

/// Parses one Go file and returns the number of syntax nodes, doing nothing else. The benchmark
/// compares the whole pipeline against this bare parse.
pub fn parse_only(path: &str, text: &str) -> Result<usize, ParseError> {
    with_parser(path, |p| {
        let tree = p.parse(text, None).ok_or_else(|| ParseError::Aborted {
            path: path.to_string(),
        })?;
        Ok(tree.root_node().descendant_count())
    })
}
