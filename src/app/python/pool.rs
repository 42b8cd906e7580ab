//! The workers: the active one, a spare booting in the background so Stop can switch at
//! once, and the memory snapshot later workers boot from; and what their replies mean.

use super::channel::SyncBuffer;
use super::jobs::{arm_timer, disarm_timer, finish, notify, start_next};
use super::{
    Finished, JobEvent, Listener, RUNTIME, Runtime, State, StopReason, ready_state, set_state,
    state,
};
use crate::app::platform::dom::{run_after, window};
use leptos::prelude::*;
use pyroad::worker::protocol::{Boot, DOWNLOAD_GRACE_SECS, IMAGE_TYPES, Reply, WorkerName};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// How long after Python is up the spare worker starts booting.
const SPARE_DELAY_MS: i32 = 1500;

/// How long Python may take to start before the learner is told something is wrong.
const BOOT_LIMIT_MS: i32 = 90_000;

pub(super) struct Slot {
    pub(super) worker: web_sys::Worker,
    generation: u32,
    /// Set once the worker said it is ready.
    pub(super) ready: Option<Ready>,
    /// Shared with the worker when the page is cross-origin isolated.
    pub(super) interrupt: Option<js_sys::Int32Array>,
    pub(super) sync: Option<SyncBuffer>,
    boot_timer: i32,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

pub(super) struct Ready {
    pub(super) python: String,
    pub(super) boot: Boot,
    /// Whether input() and time.sleep() suspend Python through JSPI; if not, they block on the
    /// shared buffer, or on a request the service worker holds.
    pub(super) jspi: bool,
    /// Names this worker's jobs for the service worker.
    pub(super) session: String,
}

/// Starts a worker: booting from `snapshot` if there is one, else cold, then making a snapshot
/// if `make_snapshot`.
fn spawn_worker(
    generation: u32,
    snapshot: Option<&wasm_bindgen::JsValue>,
    make_snapshot: bool,
) -> Result<Slot, String> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    // The worker reads how to boot from its name, so it needn't wait for the message below.
    let name = match (snapshot, make_snapshot) {
        (Some(_), _) => WorkerName::FromPageSnapshot,
        (None, true) => WorkerName::MakeSnapshot,
        (None, false) => WorkerName::Python,
    };
    options.set_name(name.as_str());
    let worker = web_sys::Worker::new_with_options("python-worker.js", &options)
        .map_err(|e| format!("the browser refused to start a worker ({e:?})"))?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            match data.as_string() {
                Some(text) => on_reply(generation, Reply::parse(&text)),
                None => keep_snapshot(&data),
            }
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // What the worker needs besides its name (it waits for this only to boot from `snapshot`).
    let configuration = js_sys::Object::new();
    let set = |name: &str, value: &wasm_bindgen::JsValue| {
        let _ = js_sys::Reflect::set(&configuration, &name.into(), value);
    };
    let (interrupt, sync) = if cross_origin_isolated() {
        let interrupt = js_sys::Int32Array::new(&js_sys::SharedArrayBuffer::new(4));
        let sync = SyncBuffer::new();
        set("interruptBuffer", &interrupt);
        set("syncBuffer", &sync.buffer());
        (Some(interrupt), Some(sync))
    } else {
        (None, None)
    };
    if let Some(snapshot) = snapshot {
        set("snapshot", snapshot);
    }
    let _ = worker.post_message(&configuration);
    let boot_timer = run_after(BOOT_LIMIT_MS, move || {
        boot_failed(
            generation,
            "Python didn't start within 90 seconds. Check your connection and reload the page."
                .into(),
        );
    });
    Ok(Slot {
        worker,
        generation,
        ready: None,
        boot_timer,
        interrupt,
        sync,
        _on_message: on_message,
    })
}

/// Whether the page may share memory with its workers (SharedArrayBuffer needs it): then Stop
/// interrupts Python through a shared buffer, and input() can wait on one.
fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&window(), &"crossOriginIsolated".into()).is_ok_and(|v| v.is_truthy())
}

/// Keeps the first memory snapshot a worker sends (see `startPython` in python-worker.js).
fn keep_snapshot(data: &wasm_bindgen::JsValue) {
    let Ok(snapshot) = js_sys::Reflect::get(data, &"snapshot".into()) else {
        return;
    };
    if !snapshot.is_undefined() {
        RUNTIME.with_borrow_mut(|rt| {
            rt.snapshot.get_or_insert(snapshot);
        });
    }
}

pub(super) fn new_slot(rt: &mut Runtime) -> Option<Slot> {
    rt.generation += 1;
    // The first worker boots as fast as it can; the next one makes the snapshot.
    let make_snapshot = rt.snapshot.is_none() && rt.generation > 1;
    match spawn_worker(rt.generation, rt.snapshot.as_ref(), make_snapshot) {
        Ok(slot) => Some(slot),
        Err(error) => {
            set_state(State::Failed(error));
            None
        }
    }
}

/// Starts Python in the background if it isn't running yet, so a first Run is quick.
pub fn warm_up() {
    RUNTIME.with_borrow_mut(|rt| {
        if rt.active.is_none() {
            rt.active = new_slot(rt);
            if rt.active.is_some() {
                set_state(State::Loading);
            }
        }
    });
}

/// A spare worker boots while a job runs, so Stop can switch to it at once.
pub(super) fn ensure_spare(rt: &mut Runtime) {
    if rt.spare.is_none() {
        rt.spare = new_slot(rt);
    }
}

fn boot_failed(generation: u32, error: String) {
    let listeners: Vec<Listener> = RUNTIME.with_borrow_mut(|rt| {
        let is_active = rt
            .active
            .as_ref()
            .is_some_and(|s| s.generation == generation && s.ready.is_none());
        if rt
            .spare
            .as_ref()
            .is_some_and(|s| s.generation == generation && s.ready.is_none())
        {
            if let Some(s) = rt.spare.take() {
                s.worker.terminate();
            }
            return Vec::new();
        }
        if !is_active {
            return Vec::new();
        }
        if let Some(s) = rt.active.take() {
            s.worker.terminate();
        }
        rt.running = None;
        rt.queue.clear();
        rt.jobs.drain().map(|(_, job)| job.listener).collect()
    });
    if listeners.is_empty() && state().get_untracked() != State::Loading {
        return;
    }
    set_state(State::Failed(error.clone()));
    for listener in listeners {
        listener(JobEvent::Finished(Finished::Failed(format!(
            "Python couldn't start: {error}"
        ))));
    }
}

fn on_reply(generation: u32, reply: Result<Reply, String>) {
    let reply = match reply {
        Ok(reply) => reply,
        Err(error) => {
            leptos::logging::warn!("{error}");
            return;
        }
    };
    let from_active = RUNTIME.with_borrow(|rt| {
        rt.active
            .as_ref()
            .is_some_and(|s| s.generation == generation)
    });
    match reply {
        Reply::Ready {
            python,
            jspi,
            session,
            boot,
        } => {
            RUNTIME.with_borrow_mut(|rt| {
                for slot in [rt.active.as_mut(), rt.spare.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    if slot.generation == generation {
                        slot.ready = Some(Ready {
                            python: python.clone(),
                            boot,
                            jspi,
                            session: session.clone(),
                        });
                        window().clear_timeout_with_handle(slot.boot_timer);
                    }
                }
                // Once Python has been used, keep a spare ready for the next Stop (a moment
                // later, so its boot doesn't slow the run that is waiting).
                if from_active && rt.next_id > 0 {
                    run_after(SPARE_DELAY_MS, || RUNTIME.with_borrow_mut(ensure_spare));
                }
            });
            if from_active {
                let busy = RUNTIME.with_borrow(|rt| !rt.jobs.is_empty());
                set_state(if busy { State::Running } else { ready_state() });
                start_next();
            }
        }
        Reply::BootFailed { error } => boot_failed(generation, error),
        // The interpreter died after its job finished: the next job needs a live one.
        Reply::Crashed {} => {
            if from_active {
                RUNTIME.with_borrow_mut(|rt| {
                    if let Some(slot) = rt.active.take() {
                        slot.worker.terminate();
                    }
                    rt.active = rt.spare.take().or_else(|| new_slot(rt));
                });
                set_state(ready_state());
                start_next();
            }
        }
        _ if !from_active => {}
        Reply::Output { id, stream, text } => notify(id, JobEvent::Output(stream, text)),
        // Only the types a data URL in <img> can't misuse, whatever the worker sent.
        Reply::Image {
            id,
            mime,
            data,
            alt,
        } if IMAGE_TYPES.contains(&mime.as_str()) => {
            let src = format!("data:{mime};base64,{data}");
            notify(id, JobEvent::Image { src, alt });
        }
        Reply::Image { .. } => {}
        Reply::Chart { id, figure, alt } => notify(id, JobEvent::Chart { figure, alt }),
        Reply::Loading { id, packages } => {
            // A download on a slow connection mustn't count as a runaway program: give it
            // three more minutes on top of the program's own limit.
            arm_timer(id, DOWNLOAD_GRACE_SECS);
            notify(id, JobEvent::Loading(packages));
        }
        Reply::InputRequest { id, prompt } => {
            // Time spent waiting for the learner to type doesn't count against the limit.
            disarm_timer(id);
            notify(id, JobEvent::InputRequest(prompt));
        }
        Reply::Done {
            id,
            result,
            elapsed_ms,
            output_cut_total,
        } => finish(
            id,
            Finished::Done {
                outcome: result,
                elapsed_ms,
                output_cut_total,
            },
        ),
    }
}

/// Busy running Python, a worker can't be interrupted (without cross-origin isolation): end it
/// and switch to the spare. Jobs still waiting run on the new worker.
pub(super) fn replace_worker(id: u32, reason: StopReason) {
    RUNTIME.with_borrow_mut(|rt| {
        if let Some(slot) = rt.active.take() {
            slot.worker.terminate();
        }
        rt.active = rt.spare.take();
        if rt.active.is_none() {
            rt.active = new_slot(rt);
        }
        if rt.active.as_ref().is_some_and(|s| s.ready.is_some()) {
            ensure_spare(rt);
        }
    });
    set_state(ready_state());
    finish(id, Finished::Stopped(reason));
}
