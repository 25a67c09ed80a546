//! The embedding API (in the style of Perfetto's): a host page that frames or opens the app sends
//! `PING` until it gets `PONG`, then `{type: "refract:load", repo: ArrayBuffer | url, logs}`; the
//! app posts `refract:progress`, then `refract:result` (one `refract trace --json` object per log
//! line) or `refract:error`. Messages are accepted only from `window.parent` / `window.opener`
//! and, when the page was opened with `?origins=a,b`, only from those origins.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Window};

use super::inputs;
use super::session::{self, RepoInput};
use super::state::Ui;
use crate::protocol::Stage;
use refract_core::query::Overview;

/// The host that sent the last `refract:load`: where replies go.
struct Host {
    target: JsValue,
    origin: String,
    /// Lines of the pending load; a result is posted for them.
    lines: Vec<String>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

fn post(host: &Host, msg: &JsValue) {
    let f = Reflect::get(&host.target, &"postMessage".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = f {
        let _ = f.call2(&host.target, msg, &JsValue::from_str(&host.origin));
    }
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

pub fn progress(stage: Stage, done: u32, total: u32) {
    HOST.with(|h| {
        if let Some(h) = h.borrow().as_ref() {
            post(
                h,
                &object(&[
                    ("type", "refract:progress".into()),
                    ("stage", stage.as_str().into()),
                    ("done", done.into()),
                    ("total", total.into()),
                ]),
            );
        }
    });
}

pub fn error(message: &str) {
    HOST.with(|h| {
        if let Some(h) = h.borrow_mut().take() {
            post(
                &h,
                &object(&[
                    ("type", "refract:error".into()),
                    ("message", message.into()),
                ]),
            );
        }
    });
}

/// The index is ready: a host load without log lines gets an empty result now.
pub fn indexed(_overview: &Overview) {
    let done = HOST.with(|h| h.borrow().as_ref().is_some_and(|h| h.lines.is_empty()));
    if done {
        results(Vec::new());
    }
}

pub fn results(results: Vec<serde_json::Value>) {
    HOST.with(|h| {
        if let Some(h) = h.borrow_mut().take() {
            let json = serde_json::Value::Array(results).to_string();
            let value = js_sys::JSON::parse(&json).unwrap_or_else(|_| Array::new().into());
            post(
                &h,
                &object(&[("type", "refract:result".into()), ("results", value)]),
            );
        }
    });
}

fn allowed_origins() -> Option<Vec<String>> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let list = params.get("origins")?;
    Some(
        list.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

fn from_host(win: &Window, e: &MessageEvent) -> bool {
    let Some(source) = e.source() else {
        return false;
    };
    let source: JsValue = source.into();
    let me: JsValue = win.clone().into();
    let parent: JsValue = win
        .parent()
        .ok()
        .flatten()
        .map(Into::into)
        .unwrap_or(JsValue::NULL);
    let opener: JsValue = win.opener().unwrap_or(JsValue::NULL);
    let is_parent = !parent.is_null() && parent != me && source == parent;
    let is_opener = !opener.is_null() && !opener.is_undefined() && source == opener;
    if !(is_parent || is_opener) {
        return false;
    }
    match allowed_origins() {
        Some(list) => list.iter().any(|o| *o == e.origin()),
        None => true,
    }
}

/// Installs the `message` listener.
pub fn install(ui: Ui) {
    let Some(win) = web_sys::window() else { return };
    let w2 = win.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if !from_host(&w2, &e) {
            return;
        }
        let Some(source) = e.source() else { return };
        let target: JsValue = source.into();
        let origin = e.origin();
        let data = e.data();
        if data.as_string().as_deref() == Some("PING") {
            let f = Reflect::get(&target, &"postMessage".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            if let Some(f) = f {
                let _ = f.call2(&target, &"PONG".into(), &JsValue::from_str(&origin));
            }
            return;
        }
        let ty = Reflect::get(&data, &"type".into())
            .ok()
            .and_then(|t| t.as_string());
        if ty.as_deref() != Some("refract:load") {
            return;
        }
        let logs = Reflect::get(&data, &"logs".into())
            .ok()
            .and_then(|l| l.as_string())
            .unwrap_or_default();
        let repo = Reflect::get(&data, &"repo".into()).unwrap_or(JsValue::UNDEFINED);
        ui.logs.set(logs);
        let lines = ui.log_lines();
        HOST.with(|h| {
            *h.borrow_mut() = Some(Host {
                target,
                origin,
                lines: lines.clone(),
            })
        });
        if let Some(buf) = repo.dyn_ref::<ArrayBuffer>() {
            let name = Reflect::get(&data, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_else(|| "repository from host".into());
            session::analyse(
                ui,
                RepoInput {
                    name,
                    archive: true,
                    paths: Vec::new(),
                    buffers: vec![buf.clone()],
                },
            );
            session::explain(ui, lines);
        } else if let Some(url) = repo.as_string() {
            leptos::task::spawn_local(async move {
                match inputs::fetch_archive(&url).await {
                    Ok(input) => {
                        session::analyse(ui, input);
                        session::explain(ui, lines);
                    }
                    Err(msg) => error(&msg),
                }
            });
        } else {
            error("refract:load needs `repo`: an ArrayBuffer of a .zip/.tar.gz, or its URL");
        }
    });
    let _ = win.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    handler.forget();
}
