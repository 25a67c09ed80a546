//! Runs one analysis across Web Workers and routes their replies into the UI state.
//!
//! The coordinator worker loads the repository and splits the Go files into shares; one parser
//! worker per share (`navigator.hardwareConcurrency`, at most [`MAX_PARSERS`]) returns the facts;
//! the coordinator links them and keeps the index for queries. Every worker is terminated on
//! Cancel, on a new analysis, or when any of them fails; stale replies of an old run are ignored
//! by generation number. The inputs themselves live in the UI state and are never cleared here.

use std::cell::RefCell;

use js_sys::ArrayBuffer;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use super::embed;
use super::state::{Phase, SourceView, Ui};
use super::timeline;
use super::trace::Trace;
use crate::bus::{self, Outgoing};
use crate::protocol::{FromWorker, Stage, ToWorker};

/// Upper bound on parser workers: more rarely helps and each holds a copy of the grammar.
pub const MAX_PARSERS: u32 = 4;

/// The worker script trunk emits for `data-bin="worker" data-loader-shim`, relative to the page.
const WORKER_URL: &str = "./worker_loader.js";

/// A repository as bytes: one archive, or the files of a dropped folder.
#[derive(Clone)]
pub struct RepoInput {
    pub name: String,
    pub archive: bool,
    pub paths: Vec<String>,
    /// ArrayBuffers; copies are posted, so the input can be analysed again.
    pub buffers: Vec<ArrayBuffer>,
}

struct Handle {
    worker: Worker,
    ready: bool,
    queue: Vec<Outgoing>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Handle {
    fn post(&mut self, out: Outgoing) {
        if self.ready {
            post_now(&self.worker, &out);
        } else {
            self.queue.push(out);
        }
    }

    fn set_ready(&mut self) {
        self.ready = true;
        for out in std::mem::take(&mut self.queue) {
            post_now(&self.worker, &out);
        }
    }
}

fn post_now(w: &Worker, out: &Outgoing) {
    if let Err(e) = w.post_message_with_transfer(&out.message, &out.transfer) {
        web_sys::console::error_2(&"postMessage to worker failed".into(), &e);
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Role {
    Coordinator,
    Parser(usize),
}

impl Role {
    fn name(self) -> String {
        match self {
            Role::Coordinator => "coordinator".into(),
            Role::Parser(i) => format!("parser-{}", i + 1),
        }
    }
}

struct Session {
    generation: u32,
    coordinator: Option<Handle>,
    parsers: Vec<Option<Handle>>,
    /// Per parser: files done so far.
    parse_done: Vec<u32>,
    /// Per parser: its facts buffer and failures, once it has answered.
    parsed: Vec<Option<(JsValue, Vec<String>)>>,
    go_files: u32,
    started_ms: f64,
    /// Lines to explain once the index is ready.
    pending_explain: Option<Vec<String>>,
}

thread_local! {
    static SESSION: RefCell<Session> = const { RefCell::new(Session {
        generation: 0,
        coordinator: None,
        parsers: Vec::new(),
        parse_done: Vec::new(),
        parsed: Vec::new(),
        go_files: 0,
        started_ms: 0.0,
        pending_explain: None,
    }) };
    static LAST_INPUT: RefCell<Option<RepoInput>> = const { RefCell::new(None) };
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn parser_count() -> u32 {
    let hc = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .unwrap_or(2.0);
    (hc as u32).clamp(1, MAX_PARSERS)
}

fn spawn(ui: Ui, generation: u32, role: Role) -> Result<Handle, String> {
    timeline::mark(&format!("spawn:{}", role.name()));
    let worker = Worker::new(WORKER_URL).map_err(|e| format!("could not start a worker: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        on_reply(ui, generation, role, e.data());
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        let what = match role {
            Role::Coordinator => "The analysis worker".to_string(),
            Role::Parser(i) => format!("Parser worker {}", i + 1),
        };
        let msg = e.message();
        fail(
            ui,
            generation,
            format!(
                "{what} stopped: {}. This usually means it ran out of memory on a large repository. \
                 Your inputs are kept: try again, or drop a smaller part of the repository.",
                if msg.is_empty() { "no reason given".into() } else { msg }
            ),
        );
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Handle {
        worker,
        ready: false,
        queue: Vec::new(),
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Terminates every worker of the current run.
fn stop_all(s: &mut Session) {
    if let Some(h) = s.coordinator.take() {
        h.worker.terminate();
    }
    for h in s.parsers.drain(..).flatten() {
        h.worker.terminate();
    }
    s.parsed.clear();
    s.parse_done.clear();
}

/// Starts analysing `input`, replacing any run in progress.
pub fn analyse(ui: Ui, input: RepoInput) {
    LAST_INPUT.with(|l| *l.borrow_mut() = Some(input.clone()));
    ui.reset_results();
    ui.repo_name.set(Some(input.name.clone()));
    ui.phase.set(Phase::Running);
    let parsers = parser_count();
    timeline::mark("analyse");
    let started = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        stop_all(&mut s);
        s.generation += 1;
        s.started_ms = now_ms();
        s.pending_explain = None;
        let generation = s.generation;
        let mut h = spawn(ui, generation, Role::Coordinator)?;
        let copies: Vec<JsValue> = input.buffers.iter().map(|b| b.slice(0).into()).collect();
        let header = ToWorker::Load {
            name: input.name.clone(),
            archive: input.archive,
            paths: input.paths.clone(),
            parsers,
        }
        .to_json();
        h.post(bus::outgoing_js(header, &copies));
        s.coordinator = Some(h);
        Ok::<(), String>(())
    });
    if let Err(msg) = started {
        ui.phase.set(Phase::Failed(msg));
    }
}

/// Analyses the last input again (after a failure or a cancel).
pub fn retry(ui: Ui) {
    if let Some(input) = LAST_INPUT.with(|l| l.borrow().clone()) {
        analyse(ui, input);
    }
}

pub fn has_input() -> bool {
    LAST_INPUT.with(|l| l.borrow().is_some())
}

/// Cancel: terminate every worker; inputs stay.
pub fn cancel(ui: Ui) {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        stop_all(&mut s);
        s.generation += 1;
    });
    ui.phase.set(Phase::Cancelled);
    embed::error("cancelled by the user");
}

fn fail(ui: Ui, generation: u32, message: String) {
    let current = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if s.generation != generation {
            return false;
        }
        stop_all(&mut s);
        s.generation += 1;
        true
    });
    if current {
        embed::error(&message);
        ui.phase.set(Phase::Failed(message));
        ui.explaining.set(false);
    }
}

/// Sends a query to the coordinator (once the index exists).
pub fn query(req: ToWorker) {
    SESSION.with(|s| {
        if let Some(h) = s.borrow_mut().coordinator.as_mut() {
            h.post(bus::outgoing(req.to_json(), &[]));
        }
    });
}

/// Posts `req` with `buffers` to the coordinator; false if there is none.
pub fn post(req: &ToWorker, buffers: &[JsValue]) -> bool {
    SESSION.with(|s| match s.borrow_mut().coordinator.as_mut() {
        Some(h) => {
            h.post(bus::outgoing_js(req.to_json(), buffers));
            true
        }
        None => false,
    })
}

/// Explain `lines` now if the index is ready, else as soon as it is.
pub fn explain(ui: Ui, lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    if ui.phase.get_untracked() == Phase::Ready {
        ui.explaining.set(true);
        query(ToWorker::Explain { lines });
    } else {
        SESSION.with(|s| s.borrow_mut().pending_explain = Some(lines));
    }
}

fn set_progress(ui: Ui, stage: Stage, done: u32, total: u32) {
    ui.progress.update(|p| p[stage.index()] = (done, total));
    embed::progress(stage, done, total);
}

fn on_reply(ui: Ui, generation: u32, role: Role, data: JsValue) {
    if SESSION.with(|s| s.borrow().generation) != generation {
        return;
    }
    let Some(msg) = bus::incoming(&data) else {
        return fail(ui, generation, "a worker sent an unreadable message".into());
    };
    let reply = match serde_json::from_str::<FromWorker>(&msg.header) {
        Ok(r) => r,
        Err(e) => {
            return fail(
                ui,
                generation,
                format!("a worker sent an unreadable reply: {e}"),
            )
        }
    };
    match reply {
        FromWorker::Ready => SESSION.with(|s| {
            timeline::mark(&format!("ready:{}", role.name()));
            let mut s = s.borrow_mut();
            let h = match role {
                Role::Coordinator => s.coordinator.as_mut(),
                Role::Parser(i) => s.parsers.get_mut(i).and_then(Option::as_mut),
            };
            if let Some(h) = h {
                h.set_ready();
            }
        }),
        FromWorker::Progress { stage, done, total } => match role {
            Role::Parser(i) => {
                let (sum, total) = SESSION.with(|s| {
                    let mut s = s.borrow_mut();
                    if let Some(d) = s.parse_done.get_mut(i) {
                        *d = done;
                    }
                    (s.parse_done.iter().sum::<u32>(), s.go_files)
                });
                set_progress(ui, Stage::Parse, sum, total);
            }
            Role::Coordinator => set_progress(ui, stage, done, total),
        },
        FromWorker::Loaded { summary, spans } => {
            timeline::mark("loaded");
            timeline::measure_spans("coordinator", &spans);
            set_progress(ui, Stage::Read, summary.files, summary.files);
            set_progress(ui, Stage::Parse, 0, summary.go_files);
            let started = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                s.go_files = summary.go_files;
                let n = msg.buffers.len();
                s.parse_done = vec![0; n];
                s.parsed = vec![None; n];
                s.parsers.clear();
                for (i, share) in msg.buffers.iter().enumerate() {
                    let mut h = spawn(ui, generation, Role::Parser(i))?;
                    h.post(bus::outgoing_js(
                        ToWorker::Parse.to_json(),
                        std::slice::from_ref(share),
                    ));
                    s.parsers.push(Some(h));
                }
                Ok::<usize, String>(n)
            });
            match started {
                Ok(0) => link(ui, generation),
                Ok(_) => {}
                Err(e) => fail(ui, generation, e),
            }
        }
        FromWorker::Parsed {
            files,
            failures,
            spans,
        } => {
            let Role::Parser(i) = role else { return };
            timeline::mark(&format!("parsed:{}", role.name()));
            timeline::measure_spans(&role.name(), &spans);
            let all = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                if let Some(Some(h)) = s.parsers.get_mut(i).map(Option::take) {
                    h.worker.terminate();
                }
                if let Some(d) = s.parse_done.get_mut(i) {
                    *d = files;
                }
                if let (Some(slot), Some(buf)) = (s.parsed.get_mut(i), msg.buffers.first()) {
                    *slot = Some((buf.clone(), failures));
                }
                s.parsed.iter().all(Option::is_some)
            });
            let (sum, total) =
                SESSION.with(|s| (s.borrow().parse_done.iter().sum(), s.borrow().go_files));
            set_progress(ui, Stage::Parse, sum, total);
            if all {
                link(ui, generation);
            }
        }
        FromWorker::Indexed { overview, spans } => {
            timeline::mark("indexed");
            timeline::measure_spans("coordinator", &spans);
            let (elapsed, pending) = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                (now_ms() - s.started_ms, s.pending_explain.take())
            });
            ui.elapsed_ms.set(Some(elapsed));
            embed::indexed(&overview);
            ui.overview.set(Some(overview));
            ui.phase.set(Phase::Ready);
            if let Some(lines) = pending {
                explain(ui, lines);
            }
        }
        FromWorker::Functions { query, hits } => {
            if ui.query.get_untracked().trim() == query.trim() {
                ui.hits.set(hits);
            }
        }
        FromWorker::Neighbourhood { view } => ui.neighbourhood.set(view),
        FromWorker::Closure { id, entries } => {
            if ui.selected.get_untracked().is_some_and(|f| f.id == id) {
                ui.closure.set(entries);
            }
        }
        FromWorker::Source { path, text } => ui.source.update(|s| {
            if let Some(s) = s.as_mut().filter(|s| s.path == path) {
                s.text =
                    Some(text.unwrap_or_else(|| format!("({path} is not in the analysed files)")));
            }
        }),
        FromWorker::Explained { results } => {
            ui.explaining.set(false);
            let mut traces = Vec::with_capacity(results.len());
            for r in &results {
                match Trace::from_value(r.clone()) {
                    Ok(t) => traces.push(t),
                    Err(e) => return fail(ui, generation, e),
                }
            }
            embed::results(results);
            // Show the root cause of the first line (unless the URL hash names a hop).
            let root_hop = traces
                .first()
                .and_then(|t| t.view.paths.first())
                .map(|p| p.hops.len().saturating_sub(1));
            ui.traces.set(traces);
            ui.current.set(0);
            ui.alt_path.set(0);
            ui.hop.set(root_hop);
            super::hash::apply_pending_hop(ui);
            if ui.tab.get_untracked() == super::state::Tab::Overview {
                ui.tab.set(super::state::Tab::Explain);
            }
        }
        r @ (FromWorker::ClusterProgress { .. }
        | FromWorker::Clustered { .. }
        | FromWorker::ClusterFailed { .. }) => super::clusters::on_reply(r),
        FromWorker::Failed { message } => {
            if ui.phase.get_untracked() == Phase::Ready {
                // A query failed; the index is still good.
                ui.explaining.set(false);
                ui.notes.update(|n| n.push(message.clone()));
                embed::error(&message);
            } else {
                fail(ui, generation, message);
            }
        }
    }
}

fn link(ui: Ui, generation: u32) {
    set_progress(ui, Stage::Link, 0, 1);
    let res = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if s.generation != generation {
            return Ok(());
        }
        let mut buffers = Vec::new();
        let mut failures = Vec::new();
        for (buf, f) in s.parsed.drain(..).flatten() {
            buffers.push(buf);
            failures.extend(f);
        }
        let header = ToWorker::Link {
            parse_failures: failures,
        }
        .to_json();
        match s.coordinator.as_mut() {
            Some(h) => {
                timeline::mark("link");
                h.post(bus::outgoing_js(header, &buffers));
                Ok(())
            }
            None => Err("the analysis worker is gone".to_string()),
        }
    });
    if let Err(e) = res {
        fail(ui, generation, e);
    }
}

/// Opens `path` in the source view, marking `mark` and the function span.
pub fn show_source(ui: Ui, view: SourceView) {
    let path = view.path.clone();
    let same = ui
        .source
        .get_untracked()
        .is_some_and(|s| s.path == path && s.text.is_some());
    if same {
        ui.source.update(|s| {
            if let Some(s) = s.as_mut() {
                s.mark = view.mark;
                s.span = view.span;
                s.fragment = view.fragment;
            }
        });
    } else {
        ui.source.set(Some(view));
        query(ToWorker::Source { path });
    }
}

/// Selects a function: neighbourhood, closure and source.
pub fn select_function(ui: Ui, f: refract_core::query::FuncSummary) {
    query(ToWorker::Neighbourhood { id: f.id, depth: 1 });
    query(ToWorker::Closure { id: f.id });
    show_source(
        ui,
        SourceView {
            path: f.file.clone(),
            text: None,
            mark: Some(f.line),
            span: Some((f.line, f.end_line)),
            fragment: None,
        },
    );
    ui.closure.set(Vec::new());
    ui.selected.set(Some(f));
}
