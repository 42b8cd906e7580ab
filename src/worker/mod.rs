//! The Python worker's contract as the page sees it: `protocol` holds the messages to and
//! from `src/js/python-worker.js`, the outcomes of runs and checks, and the constants the
//! worker imports as the generated `protocol.js`; `trace` is a run recorded step by step, as
//! the Step through view shows it; `explain` tells the learner in plain words what a Python
//! error means.

pub mod explain;
pub mod protocol;
pub mod trace;
