//! One count of how far a learner is through the course. The roadmap, the statistics, the
//! frame's `progress` event and the import preview all read it, so they agree.

use crate::learner::progress::Progress;
use crate::model::course::Course;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Lessons of the course that are done (progress kept for lessons no longer in the course
    /// doesn't count).
    pub lessons_done: usize,
    pub lessons_total: usize,
    pub exercises_solved: usize,
    pub questions_answered: usize,
}

impl Summary {
    pub fn of(progress: &Progress, course: &Course) -> Self {
        Self {
            lessons_done: progress.done_count(course.lessons().map(|l| l.lesson.id.as_str())),
            lessons_total: course.lesson_count(),
            exercises_solved: progress
                .exercises
                .values()
                .filter(|e| e.solved_at.is_some())
                .count(),
            questions_answered: progress.questions.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::course::tests::sample;

    #[test]
    fn lessons_outside_the_course_are_not_counted() {
        let mut p = Progress::default();
        p.set_done("a", true, 1);
        p.set_done("removed-lesson", true, 1);
        let summary = Summary::of(&p, &sample());
        assert_eq!((summary.lessons_done, summary.lessons_total), (1, 3));
    }
}
