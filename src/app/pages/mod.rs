//! One module a route (see `pyroad::web::route`): the roadmap, a lesson, the review of due
//! questions, the learner's progress, and the page for a link that leads nowhere.

pub mod lesson;
pub mod not_found;
pub mod progress;
pub mod review;
pub mod roadmap;
