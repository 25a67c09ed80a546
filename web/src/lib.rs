//! Refract in the browser: a Leptos UI on the main thread (`app`) and the engine in Web Workers
//! (`worker`).
//!
//! No analysis happens here: the workers call `refract_core` stages (source loading, the Go front
//! end, linking, the closure, the query views, explain) and the UI draws what they return. The
//! split across threads is:
//!
//! ```text
//! main thread   read dropped files / archives as bytes, draw, talk to an embedding host
//! coordinator   (one worker) FileSet → shares of .go files; facts → Program + Closure; queries
//! parsers       (≤ 4 workers) a share of files → postcard-encoded per-file facts
//! ```
//!
//! Messages are `[header JSON, ...byte buffers]` arrays with the buffers transferred, so no
//! SharedArrayBuffer is needed and the page works in iframes that are not cross-origin isolated.
//! Only [`protocol`] (plain serde) and [`log_order`] build natively; everything else is
//! wasm32-only.

pub mod log_order;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
mod bus;
#[cfg(target_arch = "wasm32")]
pub mod worker;
