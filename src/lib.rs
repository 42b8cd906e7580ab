//! PyRoad's pure core, in folders by lifetime. Arrows point down only: the app (`src/app`,
//! wasm) uses `web`, `learner` and `worker`, which use `model`; `build` uses `model` and runs
//! only natively, at build time. Nothing here touches the browser, so all of it is tested
//! natively with `cargo test`.

pub mod learner;
pub mod model;
pub mod web;
pub mod worker;

// Compiled only where the site is built: its Markdown and TOML parsers never reach the wasm.
#[cfg(not(target_arch = "wasm32"))]
pub mod build;
