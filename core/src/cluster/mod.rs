//! Online log template mining ("which log lines are the same message with different values?").
//!
//! Refract explains where an error string comes from in source code; the other half of that
//! question starts from the *logs*: thousands of lines that are really a few dozen distinct
//! `printf`-style templates. This module groups a stream of log messages into templates so that
//! each template can later be matched against the string constants found in source.
//!
//! Why this shape:
//! * **Streaming, one pass.** Logs are large and arrive incrementally (a browser tab reading a
//!   dropped file, `refract cluster` reading a pipe). Each message is processed once, in order,
//!   with memory bounded by caps on clusters and tree fan-out — never by input size.
//! * **Drain-style fixed-depth tree** (He et al., ICWS 2017): messages are routed by token count
//!   and their first tokens to a small leaf of candidate clusters, so the per-line cost does not
//!   grow with the number of templates seen.
//! * **Generic masking first** ([`mask`]): numbers, hex, IPs, UUIDs, paths, durations, quoted
//!   values and numeric `key=value` values are replaced by `<*>` before the tree lookup. There
//!   are no per-dataset rules; one [`MinerConfig`] serves every input.
//! * **No threads, no file system**: the miner is plain data + `&mut self` methods and compiles
//!   for `wasm32-unknown-unknown`. Reading files is the caller's job.
//!
//! ```
//! use refract_core::cluster::{MinerConfig, TemplateMiner};
//! let mut m = TemplateMiner::new(MinerConfig::default());
//! let a = m.add("Invalid user admin from 10.0.0.1");
//! let b = m.add("Invalid user oracle from 10.0.0.2");
//! assert_eq!(a, b);
//! assert_eq!(m.template(a), "Invalid user <*> from <*>");
//! ```

pub mod code_path;
pub mod drain;
pub mod log_clusters;
pub mod mask;
pub mod report;
pub mod run;
pub mod timeline;

pub use code_path::code_path;
pub use drain::{ClusterId, ClusterInfo, MinerConfig, TemplateMiner};
pub use log_clusters::{CodePath, LogCluster, LogClusterer, LogClusters, PathHop, PathSplit};
pub use mask::{mask_message, WILDCARD};
pub use report::{ClusterReport, LogAnalysis};
pub use run::ClusterRun;
