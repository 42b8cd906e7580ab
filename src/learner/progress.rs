//! The learner's progress and its stored form.
//!
//! Stored as JSON under one key: `{"schema": 1, "lessons": {"<id>": {...}}}`. Reading goes
//! through [`decode`], which migrates older schemas step by step and maps renamed lesson ids;
//! anything it can't read comes back as [`Unreadable`] so the caller can keep the raw value.

use crate::learner::review::Card;
use crate::learner::{DAY_MS, Millis};
use crate::model::course::History;
use crate::model::lesson::Gradable;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The schema this build writes.
pub const SCHEMA: u64 = 1;

/// Steps that turn schema `n` (index `n - 1`) into schema `n + 1`. A change to the stored
/// format bumps [`SCHEMA`] and appends a step here; fields added with a default need no step.
const MIGRATIONS: [fn(Value) -> Value; (SCHEMA - 1) as usize] = [];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
    /// Keyed by `<lesson id>/<exercise id>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exercises: BTreeMap<String, ExerciseProgress>,
    /// Keyed by `<lesson id>/<question id>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub questions: BTreeMap<String, QuestionProgress>,
    /// The learner's own notes, by lesson id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<String, Note>,
    /// Days (since the Unix epoch, in the learner's time zone) on which they did something.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub active_days: BTreeSet<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionProgress {
    pub attempts: u32,
    pub correct: u32,
    pub last_correct: bool,
    pub answered_at: Millis,
    /// When it comes back for review.
    pub card: Card,
    /// What the learner answered last, so the question shows it again (absent in progress saved
    /// before answers were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_answer: Option<Answer>,
}

/// A learner's answer to a quiz question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The options ticked, by position.
    Choices(Vec<usize>),
    /// The output they predicted.
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solved_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution_viewed_at: Option<Millis>,
}

/// The day of `now` since the Unix epoch on the learner's clock; `offset_minutes` is the local
/// time zone's offset from UTC (east positive).
pub fn local_day(now: Millis, offset_minutes: i64) -> u32 {
    let local = now as i64 + offset_minutes * 60_000;
    (local.max(0) as u64 / DAY_MS) as u32
}

/// Whole percent of `total` that `done` is (0 when there is nothing to do).
pub fn percent(done: usize, total: usize) -> usize {
    (done * 100).checked_div(total).unwrap_or(0)
}

/// The progress key of an exercise or a question: `<lesson id>/<item id>`.
pub fn item_key(lesson: &str, item: &str) -> String {
    format!("{lesson}/{item}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    pub opened_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
}

impl Status {
    /// The value of `data-status` attributes and CSS hooks.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::InProgress => "in-progress",
            Self::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::InProgress => "In progress",
            Self::Done => "Done",
        }
    }
}

/// Stored progress that could not be read; the raw value must be kept, not overwritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub reason: String,
}

#[derive(Serialize)]
struct Stored<'a> {
    schema: u64,
    #[serde(flatten)]
    progress: &'a Progress,
}

impl Progress {
    pub fn status(&self, id: &str) -> Status {
        match self.lessons.get(id) {
            None => Status::NotStarted,
            Some(LessonProgress { done_at: None, .. }) => Status::InProgress,
            Some(_) => Status::Done,
        }
    }

    /// Records that a lesson was opened; returns whether anything changed.
    pub(super) fn mark_opened(&mut self, id: &str, now: Millis) -> bool {
        if self.lessons.contains_key(id) {
            return false;
        }
        self.lessons.insert(
            id.to_owned(),
            LessonProgress {
                opened_at: now,
                done_at: None,
            },
        );
        true
    }

    pub(super) fn set_done(&mut self, id: &str, done: bool, now: Millis) {
        let entry = self.lessons.entry(id.to_owned()).or_insert(LessonProgress {
            opened_at: now,
            done_at: None,
        });
        entry.done_at = done.then_some(entry.done_at.unwrap_or(now));
    }

    pub fn exercise(&self, lesson: &str, exercise: &str) -> ExerciseProgress {
        self.exercises
            .get(&item_key(lesson, exercise))
            .copied()
            .unwrap_or_default()
    }

    /// A lesson is done once every exercise is solved and every question answered right.
    fn finish_if_complete(&mut self, lesson: &str, gradable: &Gradable, now: Millis) {
        let solved = gradable
            .exercises
            .iter()
            .all(|e| self.exercise(lesson, e).solved_at.is_some());
        let answered = gradable
            .questions
            .iter()
            .all(|q| self.question(lesson, q).is_some_and(|q| q.correct > 0));
        if solved && answered && !gradable.is_empty() {
            self.set_done(lesson, true, now);
        }
    }

    /// Records an answer to a quiz question (first time, or in review), and reschedules it.
    pub(super) fn record_answer(
        &mut self,
        lesson: &str,
        question: &str,
        gradable: &Gradable,
        answer: Answer,
        correct: bool,
        now: Millis,
    ) {
        let key = item_key(lesson, question);
        let entry = match self.questions.remove(&key) {
            Some(q) => QuestionProgress {
                attempts: q.attempts + 1,
                correct: q.correct + u32::from(correct),
                last_correct: correct,
                answered_at: now,
                card: q.card.answer(correct, now),
                last_answer: Some(answer),
            },
            None => QuestionProgress {
                attempts: 1,
                correct: u32::from(correct),
                last_correct: correct,
                answered_at: now,
                card: Card::first(correct, now),
                last_answer: Some(answer),
            },
        };
        self.questions.insert(key, entry);
        self.finish_if_complete(lesson, gradable, now);
    }

    pub fn question(&self, lesson: &str, question: &str) -> Option<&QuestionProgress> {
        self.questions.get(&item_key(lesson, question))
    }

    /// Questions due for review at `now`, soonest first, as `(lesson, question)`.
    pub fn due_reviews(&self, now: Millis) -> Vec<(&str, &str)> {
        let mut due: Vec<_> = self
            .questions
            .iter()
            .filter(|(_, q)| q.card.is_due(now))
            .filter_map(|(key, q)| key.split_once('/').map(|(l, id)| (q.card.due_at, l, id)))
            .collect();
        due.sort();
        due.into_iter().map(|(_, l, id)| (l, id)).collect()
    }

    /// Notes the day of `now` as active (see [`local_day`]).
    pub fn mark_active(&mut self, now: Millis, offset_minutes: i64) -> bool {
        self.active_days.insert(local_day(now, offset_minutes))
    }

    /// Days in a row, ending today or yesterday, on which the learner was active.
    pub fn streak(&self, today: u32) -> u32 {
        let start = if self.active_days.contains(&today) {
            today
        } else if today > 0 && self.active_days.contains(&(today - 1)) {
            today - 1
        } else {
            return 0;
        };
        (0..=start)
            .take_while(|d| self.active_days.contains(&(start - d)))
            .count() as u32
    }

    /// Records a Check of an exercise. When every exercise of the lesson (`all`) is solved, the
    /// lesson is done.
    pub(super) fn record_check(
        &mut self,
        lesson: &str,
        exercise: &str,
        gradable: &Gradable,
        solved: bool,
        now: Millis,
    ) {
        let entry = self
            .exercises
            .entry(item_key(lesson, exercise))
            .or_default();
        entry.attempts += 1;
        if solved && entry.solved_at.is_none() {
            entry.solved_at = Some(now);
        }
        self.finish_if_complete(lesson, gradable, now);
    }

    pub(super) fn record_solution_viewed(&mut self, lesson: &str, exercise: &str, now: Millis) {
        let entry = self
            .exercises
            .entry(item_key(lesson, exercise))
            .or_default();
        entry.solution_viewed_at.get_or_insert(now);
    }

    pub fn done_count<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> usize {
        ids.into_iter()
            .filter(|id| self.status(id) == Status::Done)
            .count()
    }

    /// Brings progress saved under older ids up to date: renamed lessons keep what was done,
    /// and items follow the lesson they moved to. Where both ids have progress the two are
    /// merged: done wins, and the earliest times are kept.
    pub fn apply_history(&mut self, history: &History) {
        for (old, new) in &history.renamed {
            let Some(moved) = self.lessons.remove(old) else {
                continue;
            };
            let merged = match self.lessons.get(new) {
                None => moved,
                Some(kept) => LessonProgress {
                    opened_at: kept.opened_at.min(moved.opened_at),
                    done_at: match (kept.done_at, moved.done_at) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                },
            };
            self.lessons.insert(new.clone(), merged);
        }
        history.rekey(&mut self.exercises);
        history.rekey(&mut self.questions);
        for (old, new) in &history.renamed {
            if let Some(note) = self.notes.remove(old) {
                self.notes.entry(new.clone()).or_insert(note);
            }
        }
        // Finishing the whole lesson before the split finished both halves. Later, each half
        // is finished on its own, so this is keyed to when the split was published.
        for split in &history.split {
            let Some(&from) = self.lessons.get(&split.from) else {
                continue;
            };
            if from.done_at.is_some_and(|done| done < split.before) {
                self.lessons.entry(split.lesson.clone()).or_insert(from);
            }
        }
    }

    /// The stored form, at the current schema.
    pub fn encode(&self) -> String {
        serde_json::to_string(&Stored {
            schema: SCHEMA,
            progress: self,
        })
        .expect("progress always serializes")
    }
}

/// Reads stored progress of any known schema, then brings its ids up to date.
pub fn decode(raw: &str, history: &History) -> Result<Progress, Unreadable> {
    let unreadable = |reason: String| Unreadable { reason };
    let value: Value =
        serde_json::from_str(raw).map_err(|e| unreadable(format!("it is not valid JSON ({e})")))?;
    let schema = value
        .get("schema")
        .and_then(Value::as_u64)
        .ok_or_else(|| unreadable("it has no schema version".into()))?;
    if schema == 0 || schema > SCHEMA {
        return Err(unreadable(format!(
            "it was saved by a newer version of PyRoad (format {schema}; this version reads up to {SCHEMA})"
        )));
    }
    let value = MIGRATIONS[(schema - 1) as usize..]
        .iter()
        .fold(value, |value, step| step(value));
    let mut progress: Progress = serde_json::from_value(value)
        .map_err(|e| unreadable(format!("its contents don't match format {SCHEMA} ({e})")))?;
    progress.apply_history(history);
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_renames() -> History {
        History::default()
    }

    #[test]
    fn statuses_follow_opening_and_marking_done() {
        let mut p = Progress::default();
        assert_eq!(p.status("a"), Status::NotStarted);
        assert!(p.mark_opened("a", 10));
        assert!(!p.mark_opened("a", 20));
        assert_eq!(p.status("a"), Status::InProgress);
        p.set_done("a", true, 30);
        assert_eq!(p.status("a"), Status::Done);
        assert_eq!(
            p.lessons["a"],
            LessonProgress {
                opened_at: 10,
                done_at: Some(30)
            }
        );
        p.set_done("a", false, 40);
        assert_eq!(p.status("a"), Status::InProgress);
        p.set_done("b", true, 50);
        assert_eq!(p.done_count(["a", "b", "c"]), 1);
    }

    #[test]
    fn solving_every_exercise_finishes_the_lesson() {
        let mut p = Progress::default();
        let all = Gradable {
            exercises: vec!["a".into(), "b".into()],
            questions: vec!["q".into()],
        };
        p.record_check("l", "a", &all, false, 1);
        p.record_check("l", "a", &all, true, 2);
        assert_eq!(
            p.exercise("l", "a"),
            ExerciseProgress {
                attempts: 2,
                solved_at: Some(2),
                solution_viewed_at: None
            }
        );
        assert_eq!(p.status("l"), Status::NotStarted);
        p.record_solution_viewed("l", "b", 3);
        p.record_check("l", "b", &all, true, 4);
        assert_eq!(p.status("l"), Status::NotStarted, "the quiz is still to do");
        p.record_answer("l", "q", &all, Answer::Choices(vec![0]), false, 5);
        assert_eq!(p.status("l"), Status::NotStarted);
        p.record_answer("l", "q", &all, Answer::Choices(vec![0]), true, 6);
        assert_eq!(p.status("l"), Status::Done);
        assert_eq!(p.exercise("l", "b").solution_viewed_at, Some(3));
        // A later failed check doesn't take a solve back.
        p.record_check("l", "a", &all, false, 7);
        assert_eq!(p.exercise("l", "a").solved_at, Some(2));
        assert_eq!(decode(&p.encode(), &no_renames()), Ok(p));
    }

    #[test]
    fn percentages_round_down_and_survive_empty_totals() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(49, 49), 100);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn answers_schedule_reviews() {
        let mut p = Progress::default();
        let g = Gradable::default();
        p.record_answer("l", "q1", &g, Answer::Choices(vec![0]), true, 0);
        p.record_answer("l", "q2", &g, Answer::Choices(vec![0]), false, 0);
        assert_eq!(p.due_reviews(DAY_MS - 1), Vec::<(&str, &str)>::new());
        assert_eq!(p.due_reviews(DAY_MS), [("l", "q1"), ("l", "q2")]);
        p.record_answer("l", "q2", &g, Answer::Text("42\n".into()), true, DAY_MS);
        let q2 = p.question("l", "q2").unwrap();
        assert_eq!((q2.attempts, q2.correct, q2.last_correct), (2, 1, true));
        assert_eq!(q2.last_answer, Some(Answer::Text("42\n".into())));
        assert_eq!(p.due_reviews(2 * DAY_MS), [("l", "q1"), ("l", "q2")]);
        assert_eq!(p.due_reviews(DAY_MS + 1), [("l", "q1")]);
        assert_eq!(decode(&p.encode(), &no_renames()), Ok(p));
    }

    #[test]
    fn answers_saved_before_answers_were_kept_still_read() {
        let raw = r#"{"schema":1,"questions":{"l/q":{"attempts":1,"correct":1,"last_correct":true,"answered_at":1,"card":{"due_at":1,"interval_days":1,"ease":2.5,"streak":1}}}}"#;
        let p = decode(raw, &no_renames()).unwrap();
        assert_eq!(p.question("l", "q").unwrap().last_answer, None);
        assert_eq!(decode(&p.encode(), &no_renames()), Ok(p));
    }

    #[test]
    fn streaks_count_consecutive_active_days() {
        let mut p = Progress::default();
        assert_eq!(p.streak(10), 0);
        for day in [3, 5, 6, 7] {
            assert!(p.mark_active(day * DAY_MS + 5, 0));
        }
        assert!(!p.mark_active(7 * DAY_MS + 9, 0));
        assert_eq!(p.streak(7), 3);
        assert_eq!(
            p.streak(8),
            3,
            "today not yet active: the streak lasts until tomorrow"
        );
        assert_eq!(p.streak(9), 0);
        // 23:30 UTC is already tomorrow two hours east.
        let mut east = Progress::default();
        east.mark_active(DAY_MS - 30 * 60_000, 120);
        assert!(east.active_days.contains(&1));
    }

    #[test]
    fn round_trips_through_the_stored_form() {
        let mut p = Progress::default();
        p.mark_opened("a", 1);
        p.set_done("b", true, 2);
        let raw = p.encode();
        assert!(raw.starts_with("{\"schema\":1,"), "{raw}");
        assert_eq!(decode(&raw, &no_renames()), Ok(p));
    }

    #[test]
    fn unreadable_values_say_why() {
        let reason = |raw: &str| decode(raw, &no_renames()).unwrap_err().reason;
        assert!(reason("{not json").contains("not valid JSON"));
        assert!(reason("{\"lessons\":{}}").contains("no schema version"));
        assert!(
            reason("{\"schema\":99,\"lessons\":{}}").contains("newer version of PyRoad (format 99")
        );
        assert!(
            reason("{\"schema\":1,\"lessons\":{\"a\":{\"opened_at\":\"yesterday\"}}}")
                .contains("don't match")
        );
        assert!(reason("[]").contains("no schema"));
    }

    #[test]
    fn unknown_lessons_are_kept() {
        let raw = "{\"schema\":1,\"lessons\":{\"removed-lesson\":{\"opened_at\":5,\"done_at\":6}}}";
        let p = decode(raw, &no_renames()).unwrap();
        assert_eq!(p.status("removed-lesson"), Status::Done);
        assert!(p.encode().contains("removed-lesson"));
    }

    #[test]
    fn renamed_lessons_keep_their_progress() {
        let renamed = History {
            renamed: [
                ("variables".to_string(), "syntax-and-variables".to_string()),
                ("loops".to_string(), "control-flow".to_string()),
            ]
            .into(),
            split: Vec::new(),
        };
        let raw = "{\"schema\":1,\"lessons\":{\"variables\":{\"opened_at\":5,\"done_at\":9},\"loops\":{\"opened_at\":3},\"control-flow\":{\"opened_at\":7,\"done_at\":8}}}";
        let p = decode(raw, &renamed).unwrap();
        assert_eq!(p.status("syntax-and-variables"), Status::Done);
        assert_eq!(p.status("variables"), Status::NotStarted);
        assert_eq!(
            p.lessons["control-flow"],
            LessonProgress {
                opened_at: 3,
                done_at: Some(8)
            }
        );
        assert_eq!(p.lessons.len(), 2);

        let raw = r#"{"schema":1,"lessons":{},"exercises":{"loops/count":{"attempts":1,"solved_at":4}},"notes":{"loops":{"text":"hi","updated_at":1}}}"#;
        let p = decode(raw, &renamed).unwrap();
        assert_eq!(p.exercise("control-flow", "count").solved_at, Some(4));
        assert_eq!(p.notes["control-flow"].text, "hi");
    }

    #[test]
    fn a_split_lesson_takes_its_items_and_is_done_if_the_whole_was_done_before() {
        use crate::model::course::Split;
        let history = History {
            renamed: BTreeMap::new(),
            split: vec![Split {
                lesson: "polymorphism".into(),
                from: "inheritance".into(),
                before: 1000,
                items: vec!["shapes".into(), "duck".into()],
            }],
        };
        let raw = r#"{"schema":1,"lessons":{"inheritance":{"opened_at":5,"done_at":9}},
            "exercises":{"inheritance/shapes":{"attempts":2,"solved_at":7},"inheritance/manager":{"attempts":1,"solved_at":8}}}"#;
        let p = decode(raw, &history).unwrap();
        assert_eq!(p.status("polymorphism"), Status::Done);
        assert_eq!(p.lessons["polymorphism"], p.lessons["inheritance"]);
        assert_eq!(p.exercise("polymorphism", "shapes").solved_at, Some(7));
        assert_eq!(p.exercise("inheritance", "manager").solved_at, Some(8));
        assert_eq!(p.exercise("inheritance", "shapes").attempts, 0);
        // Reading it again changes nothing.
        assert_eq!(decode(&p.encode(), &history), Ok(p));

        // Finished after the split: only the first half is done.
        let raw = r#"{"schema":1,"lessons":{"inheritance":{"opened_at":1500,"done_at":2000}}}"#;
        let p = decode(raw, &history).unwrap();
        assert_eq!(p.status("polymorphism"), Status::NotStarted);
        // Marked not done by the learner afterwards: it stays so.
        let raw = r#"{"schema":1,"lessons":{"inheritance":{"opened_at":5,"done_at":9},"polymorphism":{"opened_at":1200}}}"#;
        let p = decode(raw, &history).unwrap();
        assert_eq!(p.status("polymorphism"), Status::InProgress);
    }
}
