//! Browser logic without web-sys: `route` (URL fragments), `embed` (iframe parameters, host
//! commands and events) and `search` (the offline search index and its queries).

pub mod embed;
pub mod route;
pub mod search;
