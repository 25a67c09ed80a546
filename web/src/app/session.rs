//! Runs one analysis across the [`pool`]'s workers and routes their replies into the UI state.
//!
//! The coordinator loads the repository and sends the Go files in shares (core's
//! `index::share_plan`; a zip's first shares while the rest is still being inflated); each is
//! handed to the parser holding the fewest, which returns its facts; once every share is parsed
//! the coordinator links them and keeps the index for queries. Cancel, a new analysis, or a failure terminates the workers still busy with the run
//! (the pool replaces them when the page is idle). The inputs live in the UI state and are never
//! cleared here. Every hand-over is marked on the page's performance timeline ([`timeline`]).

use std::cell::RefCell;
use std::collections::VecDeque;

use js_sys::ArrayBuffer;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::embed;
use super::pool::{self, Role, WorkerId};
use super::state::{Phase, SourceView, Ui};
use super::timeline;
use super::trace::Trace;
use crate::bus;
use crate::protocol::{FromWorker, Stage, ToWorker};

/// A repository as bytes: one archive, or the files of a dropped folder.
#[derive(Clone)]
pub struct RepoInput {
    pub name: String,
    pub archive: bool,
    pub paths: Vec<String>,
    /// ArrayBuffers; copies are posted, so the input can be analysed again.
    pub buffers: Vec<ArrayBuffer>,
}

/// One share of the Go files.
struct Share {
    /// The parser it was handed to (`None` while queued).
    parser: Option<WorkerId>,
    /// Files done so far.
    done: u32,
    finished: bool,
}

/// The analysis in progress (from `analyse` to the index, a failure or Cancel).
struct Run {
    /// Shares not handed out yet, in order.
    queue: VecDeque<(usize, JsValue)>,
    /// Every share received so far, in the order received (which is the order handed out).
    shares: Vec<Share>,
    /// How many shares the coordinator sent in all, once it has said (`Loaded`).
    expected_shares: Option<usize>,
    parse_failures: Vec<String>,
    go_files: u32,
    started_ms: f64,
}

impl Run {
    /// The share `parser` is working on: the first handed to it of those it has not finished (a
    /// worker takes its messages in order).
    fn share_of(&self, parser: WorkerId) -> Option<usize> {
        self.shares
            .iter()
            .position(|sh| sh.parser == Some(parser) && !sh.finished)
    }

    /// Shares handed to `parser` and not finished.
    fn held_by(&self, parser: WorkerId) -> usize {
        self.shares
            .iter()
            .filter(|sh| sh.parser == Some(parser) && !sh.finished)
            .count()
    }

    /// Every share has come and been parsed: time to link.
    fn all_parsed(&self) -> bool {
        self.expected_shares == Some(self.shares.len()) && self.shares.iter().all(|s| s.finished)
    }
}

#[derive(Default)]
struct Session {
    run: Option<Run>,
    /// Lines to explain once the index is ready.
    pending_explain: Option<Vec<String>>,
}

impl Session {
    /// The workers still busy with the run: the coordinator and the parsers with a share.
    fn busy(&self) -> Vec<WorkerId> {
        let mut ids: Vec<WorkerId> = pool::coordinator().into_iter().collect();
        if let Some(run) = &self.run {
            ids.extend(
                run.shares
                    .iter()
                    .filter(|s| !s.finished)
                    .filter_map(|s| s.parser),
            );
        }
        ids
    }
}

/// Shares a parser holds at once: the one it parses and the next, so that it never waits for
/// the page between two shares. More would commit shares to a parser that may fall behind.
const HELD_PER_PARSER: usize = 2;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
    static LAST_INPUT: RefCell<Option<RepoInput>> = const { RefCell::new(None) };
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Starts the worker pool once the page is idle.
pub fn install(ui: Ui) {
    pool::warm_when_idle(ui);
}

/// Stops the run in progress (if any): its busy workers are terminated.
fn stop_run(s: &mut Session) {
    if s.run.is_some() {
        pool::kill(&s.busy());
        s.run = None;
    }
}

/// Starts analysing `input`, replacing any run in progress.
pub fn analyse(ui: Ui, input: RepoInput) {
    LAST_INPUT.with(|l| *l.borrow_mut() = Some(input.clone()));
    ui.reset_results();
    ui.repo_name.set(Some(input.name.clone()));
    ui.phase.set(Phase::Running);
    timeline::mark("analyse");
    let started = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        stop_run(&mut s);
        s.pending_explain = None;
        let parsers = pool::begin(ui)?;
        let copies: Vec<JsValue> = input.buffers.iter().map(|b| b.slice(0).into()).collect();
        let header = ToWorker::Load {
            name: input.name.clone(),
            archive: input.archive,
            paths: input.paths.clone(),
            parsers: parsers.len() as u32,
        }
        .to_json();
        pool::post_coordinator(bus::outgoing_js(header, &copies));
        s.run = Some(Run {
            queue: VecDeque::new(),
            shares: Vec::new(),
            expected_shares: None,
            parse_failures: Vec::new(),
            go_files: 0,
            started_ms: now_ms(),
        });
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

/// Cancel: terminate the workers busy with the run; inputs stay.
pub fn cancel(ui: Ui) {
    SESSION.with(|s| stop_run(&mut s.borrow_mut()));
    ui.phase.set(Phase::Cancelled);
    embed::error("cancelled by the user");
    pool::warm_when_idle(ui);
}

/// The run (or the index it left) is lost: say why; the inputs stay for Retry.
fn fail(ui: Ui, message: String) {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        pool::kill(&s.busy());
        s.run = None;
        s.pending_explain = None;
    });
    embed::error(&message);
    ui.phase.set(Phase::Failed(message));
    ui.explaining.set(false);
    pool::warm_when_idle(ui);
}

/// A worker raised an uncaught error (a wasm trap, e.g. out of memory): it is of no further use.
pub fn on_died(ui: Ui, id: WorkerId, reason: String) {
    let role = pool::role(id);
    let in_run = SESSION.with(|s| {
        let s = s.borrow();
        s.run.as_ref().is_some_and(|r| r.share_of(id).is_some())
    });
    let what = match role {
        Some(Role::Coordinator) => "The analysis worker".to_string(),
        Some(Role::Parser(k)) => format!("Parser worker {}", k + 1),
        Some(Role::Spare) | None => String::new(),
    };
    // The coordinator holds the run or the index; a parser matters while it owes its share.
    if role == Some(Role::Coordinator) || in_run {
        let ready = ui.phase.get_untracked() == Phase::Ready;
        fail(
            ui,
            format!(
                "{what} stopped: {reason}. This usually means it ran out of memory on a large \
                 repository. {}Your inputs are kept: try again, or drop a smaller part of the \
                 repository.",
                if ready {
                    "The analysis it held is lost. "
                } else {
                    ""
                }
            ),
        );
    } else if role.is_some() {
        web_sys::console::warn_1(&format!("refract: an idle worker stopped: {reason}").into());
        pool::lost_idle(ui, id, pool::is_ready(id));
    }
}

/// Sends a query to the coordinator (once the index exists).
pub fn query(req: ToWorker) {
    pool::post_coordinator(bus::outgoing(req.to_json(), &[]));
}

/// Posts `req` with `buffers` to the coordinator; false if there is none.
pub fn post(req: &ToWorker, buffers: &[JsValue]) -> bool {
    pool::post_coordinator(bus::outgoing_js(req.to_json(), buffers))
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

fn parse_progress(ui: Ui) {
    let counts = SESSION.with(|s| {
        s.borrow()
            .run
            .as_ref()
            .map(|r| (r.shares.iter().map(|s| s.done).sum::<u32>(), r.go_files))
    });
    if let Some((done, total)) = counts {
        set_progress(ui, Stage::Parse, done, total);
    }
}

/// A message from worker `id`.
pub fn on_reply(ui: Ui, id: WorkerId, data: JsValue) {
    let Some(role) = pool::role(id) else {
        return; // terminated meanwhile
    };
    let reply = bus::incoming(&data).ok_or_else(|| "an unreadable message".to_string());
    let reply = reply.and_then(|msg| {
        serde_json::from_str::<FromWorker>(&msg.header)
            .map(|r| (r, msg.buffers))
            .map_err(|e| format!("an unreadable reply: {e}"))
    });
    let (reply, buffers) = match reply {
        Ok(r) => r,
        Err(e) => return fail(ui, format!("a worker sent {e}")),
    };
    if reply == FromWorker::Ready {
        pool::set_ready(id);
        let who = match role {
            Role::Parser(k) => format!("parser-{}", k + 1),
            _ => "coordinator".into(),
        };
        timeline::mark(&format!("ready:{who}-{id}"));
        return;
    }
    if let FromWorker::Warmed { spans } = &reply {
        let who = match role {
            Role::Parser(k) => format!("parser-{}", k + 1),
            _ => "coordinator".into(),
        };
        timeline::measure_spans(&who, spans);
        let took: f64 = spans.iter().map(|s| s.end - s.start).sum();
        if pool::warmed(id, took) {
            timeline::mark(&format!("warmed:{who}-{id}"));
        }
        return;
    }
    match role {
        Role::Parser(k) => on_parser_reply(ui, id, k, reply, buffers),
        Role::Coordinator => on_coordinator_reply(ui, reply, buffers),
        Role::Spare => {}
    }
}

/// Hands queued shares, in order, to the parsers holding the fewest (at most
/// [`HELD_PER_PARSER`] each).
fn dispatch(ui: Ui, run: &mut Run) -> Result<(), String> {
    if run.queue.is_empty() {
        return Ok(());
    }
    // The pool's parsers now (one may have been replaced since `analyse`).
    let parsers = pool::parsers(ui)?;
    while !run.queue.is_empty() {
        let Some((_, parser)) = parsers
            .iter()
            .map(|&p| (run.held_by(p), p))
            .min_by_key(|&(held, _)| held)
            .filter(|&(held, _)| held < HELD_PER_PARSER)
        else {
            break;
        };
        let Some((k, share)) = run.queue.pop_front() else {
            break;
        };
        let out = bus::outgoing_js(ToWorker::Parse.to_json(), std::slice::from_ref(&share));
        if !pool::post(parser, out) {
            return Err("a parser worker is gone".to_string());
        }
        if let Some(sh) = run.shares.get_mut(k) {
            sh.parser = Some(parser);
        }
    }
    Ok(())
}

fn on_parser_reply(ui: Ui, id: WorkerId, slot: usize, reply: FromWorker, buffers: Vec<JsValue>) {
    // The share this parser is working on (none: a stale message).
    let share = SESSION.with(|s| s.borrow().run.as_ref().and_then(|r| r.share_of(id)));
    let Some(k) = share else { return };
    match reply {
        FromWorker::Progress { done, .. } => {
            SESSION.with(|s| {
                if let Some(sh) = s
                    .borrow_mut()
                    .run
                    .as_mut()
                    .and_then(|r| r.shares.get_mut(k))
                {
                    sh.done = done;
                }
            });
            parse_progress(ui);
        }
        FromWorker::Parsed {
            files,
            failures,
            spans,
        } => {
            let who = format!("parser-{}", slot + 1);
            timeline::mark(&format!("parsed:share-{}", k + 1));
            timeline::measure_spans(&who, &spans);
            // The facts go to the coordinator now (it decodes them while the others parse), and
            // the parser gets the next share.
            let facts =
                bus::outgoing_js(ToWorker::Facts.to_json(), &buffers[..buffers.len().min(1)]);
            let next = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                let Some(run) = s.run.as_mut() else {
                    return Ok(false);
                };
                if let Some(sh) = run.shares.get_mut(k) {
                    sh.done = files;
                    sh.finished = true;
                }
                run.parse_failures.extend(failures);
                if !pool::post_coordinator(facts) {
                    return Err("the analysis worker is gone".to_string());
                }
                dispatch(ui, run)?;
                Ok(run.all_parsed())
            });
            parse_progress(ui);
            match next {
                Ok(true) => link(ui),
                Ok(false) => {}
                Err(e) => fail(ui, e),
            }
        }
        FromWorker::Failed { message } => fail(ui, message),
        _ => {}
    }
}

fn on_coordinator_reply(ui: Ui, reply: FromWorker, buffers: Vec<JsValue>) {
    match reply {
        FromWorker::Ready => {}
        FromWorker::Progress { stage, done, total } => set_progress(ui, stage, done, total),
        FromWorker::Share { files, go_files } => {
            let Some(share) = buffers.into_iter().next() else {
                return fail(ui, "the analysis worker sent a share without files".into());
            };
            timeline::mark(&format!("share:{files}"));
            let posted = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                let run = s.run.as_mut()?;
                run.go_files = go_files;
                run.queue.push_back((run.shares.len(), share));
                run.shares.push(Share {
                    parser: None,
                    done: 0,
                    finished: false,
                });
                Some(dispatch(ui, run))
            });
            match posted {
                Some(Ok(())) => parse_progress(ui),
                Some(Err(e)) => fail(ui, e),
                None => {}
            }
        }
        FromWorker::Loaded {
            summary,
            shares,
            spans,
        } => {
            timeline::mark("loaded");
            timeline::measure_spans("coordinator", &spans);
            set_progress(ui, Stage::Read, summary.files, summary.files);
            let parsed = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                let run = s.run.as_mut()?;
                run.go_files = summary.go_files;
                run.expected_shares = Some(shares as usize);
                Some(run.all_parsed())
            });
            parse_progress(ui);
            if parsed == Some(true) {
                link(ui);
            }
        }
        FromWorker::Indexed { overview, spans } => {
            timeline::mark("indexed");
            timeline::measure_spans("coordinator", &spans);
            let (elapsed, pending) = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                let started = s.run.take().map(|r| r.started_ms).unwrap_or(0.0);
                (now_ms() - started, s.pending_explain.take())
            });
            ui.elapsed_ms.set(Some(elapsed));
            embed::indexed(&overview);
            ui.overview.set(Some(overview));
            ui.phase.set(Phase::Ready);
            if let Some(lines) = pending {
                explain(ui, lines);
            }
            // The next analysis gets a warm coordinator.
            pool::warm_when_idle(ui);
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
        FromWorker::Explained { results } => explained(ui, results),
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
                fail(ui, message);
            }
        }
        FromWorker::Parsed { .. } | FromWorker::Warmed { .. } => {}
    }
}

fn explained(ui: Ui, results: Vec<serde_json::Value>) {
    ui.explaining.set(false);
    let mut traces = Vec::with_capacity(results.len());
    for r in &results {
        match Trace::from_value(r.clone()) {
            Ok(t) => traces.push(t),
            Err(e) => return fail(ui, e),
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

/// Every share is parsed (and its facts are with the coordinator): link.
fn link(ui: Ui) {
    set_progress(ui, Stage::Link, 0, 1);
    let failures = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        let run = s.run.as_mut()?;
        // The shares are done with; `busy` is down to the coordinator.
        run.shares.clear();
        Some(std::mem::take(&mut run.parse_failures))
    });
    let Some(parse_failures) = failures else {
        return;
    };
    timeline::mark("link");
    let out = bus::outgoing(ToWorker::Link { parse_failures }.to_json(), &[]);
    if !pool::post_coordinator(out) {
        fail(ui, "the analysis worker is gone".to_string());
    }
}

/// Whether an analysis is running (the pool starts no workers meanwhile).
pub fn is_running() -> bool {
    SESSION.with(|s| s.borrow().run.is_some())
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
