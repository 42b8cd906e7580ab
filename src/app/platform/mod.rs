//! The browser underneath the app, each in one place: `dom` (window, timers, clipboard),
//! `fetch` (the site's own files), `storage` (local storage, or what a frame is granted),
//! `embed` (talking to a host page when framed) and `offline` (the service worker).

pub mod dom;
pub mod embed;
pub mod fetch;
pub mod offline;
pub mod storage;
