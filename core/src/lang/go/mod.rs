//! The Go front end: tree-sitter-go → [`GoFile`] facts for one file.

mod facts;

pub use facts::*;
