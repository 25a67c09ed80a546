//! The Clusters tab: log files and trace files in, `refract cluster --json` out, drawn.
//!
//! Inputs (dropped on the tab, picked, pasted, or the demo's `manifest.json` logs and traces) are
//! kept here as `Blob`s: a picked file is never read on this thread, and a run posts the `File`
//! itself (a handle, not a copy) to a worker, which reads log files slice by slice — a 1 GB log
//! is never held whole anywhere. A run posts them to a worker: the coordinator when a repository has been
//! indexed (so log clusters are split by code path), else a worker of its own. The worker drives
//! `refract_core::cluster::ClusterRun` and answers with the `ClusterReport`; nothing is counted
//! here. When a repository finishes indexing after a run without it, the run is repeated with
//! code paths. Replies of a superseded run are ignored by run number.

mod flame;
mod view;

use std::cell::RefCell;
use std::sync::Arc;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use refract_core::cluster::ClusterReport;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ErrorEvent, File, MessageEvent, Worker};

use super::session;
use super::state::{Phase, Ui};
use crate::bus;
use crate::protocol::{ClusterTiming, FromWorker, ToWorker};

pub use view::ClustersView;

const WORKER_URL: &str = "./worker_loader.js";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Logs,
    Traces,
}

/// Trace files by name: JSON (OTLP, Jaeger, Zipkin) and CSV; everything else is a log file
/// (`.log`, `.txt`, `.jsonl`, …).
pub fn kind_of(name: &str) -> Kind {
    let n = name.to_lowercase();
    if n.ends_with(".json") || n.ends_with(".csv") {
        Kind::Traces
    } else {
        Kind::Logs
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputInfo {
    pub name: String,
    pub kind: Kind,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Idle,
    Running { step: String, done: u64, total: u64 },
    Done { ms: f64, timing: ClusterTiming },
    Cancelled,
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Cl {
    pub ui: Ui,
    pub inputs: RwSignal<Vec<InputInfo>>,
    pub status: RwSignal<Status>,
    pub report: RwSignal<Option<Arc<ClusterReport>>>,
    /// The shown report was computed with a repository's index (code paths).
    pub with_repo: RwSignal<bool>,
    /// Icicle zoom: child indices from the root to the node shown as the whole width.
    pub zoom: RwSignal<Vec<usize>>,
    /// Progress replies of runs no longer current (cancelled or superseded) that still arrived:
    /// shown as `data-stale` so a test can see that a cancelled run really stopped.
    pub stale: RwSignal<u32>,
}

struct Runner {
    run: u32,
    started_ms: f64,
    /// Each input, in `Cl::inputs` order.
    buffers: Vec<Blob>,
    worker: Option<OwnWorker>,
    /// The run in flight uses the coordinator's index.
    on_coordinator: bool,
}

struct OwnWorker {
    worker: Worker,
    pending: Option<bus::Outgoing>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

thread_local! {
    static CL: RefCell<Option<Cl>> = const { RefCell::new(None) };
    static RUNNER: RefCell<Runner> = const { RefCell::new(Runner {
        run: 0,
        started_ms: 0.0,
        buffers: Vec::new(),
        worker: None,
        on_coordinator: false,
    }) };
}

pub fn cl() -> Option<Cl> {
    CL.with(|c| *c.borrow())
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Creates the tab's state and re-runs with code paths once a repository is indexed.
pub fn install(ui: Ui) {
    let c = Cl {
        ui,
        inputs: RwSignal::new(Vec::new()),
        status: RwSignal::new(Status::Idle),
        report: RwSignal::new(None),
        with_repo: RwSignal::new(false),
        zoom: RwSignal::new(Vec::new()),
        stale: RwSignal::new(0),
    };
    CL.with(|x| *x.borrow_mut() = Some(c));
    Effect::new(move |_| match ui.phase.get() {
        Phase::Running => c.with_repo.set(false),
        Phase::Ready if !c.inputs.with_untracked(Vec::is_empty) && !c.with_repo.get_untracked() => {
            start()
        }
        _ => {}
    });
}

/// Bytes fetched or pasted, as a `Blob` like a picked file.
fn blob_of(bytes: &ArrayBuffer) -> Option<Blob> {
    Blob::new_with_buffer_source_sequence(&Array::of1(bytes)).ok()
}

/// Adds inputs (replacing all when `replace`) and starts a run.
pub fn add_inputs(items: Vec<(String, Blob, Kind)>, replace: bool) {
    let Some(c) = cl() else { return };
    RUNNER.with(|r| {
        let mut r = r.borrow_mut();
        if replace {
            r.buffers.clear();
        }
        for (_, b, _) in &items {
            r.buffers.push(b.clone());
        }
    });
    c.inputs.update(|v| {
        if replace {
            v.clear();
        }
        v.extend(items.iter().map(|(name, b, kind)| InputInfo {
            kind: *kind,
            name: name.clone(),
            bytes: b.size() as u64,
        }));
    });
    start();
}

pub fn clear() {
    let Some(c) = cl() else { return };
    stop();
    RUNNER.with(|r| r.borrow_mut().buffers.clear());
    c.inputs.set(Vec::new());
    c.report.set(None);
    c.status.set(Status::Idle);
}

/// Files dropped or picked on the tab: kept as handles, read by the worker. A `.json` file whose
/// first 64 KiB name `resourceLogs` is OTLP logs, listed (and sent) as logs; only that head is
/// read here.
pub fn add_files(files: Vec<File>) {
    leptos::task::spawn_local(async move {
        let mut items = Vec::new();
        for f in files {
            let name = f.name();
            let blob: Blob = f.into();
            let kind = match kind_of(&name) {
                Kind::Traces if head_names_resource_logs(&blob).await => Kind::Logs,
                k => k,
            };
            items.push((name, blob, kind));
        }
        if !items.is_empty() {
            add_inputs(items, false);
        }
    });
}

async fn head_names_resource_logs(blob: &Blob) -> bool {
    let Ok(head) = blob.slice_with_f64_and_f64(0.0, blob.size().min(65536.0)) else {
        return false;
    };
    match wasm_bindgen_futures::JsFuture::from(head.text()).await {
        Ok(t) => t
            .as_string()
            .is_some_and(|t| t.contains("\"resourceLogs\"")),
        Err(_) => false,
    }
}

/// Pasted text as an input named by its kind.
pub fn add_text(kind: Kind, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    let bytes = Uint8Array::from(text.as_bytes());
    let name = match kind {
        Kind::Logs => "pasted logs.log",
        Kind::Traces => "pasted traces.json",
    };
    match blob_of(&bytes.buffer()) {
        Some(b) => add_inputs(vec![(name.to_string(), b, kind)], false),
        None => note(format!("{name}: could not be kept")),
    }
}

fn note(msg: String) {
    if let Some(c) = cl() {
        c.ui.notes.update(|n| n.push(msg));
    }
}

/// The demo's logs and traces, as listed in `demo/manifest.json`.
pub fn load_demo() {
    leptos::task::spawn_local(async move {
        let r = async {
            let m = super::inputs::fetch_bytes("demo/manifest.json").await?;
            let m: serde_json::Value = serde_json::from_slice(&Uint8Array::new(&m).to_vec())
                .map_err(|e| format!("demo/manifest.json: {e}"))?;
            let mut items = Vec::new();
            for key in ["logs", "traces"] {
                let paths = m[key].as_array().cloned().unwrap_or_default();
                for p in paths.iter().filter_map(|p| p.as_str()) {
                    let b = super::inputs::fetch_bytes(&format!("demo/{p}")).await?;
                    let name = p.rsplit('/').next().unwrap_or(p).to_string();
                    let blob = blob_of(&b).ok_or(format!("demo/{p}: could not be kept"))?;
                    let kind = if key == "logs" {
                        Kind::Logs
                    } else {
                        Kind::Traces
                    };
                    items.push((name, blob, kind));
                }
            }
            add_inputs(items, true);
            Ok::<(), String>(())
        }
        .await;
        if let Err(e) = r {
            note(format!("demo logs and traces: {e}"));
        }
    });
}

/// Cancel: the tab's own worker is terminated; a run on the coordinator (which keeps the
/// repository's index, so is not terminated) is told to stop and does at its next pause.
/// Inputs stay.
pub fn cancel() {
    stop();
    if let Some(c) = cl() {
        c.status.set(Status::Cancelled);
    }
}

/// Ends the run in flight (if any): its worker terminated, or the coordinator told to stop it.
fn stop() {
    let (run, on_coordinator) = RUNNER.with(|r| (r.borrow().run, r.borrow().on_coordinator));
    if on_coordinator {
        session::post(&ToWorker::CancelCluster { run }, &[]);
    }
    RUNNER.with(|r| {
        let mut r = r.borrow_mut();
        r.run += 1;
        r.on_coordinator = false;
        if let Some(w) = r.worker.take() {
            w.worker.terminate();
        }
    });
}

/// Starts a run over every input: on the coordinator when its index is ready (and no repository
/// is being indexed), else on a worker of its own.
pub fn start() {
    let Some(c) = cl() else { return };
    if c.inputs.with_untracked(Vec::is_empty) {
        return;
    }
    stop();
    let phase = c.ui.phase.get_untracked();
    let inputs = c.inputs.get_untracked();
    let (run, copies) = RUNNER.with(|r| {
        let mut r = r.borrow_mut();
        r.started_ms = now_ms();
        // Blobs are posted by handle (structured clone shares their bytes); nothing is copied.
        let copies: Vec<JsValue> = r.buffers.iter().map(JsValue::from).collect();
        (r.run, copies)
    });
    // Logs first, then traces, as the protocol says.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].kind == Kind::Traces);
    let names = |k: Kind| -> Vec<String> {
        order
            .iter()
            .filter(|&&i| inputs[i].kind == k)
            .map(|&i| inputs[i].name.clone())
            .collect()
    };
    let req = ToWorker::Cluster {
        run,
        logs: names(Kind::Logs),
        traces: names(Kind::Traces),
    };
    let buffers: Vec<JsValue> = order.iter().map(|&i| copies[i].clone()).collect();
    c.status.set(Status::Running {
        step: "starting".into(),
        done: 0,
        total: inputs.iter().map(|i| i.bytes).sum(),
    });
    if phase == Phase::Ready && session::post(&req, &buffers) {
        RUNNER.with(|r| r.borrow_mut().on_coordinator = true);
        return;
    }
    match spawn(run) {
        Ok(mut w) => {
            w.pending = Some(bus::outgoing_js(req.to_json(), &buffers));
            RUNNER.with(|r| r.borrow_mut().worker = Some(w));
        }
        Err(e) => c.status.set(Status::Failed(e)),
    }
}

fn spawn(run: u32) -> Result<OwnWorker, String> {
    let worker = Worker::new(WORKER_URL).map_err(|e| format!("could not start a worker: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(msg) = bus::incoming(&e.data()) else {
            return;
        };
        match serde_json::from_str::<FromWorker>(&msg.header) {
            Ok(FromWorker::Ready) => RUNNER.with(|r| {
                if let Some(w) = r.borrow_mut().worker.as_mut() {
                    if let Some(out) = w.pending.take() {
                        if let Err(e) = w
                            .worker
                            .post_message_with_transfer(&out.message, &out.transfer)
                        {
                            web_sys::console::error_2(&"postMessage to worker failed".into(), &e);
                        }
                    }
                }
            }),
            Ok(r) => on_reply(r),
            Err(e) => failed(
                run,
                format!("the clustering worker sent an unreadable reply: {e}"),
            ),
        }
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        failed(
            run,
            format!(
                "The clustering worker stopped: {}. It may have run out of memory; try fewer or smaller files.",
                e.message()
            ),
        );
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(OwnWorker {
        worker,
        pending: None,
        _on_message: on_message,
        _on_error: on_error,
    })
}

fn current(run: u32) -> bool {
    RUNNER.with(|r| r.borrow().run == run)
}

fn failed(run: u32, message: String) {
    if !current(run) {
        return;
    }
    if let Some(c) = cl() {
        c.status.set(Status::Failed(message));
    }
    stop();
}

/// A clustering reply (from the coordinator or the tab's own worker).
pub fn on_reply(reply: FromWorker) {
    let Some(c) = cl() else { return };
    match reply {
        FromWorker::ClusterProgress {
            run,
            step,
            done,
            total,
        } if current(run) => c.status.set(Status::Running { step, done, total }),
        FromWorker::Clustered {
            run,
            report,
            timing,
        } if current(run) => {
            let (started, on_coordinator) =
                RUNNER.with(|r| (r.borrow().started_ms, r.borrow().on_coordinator));
            c.zoom.set(Vec::new());
            c.report.set(Some(Arc::new(*report)));
            c.with_repo.set(on_coordinator);
            c.status.set(Status::Done {
                ms: now_ms() - started,
                timing,
            });
            RUNNER.with(|r| {
                if let Some(w) = r.borrow_mut().worker.take() {
                    w.worker.terminate();
                }
            });
        }
        FromWorker::ClusterProgress { .. } | FromWorker::Clustered { .. } => {
            c.stale.update(|n| *n += 1)
        }
        FromWorker::ClusterFailed { run, message } => failed(run, message),
        _ => {}
    }
}
