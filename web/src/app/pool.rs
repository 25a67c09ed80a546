//! The engine's workers, started before they are needed and reused.
//!
//! Spawning a worker and compiling its 2 MB wasm takes longer than parsing a mid-sized
//! repository, so the pool starts them while the page is idle: after the `load` event (the first
//! view never waits for the worker wasm) and again after each analysis. A pick then goes straight
//! to work.
//!
//! - Parser workers (`navigator.hardwareConcurrency`, at most [`MAX_PARSERS`]) keep nothing
//!   between shares and serve every analysis.
//! - Each new worker runs the engine on the bundled demo while the page is idle, so that V8 has
//!   optimised the hot wasm code before the user's repository arrives. V8 starts every function
//!   on baseline code and compiles optimised code in the background once the function has run for
//!   a while; one pass over the small demo leaves much of the parser on baseline code (measured:
//!   a cold pass parses at half the speed of a warm one). So the warm-up is repeated in rounds of
//!   one pass each, until a worker has spent [`WARM_BUDGET_MS`] on it; between rounds the worker
//!   is free, so a pick waits for one round at most.
//! - One spare coordinator waits for the next analysis. The analysis makes it the current
//!   coordinator, which keeps that repository's index for queries until the next analysis
//!   replaces it; a coordinator never takes a second repository (its index is leaked into the
//!   worker for the explainer to borrow).
//!
//! Workers are known by a [`WorkerId`] that is never reused, so a reply from a worker that has
//! been terminated meanwhile finds no role and is dropped. A worker that is busy when its run is
//! cancelled or fails is terminated (nothing else stops a wasm loop) and replaced when idle.

use std::cell::RefCell;

use js_sys::{ArrayBuffer, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions};

use super::session;
use super::state::Ui;
use super::timeline;
use crate::bus::{self, Outgoing};
use crate::protocol::ToWorker;

/// Upper bound on parser workers: more rarely helps and each holds a copy of the grammar.
pub const MAX_PARSERS: u32 = 4;

/// The worker script trunk emits for `data-bin="worker" data-loader-shim`, relative to the page.
const WORKER_URL: &str = "./worker_loader.js";

/// Names a worker for the life of the page.
pub type WorkerId = u32;

/// What a worker is for, at the moment one of its messages arrives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// Holds the repository of the current (or last) analysis.
    Coordinator,
    /// Waits for the next analysis.
    Spare,
    /// Parser slot `k`.
    Parser(usize),
}

struct Handle {
    id: WorkerId,
    worker: Worker,
    ready: bool,
    queue: Vec<Outgoing>,
    /// Milliseconds this worker has spent in warm-up rounds so far.
    warmed_ms: f64,
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
}

fn post_now(w: &Worker, out: &Outgoing) {
    if let Err(e) = w.post_message_with_transfer(&out.message, &out.transfer) {
        web_sys::console::error_2(&"postMessage to worker failed".into(), &e);
    }
}

#[derive(Default)]
struct Pool {
    next_id: WorkerId,
    current: Option<Handle>,
    spare: Option<Handle>,
    parsers: Vec<Handle>,
    /// A worker died before it was ready (the wasm does not load here?): do not respawn on
    /// idle, where it would die again unseen; the next analysis tries and reports.
    broken: bool,
    idle_scheduled: bool,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

pub fn parser_count() -> usize {
    let hc = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .unwrap_or(2.0);
    (hc as u32).clamp(1, MAX_PARSERS) as usize
}

fn spawn(ui: Ui, p: &mut Pool, kind: &str) -> Result<Handle, String> {
    p.next_id += 1;
    let id = p.next_id;
    let name = format!("refract-{kind}-{id}");
    timeline::mark(&format!("spawn:{kind}-{id}"));
    let opts = WorkerOptions::new();
    opts.set_name(&name);
    let worker = Worker::new_with_options(WORKER_URL, &opts)
        .map_err(|e| format!("could not start a worker: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        session::on_reply(ui, id, e.data());
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        let msg = e.message();
        session::on_died(
            ui,
            id,
            if msg.is_empty() {
                "no reason given".into()
            } else {
                msg
            },
        );
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Handle {
        id,
        worker,
        ready: false,
        queue: Vec::new(),
        warmed_ms: 0.0,
        _on_message: on_message,
        _on_error: on_error,
    })
}

fn fill(ui: Ui, p: &mut Pool) -> Result<(), String> {
    if p.spare.is_none() {
        p.spare = Some(spawn(ui, p, "coordinator")?);
    }
    fill_parsers(ui, p).map(drop)
}

/// Warm-up time per worker after which V8's optimised code is in place (a cold pass over the
/// 1.4 MB benchmark trees takes about 2× a warm one, the third and later passes run at steady
/// speed; the demo is a fifth of that size).
const WARM_BUDGET_MS: f64 = 600.0;

/// The bundled demo the warm-ups run on, relative to the page: as a zip (loaded share by share,
/// parsed and linked, as a picked zip is) and as a .tar.gz (only loaded, to warm that reader).
const WARM_ARCHIVE_URLS: [&str; 2] = ["demo/repo.zip", "demo/repo.tar.gz"];

/// The warm-up archives, as fetched (at least one of them).
#[derive(Clone)]
struct WarmArchives(Vec<ArrayBuffer>);

impl WarmArchives {
    /// Copies to post (and transfer) to one worker.
    fn copies(&self) -> Vec<JsValue> {
        self.0.iter().map(|b| b.slice(0).into()).collect()
    }
}

thread_local! {
    /// The warm-up archives once fetched; `Some(None)`: there are none (a dist/ without the demo).
    static WARM_ARCHIVE: RefCell<Option<Option<WarmArchives>>> = const { RefCell::new(None) };
}

async fn warm_archive() -> Option<WarmArchives> {
    if let Some(a) = WARM_ARCHIVE.with(|w| w.borrow().clone()) {
        return a;
    }
    let mut found = Vec::new();
    for url in WARM_ARCHIVE_URLS {
        if let Ok(buf) = super::inputs::fetch_bytes(url).await {
            found.push(buf);
        }
    }
    let a = (!found.is_empty()).then_some(WarmArchives(found));
    WARM_ARCHIVE.with(|w| *w.borrow_mut() = Some(a.clone()));
    a
}

/// Starts whatever workers are missing, unless one recently died before it was ready, and has
/// each new one run the engine once on the demo ([`ToWorker::Warm`]) so that V8 has optimised
/// the hot code before the user's repository arrives.
fn warm(ui: Ui) {
    leptos::task::spawn_local(async move {
        let archive = warm_archive().await;
        let fresh = POOL.with(|p| {
            let mut p = p.borrow_mut();
            p.idle_scheduled = false;
            // Not while an analysis runs: its end schedules this again.
            if p.broken || session::is_running() {
                return Vec::new();
            }
            let before: Vec<WorkerId> = p.parsers.iter().map(|h| h.id).collect();
            let had_spare = p.spare.is_some();
            if let Err(e) = fill(ui, &mut p) {
                web_sys::console::warn_1(&format!("refract: {e}").into());
                p.broken = true;
            }
            let mut fresh: Vec<(WorkerId, bool)> = p
                .parsers
                .iter()
                .filter(|h| !before.contains(&h.id))
                .map(|h| (h.id, false))
                .collect();
            if let (false, Some(h)) = (had_spare, &p.spare) {
                fresh.push((h.id, true));
            }
            fresh
        });
        if let Some(archives) = archive {
            for (id, link) in fresh {
                let warm = ToWorker::Warm { link }.to_json();
                post(id, bus::outgoing_js(warm, &archives.copies()));
            }
        }
    });
}

/// A warm-up round of worker `id` took `took_ms`: sends it another round while its budget lasts
/// and no analysis is running. True when this worker's warm-up is over.
pub fn warmed(id: WorkerId, took_ms: f64) -> bool {
    let busy = session::is_running();
    // Another round, and whether it links (the spare coordinator) or only parses.
    let again = POOL.with(|p| {
        let mut p = p.borrow_mut();
        let p = &mut *p;
        let spare = p.spare.as_ref().is_some_and(|h| h.id == id);
        let handle = p
            .parsers
            .iter_mut()
            .chain(p.spare.iter_mut())
            .find(|h| h.id == id)?;
        handle.warmed_ms += took_ms;
        (!busy && !p.broken && handle.warmed_ms < WARM_BUDGET_MS).then_some(spare)
    });
    let Some(link) = again else { return true };
    let Some(archives) = WARM_ARCHIVE.with(|w| w.borrow().clone().flatten()) else {
        return true;
    };
    let warm = ToWorker::Warm { link }.to_json();
    !post(id, bus::outgoing_js(warm, &archives.copies()))
}

/// Calls `f` when the page is idle (`requestIdleCallback`, else a zero timeout).
fn when_idle(f: impl FnOnce() + 'static) {
    let Some(win) = web_sys::window() else { return };
    let cb = Closure::once_into_js(f);
    let ric = Reflect::get(&win, &"requestIdleCallback".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    let opts = js_sys::Object::new();
    let _ = Reflect::set(&opts, &"timeout".into(), &500.into());
    let scheduled = match ric {
        Some(ric) => ric.call2(&win, &cb, &opts).is_ok(),
        None => false,
    };
    if !scheduled {
        let _ = win.set_timeout_with_callback(cb.unchecked_ref());
    }
}

/// Warms the pool once the page has loaded and is idle (also right after an analysis).
pub fn warm_when_idle(ui: Ui) {
    let already = POOL.with(|p| std::mem::replace(&mut p.borrow_mut().idle_scheduled, true));
    if already {
        return;
    }
    let Some(win) = web_sys::window() else { return };
    let loaded = win
        .document()
        .is_some_and(|d| d.ready_state() == "complete");
    if loaded {
        when_idle(move || warm(ui));
    } else {
        let cb = Closure::once_into_js(move || when_idle(move || warm(ui)));
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_once(true);
        let _ = win.add_event_listener_with_callback_and_add_event_listener_options(
            "load",
            cb.unchecked_ref(),
            &opts,
        );
    }
}

/// A new analysis: the old coordinator (and its index) goes, the spare (or a new worker) becomes
/// the coordinator, and the parsers are there (maybe still starting; messages queue until ready).
/// Returns the parser ids, in slot order.
pub fn begin(ui: Ui) -> Result<Vec<WorkerId>, String> {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.broken = false;
        if let Some(old) = p.current.take() {
            old.worker.terminate();
        }
        let coordinator = match p.spare.take() {
            Some(h) => h,
            None => spawn(ui, &mut p, "coordinator")?,
        };
        p.current = Some(coordinator);
        fill_parsers(ui, &mut p)
    })
}

/// The parser workers (started if missing), in slot order.
pub fn parsers(ui: Ui) -> Result<Vec<WorkerId>, String> {
    POOL.with(|p| fill_parsers(ui, &mut p.borrow_mut()))
}

fn fill_parsers(ui: Ui, p: &mut Pool) -> Result<Vec<WorkerId>, String> {
    let n = parser_count();
    while p.parsers.len() < n {
        let h = spawn(ui, p, "parser")?;
        p.parsers.push(h);
    }
    Ok(p.parsers.iter().map(|h| h.id).collect())
}

pub fn role(id: WorkerId) -> Option<Role> {
    POOL.with(|p| {
        let p = p.borrow();
        if p.current.as_ref().is_some_and(|h| h.id == id) {
            Some(Role::Coordinator)
        } else if p.spare.as_ref().is_some_and(|h| h.id == id) {
            Some(Role::Spare)
        } else {
            p.parsers.iter().position(|h| h.id == id).map(Role::Parser)
        }
    })
}

fn with_handle<T>(id: WorkerId, f: impl FnOnce(&mut Handle) -> T) -> Option<T> {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        let p = &mut *p;
        p.current
            .iter_mut()
            .chain(p.spare.iter_mut())
            .chain(p.parsers.iter_mut())
            .find(|h| h.id == id)
            .map(f)
    })
}

/// The worker answered `Ready`: post what was queued for it. Returns whether it is known.
pub fn set_ready(id: WorkerId) -> bool {
    with_handle(id, |h| {
        h.ready = true;
        for out in std::mem::take(&mut h.queue) {
            post_now(&h.worker, &out);
        }
    })
    .is_some()
}

/// Whether the worker had answered `Ready` (false for unknown ids).
pub fn is_ready(id: WorkerId) -> bool {
    with_handle(id, |h| h.ready).unwrap_or(false)
}

/// Posts to worker `id` (queued until it is ready); false if there is no such worker.
pub fn post(id: WorkerId, out: Outgoing) -> bool {
    with_handle(id, |h| h.post(out)).is_some()
}

/// Posts to the current coordinator; false if there is none.
pub fn post_coordinator(out: Outgoing) -> bool {
    POOL.with(|p| match p.borrow_mut().current.as_mut() {
        Some(h) => {
            h.post(out);
            true
        }
        None => false,
    })
}

/// Terminates and forgets these workers (the current coordinator too, if listed).
pub fn kill(ids: &[WorkerId]) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        let p = &mut *p;
        for slot in [&mut p.current, &mut p.spare] {
            if slot.as_ref().is_some_and(|h| ids.contains(&h.id)) {
                if let Some(h) = slot.take() {
                    h.worker.terminate();
                }
            }
        }
        p.parsers.retain(|h| {
            let gone = ids.contains(&h.id);
            if gone {
                h.worker.terminate();
            }
            !gone
        });
    });
}

/// The current coordinator's id, if any.
pub fn coordinator() -> Option<WorkerId> {
    POOL.with(|p| p.borrow().current.as_ref().map(|h| h.id))
}

/// A worker died outside an analysis: forget it; respawn when idle unless it never started.
pub fn lost_idle(ui: Ui, id: WorkerId, was_ready: bool) {
    kill(&[id]);
    if was_ready {
        warm_when_idle(ui);
    } else {
        POOL.with(|p| p.borrow_mut().broken = true);
    }
}
