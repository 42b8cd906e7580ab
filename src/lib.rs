//! PyRoad's pure core: the course model, the lesson format, progress, search and routes.
//!
//! Nothing here touches the browser, so all of it is tested natively with `cargo test`;
//! the wasm app (`src/app`) is a thin layer of components over these types.

pub mod content;
pub mod course;
pub mod embed;
pub mod error;
pub mod highlight;
pub mod lesson;
pub mod markdown;
pub mod precache;
pub mod progress;
pub mod review;
pub mod route;
pub mod runner;
pub mod search;
pub mod transfer;
