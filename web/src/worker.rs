//! The worker side: one binary, two roles chosen by the messages it gets.
//!
//! - parser: `Parse` → `refract_core::lang::go::parse_file` over its share → `Parsed` with the
//!   facts postcard-encoded;
//! - coordinator: `Load` (core's source loading) → `Loaded` with one share per parser; `Link`
//!   (core's `index::link_parsed`) → `Indexed`; then queries against the kept index.

use std::cell::RefCell;

use refract_core::cluster::ClusterRun;
use refract_core::explain::{ExplainOptions, Explainer};
use refract_core::index::{self, Index, IndexOptions};
use refract_core::lang::go::{self, GoFile};
use refract_core::program::FuncId;
use refract_core::query;
use refract_core::source::{self, FileSet, LoadOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::bus;
use crate::protocol::{FromWorker, LoadSummary, Span, Stage, ToWorker};

/// What the coordinator keeps between messages. The index lives as long as the worker (the UI
/// starts a fresh coordinator per analysis), so it is leaked to `'static` and the explainer,
/// which borrows it, is built once on the first explain request.
#[derive(Default)]
struct State {
    files: Option<FileSet>,
    /// The facts of the shares parsed so far, and the time decoding them took.
    facts: Vec<GoFile>,
    decode_spans: Vec<Span>,
    index: Option<&'static Index>,
    explainer: Option<Explainer<'static>>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Installs the message handler and tells the UI thread the worker is ready.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let out = Reply {
            scope: &reply_scope,
        };
        match bus::incoming(&e.data()) {
            Some(msg) => match serde_json::from_str::<ToWorker>(&msg.header) {
                Ok(req) => handle(&out, req, &msg.buffers),
                Err(err) => out.send(&FromWorker::Failed {
                    message: format!("worker: unreadable request: {err}"),
                }),
            },
            None => out.send(&FromWorker::Failed {
                message: "worker: message is not a [header, ...buffers] array".into(),
            }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    Reply { scope: &scope }.send(&FromWorker::Ready);
}

/// Milliseconds since the epoch, as precise as the worker's `performance` allows.
fn epoch_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map(|p| p.time_origin() + p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// The steps of one request, timed for the page's performance timeline.
#[derive(Default)]
struct Spans(Vec<Span>);

impl Spans {
    fn time<T>(&mut self, step: &str, f: impl FnOnce() -> T) -> T {
        let start = epoch_ms();
        let out = f();
        self.0.push(Span {
            step: step.to_string(),
            start,
            end: epoch_ms(),
        });
        out
    }
}

struct Reply<'a> {
    scope: &'a DedicatedWorkerGlobalScope,
}

impl Reply<'_> {
    fn send(&self, m: &FromWorker) {
        self.send_with(m, &[]);
    }

    fn send_with(&self, m: &FromWorker, buffers: &[Vec<u8>]) {
        let out = bus::outgoing(m.to_json(), buffers);
        if let Err(e) = self
            .scope
            .post_message_with_transfer(&out.message, &out.transfer)
        {
            web_sys::console::error_2(&"worker: postMessage failed".into(), &e);
        }
    }

    fn progress(&self, stage: Stage, done: usize, total: usize) {
        self.send(&FromWorker::Progress {
            stage,
            done: done as u32,
            total: total as u32,
        });
    }

    fn fail(&self, message: String) {
        self.send(&FromWorker::Failed { message });
    }
}

fn handle(out: &Reply, req: ToWorker, buffers: &[JsValue]) {
    match req {
        ToWorker::Load {
            name,
            archive,
            paths,
            shares,
        } => load(out, &name, archive, paths, shares, buffers),
        ToWorker::Parse => parse(out, buffers),
        ToWorker::Facts => facts(out, buffers),
        ToWorker::Link { parse_failures } => link(out, parse_failures),
        ToWorker::Warm { link } => warm(out, link, buffers),
        ToWorker::Search { query: q } => with_index(out, |_, idx| FromWorker::Functions {
            hits: query::search_functions(&idx.program, &q, 50),
            query: q,
        }),
        ToWorker::Neighbourhood { id, depth } => {
            with_index(out, |_, idx| FromWorker::Neighbourhood {
                view: query::neighbourhood(&idx.program, FuncId(id), depth, 40),
            })
        }
        ToWorker::Closure { id } => with_index(out, |_, idx| FromWorker::Closure {
            id,
            entries: query::closure_of(idx, FuncId(id), 300),
        }),
        ToWorker::Source { path } => with_index(out, |files, _| FromWorker::Source {
            text: files
                .files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.text.clone()),
            path,
        }),
        ToWorker::Explain { lines } => explain(out, &lines),
        ToWorker::Cluster { run, logs, traces } => cluster(out, run, &logs, &traces, buffers),
    }
}

fn with_index(out: &Reply, f: impl FnOnce(&FileSet, &Index) -> FromWorker) {
    let reply = STATE.with(|s| {
        let s = s.borrow();
        match (&s.files, &s.index) {
            (Some(files), Some(idx)) => f(files, idx),
            _ => FromWorker::Failed {
                message: "no repository has been analysed yet".into(),
            },
        }
    });
    out.send(&reply);
}

fn load(
    out: &Reply,
    name: &str,
    archive: bool,
    paths: Vec<String>,
    shares: u32,
    buffers: &[JsValue],
) {
    let opts = LoadOptions::default();
    let mut spans = Spans::default();
    let loaded = if archive {
        match buffers.first() {
            Some(b) => {
                let bytes = spans.time("copy-in", || bus::bytes(b));
                spans.time("unpack", || source::load_archive(name, &bytes, &opts))
            }
            None => {
                return out.fail(format!("{name}: no archive bytes were sent"));
            }
        }
    } else {
        if paths.len() != buffers.len() {
            return out.fail(format!(
                "{name}: {} paths but {} file contents",
                paths.len(),
                buffers.len()
            ));
        }
        spans.time("unpack", || {
            let entries = paths.into_iter().zip(buffers.iter().map(bus::bytes));
            source::from_entries(entries, &opts)
        })
    };
    let files = match loaded {
        Ok(f) => f,
        Err(e) => return out.fail(e.to_string()),
    };
    let kept = files.files.len();
    out.progress(Stage::Read, kept, kept);
    let encoded = spans.time("shares", || {
        let shares = index::go_shares(&files.files, shares as usize);
        let mut encoded = Vec::with_capacity(shares.len());
        for share in &shares {
            let items: Vec<(&str, &str)> = share
                .iter()
                .map(|&i| (files.files[i].path.as_str(), files.files[i].text.as_str()))
                .collect();
            match postcard::to_allocvec(&items) {
                Ok(bytes) => encoded.push((items.len(), bytes)),
                Err(e) => return Err(format!("{name}: encoding a file share: {e}")),
            }
        }
        Ok(encoded)
    });
    let encoded = match encoded {
        Ok(e) => e,
        Err(e) => return out.fail(e),
    };
    let go_files: usize = encoded.iter().map(|(n, _)| n).sum();
    let encoded: Vec<Vec<u8>> = encoded.into_iter().map(|(_, b)| b).collect();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.files = Some(files);
        s.facts.clear();
        s.decode_spans.clear();
        s.index = None;
    });
    out.send_with(
        &FromWorker::Loaded {
            summary: LoadSummary {
                files: kept as u32,
                go_files: go_files as u32,
            },
            spans: spans.0,
        },
        &encoded,
    );
}

fn parse(out: &Reply, buffers: &[JsValue]) {
    let Some(share) = buffers.first() else {
        return out.fail("parser: no file share was sent".into());
    };
    let mut spans = Spans::default();
    let decoded = spans.time("decode", || {
        postcard::from_bytes::<Vec<(String, String)>>(&bus::bytes(share))
    });
    let items = match decoded {
        Ok(v) => v,
        Err(e) => return out.fail(format!("parser: unreadable file share: {e}")),
    };
    let total = items.len();
    let (facts, failures) = spans.time("parse", || {
        let mut facts = Vec::with_capacity(total);
        let mut failures = Vec::new();
        for (i, (path, text)) in items.iter().enumerate() {
            match go::parse_file(path, text) {
                Ok(f) => facts.push(f),
                Err(e) => failures.push(e.to_string()),
            }
            if (i + 1) % 16 == 0 {
                out.progress(Stage::Parse, i + 1, total);
            }
        }
        (facts, failures)
    });
    match spans.time("encode", || postcard::to_allocvec(&facts)) {
        Ok(bytes) => out.send_with(
            &FromWorker::Parsed {
                files: total as u32,
                failures,
                spans: spans.0,
            },
            &[bytes],
        ),
        Err(e) => out.fail(format!("parser: encoding facts: {e}")),
    }
}

/// One share's facts, decoded now so that only linking is left once the last share is in.
fn facts(out: &Reply, buffers: &[JsValue]) {
    let Some(b) = buffers.first() else {
        return out.fail("linker: no facts were sent".into());
    };
    let mut spans = Spans::default();
    match spans.time("decode", || {
        postcard::from_bytes::<Vec<GoFile>>(&bus::bytes(b))
    }) {
        Ok(mut v) => STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.facts.append(&mut v);
            s.decode_spans.append(&mut spans.0);
        }),
        Err(e) => out.fail(format!("linker: unreadable facts from a parser: {e}")),
    }
}

fn link(out: &Reply, parse_failures: Vec<String>) {
    let mut spans = Spans::default();
    let reply = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(files) = s.files.take() else {
            return FromWorker::Failed {
                message: "linker: no repository is loaded".into(),
            };
        };
        let facts = std::mem::take(&mut s.facts);
        spans.0.append(&mut s.decode_spans);
        out.progress(Stage::Link, 0, 1);
        let start = epoch_ms();
        let mut linked = start;
        let idx = index::link_parsed(
            &files.files,
            facts,
            parse_failures,
            &IndexOptions::default(),
            |p| {
                linked = epoch_ms();
                out.progress(Stage::Link, 1, 1);
                out.progress(Stage::Closure, 0, p.funcs.len());
            },
        );
        let end = epoch_ms();
        spans.0.push(Span {
            step: "link".into(),
            start,
            end: linked,
        });
        spans.0.push(Span {
            step: "closure".into(),
            start: linked,
            end,
        });
        out.progress(
            Stage::Closure,
            idx.program.funcs.len(),
            idx.program.funcs.len(),
        );
        let overview = spans.time("overview", || query::overview(&files, &idx));
        s.files = Some(files);
        s.index = Some(Box::leak(Box::new(idx)));
        s.explainer = None;
        FromWorker::Indexed {
            overview,
            spans: std::mem::take(&mut spans.0),
        }
    });
    out.send(&reply);
}

/// [`ToWorker::Warm`]: the pipeline once on a small archive, nothing kept.
fn warm(out: &Reply, link: bool, buffers: &[JsValue]) {
    let mut spans = Spans::default();
    spans.time("warm-up", || {
        let Some(b) = buffers.first() else { return };
        let opts = LoadOptions::default();
        let Ok(files) = source::load_archive("warm-up.tar.gz", &bus::bytes(b), &opts) else {
            return;
        };
        // The same steps as a real run, through postcard both ways.
        let share: Vec<(&str, &str)> = files
            .files
            .iter()
            .filter(|f| f.path.ends_with(".go"))
            .map(|f| (f.path.as_str(), f.text.as_str()))
            .collect();
        let Ok(bytes) = postcard::to_allocvec(&share) else {
            return;
        };
        let Ok(share) = postcard::from_bytes::<Vec<(String, String)>>(&bytes) else {
            return;
        };
        let facts: Vec<GoFile> = share
            .iter()
            .filter_map(|(path, text)| go::parse_file(path, text).ok())
            .collect();
        let Ok(bytes) = postcard::to_allocvec(&facts) else {
            return;
        };
        let Ok(facts) = postcard::from_bytes::<Vec<GoFile>>(&bytes) else {
            return;
        };
        if link {
            let idx = index::link_parsed(
                &files.files,
                facts,
                Vec::new(),
                &IndexOptions::default(),
                |_| {},
            );
            let _ = query::overview(&files, &idx);
        }
    });
    out.send(&FromWorker::Warmed { spans: spans.0 });
}

fn explain(out: &Reply, lines: &[String]) {
    let reply = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(idx) = s.index else {
            return FromWorker::Failed {
                message: "no repository has been analysed yet".into(),
            };
        };
        let ex = s.explainer.get_or_insert_with(|| {
            Explainer::new(&idx.program, &idx.closure, ExplainOptions::default())
                .with_externals(idx.externals.clone())
        });
        let mut results = Vec::with_capacity(lines.len());
        for line in lines {
            match serde_json::to_value(ex.explain_line(line)) {
                Ok(v) => results.push(v),
                Err(e) => {
                    return FromWorker::Failed {
                        message: format!("explain: encoding the result: {e}"),
                    }
                }
            }
        }
        FromWorker::Explained { results }
    });
    out.send(&reply);
}

/// Bytes fed to the log ingester per progress report.
const CLUSTER_CHUNK: usize = 1 << 20;

/// `refract cluster --json` over the sent files, via core's `ClusterRun`; with the index of a
/// loaded repository, log clusters are split by code path.
fn cluster(out: &Reply, run: u32, logs: &[String], traces: &[String], buffers: &[JsValue]) {
    let fail = |message: String| out.send(&FromWorker::ClusterFailed { run, message });
    if buffers.len() != logs.len() + traces.len() {
        return fail(format!(
            "{} file names but {} file contents",
            logs.len() + traces.len(),
            buffers.len()
        ));
    }
    let files: Vec<Vec<u8>> = buffers.iter().map(bus::bytes).collect();
    let total: u64 = files.iter().map(|f| f.len() as u64).sum();
    let progress = |step: &str, done: u64| {
        out.send(&FromWorker::ClusterProgress {
            run,
            step: step.to_owned(),
            done,
            total,
        })
    };
    let index = STATE.with(|s| s.borrow().index);
    let explainer = index.map(|idx| {
        Explainer::new(&idx.program, &idx.closure, ExplainOptions::default())
            .with_externals(idx.externals.clone())
    });
    let opts = refract_core::logs::ingest::IngestOptions::default();
    let mut cr = match &explainer {
        Some(ex) => ClusterRun::with_explainer(opts, ex),
        None => ClusterRun::new(opts),
    };
    let (log_files, trace_files) = files.split_at(logs.len());
    let mut done = 0u64;
    for f in log_files {
        for chunk in f.chunks(CLUSTER_CHUNK) {
            cr.feed_logs(chunk);
            done += chunk.len() as u64;
            progress("logs", done);
        }
        // A file that does not end in a newline must not run into the next one.
        if !f.is_empty() && !f.ends_with(b"\n") {
            cr.feed_logs(b"\n");
        }
    }
    for (name, f) in traces.iter().zip(trace_files) {
        progress("traces", done);
        if let Err(e) = cr.add_traces(f) {
            return fail(format!("{name}: {e}"));
        }
        done += f.len() as u64;
    }
    progress("clustering", done);
    let report = cr.finish();
    out.send(&FromWorker::Clustered {
        run,
        report: Box::new(report),
    });
}
