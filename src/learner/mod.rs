//! The learner's own state: `progress` (and its stored, versioned form), changed only by an
//! `action`; `review` (spaced repetition of quiz questions), `saved_code` (where their code is
//! kept), `summary` (how far through the course, counted once), `transfer` (export, import and
//! merge of progress) and `project_zip` (a several-file exercise's files, to take away).

pub mod action;
pub mod progress;
pub mod project_zip;
pub mod review;
pub mod saved_code;
pub mod summary;
pub mod transfer;

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

pub const DAY_MS: Millis = 24 * 60 * 60 * 1000;
