//! How the page answers a program waiting in `input()` or `time.sleep()` (a line, or Stop):
//! as a message where the worker has JSPI, else through the buffer shared with a
//! cross-origin isolated page, else through the service worker holding the worker's request.

use super::RUNTIME;
use super::jobs::post;
use crate::app::platform::dom::post_to_service_worker;
use pyroad::worker::protocol::{Request, sync_buffer};

/// What the page sends a program that waits in input() or time.sleep().
pub(super) enum Answer {
    Line(String),
    Interrupt,
}

/// Where a worker without JSPI waits for answers on a cross-origin isolated page (see
/// [`sync_buffer`]).
pub(super) struct SyncBuffer {
    state: js_sys::Int32Array,
    data: js_sys::Uint8Array,
}

impl SyncBuffer {
    pub(super) fn new() -> Self {
        use sync_buffer::{DATA_BYTES, DATA_OFFSET};
        let buffer = js_sys::SharedArrayBuffer::new(DATA_OFFSET + DATA_BYTES);
        Self {
            state: js_sys::Int32Array::new_with_byte_offset_and_length(&buffer, 0, 2),
            data: js_sys::Uint8Array::new_with_byte_offset(&buffer, DATA_OFFSET),
        }
    }

    /// The memory to hand the worker.
    pub(super) fn buffer(&self) -> js_sys::ArrayBuffer {
        self.state.buffer()
    }

    fn deliver(&self, answer: &Answer) {
        let state = match answer {
            Answer::Line(text) => {
                let bytes = truncate_utf8(text, sync_buffer::DATA_BYTES as usize);
                self.data.set(&js_sys::Uint8Array::from(bytes), 0);
                let _ = js_sys::Atomics::store(&self.state, 1, bytes.len() as i32);
                sync_buffer::ANSWERED
            }
            Answer::Interrupt => sync_buffer::INTERRUPTED,
        };
        let _ = js_sys::Atomics::store(&self.state, 0, state);
        let _ = js_sys::Atomics::notify(&self.state, 0);
    }
}

/// The longest prefix of `text` that fits in `max` bytes without splitting a character.
fn truncate_utf8(text: &str, max: usize) -> &[u8] {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text.as_bytes()[..end]
}

/// Posts an answer to the service worker, which holds the worker's waiting request.
fn answer_through_service_worker(key: String, answer: &Answer) {
    let reply = match answer {
        Answer::Line(text) => serde_json::json!({"kind": "answer", "text": text}),
        Answer::Interrupt => serde_json::json!({"kind": "interrupt"}),
    };
    post_to_service_worker(
        serde_json::json!({"type": "python-answer", "key": key, "reply": reply}),
    );
}

/// Sends an answer the way the active worker waits for it: as a message (JSPI), through the
/// shared buffer, or through the service worker.
pub(super) fn answer(id: u32, answer: Answer) {
    enum Via {
        Worker,
        ServiceWorker(String),
    }
    // Decided while the runtime is borrowed; posted after.
    let route = RUNTIME.with_borrow(|rt| {
        let slot = rt.active.as_ref()?;
        let ready = slot.ready.as_ref()?;
        match &slot.sync {
            _ if ready.jspi => Some(Via::Worker),
            Some(sync) => {
                sync.deliver(&answer);
                None
            }
            None => Some(Via::ServiceWorker(format!("{}/{id}", ready.session))),
        }
    });
    match route {
        Some(Via::Worker) => post(&match answer {
            Answer::Line(text) => Request::Input { id, text },
            Answer::Interrupt => Request::Interrupt { id },
        }),
        Some(Via::ServiceWorker(key)) => answer_through_service_worker(key, &answer),
        None => {}
    }
}
