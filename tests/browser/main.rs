//! The end-to-end tests, in one binary: the release build in `dist/` (made by `./dev.sh test`)
//! served on 127.0.0.1 and driven in headless Chromium over WebDriver (chromedriver).

mod support;

mod accessibility;
mod course_in_pyodide;
mod e2e;
mod embed;
mod learning;
mod offline;
mod python;
mod step_through;
