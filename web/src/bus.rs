//! Encoding of `[header JSON, ...buffers]` messages on both sides of a worker boundary.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// A message ready to post: the array and the list of buffers to transfer with it.
pub struct Outgoing {
    pub message: Array,
    pub transfer: Array,
}

/// Builds a message from a JSON header and byte buffers (each copied once into a fresh JS
/// ArrayBuffer that is then transferred).
pub fn outgoing(header: String, buffers: &[Vec<u8>]) -> Outgoing {
    let message = Array::new();
    let transfer = Array::new();
    message.push(&JsValue::from_str(&header));
    for b in buffers {
        let arr = Uint8Array::new_with_length(b.len() as u32);
        arr.copy_from(b);
        let buf = arr.buffer();
        message.push(&buf);
        transfer.push(&buf);
    }
    Outgoing { message, transfer }
}

/// Builds a message whose buffers are already JS ArrayBuffers (transferred without copying).
pub fn outgoing_js(header: String, buffers: &[JsValue]) -> Outgoing {
    let message = Array::new();
    let transfer = Array::new();
    message.push(&JsValue::from_str(&header));
    for b in buffers {
        message.push(b);
        if b.is_instance_of::<ArrayBuffer>() {
            transfer.push(b);
        }
    }
    Outgoing { message, transfer }
}

/// An incoming message: the header text and the raw buffers.
pub struct Incoming {
    pub header: String,
    pub buffers: Vec<JsValue>,
}

/// Splits `data` of a MessageEvent; `None` if it is not one of our arrays.
pub fn incoming(data: &JsValue) -> Option<Incoming> {
    let arr = data.dyn_ref::<Array>()?;
    let header = arr.get(0).as_string()?;
    let buffers = arr.iter().skip(1).collect();
    Some(Incoming { header, buffers })
}

/// Copies a transferred ArrayBuffer (or typed array) into Rust memory.
pub fn bytes(v: &JsValue) -> Vec<u8> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return a.to_vec();
    }
    Uint8Array::new(v).to_vec()
}
