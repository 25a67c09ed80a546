//! The analysis on the page's performance timeline (User Timing): a mark when the page hands
//! work over or gets a reply, and a measure for every step a worker timed itself. DevTools'
//! Performance panel shows them, and the browser benchmark reads them back
//! (`performance.getEntriesByType("mark" | "measure")`, names starting with `refract:`) to print
//! where the time goes.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Performance;

use crate::protocol::Span;

fn performance() -> Option<Performance> {
    web_sys::window()?.performance()
}

/// `performance.mark("refract:<name>")`.
pub fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(&format!("refract:{name}"));
    }
}

/// One measure per worker step, named `refract:<who>:<step>`.
pub fn measure_spans(who: &str, spans: &[Span]) {
    let Some(p) = performance() else { return };
    let origin = p.time_origin();
    let Some(measure) = Reflect::get(&p, &"measure".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return;
    };
    for s in spans {
        let opts = Object::new();
        let _ = Reflect::set(&opts, &"start".into(), &(s.start - origin).into());
        let _ = Reflect::set(&opts, &"end".into(), &(s.end - origin).into());
        let name = JsValue::from_str(&format!("refract:{who}:{}", s.step));
        let _ = measure.call2(&p, &name, &opts);
    }
}
