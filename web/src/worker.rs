//! The worker side: one binary, two roles chosen by the messages it gets.
//!
//! - parser: `Parse` → `refract_core::lang::go::parse_file` over its share → `Parsed` with the
//!   facts postcard-encoded;
//! - coordinator: `Load` (core's source loading) → a `Share` of Go files at a time (a zip's
//!   while the rest is still being inflated), then `Loaded`; `Link`
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
use crate::protocol::{ClusterTiming, FromWorker, LoadSummary, Span, Stage, ToWorker};

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
    /// The clustering run that may go on; a newer run or a cancel replaces it, and a run that
    /// finds itself replaced at its next pause stops.
    static CLUSTER_RUN: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
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
            parsers,
        } => load(out, &name, archive, paths, parsers, buffers),
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
        ToWorker::Cluster { run, logs, traces } => {
            CLUSTER_RUN.with(|c| c.set(Some(run)));
            let buffers = buffers.to_vec();
            wasm_bindgen_futures::spawn_local(async move {
                let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
                cluster(&Reply { scope: &scope }, run, &logs, &traces, &buffers).await
            });
        }
        ToWorker::CancelCluster { run } => CLUSTER_RUN.with(|c| {
            if c.get() == Some(run) {
                c.set(None)
            }
        }),
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
    parsers: u32,
    buffers: &[JsValue],
) {
    let opts = LoadOptions::default();
    let mut spans = Spans::default();
    let mut sender = ShareSender::default();
    let loaded = if archive {
        let Some(b) = buffers.first() else {
            return out.fail(format!("{name}: no archive bytes were sent"));
        };
        let bytes = spans.time("copy-in", || bus::bytes(b));
        load_archive_in_shares(out, name, &bytes, parsers, &opts, &mut sender, &mut spans)
    } else if paths.len() != buffers.len() {
        Err(format!(
            "{name}: {} paths but {} file contents",
            paths.len(),
            buffers.len()
        ))
    } else {
        let entries = paths.into_iter().zip(buffers.iter().map(bus::bytes));
        load_then_share(
            out,
            name,
            || source::from_entries(entries, &opts),
            parsers,
            &mut sender,
            &mut spans,
        )
    };
    let files = match loaded {
        Ok(f) => f,
        Err(e) => return out.fail(e),
    };
    let kept = files.files.len();
    out.progress(Stage::Read, kept, kept);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.files = Some(files);
        s.facts.clear();
        s.decode_spans.clear();
        s.index = None;
    });
    out.send(&FromWorker::Loaded {
        summary: LoadSummary {
            files: kept as u32,
            go_files: sender.go_files,
        },
        shares: sender.shares,
        spans: spans.0,
    });
}

/// Posts shares of Go files to the page as they are ready, counting what it sent.
#[derive(Default)]
struct ShareSender {
    shares: u32,
    go_files: u32,
    /// The warm-up's: the encoded shares are kept here instead of being posted, and no progress
    /// is reported.
    kept: Option<Vec<Vec<u8>>>,
}

impl ShareSender {
    /// Encodes one share and posts it; `planned` is the number of Go files all the shares are
    /// planned to hold. Empty shares are not sent.
    fn send(
        &mut self,
        out: &Reply,
        name: &str,
        files: &[(&str, &str)],
        planned: usize,
    ) -> Result<(), String> {
        if files.is_empty() {
            return Ok(());
        }
        let bytes = postcard::to_allocvec(files)
            .map_err(|e| format!("{name}: encoding a file share: {e}"))?;
        self.shares += 1;
        self.go_files += files.len() as u32;
        match &mut self.kept {
            Some(kept) => kept.push(bytes),
            None => out.send_with(
                &FromWorker::Share {
                    files: files.len() as u32,
                    go_files: planned as u32,
                },
                &[bytes],
            ),
        }
        Ok(())
    }

    /// Reports `done` of `total` files read (not in the warm-up).
    fn read_progress(&self, out: &Reply, done: usize, total: usize) {
        if self.kept.is_none() {
            out.progress(Stage::Read, done, total);
        }
    }
}

/// An archive's Go files, in shares: a zip's while it is still being inflated
/// ([`load_zip_in_shares`]), a .tar.gz's once it is loaded (gzip is one stream).
fn load_archive_in_shares(
    out: &Reply,
    name: &str,
    bytes: &[u8],
    parsers: u32,
    opts: &LoadOptions,
    sender: &mut ShareSender,
    spans: &mut Spans,
) -> Result<FileSet, String> {
    if source::is_zip(bytes) {
        load_zip_in_shares(out, name, bytes, parsers, opts, sender, spans)
    } else {
        load_then_share(
            out,
            name,
            || source::load_archive(name, bytes, opts),
            parsers,
            sender,
            spans,
        )
    }
}

/// Loads a file set with `load` (timed as "unpack"), then sends its Go files in shares.
fn load_then_share(
    out: &Reply,
    name: &str,
    load: impl FnOnce() -> Result<FileSet, source::SourceError>,
    parsers: u32,
    sender: &mut ShareSender,
    spans: &mut Spans,
) -> Result<FileSet, String> {
    let files = spans.time("unpack", load).map_err(|e| e.to_string())?;
    send_shares(out, name, &files, parsers, sender, spans)?;
    Ok(files)
}

/// A loaded file set's Go files, in shares ([`index::go_shares`]).
fn send_shares(
    out: &Reply,
    name: &str,
    files: &FileSet,
    parsers: u32,
    sender: &mut ShareSender,
    spans: &mut Spans,
) -> Result<(), String> {
    spans.time("shares", || {
        let shares = index::go_shares(&files.files, parsers as usize);
        let planned = shares.iter().map(Vec::len).sum();
        for share in &shares {
            let items: Vec<(&str, &str)> = share
                .iter()
                .map(|&i| (files.files[i].path.as_str(), files.files[i].text.as_str()))
                .collect();
            sender.send(out, name, &items, planned)?;
        }
        Ok(())
    })
}

/// A zip, inflated share by share: the central directory gives every Go file's name and size,
/// so the shares are planned before anything is inflated and each is posted as soon as its
/// files are out, while the parsers start on the first ones. Then the rest (`go.mod`, …).
fn load_zip_in_shares(
    out: &Reply,
    name: &str,
    bytes: &[u8],
    parsers: u32,
    opts: &LoadOptions,
    sender: &mut ShareSender,
    spans: &mut Spans,
) -> Result<FileSet, String> {
    let mut zip = spans
        .time("open", || source::ZipBatches::open(name, bytes, opts))
        .map_err(|e| e.to_string())?;
    let go: Vec<(String, u64)> = zip
        .pending()
        .filter(|(p, _)| p.ends_with(".go"))
        .map(|(p, n)| (p.to_string(), n))
        .collect();
    // "Files read" counts every wanted file (Go or not) as `Loaded` will.
    let wanted = zip.pending().count();
    let sizes: Vec<u64> = go.iter().map(|(_, n)| *n).collect();
    let plan = index::share_plan(&sizes, parsers as usize);
    let mut read = 0;
    for share in &plan {
        spans.time("share", || {
            let paths: Vec<&str> = share.iter().map(|&k| go[k].0.as_str()).collect();
            let files = zip.read(&paths).map_err(|e| e.to_string())?;
            let items: Vec<(&str, &str)> = files
                .iter()
                .map(|f| (f.path.as_str(), f.text.as_str()))
                .collect();
            sender.send(out, name, &items, go.len())?;
            read += share.len();
            sender.read_progress(out, read, wanted);
            Ok::<(), String>(())
        })?;
    }
    spans.time("unpack rest", || zip.finish().map_err(|e| e.to_string()))
}

fn parse(out: &Reply, buffers: &[JsValue]) {
    let Some(share) = buffers.first() else {
        return out.fail("parser: no file share was sent".into());
    };
    let mut spans = Spans::default();
    match parse_share(Some(out), &bus::bytes(share), &mut spans) {
        Ok(parsed) => out.send_with(
            &FromWorker::Parsed {
                files: parsed.files,
                failures: parsed.failures,
                spans: spans.0,
            },
            &[parsed.facts],
        ),
        Err(e) => out.fail(e),
    }
}

/// What a parser makes of one share.
struct ParsedShare {
    files: u32,
    failures: Vec<String>,
    /// postcard `Vec<GoFile>`.
    facts: Vec<u8>,
}

/// A postcard share of `(path, text)` → its facts, postcard-encoded. Reports progress to `out`
/// (not in the warm-up).
fn parse_share(
    out: Option<&Reply>,
    share: &[u8],
    spans: &mut Spans,
) -> Result<ParsedShare, String> {
    let items = spans
        .time("decode", || {
            postcard::from_bytes::<Vec<(String, String)>>(share)
        })
        .map_err(|e| format!("parser: unreadable file share: {e}"))?;
    let total = items.len();
    let (facts, failures) = spans.time("parse", || {
        let mut facts = Vec::with_capacity(total);
        let mut failures = Vec::new();
        for (i, (path, text)) in items.iter().enumerate() {
            match go::parse_file(path, text) {
                Ok(f) => facts.push(f),
                Err(e) => failures.push(e.to_string()),
            }
            if let Some(out) = out.filter(|_| (i + 1) % 16 == 0) {
                out.progress(Stage::Parse, i + 1, total);
            }
        }
        (facts, failures)
    });
    let facts = spans
        .time("encode", || postcard::to_allocvec(&facts))
        .map_err(|e| format!("parser: encoding facts: {e}"))?;
    Ok(ParsedShare {
        files: total as u32,
        failures,
        facts,
    })
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
    // The facts are freed once the overview is on its way (wasm has no thread to free them on).
    refract_core::program::free_linked_facts();
}

/// [`ToWorker::Warm`]: the pipeline once on the bundled demo, nothing kept. The buffers are the
/// demo as a zip and as a .tar.gz (either may be missing). Each is loaded and split into shares
/// by the functions a real run calls (a zip share by share); the first one's shares are then
/// parsed, their facts encoded and decoded, and linked if `link`. So V8 optimises the code the
/// user's repository will meet, whichever archive format it comes in.
fn warm(out: &Reply, link: bool, buffers: &[JsValue]) {
    let mut spans = Spans::default();
    spans.time("warm-up", || {
        let opts = LoadOptions::default();
        let mut first = None;
        for buffer in buffers {
            let bytes = bus::bytes(buffer);
            let mut sender = ShareSender {
                kept: Some(Vec::new()),
                ..ShareSender::default()
            };
            let mut scratch = Spans::default();
            // Any number of parsers will do: only the code paths matter.
            let files =
                load_archive_in_shares(out, "warm-up", &bytes, 2, &opts, &mut sender, &mut scratch);
            if let (None, Ok(files)) = (&first, files) {
                first = Some((files, sender.kept.unwrap_or_default()));
            }
        }
        let Some((files, shares)) = first else { return };
        let mut scratch = Spans::default();
        let mut facts = Vec::new();
        for share in shares {
            let Ok(parsed) = parse_share(None, &share, &mut scratch) else {
                return;
            };
            match postcard::from_bytes::<Vec<GoFile>>(&parsed.facts) {
                Ok(mut v) => facts.append(&mut v),
                Err(_) => return,
            }
        }
        if link {
            let idx = index::link_parsed(
                &files.files,
                facts,
                Vec::new(),
                &IndexOptions::default(),
                |_| {},
            );
            let _ = query::overview(&files, &idx);
            refract_core::program::free_linked_facts();
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

/// Bytes read from a log file and fed to the log ingester per progress report.
const CLUSTER_CHUNK: usize = 4 << 20;

/// One clustering input as posted: a `Blob` (read here slice by slice) or bytes.
enum Input {
    Blob(web_sys::Blob),
    Bytes(Vec<u8>),
}

impl Input {
    fn of(v: &JsValue) -> Input {
        match v.dyn_ref::<web_sys::Blob>() {
            Some(b) => Input::Blob(b.clone()),
            None => Input::Bytes(bus::bytes(v)),
        }
    }

    fn len(&self) -> u64 {
        match self {
            Input::Blob(b) => b.size() as u64,
            Input::Bytes(v) => v.len() as u64,
        }
    }

    /// The chunk of at most `CLUSTER_CHUNK` bytes at offset `at` (empty at the end); only that
    /// chunk is in memory. `FileReaderSync` exists in workers only, which is where this runs.
    fn chunk_at(&self, at: u64) -> Result<Vec<u8>, String> {
        let end = (at + CLUSTER_CHUNK as u64).min(self.len());
        if end <= at {
            return Ok(Vec::new());
        }
        match self {
            Input::Bytes(v) => Ok(v[at as usize..end as usize].to_vec()),
            Input::Blob(b) => {
                let reader = web_sys::FileReaderSync::new()
                    .map_err(|e| format!("no FileReaderSync in this worker: {e:?}"))?;
                let slice = b
                    .slice_with_f64_and_f64(at as f64, end as f64)
                    .map_err(|e| format!("slicing the file: {e:?}"))?;
                let ab = reader
                    .read_as_array_buffer(&slice)
                    .map_err(|e| format!("reading the file: {e:?}"))?;
                Ok(js_sys::Uint8Array::new(&ab).to_vec())
            }
        }
    }

    /// Whether the first 64 KiB name `resourceLogs`: an OTLP/JSON logs document, which the UI
    /// files as traces by its `.json` name but is read as logs.
    fn is_otlp_logs(&self) -> bool {
        const HEAD: usize = 64 << 10;
        let head = match self {
            Input::Bytes(v) => v[..v.len().min(HEAD)].to_vec(),
            Input::Blob(b) => {
                let read = || -> Option<Vec<u8>> {
                    let slice = b
                        .slice_with_f64_and_f64(0.0, b.size().min(HEAD as f64))
                        .ok()?;
                    let ab = web_sys::FileReaderSync::new()
                        .ok()?
                        .read_as_array_buffer(&slice)
                        .ok()?;
                    Some(js_sys::Uint8Array::new(&ab).to_vec())
                };
                read().unwrap_or_default()
            }
        };
        head.windows(14).any(|w| w == b"\"resourceLogs\"")
    }

    /// The whole input (trace files are parsed as one document).
    fn whole(&self) -> Result<Vec<u8>, String> {
        let mut all = Vec::with_capacity(self.len() as usize);
        loop {
            let chunk = self.chunk_at(all.len() as u64)?;
            if chunk.is_empty() {
                return Ok(all);
            }
            all.extend_from_slice(&chunk);
        }
    }
}

/// Bytes fed to the ingester between two looks at the clock.
const CLUSTER_PIECE: usize = 64 << 10;

/// Work between two pauses of a clustering run, in milliseconds.
const CLUSTER_SLICE_MS: f64 = 100.0;

/// Lets queued messages (a cancel, a newer run, a query) in: resolves on the next task.
async fn pause() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Whether run `run` is still the one to do.
fn cluster_live(run: u32) -> bool {
    CLUSTER_RUN.with(|c| c.get() == Some(run))
}

/// `refract cluster --json` over the sent files, via core's `ClusterRun`; with the index of a
/// loaded repository, log clusters are split by code path. Pauses about every
/// `CLUSTER_SLICE_MS` so that the coordinator (which must keep its index, so cannot be
/// terminated) hears a cancel; a cancelled or superseded run stops there without a reply.
async fn cluster(
    out: &Reply<'_>,
    run: u32,
    logs: &[String],
    traces: &[String],
    buffers: &[JsValue],
) {
    let fail = |message: String| out.send(&FromWorker::ClusterFailed { run, message });
    if buffers.len() != logs.len() + traces.len() {
        return fail(format!(
            "{} file names but {} file contents",
            logs.len() + traces.len(),
            buffers.len()
        ));
    }
    let files: Vec<Input> = buffers.iter().map(Input::of).collect();
    let total: u64 = files.iter().map(Input::len).sum();
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
    let mut timing = ClusterTiming::default();
    let (log_files, trace_files) = files.split_at(logs.len());
    // OTLP logs sent as traces (by their `.json` name) join the logs.
    let (otlp_logs, trace_files): (Vec<_>, Vec<_>) = traces
        .iter()
        .zip(trace_files)
        .partition(|(_, f)| f.is_otlp_logs());
    let mut done = 0u64;
    let mut since_pause = js_sys::Date::now();
    for (name, f) in logs.iter().zip(log_files).chain(otlp_logs) {
        let t = js_sys::Date::now();
        cr.begin_log_file(name);
        timing.logs_ms += js_sys::Date::now() - t;
        let mut at = 0u64;
        loop {
            let chunk = match f.chunk_at(at) {
                Ok(c) if c.is_empty() => break,
                Ok(c) => c,
                Err(e) => return fail(format!("{name}: {e}")),
            };
            at += chunk.len() as u64;
            // Fed in pieces so that a pause is never far off, even when every line is
            // explained (a repository is loaded).
            for piece in chunk.chunks(CLUSTER_PIECE) {
                let t = js_sys::Date::now();
                cr.feed_logs(piece);
                timing.logs_ms += js_sys::Date::now() - t;
                done += piece.len() as u64;
                if js_sys::Date::now() - since_pause >= CLUSTER_SLICE_MS {
                    progress("logs", done);
                    pause().await;
                    since_pause = js_sys::Date::now();
                    if !cluster_live(run) {
                        return;
                    }
                }
            }
            progress("logs", done);
        }
    }
    for (name, f) in trace_files {
        progress("traces", done);
        let bytes = match f.whole() {
            Ok(b) => b,
            Err(e) => return fail(format!("{name}: {e}")),
        };
        let t = js_sys::Date::now();
        let added = cr.add_traces(&bytes);
        timing.traces_ms += js_sys::Date::now() - t;
        if let Err(e) = added {
            return fail(format!("{name}: {e}"));
        }
        done += bytes.len() as u64;
        pause().await;
        if !cluster_live(run) {
            return;
        }
    }
    progress("clustering", done);
    let t = js_sys::Date::now();
    let report = cr.finish();
    timing.finish_ms = js_sys::Date::now() - t;
    if cluster_live(run) {
        CLUSTER_RUN.with(|c| c.set(None));
        out.send(&FromWorker::Clustered {
            run,
            report: Box::new(report),
            timing,
        });
    }
}
