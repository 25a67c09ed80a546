//! The constant closure C_k(f) over the call graph.
