//! Browser logic without web-sys: `route` (URL fragments), `batches` (a lesson put on the page
//! a part at a time), `embed` (iframe parameters, host commands and events), `search` (queries
//! of the offline search index), `theme`, and `number` (decimals without the wasm's float
//! formatting).

pub mod batches;
pub mod embed;
pub mod number;
pub mod route;
pub mod search;
pub mod theme;
