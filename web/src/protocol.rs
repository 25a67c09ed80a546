//! The messages between the UI thread and the workers. Each message is a JS array
//! `[header, ...buffers]`: `header` is one of these enums as JSON, the buffers carry bulk bytes
//! (archives, file shares, facts) and are transferred, not copied.

use refract_core::query::{ClosureEntry, FuncSummary, Neighbourhood, Overview};
use serde::{Deserialize, Serialize};

/// A pipeline stage, as shown in the progress bars and posted to an embedding host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Read,
    Parse,
    Link,
    Closure,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Read, Stage::Parse, Stage::Link, Stage::Closure];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Parse => "parse",
            Stage::Link => "link",
            Stage::Closure => "closure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Read => "files read",
            Stage::Parse => "files parsed",
            Stage::Link => "linked",
            Stage::Closure => "closure",
        }
    }
}

/// UI thread → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Coordinator: load a repository. With `archive`, buffer 0 is a .zip / .tar.gz named
    /// `name`; otherwise buffer i holds the bytes of `paths[i]` (a dropped folder).
    Load {
        name: String,
        archive: bool,
        paths: Vec<String>,
        /// How many parser workers take the Go files' shares (core's `index::share_plan`);
        /// the page hands each share to the parser holding the fewest.
        parsers: u32,
    },
    /// Parser: buffer 0 is a postcard `Vec<(path, text)>`.
    Parse,
    /// Coordinator: buffer 0 is the postcard `Vec<GoFile>` of one share, kept for `Link`
    /// (decoded while the other shares are still being parsed).
    Facts,
    /// Coordinator: every share's facts have been sent; link them.
    Link {
        parse_failures: Vec<String>,
    },
    /// Run the engine once on the bundled demo (the buffers: it as a zip and as a .tar.gz,
    /// either may be missing) and keep nothing:
    /// V8 runs wasm on baseline code first and optimises a function only once it has run for a
    /// while, so without this the first repository is parsed and linked by the slow code.
    /// `link`: also link (the coordinator); parsers only parse.
    Warm {
        link: bool,
    },
    Search {
        query: String,
    },
    Neighbourhood {
        id: u32,
        depth: u32,
    },
    Closure {
        id: u32,
    },
    Source {
        path: String,
    },
    /// Coordinator: explain each line (`refract trace --json` objects back).
    Explain {
        lines: Vec<String>,
    },
    /// Cluster logs and traces (`refract cluster --json`); buffers: the `logs` files, then the
    /// `traces` files, each a `Blob` (a picked `File`: the worker reads log files slice by slice,
    /// so a file of any size is never held whole) or an `ArrayBuffer`. Code paths are added when this worker holds an index. `run` numbers the
    /// request so that replies of a superseded run are ignored.
    Cluster {
        run: u32,
        logs: Vec<String>,
        traces: Vec<String>,
    },
    /// Stop clustering run `run` (the coordinator keeps its index; the run ends at its next
    /// chunk and sends nothing more).
    CancelCluster {
        run: u32,
    },
}

/// Worker → UI thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is initialised and its message handler installed.
    Ready,
    Progress {
        stage: Stage,
        done: u32,
        total: u32,
    },
    /// The warm-up is done.
    Warmed {
        spans: Vec<Span>,
    },
    /// Buffer 0: one share of Go files to parse, a postcard `Vec<(path, text)>` of `files`
    /// files. A zip's shares come while the rest of it is still being inflated; `go_files`
    /// is how many Go files all shares are planned to hold (binary or generated files found
    /// on inflating drop out, so `Loaded` may say fewer).
    Share {
        files: u32,
        go_files: u32,
    },
    /// Loading is done and every share has been sent: `shares` of them, `summary.go_files`
    /// files in all.
    Loaded {
        summary: LoadSummary,
        shares: u32,
        spans: Vec<Span>,
    },
    /// Buffer 0: postcard `Vec<GoFile>`.
    Parsed {
        files: u32,
        failures: Vec<String>,
        spans: Vec<Span>,
    },
    Indexed {
        overview: Overview,
        spans: Vec<Span>,
    },
    Functions {
        query: String,
        hits: Vec<FuncSummary>,
    },
    Neighbourhood {
        view: Option<Neighbourhood>,
    },
    Closure {
        id: u32,
        entries: Vec<ClosureEntry>,
    },
    Source {
        path: String,
        text: Option<String>,
    },
    /// One `refract trace --json` object per requested line, in order.
    Explained {
        results: Vec<serde_json::Value>,
    },
    Failed {
        message: String,
    },
    /// Clustering progress: bytes of the inputs consumed.
    ClusterProgress {
        run: u32,
        step: String,
        done: u64,
        total: u64,
    },
    Clustered {
        run: u32,
        report: Box<refract_core::cluster::ClusterReport>,
        timing: ClusterTiming,
    },
    ClusterFailed {
        run: u32,
        message: String,
    },
}

/// Where a clustering run's time went, measured in the worker (milliseconds). Reading the
/// inputs' bytes is not in any of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterTiming {
    /// Log ingestion and template mining (`ClusterRun::feed_logs`).
    pub logs_ms: f64,
    /// Trace parsing (`ClusterRun::add_traces`).
    pub traces_ms: f64,
    /// `ClusterRun::finish`: the log clusters' report and the trace analysis.
    pub finish_ms: f64,
}

/// One step a worker timed, in milliseconds since the epoch (`performance.timeOrigin + now()`),
/// so that the page can place it on its own timeline (a worker's `now()` has its own origin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub step: String,
    pub start: f64,
    pub end: f64,
}

/// What loading found, before parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadSummary {
    pub files: u32,
    pub go_files: u32,
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"type\":\"bad\",\"e\":{e:?}}}"))
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            serde_json::json!({"type": "failed", "message": format!("encoding a reply: {e}")})
                .to_string()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_tagged_json() {
        let m = ToWorker::Load {
            name: "repo.zip".into(),
            archive: true,
            paths: vec![],
            parsers: 3,
        };
        let json = m.to_json();
        assert!(json.starts_with("{\"type\":\"load\""), "{json}");
        assert_eq!(serde_json::from_str::<ToWorker>(&json).ok(), Some(m));
        let p = FromWorker::Progress {
            stage: Stage::Parse,
            done: 3,
            total: 9,
        };
        assert_eq!(
            p.to_json(),
            r#"{"type":"progress","stage":"parse","done":3,"total":9}"#
        );
    }

    /// Parsers hand facts to the coordinator in postcard, which is not self-describing: a field
    /// the encoder skips (`skip_serializing_if`) makes the decoder read the next field's bytes.
    /// Real Go files of every flow kind must survive the trip byte for byte.
    #[test]
    fn go_facts_survive_postcard_between_workers() {
        use refract_core::lang::go::{self, GoFile};
        use refract_core::source::{load_path, LoadOptions};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let repos = [
            root.join("static/demo/repo"),
            root.join("tests/fixtures/go/flows"),
            root.join("tests/fixtures/go/errpath"),
        ];
        let mut files = 0;
        for repo in repos {
            let set = load_path(&repo, &LoadOptions::default()).expect("fixture repo loads");
            for f in set.files.iter().filter(|f| f.path.ends_with(".go")) {
                let facts = vec![go::parse_file(&f.path, &f.text).expect("fixture parses")];
                let bytes = postcard::to_allocvec(&facts).expect("encodes");
                let back: Vec<GoFile> = postcard::from_bytes(&bytes)
                    .unwrap_or_else(|e| panic!("{}: facts do not decode: {e}", f.path));
                let again = postcard::to_allocvec(&back).expect("encodes again");
                assert_eq!(bytes, again, "{}: facts changed on the way", f.path);
                files += 1;
            }
        }
        assert!(files > 40, "only {files} Go files checked");
    }

    #[test]
    fn stages_are_ordered_like_the_pipeline() {
        let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["read", "parse", "link", "closure"]);
        assert!(Stage::ALL.iter().enumerate().all(|(i, s)| s.index() == i));
    }
}
