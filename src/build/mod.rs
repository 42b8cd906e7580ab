//! The site build, run natively by `pyroad-content` and never compiled for wasm: `content`
//! loads and checks `content/` and writes the site, `markdown` turns a lesson into blocks,
//! `highlight` colours Python, `search_index` gathers the text search reads, `precache` writes
//! the service worker's file list, `error` names a broken file and line.

pub mod content;
pub mod error;
pub mod highlight;
pub mod markdown;
pub mod precache;
pub mod search_index;

/// A stable 64-bit hash for content-addressed file names (FNV-1a).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
