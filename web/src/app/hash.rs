//! Shareable state in the URL hash: `#log=<line>&hop=<n>` (URL-encoded). Opening such a link
//! puts the line in the log box, explains it once the repository is analysed and selects the hop.

use std::cell::Cell;

use leptos::prelude::*;

use super::state::Ui;

thread_local! {
    static PENDING_HOP: Cell<Option<usize>> = const { Cell::new(None) };
}

fn params() -> Option<web_sys::UrlSearchParams> {
    let hash = web_sys::window()?.location().hash().ok()?;
    web_sys::UrlSearchParams::new_with_str(hash.trim_start_matches('#')).ok()
}

/// The log line in the hash, remembering the hop to select once results arrive.
pub fn read() -> Option<String> {
    let p = params()?;
    let hop = p.get("hop").and_then(|h| h.parse().ok());
    PENDING_HOP.with(|c| c.set(hop));
    p.get("log").filter(|l| !l.trim().is_empty())
}

pub fn apply_pending_hop(ui: Ui) {
    if let Some(h) = PENDING_HOP.with(|c| c.take()) {
        ui.hop.set(Some(h));
    }
}

/// Writes the current line and hop into the hash (without a history entry per click).
pub fn write(log: &str, hop: Option<usize>) {
    let Ok(p) = web_sys::UrlSearchParams::new() else {
        return;
    };
    p.append("log", log);
    if let Some(h) = hop {
        p.append("hop", &h.to_string());
    }
    let Some(win) = web_sys::window() else { return };
    let hash = format!("#{}", String::from(p.to_string()));
    if let Ok(h) = win.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}
