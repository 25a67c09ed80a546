//! Program linking: the facts of every file → functions and a call graph.
