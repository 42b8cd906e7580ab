//! Browser logic without web-sys: `route` (URL fragments), `embed` (iframe parameters, host
//! commands and events), `search` (queries of the offline search index) and `theme`.

pub mod embed;
pub mod route;
pub mod search;
pub mod theme;
