//! The page's side of the Python worker: boots it, sends jobs, streams their events back, and
//! recovers from runaway code by switching to a spare worker.
//!
//! One program runs at a time. Jobs wait in order until Python is up and the job before them
//! has ended; a Run asked for while a program runs stops that program, so nothing asked for is
//! lost and nothing waits behind a runaway loop.
//!
//! Workers and callbacks aren't `Send`, so the runtime lives in a thread-local; components see
//! only [`status`], [`run`], [`send_input`] and [`stop`].

use super::dom::{run_after, window};
use leptos::prelude::*;
use pyroad::worker::protocol::{Outcome, Reply, Request, Stream};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Extra time a job gets while packages download for it.
const DOWNLOAD_GRACE_SECS: u32 = 180;

/// How long after Python is up the spare worker starts booting.
const SPARE_DELAY_MS: i32 = 1500;

/// How long Python may take to start before the learner is told something is wrong.
const BOOT_LIMIT_MS: i32 = 90_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Not started: no lesson with code has been opened yet.
    Idle,
    Loading,
    /// The Python version, and how it started (see `Reply::Ready`).
    Ready {
        python: String,
        boot: String,
    },
    Running,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The job waits before it starts.
    Waiting(Wait),
    /// The job has been handed to Python.
    Started,
    Output(Stream, String),
    /// Packages are downloading before the job starts.
    Loading(Vec<String>),
    /// The program called `input(prompt)` and waits for a line.
    InputRequest(String),
    Finished(Finished),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Finished {
    Done {
        outcome: Outcome,
        elapsed_ms: f64,
        output_cut_total: usize,
    },
    Stopped(StopReason),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wait {
    /// Python is still starting.
    ForPython,
    /// Another program is being stopped to make way for this one.
    ForOtherProgram,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopReason {
    /// The learner pressed Stop.
    Learner,
    /// It ran past its time limit (seconds).
    TimeLimit(u32),
    /// The learner started another program.
    AnotherRun,
}

type Listener = Rc<dyn Fn(Event)>;

struct Slot {
    worker: web_sys::Worker,
    generation: u32,
    /// Set once the worker said it is ready.
    ready: Option<Ready>,
    /// Shared with the worker when the page is cross-origin isolated.
    interrupt: Option<js_sys::Int32Array>,
    sync: Option<SyncBuffer>,
    boot_timer: i32,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

struct Ready {
    python: String,
    boot: String,
    /// Whether input() and time.sleep() suspend Python through JSPI; if not, they block on the
    /// shared buffer, or on a request the service worker holds.
    jspi: bool,
    /// Names this worker's jobs for the service worker.
    session: String,
}

/// What the page sends a program that waits in input() or time.sleep().
enum Answer {
    Line(String),
    Interrupt,
}

/// Where a worker without JSPI waits for answers on a cross-origin isolated page: a state word
/// (see `waitForPage` in python-worker.js), the answer's length, then its UTF-8 bytes.
struct SyncBuffer {
    state: js_sys::Int32Array,
    data: js_sys::Uint8Array,
}

const SYNC_ANSWERED: i32 = 1;
const SYNC_INTERRUPTED: i32 = 2;
const SYNC_DATA_BYTES: u32 = 64 * 1024;

impl SyncBuffer {
    fn new() -> Self {
        let buffer = js_sys::SharedArrayBuffer::new(8 + SYNC_DATA_BYTES);
        Self {
            state: js_sys::Int32Array::new_with_byte_offset_and_length(&buffer, 0, 2),
            data: js_sys::Uint8Array::new_with_byte_offset(&buffer, 8),
        }
    }

    fn deliver(&self, answer: &Answer) {
        let state = match answer {
            Answer::Line(text) => {
                let bytes = truncate_utf8(text, SYNC_DATA_BYTES as usize);
                self.data.set(&js_sys::Uint8Array::from(bytes), 0);
                let _ = js_sys::Atomics::store(&self.state, 1, bytes.len() as i32);
                SYNC_ANSWERED
            }
            Answer::Interrupt => SYNC_INTERRUPTED,
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
    let Some(controller) = window().navigator().service_worker().controller() else {
        return;
    };
    let reply = js_sys::Object::new();
    let set = |object: &js_sys::Object, name: &str, value: wasm_bindgen::JsValue| {
        let _ = js_sys::Reflect::set(object, &name.into(), &value);
    };
    match answer {
        Answer::Line(text) => {
            set(&reply, "kind", "answer".into());
            set(&reply, "text", text.into());
        }
        Answer::Interrupt => set(&reply, "kind", "interrupt".into()),
    }
    let message = js_sys::Object::new();
    set(&message, "type", "python-answer".into());
    set(&message, "key", key.into());
    set(&message, "reply", reply.into());
    let _ = controller.post_message(&message);
}

struct Job {
    listener: Listener,
    timeout_secs: u32,
    timer: Option<i32>,
    /// Set when it was asked to stop, and why: then ending in KeyboardInterrupt is "stopped".
    stopping: Option<StopReason>,
}

#[derive(Default)]
struct Runtime {
    active: Option<Slot>,
    spare: Option<Slot>,
    generation: u32,
    next_id: u32,
    /// Every job not yet finished: the one running and those waiting.
    jobs: HashMap<u32, Job>,
    /// The job the active worker is running.
    running: Option<u32>,
    /// Jobs waiting to be sent, in the order they were asked for.
    queue: VecDeque<(u32, Request)>,
    /// The first worker's memory snapshot, from which later workers boot quickly.
    snapshot: Option<wasm_bindgen::JsValue>,
}

thread_local! {
    static RUNTIME: RefCell<Runtime> = RefCell::default();
    // Apart from RUNTIME, so the status can be set while the runtime is borrowed.
    static STATUS: std::cell::Cell<Option<RwSignal<Status>>> = const { std::cell::Cell::new(None) };
}

/// What the worker is doing, for the status indicator.
pub fn status() -> RwSignal<Status> {
    STATUS.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let signal = RwSignal::new(Status::Idle);
            cell.set(Some(signal));
            signal
        })
    })
}

fn set_status(value: Status) {
    let signal = status();
    if signal.get_untracked() != value {
        signal.set(value);
    }
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
    options.set_name(match (snapshot, make_snapshot) {
        (Some(_), _) => "from-page-snapshot",
        (None, true) => "make-snapshot",
        (None, false) => "python",
    });
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
        set("syncBuffer", &sync.state.buffer());
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

fn new_slot(rt: &mut Runtime) -> Option<Slot> {
    rt.generation += 1;
    // The first worker boots as fast as it can; the next one makes the snapshot.
    let make_snapshot = rt.snapshot.is_none() && rt.generation > 1;
    match spawn_worker(rt.generation, rt.snapshot.as_ref(), make_snapshot) {
        Ok(slot) => Some(slot),
        Err(error) => {
            set_status(Status::Failed(error));
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
                set_status(Status::Loading);
            }
        }
    });
}

/// A spare worker boots while a job runs, so Stop can switch to it at once.
fn ensure_spare(rt: &mut Runtime) {
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
    if listeners.is_empty() && status().get_untracked() != Status::Loading {
        return;
    }
    set_status(Status::Failed(error.clone()));
    for listener in listeners {
        listener(Event::Finished(Finished::Failed(format!(
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
                            boot: boot.clone(),
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
                set_status(if busy {
                    Status::Running
                } else {
                    ready_status()
                });
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
                set_status(ready_status());
                start_next();
            }
        }
        _ if !from_active => {}
        Reply::Output { id, stream, text } => notify(id, Event::Output(stream, text)),
        Reply::Loading { id, packages } => {
            // A download on a slow connection mustn't count as a runaway program: give it
            // three more minutes on top of the program's own limit.
            let secs = RUNTIME.with_borrow_mut(|rt| {
                let job = rt.jobs.get_mut(&id)?;
                if let Some(timer) = job.timer.take() {
                    window().clear_timeout_with_handle(timer);
                }
                Some(job.timeout_secs + DOWNLOAD_GRACE_SECS)
            });
            if let Some(secs) = secs {
                let timer = start_timer(id, secs);
                RUNTIME.with_borrow_mut(|rt| {
                    if let Some(job) = rt.jobs.get_mut(&id) {
                        job.timer = Some(timer);
                    }
                });
            }
            notify(id, Event::Loading(packages));
        }
        Reply::InputRequest { id, prompt } => {
            RUNTIME.with_borrow_mut(|rt| {
                if let Some(job) = rt.jobs.get_mut(&id) {
                    // Time spent waiting for the learner to type doesn't count against the limit.
                    if let Some(timer) = job.timer.take() {
                        window().clear_timeout_with_handle(timer);
                    }
                }
            });
            notify(id, Event::InputRequest(prompt));
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

fn notify(id: u32, event: Event) {
    let listener = RUNTIME.with_borrow(|rt| rt.jobs.get(&id).map(|j| j.listener.clone()));
    if let Some(listener) = listener {
        listener(event);
    }
}

fn finish(id: u32, how: Finished) {
    let Some(job) = RUNTIME.with_borrow_mut(|rt| {
        if rt.running == Some(id) {
            rt.running = None;
        }
        rt.queue.retain(|(queued, _)| *queued != id);
        rt.jobs.remove(&id)
    }) else {
        return;
    };
    if let Some(timer) = job.timer {
        window().clear_timeout_with_handle(timer);
    }
    let how = match (how, job.stopping) {
        (Finished::Done { outcome, .. }, Some(reason)) if outcome.interrupted() => {
            Finished::Stopped(reason)
        }
        (how, _) => how,
    };
    if RUNTIME.with_borrow(|rt| rt.jobs.is_empty()) && status().get_untracked() == Status::Running {
        set_status(ready_status());
    }
    start_next();
    (job.listener)(Event::Finished(how));
}

/// Sends the first waiting job to Python, once Python is up and nothing else runs.
fn start_next() {
    let next = RUNTIME.with_borrow_mut(|rt| {
        let ready = rt.active.as_ref().is_some_and(|s| s.ready.is_some());
        if rt.running.is_some() || !ready {
            return None;
        }
        let (id, request) = rt.queue.pop_front()?;
        rt.running = Some(id);
        // The time limit counts from here: waiting for Python or another program is not running.
        let secs = rt.jobs.get(&id)?.timeout_secs;
        Some((id, request, secs))
    });
    let Some((id, request, secs)) = next else {
        return;
    };
    let timer = start_timer(id, secs);
    RUNTIME.with_borrow_mut(|rt| {
        if let Some(job) = rt.jobs.get_mut(&id) {
            job.timer = Some(timer);
        }
    });
    set_status(Status::Running);
    post(&request);
    notify(id, Event::Started);
}

fn ready_status() -> Status {
    RUNTIME
        .with_borrow(|rt| {
            let ready = rt.active.as_ref()?.ready.as_ref()?;
            Some(Status::Ready {
                python: ready.python.clone(),
                boot: ready.boot.clone(),
            })
        })
        .unwrap_or(Status::Loading)
}

fn start_timer(id: u32, secs: u32) -> i32 {
    run_after(secs as i32 * 1000, move || {
        stop_job(id, StopReason::TimeLimit(secs))
    })
}

/// Sends a job to Python. `make` builds the request from the job's id; `listener` receives its
/// output, input requests and the end. Returns the id, for [`send_input`] and [`stop`].
pub fn run(
    make: impl FnOnce(u32) -> Request,
    timeout_secs: u32,
    listener: impl Fn(Event) + 'static,
) -> u32 {
    warm_up();
    let (id, running, ready) = RUNTIME.with_borrow_mut(|rt| {
        rt.next_id += 1;
        let id = rt.next_id;
        rt.jobs.insert(
            id,
            Job {
                listener: Rc::new(listener),
                timeout_secs,
                timer: None,
                stopping: None,
            },
        );
        rt.queue.push_back((id, make(id)));
        let ready = rt.active.as_ref().is_some_and(|s| s.ready.is_some());
        if ready {
            ensure_spare(rt);
        }
        (id, rt.running, ready)
    });
    match running {
        Some(other) => {
            notify(id, Event::Waiting(Wait::ForOtherProgram));
            stop_job(other, StopReason::AnotherRun);
        }
        None if !ready => notify(id, Event::Waiting(Wait::ForPython)),
        None => start_next(),
    }
    id
}

fn post(request: &Request) {
    RUNTIME.with_borrow(|rt| {
        if let Some(slot) = &rt.active {
            let _ = slot.worker.post_message(&request.to_json().into());
        }
    });
}

pub fn send_input(id: u32, text: String) {
    let timeout = RUNTIME.with_borrow(|rt| rt.jobs.get(&id).map(|job| job.timeout_secs));
    if let Some(secs) = timeout {
        let timer = start_timer(id, secs);
        RUNTIME.with_borrow_mut(|rt| {
            if let Some(job) = rt.jobs.get_mut(&id) {
                job.timer = Some(timer);
            }
        });
        answer(id, Answer::Line(text));
    }
}

/// Sends an answer the way the active worker waits for it: as a message (JSPI), through the
/// shared buffer, or through the service worker.
fn answer(id: u32, answer: Answer) {
    enum Route {
        Worker,
        ServiceWorker(String),
    }
    // Decided while the runtime is borrowed; posted after.
    let route = RUNTIME.with_borrow(|rt| {
        let slot = rt.active.as_ref()?;
        let ready = slot.ready.as_ref()?;
        match &slot.sync {
            _ if ready.jspi => Some(Route::Worker),
            Some(sync) => {
                sync.deliver(&answer);
                None
            }
            None => Some(Route::ServiceWorker(format!("{}/{id}", ready.session))),
        }
    });
    match route {
        Some(Route::Worker) => post(&match answer {
            Answer::Line(text) => Request::Input { id, text },
            Answer::Interrupt => Request::Interrupt { id },
        }),
        Some(Route::ServiceWorker(key)) => answer_through_service_worker(key, &answer),
        None => {}
    }
}

/// Stops a job at the learner's request (one still waiting just ends).
pub fn stop(id: u32) {
    let waiting = RUNTIME.with_borrow(|rt| rt.queue.iter().any(|(queued, _)| *queued == id));
    if waiting {
        finish(id, Finished::Stopped(StopReason::Learner));
    } else {
        stop_job(id, StopReason::Learner);
    }
}

/// How long a job may take to answer an interrupt before its worker is ended: longer where a
/// busy loop hears it too (cross-origin isolated), as ending the worker loses its state.
const INTERRUPT_GRACE_MS: i32 = 300;
const ISOLATED_INTERRUPT_GRACE_MS: i32 = 1000;

/// Asks the running job to stop (once: a second request keeps the first reason).
fn stop_job(id: u32, reason: StopReason) {
    let first = RUNTIME.with_borrow_mut(|rt| match rt.jobs.get_mut(&id) {
        Some(job) if job.stopping.is_none() && rt.running == Some(id) => {
            job.stopping = Some(reason);
            true
        }
        _ => false,
    });
    if !first {
        return;
    }
    // With an interrupt buffer, a busy loop raises KeyboardInterrupt (2 is SIGINT). Blocked in
    // input() or time.sleep(), the program hears the answer below and does the same (then the
    // worker clears SIGINT, so it is set first).
    let isolated = RUNTIME.with_borrow(|rt| {
        let buffer = rt.active.as_ref().and_then(|s| s.interrupt.as_ref());
        if let Some(buffer) = buffer {
            buffer.set_index(0, 2);
        }
        buffer.is_some()
    });
    answer(id, Answer::Interrupt);
    let grace = if isolated {
        ISOLATED_INTERRUPT_GRACE_MS
    } else {
        INTERRUPT_GRACE_MS
    };
    run_after(grace, move || {
        if RUNTIME.with_borrow(|rt| rt.running == Some(id)) {
            replace_worker(id, reason);
        }
    });
}

/// Busy running Python, a worker can't be interrupted (without cross-origin isolation): end it
/// and switch to the spare. Jobs still waiting run on the new worker.
fn replace_worker(id: u32, reason: StopReason) {
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
    set_status(ready_status());
    finish(id, Finished::Stopped(reason));
}
