//! The learner's progress and its stored form.
//!
//! Stored as JSON under one key: `{"schema": 1, "lessons": {"<id>": {...}}}`. Reading goes
//! through [`decode`], which migrates older schemas step by step and maps renamed lesson ids;
//! anything it can't read comes back as [`Unreadable`] so the caller can keep the raw value.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

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

/// The progress key of an exercise.
pub fn exercise_key(lesson: &str, exercise: &str) -> String {
    format!("{lesson}/{exercise}")
}

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

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
    pub fn mark_opened(&mut self, id: &str, now: Millis) -> bool {
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

    pub fn set_done(&mut self, id: &str, done: bool, now: Millis) {
        let entry = self.lessons.entry(id.to_owned()).or_insert(LessonProgress {
            opened_at: now,
            done_at: None,
        });
        entry.done_at = done.then_some(entry.done_at.unwrap_or(now));
    }

    pub fn exercise(&self, lesson: &str, exercise: &str) -> ExerciseProgress {
        self.exercises
            .get(&exercise_key(lesson, exercise))
            .copied()
            .unwrap_or_default()
    }

    /// Records a Check of an exercise. When every exercise of the lesson (`all`) is solved, the
    /// lesson is done.
    pub fn record_check(
        &mut self,
        lesson: &str,
        exercise: &str,
        all: &[&str],
        solved: bool,
        now: Millis,
    ) {
        let entry = self
            .exercises
            .entry(exercise_key(lesson, exercise))
            .or_default();
        entry.attempts += 1;
        if solved && entry.solved_at.is_none() {
            entry.solved_at = Some(now);
        }
        if all
            .iter()
            .all(|e| self.exercise(lesson, e).solved_at.is_some())
        {
            self.set_done(lesson, true, now);
        }
    }

    pub fn record_solution_viewed(&mut self, lesson: &str, exercise: &str, now: Millis) {
        let entry = self
            .exercises
            .entry(exercise_key(lesson, exercise))
            .or_default();
        entry.solution_viewed_at.get_or_insert(now);
    }

    pub fn done_count<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> usize {
        ids.into_iter()
            .filter(|id| self.status(id) == Status::Done)
            .count()
    }

    /// Moves progress recorded under renamed ids to the current ids. Where both exist the two
    /// are merged: done wins, and the earliest times are kept.
    pub fn apply_renames(&mut self, renamed: &BTreeMap<String, String>) {
        for (old, new) in renamed {
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
        let prefixes: Vec<(String, &String)> = renamed
            .iter()
            .map(|(old, new)| (format!("{old}/"), new))
            .collect();
        let moved: Vec<String> = self
            .exercises
            .keys()
            .filter(|k| prefixes.iter().any(|(p, _)| k.starts_with(p.as_str())))
            .cloned()
            .collect();
        for key in moved {
            let (prefix, new) = prefixes
                .iter()
                .find(|(p, _)| key.starts_with(p.as_str()))
                .expect("filtered above");
            let value = self.exercises.remove(&key).expect("listed above");
            let new_key = format!("{new}/{}", &key[prefix.len()..]);
            self.exercises.entry(new_key).or_insert(value);
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

/// Reads stored progress of any known schema, then maps renamed lesson ids.
pub fn decode(raw: &str, renamed: &BTreeMap<String, String>) -> Result<Progress, Unreadable> {
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
    progress.apply_renames(renamed);
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_renames() -> BTreeMap<String, String> {
        BTreeMap::new()
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
        let all = ["a", "b"];
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
        assert_eq!(p.status("l"), Status::Done);
        assert_eq!(p.exercise("l", "b").solution_viewed_at, Some(3));
        // A later failed check doesn't take a solve back.
        p.record_check("l", "a", &all, false, 5);
        assert_eq!(p.exercise("l", "a").solved_at, Some(2));
        assert_eq!(decode(&p.encode(), &no_renames()), Ok(p));
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
        let renamed: BTreeMap<String, String> = [
            ("variables".to_string(), "syntax-and-variables".to_string()),
            ("loops".to_string(), "control-flow".to_string()),
        ]
        .into();
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

        let raw =
            r#"{"schema":1,"lessons":{},"exercises":{"loops/count":{"attempts":1,"solved_at":4}}}"#;
        let p = decode(raw, &renamed).unwrap();
        assert_eq!(p.exercise("control-flow", "count").solved_at, Some(4));
    }
}
