//! Refract's engine.
//!
//! Refract answers "where did this error really come from?" by reading a service's source code,
//! never running or building it. The engine is a pipeline of stages, each a module with one input
//! and one output type:
//!
//! ```text
//! source   (dir / .zip / .tar.gz)        → FileSet
//! lang::go (tree-sitter, one file)       → GoFile facts
//! program  (link facts of all files)     → Program: functions + call graph
//! closure  (C_k over the call graph)     → Closure
//! explain  (log line, Program, Closure)  → Explanation: hops from logger to root cause
//!
//! logs     (log lines, any logger)       → LogRecord
//! cluster  (LogRecords [+ explain])      → template clusters [split by code path]
//! traces   (OTLP/Jaeger/Zipkin/CSV)      → Span → error-chain clusters, broken-trace report
//! ```
//!
//! Nothing here knows about a browser or a terminal: the CLI (`refract`) and the web app
//! (`refract-web`) are thin shells over these stages. The crate compiles for native targets and
//! for `wasm32-unknown-unknown`; the only native-only piece is optional rayon parallelism.

pub mod closure;
pub mod cluster;
pub mod explain;
pub mod index;
pub mod intern;
pub mod lang;
pub mod logs;
pub mod program;
pub mod query;
pub mod source;
pub mod traces;
