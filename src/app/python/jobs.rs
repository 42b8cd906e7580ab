//! Jobs: the queue of programs waiting to run, the one running, their time limits, and
//! stopping them (interrupting Python, or replacing its worker when it can't hear).

use super::channel::{Answer, answer};
use super::pool::{ensure_spare, replace_worker, warm_up};
use super::{
    Finished, JobEvent, Listener, RUNTIME, State, StopReason, Wait, ready_state, set_state, state,
};
use crate::app::platform::dom::{run_after, window};
use leptos::prelude::*;
use pyroad::worker::protocol::{Request, SIGINT};
use std::rc::Rc;

pub(super) struct Job {
    pub(super) listener: Listener,
    timeout_secs: u32,
    timer: Option<i32>,
    /// Set when it was asked to stop, and why: then ending in KeyboardInterrupt is "stopped".
    stopping: Option<StopReason>,
}

pub(super) fn notify(id: u32, event: JobEvent) {
    let listener = RUNTIME.with_borrow(|rt| rt.jobs.get(&id).map(|j| j.listener.clone()));
    if let Some(listener) = listener {
        listener(event);
    }
}

pub(super) fn finish(id: u32, how: Finished) {
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
    if RUNTIME.with_borrow(|rt| rt.jobs.is_empty()) && state().get_untracked() == State::Running {
        set_state(ready_state());
    }
    start_next();
    (job.listener)(JobEvent::Finished(how));
}

/// Sends the first waiting job to Python, once Python is up and nothing else runs.
pub(super) fn start_next() {
    let next = RUNTIME.with_borrow_mut(|rt| {
        let ready = rt.active.as_ref().is_some_and(|s| s.ready.is_some());
        if rt.running.is_some() || !ready {
            return None;
        }
        let (id, request) = rt.queue.pop_front()?;
        rt.running = Some(id);
        Some((id, request))
    });
    let Some((id, request)) = next else {
        return;
    };
    // The time limit counts from here: waiting for Python or another program is not running.
    arm_timer(id, 0);
    set_state(State::Running);
    post(&request);
    notify(id, JobEvent::Started);
}

/// (Re)starts a job's time limit: its own, plus `extra_secs` (for downloads).
pub(super) fn arm_timer(id: u32, extra_secs: u32) {
    disarm_timer(id);
    RUNTIME.with_borrow_mut(|rt| {
        if let Some(job) = rt.jobs.get_mut(&id) {
            let secs = job.timeout_secs + extra_secs;
            job.timer = Some(run_after(secs as i32 * 1000, move || {
                stop_job(id, StopReason::TimeLimit(secs))
            }));
        }
    });
}

/// Pauses a job's time limit (while it waits for the learner).
pub(super) fn disarm_timer(id: u32) {
    let timer = RUNTIME.with_borrow_mut(|rt| rt.jobs.get_mut(&id)?.timer.take());
    if let Some(timer) = timer {
        window().clear_timeout_with_handle(timer);
    }
}

/// Sends a job to Python. `make` builds the request from the job's id; `listener` receives its
/// output, input requests and the end. Returns the id, for [`send_input`] and [`stop`].
pub fn run(
    make: impl FnOnce(u32) -> Request,
    timeout_secs: u32,
    listener: impl Fn(JobEvent) + 'static,
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
            notify(id, JobEvent::Waiting(Wait::ForOtherProgram));
            stop_job(other, StopReason::AnotherRun);
        }
        None if !ready => notify(id, JobEvent::Waiting(Wait::ForPython)),
        None => start_next(),
    }
    id
}

pub(super) fn post(request: &Request) {
    RUNTIME.with_borrow(|rt| {
        if let Some(slot) = &rt.active {
            let _ = slot.worker.post_message(&request.to_json().into());
        }
    });
}

/// The learner's answer to the program's `input()`; its time limit runs again.
pub fn send_input(id: u32, text: String) {
    if RUNTIME.with_borrow(|rt| rt.jobs.contains_key(&id)) {
        arm_timer(id, 0);
        answer(id, Answer::Line(text));
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
    // With an interrupt buffer, a busy loop raises KeyboardInterrupt. Blocked in
    // input() or time.sleep(), the program hears the answer below and does the same (then the
    // worker clears SIGINT, so it is set first).
    let isolated = RUNTIME.with_borrow(|rt| {
        let buffer = rt.active.as_ref().and_then(|s| s.interrupt.as_ref());
        if let Some(buffer) = buffer {
            buffer.set_index(0, SIGINT);
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
