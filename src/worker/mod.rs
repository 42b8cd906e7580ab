//! The Python worker's contract as the page sees it: `protocol` holds the messages to and
//! from `src/js/python-worker.js` and the outcomes of runs and checks, and explains Python
//! errors in plain language.

pub mod protocol;
