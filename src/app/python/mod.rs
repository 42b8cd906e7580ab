//! The page's side of the Python worker: boots it, sends jobs, streams their events back, and
//! recovers from runaway code by switching to a spare worker.
//!
//! One program runs at a time. Jobs wait in order until Python is up and the job before them
//! has ended; a Run asked for while a program runs stops that program, so nothing asked for is
//! lost and nothing waits behind a runaway loop.
//!
//! Workers and callbacks aren't `Send`, so the runtime lives in a thread-local; components see
//! only [`state`], [`run`], [`send_input`], [`stop`] and [`warm_up`]. `pool` keeps the
//! workers (booting, the spare, the snapshot) and reads their replies, `jobs` the queue and
//! time limits, `channel` how answers reach a program waiting in input() or time.sleep().

mod channel;
mod jobs;
mod pool;

pub use jobs::{run, send_input, stop};
pub use pool::warm_up;

use leptos::prelude::*;
use pyroad::worker::protocol::{Boot, Outcome, Request, Stream};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Not started: no lesson with code has been opened yet.
    Idle,
    Loading,
    /// The Python version, and how it started (see `Reply::Ready`).
    Ready {
        python: String,
        boot: Boot,
    },
    Running,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    /// The job waits before it starts.
    Waiting(Wait),
    /// The job has been handed to Python.
    Started,
    Output(Stream, String),
    /// An image the program showed: a `data:` URL of one of the allowed types, and its alt text.
    Image {
        src: String,
        alt: String,
    },
    /// A Plotly figure the program showed (JSON), and its accessible name.
    Chart {
        figure: String,
        alt: String,
    },
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

type Listener = Rc<dyn Fn(JobEvent)>;

#[derive(Default)]
struct Runtime {
    active: Option<pool::Slot>,
    spare: Option<pool::Slot>,
    generation: u32,
    next_id: u32,
    /// Every job not yet finished: the one running and those waiting.
    jobs: HashMap<u32, jobs::Job>,
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
    static STATE: std::cell::Cell<Option<RwSignal<State>>> = const { std::cell::Cell::new(None) };
}

/// What the worker is doing, for the status indicator.
pub fn state() -> RwSignal<State> {
    STATE.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let signal = RwSignal::new(State::Idle);
            cell.set(Some(signal));
            signal
        })
    })
}

fn set_state(value: State) {
    let signal = state();
    if signal.get_untracked() != value {
        signal.set(value);
    }
}

fn ready_state() -> State {
    RUNTIME
        .with_borrow(|rt| {
            let ready = rt.active.as_ref()?.ready.as_ref()?;
            Some(State::Ready {
                python: ready.python.clone(),
                boot: ready.boot,
            })
        })
        .unwrap_or(State::Loading)
}
