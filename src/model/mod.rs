//! The course as data: what the build writes and the app reads (serde only). `course` is the
//! roadmap (stages → topics → lessons), `lesson` a lesson's blocks, exercises and questions.

pub mod course;
pub mod lesson;
