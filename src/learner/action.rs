//! Every change a learner makes to their progress, as one type. The app applies each through
//! [`Progress::apply`] and reports it to a host page (`crate::web::embed::Event::of`), so no
//! call site pairs a change with its report by hand.

use super::Millis;
use super::progress::{Answer, Note, Progress};
use crate::model::lesson::Gradable;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    OpenLesson {
        lesson: String,
    },
    SetDone {
        lesson: String,
        done: bool,
    },
    /// A Check of an exercise; `gradable` is what the lesson asks for, to finish it.
    Check {
        lesson: String,
        exercise: String,
        gradable: Gradable,
        solved: bool,
    },
    ViewSolution {
        lesson: String,
        exercise: String,
    },
    /// An answer to a quiz question, in the lesson or in review.
    Answer {
        lesson: String,
        question: String,
        gradable: Gradable,
        answer: Answer,
        correct: bool,
    },
    WriteNote {
        lesson: String,
        text: String,
    },
}

impl Progress {
    /// Applies `action` at `now`; returns whether anything changed.
    pub fn apply(&mut self, action: Action, now: Millis) -> bool {
        match action {
            Action::OpenLesson { lesson } => self.mark_opened(&lesson, now),
            Action::SetDone { lesson, done } => {
                self.set_done(&lesson, done, now);
                true
            }
            Action::Check {
                lesson,
                exercise,
                gradable,
                solved,
            } => {
                self.record_check(&lesson, &exercise, &gradable, solved, now);
                true
            }
            Action::ViewSolution { lesson, exercise } => {
                self.record_solution_viewed(&lesson, &exercise, now);
                true
            }
            Action::Answer {
                lesson,
                question,
                gradable,
                answer,
                correct,
            } => {
                self.record_answer(&lesson, &question, &gradable, answer, correct, now);
                true
            }
            Action::WriteNote { lesson, text } => {
                self.notes.insert(
                    lesson,
                    Note {
                        text,
                        updated_at: now,
                    },
                );
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learner::progress::Status;

    fn gradable(exercises: &[&str], questions: &[&str]) -> Gradable {
        Gradable {
            exercises: exercises.iter().map(|s| s.to_string()).collect(),
            questions: questions.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_lesson_is_done_once_its_exercises_and_questions_are() {
        let mut p = Progress::default();
        let g = gradable(&["e1"], &["q1"]);
        assert!(p.apply(Action::OpenLesson { lesson: "l".into() }, 1));
        assert!(!p.apply(Action::OpenLesson { lesson: "l".into() }, 2));
        let check = |solved| Action::Check {
            lesson: "l".into(),
            exercise: "e1".into(),
            gradable: g.clone(),
            solved,
        };
        p.apply(check(false), 3);
        p.apply(check(true), 4);
        assert_eq!(p.status("l"), Status::InProgress);
        assert_eq!(p.exercise("l", "e1").attempts, 2);
        p.apply(
            Action::Answer {
                lesson: "l".into(),
                question: "q1".into(),
                gradable: g.clone(),
                answer: Answer::Text("4".into()),
                correct: true,
            },
            5,
        );
        assert_eq!(p.status("l"), Status::Done);
        p.apply(
            Action::SetDone {
                lesson: "l".into(),
                done: false,
            },
            6,
        );
        assert_eq!(p.status("l"), Status::InProgress);
    }

    #[test]
    fn notes_and_viewed_solutions_are_kept() {
        let mut p = Progress::default();
        p.apply(
            Action::WriteNote {
                lesson: "l".into(),
                text: "loops!".into(),
            },
            7,
        );
        p.apply(
            Action::ViewSolution {
                lesson: "l".into(),
                exercise: "e".into(),
            },
            8,
        );
        assert_eq!(p.notes["l"].text, "loops!");
        assert_eq!(p.exercise("l", "e").solution_viewed_at, Some(8));
    }
}
