//! Progress the learner owns: export it to a file, import it back (here or in another browser).
//!
//! An imported file comes from outside, so it is checked completely before anything changes:
//! [`parse_import`] either returns progress that fits this course or a sentence saying why not.

use crate::learner::Millis;
use crate::learner::progress::{self, Answer, Progress};
use crate::learner::saved_code;
use crate::learner::summary::Summary;
use crate::model::course::{Course, is_valid_id};
use crate::model::lesson::is_valid_file_path;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Largest file `parse_import` accepts.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

const FORMAT: &str = "pyroad-progress";
/// The export format this build writes and reads; the progress inside has its own schema.
const VERSION: u64 = 1;
/// More entries than any learner could make: a file with more is not real progress.
const MAX_ENTRIES: usize = 10_000;
const MAX_NOTE_CHARS: usize = 20_000;
/// More options than any question has.
const MAX_CHOICES: usize = 100;
/// How many unknown lesson ids an error names.
const MAX_NAMED: usize = 5;

#[derive(Serialize)]
struct ExportFile<'a> {
    format: &'a str,
    version: u64,
    exported_at: Millis,
    course: &'a str,
    progress: Value,
    /// The learner's code, by exercise (and file): see [`crate::learner::saved_code`].
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    code: &'a SavedCode,
}

/// The learner's code as saved: `lesson/exercise[/file]` → text.
pub type SavedCode = BTreeMap<String, String>;

/// The export file: `{"format":"pyroad-progress","version":1,"exported_at":<ms>,"course":"<course
/// title>","progress":{...},"code":{...}}`, with the progress in its stored form
/// ([`Progress::encode`]) and the learner's code for each exercise (when there is some).
/// Pretty-printed, so a curious learner can read it.
pub fn export(progress: &Progress, code: &SavedCode, course: &Course, now: Millis) -> String {
    // Through `encode`, so the file holds exactly what storage holds, schema included.
    let stored = serde_json::from_str(&progress.encode()).expect("stored progress is JSON");
    serde_json::to_string_pretty(&ExportFile {
        format: FORMAT,
        version: VERSION,
        exported_at: now,
        course: &course.title,
        progress: stored,
        code,
    })
    .expect("the export serializes")
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// A sentence a learner understands.
    pub message: String,
}

impl ImportError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

/// Reads an export file and checks everything in it; on any problem returns `Err` and the caller
/// changes nothing. Renamed lesson ids in the file are moved to the current ids.
pub fn parse_import(text: &str, course: &Course) -> Result<Progress, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::new(format!(
            "This file is too big to be PyRoad progress ({} KB; progress files are at most {} KB).",
            text.len().div_ceil(1024),
            MAX_IMPORT_BYTES / 1024
        )));
    }
    if text.trim().is_empty() {
        return Err(ImportError::new("This file is empty."));
    }
    // serde_json refuses nesting deeper than 128 levels, so a hostile file can't exhaust the stack.
    let file: Value = serde_json::from_str(text).map_err(|e| {
        if e.to_string().starts_with("recursion limit exceeded") {
            return ImportError::new(format!(
                "This isn't a PyRoad progress file: it is nested too deeply (more than 128 levels, at line {}, column {}).",
                e.line(),
                e.column()
            ));
        }
        ImportError::new(format!(
            "This isn't a PyRoad progress file: it isn't valid JSON (the problem is at line {}, column {}).",
            e.line(),
            e.column()
        ))
    })?;
    if file.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ImportError::new(
            "This isn't a PyRoad progress file: export one from PyRoad's progress menu and import that.",
        ));
    }
    match file.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(v) if v > VERSION => {
            return Err(ImportError::new(format!(
                "This file was exported by a newer version of PyRoad (file version {v}; this one reads version {VERSION}). Reload the page to update PyRoad, then import it again."
            )));
        }
        _ => {
            return Err(ImportError::new(
                "This progress file is damaged: its version is missing or not a valid number.",
            ));
        }
    }
    if file
        .get("exported_at")
        .is_some_and(|t| t.as_u64().is_none())
    {
        return Err(ImportError::new(
            "This progress file is damaged: its export time is not a valid time.",
        ));
    }
    let Some(stored) = file.get("progress") else {
        return Err(ImportError::new(
            "This progress file is damaged: it has no progress in it.",
        ));
    };
    let progress = progress::decode(&stored.to_string(), &course.history).map_err(|e| {
        ImportError::new(format!(
            "The progress in this file can't be read: {}.",
            without_position(&e.reason)
        ))
    })?;
    check_sizes(&progress)?;
    check_lessons(&progress, course)?;
    Ok(progress)
}

/// The code in an export file that `parse_import` accepted, under the current lesson ids; code
/// for lessons this course no longer has is left out (it has nowhere to go).
pub fn imported_code(text: &str, course: &Course) -> Result<SavedCode, ImportError> {
    let file: Value =
        serde_json::from_str(text).map_err(|_| ImportError::new("This file isn't valid JSON."))?;
    let Some(entries) = file.get("code") else {
        return Ok(SavedCode::new());
    };
    let damaged = |what: &str| {
        ImportError::new(format!(
            "This progress file is damaged: the code saved for {what} can't be read."
        ))
    };
    let entries = entries
        .as_object()
        .ok_or_else(|| damaged("its exercises"))?;
    let mut code = SavedCode::new();
    for (key, text) in entries {
        let text = text
            .as_str()
            .ok_or_else(|| damaged(&format!("`{}`", shorten(key))))?;
        let mut parts = key.splitn(3, '/');
        let (lesson, exercise, file) = (parts.next().unwrap_or(""), parts.next(), parts.next());
        let well_formed = exercise.is_some_and(is_valid_id) && file.is_none_or(is_valid_file_path);
        if !well_formed {
            return Err(damaged(&format!("`{}`", shorten(key))));
        }
        if course.resolve(lesson).is_some() {
            let exercise = exercise.unwrap_or("");
            let lesson = course.history.home_of(lesson, exercise);
            code.insert(saved_code::entry(lesson, exercise, file), text.to_owned());
        }
    }
    Ok(code)
}

/// The code an import writes: all of the file's when replacing; when merging, the file's only
/// where this browser has none (the learner's own copy stays).
pub fn code_to_write(current: &SavedCode, incoming: SavedCode, mode: ImportMode) -> SavedCode {
    match mode {
        ImportMode::Replace => incoming,
        ImportMode::Merge => incoming
            .into_iter()
            .filter(|(key, _)| !current.contains_key(key))
            .collect(),
    }
}

/// `decode`'s reasons can end in a line and column of the re-encoded `progress` value, which is
/// not the file the learner has: drop them.
fn without_position(reason: &str) -> String {
    const AT: &str = " at line ";
    let Some(at) = reason.rfind(AT) else {
        return reason.to_owned();
    };
    let digits = |s: &str| {
        s.trim_start_matches(|c: char| c.is_ascii_digit())
            .to_owned()
    };
    match digits(&reason[at + AT.len()..]).strip_prefix(" column ") {
        Some(after) => format!("{}{}", &reason[..at], digits(after)),
        None => reason.to_owned(),
    }
}

fn check_sizes(p: &Progress) -> Result<(), ImportError> {
    let sizes = [
        p.lessons.len(),
        p.exercises.len(),
        p.questions.len(),
        p.notes.len(),
        p.active_days.len(),
    ];
    if sizes.iter().any(|n| *n > MAX_ENTRIES) {
        return Err(ImportError::new(format!(
            "This file has more entries than real progress could have (over {MAX_ENTRIES} in one list)."
        )));
    }
    if let Some(key) = p
        .questions
        .iter()
        .find(|(_, q)| match &q.last_answer {
            Some(Answer::Text(text)) => text.chars().count() > MAX_NOTE_CHARS,
            Some(Answer::Choices(picked)) => picked.len() > MAX_CHOICES,
            None => false,
        })
        .map(|(key, _)| key)
    {
        return Err(ImportError::new(format!(
            "The answer to question `{}` is longer than any real answer.",
            shorten(key)
        )));
    }
    if let Some(id) = p
        .notes
        .iter()
        .find(|(_, note)| note.text.chars().count() > MAX_NOTE_CHARS)
        .map(|(id, _)| id)
    {
        return Err(ImportError::new(format!(
            "The note on lesson `{}` is longer than {MAX_NOTE_CHARS} characters.",
            shorten(id)
        )));
    }
    Ok(())
}

/// Every lesson the file mentions must be in this course (after renames).
fn check_lessons(p: &Progress, course: &Course) -> Result<(), ImportError> {
    let known: BTreeSet<&str> = course.lessons().map(|l| l.lesson.id.as_str()).collect();
    let mut used: BTreeSet<&str> = p
        .lessons
        .keys()
        .chain(p.notes.keys())
        .map(String::as_str)
        .collect();
    for key in p.exercises.keys().chain(p.questions.keys()) {
        match key.split_once('/') {
            Some((lesson, item)) if !item.is_empty() => used.insert(lesson),
            _ => {
                return Err(ImportError::new(format!(
                    "This progress file is damaged: the entry `{}` doesn't say which lesson it belongs to.",
                    shorten(key)
                )));
            }
        };
    }
    let unknown: Vec<&str> = used.into_iter().filter(|id| !known.contains(id)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = unknown
        .iter()
        .take(MAX_NAMED)
        .map(|id| format!("`{}`", shorten(id)))
        .collect();
    if unknown.len() > MAX_NAMED {
        named.push(format!("{} more", unknown.len() - MAX_NAMED));
    }
    Err(ImportError::new(format!(
        "This file has progress for lessons that aren't in {}: {}. Was it exported from a different course?",
        course.title,
        list(&named)
    )))
}

/// Ids come from the file: keep a hostile one from flooding the message.
fn shorten(id: &str) -> String {
    const MAX: usize = 40;
    match id.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &id[..cut]),
        None => id.to_owned(),
    }
}

/// "a", "a and b", "a, b and c".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    Merge,
    Replace,
}

/// The progress after an import. Replace takes the file as it is. Merge keeps, item by item,
/// whatever records more: a lesson done in either place is done (opened and done at the
/// earliest times), an exercise solved in either is solved (most attempts, earliest times),
/// and the later answer to a question and the later edit of a note win.
pub fn apply(current: &Progress, incoming: Progress, mode: ImportMode) -> Progress {
    if mode == ImportMode::Replace {
        return incoming;
    }
    Progress {
        lessons: merge(&current.lessons, incoming.lessons, |kept, new| {
            progress::LessonProgress {
                opened_at: kept.opened_at.min(new.opened_at),
                done_at: earliest(kept.done_at, new.done_at),
            }
        }),
        exercises: merge(&current.exercises, incoming.exercises, |kept, new| {
            progress::ExerciseProgress {
                attempts: kept.attempts.max(new.attempts),
                solved_at: earliest(kept.solved_at, new.solved_at),
                solution_viewed_at: earliest(kept.solution_viewed_at, new.solution_viewed_at),
            }
        }),
        // On a tie the learner's own copy stays.
        questions: merge(&current.questions, incoming.questions, |kept, new| {
            if new.answered_at > kept.answered_at {
                new
            } else {
                kept.clone()
            }
        }),
        notes: merge(&current.notes, incoming.notes, |kept, new| {
            if new.updated_at > kept.updated_at {
                new
            } else {
                kept.clone()
            }
        }),
        active_days: &current.active_days | &incoming.active_days,
    }
}

/// Both maps' entries; `pick` decides for keys in both.
fn merge<T: Clone>(
    current: &BTreeMap<String, T>,
    incoming: BTreeMap<String, T>,
    pick: impl Fn(&T, T) -> T,
) -> BTreeMap<String, T> {
    let mut merged = current.clone();
    for (key, new) in incoming {
        let value = match merged.remove(&key) {
            Some(kept) => pick(&kept, new),
            None => new,
        };
        merged.insert(key, value);
    }
    merged
}

/// The earlier of two optional times; a time beats none.
fn earliest(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What an import would change, to show before the learner confirms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub lessons_done_before: usize,
    pub lessons_done_after: usize,
    pub exercises_solved_before: usize,
    pub exercises_solved_after: usize,
    pub questions_answered_before: usize,
    pub questions_answered_after: usize,
    pub notes_before: usize,
    pub notes_after: usize,
}

pub fn summarize(current: &Progress, next: &Progress, course: &Course) -> ImportSummary {
    let (before, after) = (Summary::of(current, course), Summary::of(next, course));
    ImportSummary {
        lessons_done_before: before.lessons_done,
        lessons_done_after: after.lessons_done,
        exercises_solved_before: before.exercises_solved,
        exercises_solved_after: after.exercises_solved,
        questions_answered_before: before.questions_answered,
        questions_answered_after: after.questions_answered,
        notes_before: current.notes.len(),
        notes_after: next.notes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learner::progress::{ExerciseProgress, LessonProgress, Note};
    use crate::model::course::tests::sample;
    use crate::model::lesson::Gradable;

    fn full() -> Progress {
        let mut p = Progress::default();
        let g = Gradable {
            exercises: vec!["e".into()],
            questions: vec!["q".into()],
        };
        p.mark_opened("a", 10);
        p.record_check("b", "e", &g, false, 11);
        p.record_check("b", "e", &g, true, 12);
        p.record_solution_viewed("c", "e", 13);
        p.record_answer("b", "q", &g, Answer::Choices(vec![0]), true, 14);
        p.notes.insert(
            "c".into(),
            Note {
                text: "remember \"this\" ✓".into(),
                updated_at: 15,
            },
        );
        p.mark_active(16, 0);
        p
    }

    fn error(text: &str) -> String {
        parse_import(text, &sample())
            .expect_err("the file should be refused")
            .message
    }

    /// An export file around `progress` (the stored form, as JSON text).
    fn file(progress: &str) -> String {
        format!(
            r#"{{"format":"pyroad-progress","version":1,"exported_at":1,"course":"T","progress":{progress}}}"#
        )
    }

    #[test]
    fn the_learners_code_goes_with_the_export_and_comes_back() {
        let code: SavedCode = [
            ("a/e".to_owned(), "x = 1".to_owned()),
            ("a/e/shop/cart.py".to_owned(), "def total(): ...".to_owned()),
        ]
        .into();
        let text = export(&full(), &code, &sample(), 1);
        assert_eq!(imported_code(&text, &sample()), Ok(code.clone()));
        // Under a lesson's old id, it comes back under the new one; a removed lesson's is dropped.
        let renamed = text
            .replace("\"a/e", "\"old-a/e")
            .replace("}\n}", ",\"gone/e\": \"y\"}\n}");
        assert_eq!(imported_code(&renamed, &sample()), Ok(code.clone()));
        let hostile = text.replace("a/e/shop/cart.py", "a/e/../../etc");
        assert!(
            imported_code(&hostile, &sample())
                .unwrap_err()
                .message
                .contains("damaged")
        );
        // Merging keeps the learner's own copy; replacing takes the file's.
        let mine: SavedCode = [("a/e".to_owned(), "mine".to_owned())].into();
        let merged = code_to_write(&mine, code.clone(), ImportMode::Merge);
        assert_eq!(merged.keys().collect::<Vec<_>>(), ["a/e/shop/cart.py"]);
        assert_eq!(
            code_to_write(&mine, code.clone(), ImportMode::Replace),
            code
        );
    }

    #[test]
    fn code_for_a_moved_exercise_comes_back_in_its_new_lesson() {
        let mut course = sample();
        course.history.split.push(crate::model::course::Split {
            lesson: "c".into(),
            from: "b".into(),
            before: 0,
            items: vec!["e".into()],
        });
        let text = r#"{"format":"pyroad-progress","version":1,"code":{"b/e":"x","b/f":"z","old-a/e":"y"}}"#;
        let expected: SavedCode = [("a/e", "y"), ("b/f", "z"), ("c/e", "x")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        assert_eq!(imported_code(text, &course), Ok(expected));
    }

    #[test]
    fn exports_read_back_as_they_were() {
        let p = full();
        assert_eq!(p.status("b"), crate::learner::progress::Status::Done);
        let text = export(&p, &SavedCode::new(), &sample(), 99);
        assert!(
            text.starts_with("{\n  \"format\": \"pyroad-progress\",\n  \"version\": 1,\n  \"exported_at\": 99,\n  \"course\": \"T\",\n  \"progress\": {"),
            "{text}"
        );
        assert!(text.contains("\"schema\": 1"));
        assert_eq!(parse_import(&text, &sample()), Ok(p));
        let empty = Progress::default();
        assert_eq!(
            parse_import(&export(&empty, &SavedCode::new(), &sample(), 0), &sample()),
            Ok(empty)
        );
    }

    #[test]
    fn refuses_what_is_not_a_progress_file() {
        assert_eq!(error(""), "This file is empty.");
        assert_eq!(error(" \n"), "This file is empty.");
        assert!(error("hello").contains("isn't valid JSON (the problem is at line 1, column 1)"));
        assert!(error("{\"format\":").contains("isn't valid JSON"));
        let not_ours = "This isn't a PyRoad progress file";
        assert!(error("[1, 2]").starts_with(not_ours));
        assert!(error("{}").starts_with(not_ours));
        assert!(error(r#"{"format":"other","version":1,"progress":{}}"#).starts_with(not_ours));
        assert!(error(r#"{"format":7,"version":1}"#).starts_with(not_ours));
    }

    #[test]
    fn refuses_hostile_files() {
        let huge = format!("{}{}", file("{\"schema\":1}"), " ".repeat(MAX_IMPORT_BYTES));
        assert!(
            error(&huge).starts_with("This file is too big"),
            "{}",
            error(&huge)
        );

        // Deep nesting stops at serde_json's recursion limit instead of overflowing the stack.
        // Valid JSON nested 10,000 deep is refused for its depth, not called invalid.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(
            error(&deep).contains("nested too deeply"),
            "{}",
            error(&deep)
        );
        let deep_inside = file(&format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)));
        assert!(error(&deep_inside).contains("nested too deeply"));
        assert!(error(&"[".repeat(100_000)).contains("nested too deeply"));

        let many: Vec<String> = (0..=MAX_ENTRIES)
            .map(|i| format!("\"a/e{i}\":{{\"attempts\":1}}"))
            .collect();
        let many = file(&format!(
            "{{\"schema\":1,\"lessons\":{{}},\"exercises\":{{{}}}}}",
            many.join(",")
        ));
        assert!(many.len() < MAX_IMPORT_BYTES);
        assert!(error(&many).contains("more entries than real progress"));

        let long_note = file(&format!(
            "{{\"schema\":1,\"notes\":{{\"a\":{{\"text\":\"{}\",\"updated_at\":1}}}}}}",
            "x".repeat(MAX_NOTE_CHARS + 1)
        ));
        assert_eq!(
            error(&long_note),
            "The note on lesson `a` is longer than 20000 characters."
        );

        let card = r#""card":{"due_at":1,"interval_days":1,"ease":2.5,"streak":1}"#;
        let long_answer = file(&format!(
            r#"{{"schema":1,"questions":{{"a/q":{{"attempts":1,"correct":0,"last_correct":false,"answered_at":1,{card},"last_answer":{{"text":"{}"}}}}}}}}"#,
            "x".repeat(MAX_NOTE_CHARS + 1)
        ));
        assert_eq!(
            error(&long_answer),
            "The answer to question `a/q` is longer than any real answer."
        );
    }

    #[test]
    fn versions_are_checked() {
        let newer = file("{\"schema\":1}").replace("\"version\":1", "\"version\":2");
        assert!(
            error(&newer).starts_with(
                "This file was exported by a newer version of PyRoad (file version 2;"
            )
        );
        for bad in [
            "\"version\":0",
            "\"version\":\"1\"",
            "\"version\":1.5",
            "\"version\":-1",
        ] {
            let text = file("{\"schema\":1}").replace("\"version\":1", bad);
            assert!(error(&text).contains("its version is missing"), "{bad}");
        }
        let missing = file("{\"schema\":1}").replace("\"version\":1,", "");
        assert!(error(&missing).contains("its version is missing"));
        let newer_schema = file("{\"schema\":9}");
        assert!(error(&newer_schema).contains("saved by a newer version of PyRoad (format 9"));
    }

    #[test]
    fn wrong_types_are_refused_in_plain_words() {
        let message = error(&file("{\"schema\":1,\"lessons\":5}"));
        assert!(message.starts_with("The progress in this file can't be read: its contents don't match format 1 (invalid type: integer `5`, expected a map)"), "{message}");
        assert!(!message.contains("line"), "{message}");
        let message = error(&file(
            "{\"schema\":1,\"lessons\":{\"a\":{\"opened_at\":\"yesterday\"}}}",
        ));
        assert!(
            message.contains("invalid type: string \"yesterday\""),
            "{message}"
        );
        assert!(error(&file("{\"lessons\":{}}")).contains("no schema version"));
        assert!(error(&file("[]")).contains("can't be read"));
        assert!(error(&file("{\"schema\":1,\"active_days\":[-1]}")).contains("can't be read"));
        let no_progress = file("0").replace(",\"progress\":0", "");
        assert!(error(&no_progress).contains("no progress in it"));
        let bad_time =
            file("{\"schema\":1}").replace("\"exported_at\":1", "\"exported_at\":\"now\"");
        assert!(error(&bad_time).contains("export time"));
    }

    #[test]
    fn unknown_lessons_are_named() {
        let message = error(&file(
            "{\"schema\":1,\"lessons\":{\"a\":{\"opened_at\":1},\"zz\":{\"opened_at\":1}}}",
        ));
        assert_eq!(
            message,
            "This file has progress for lessons that aren't in T: `zz`. Was it exported from a different course?"
        );
        let message = error(&file(
            r#"{"schema":1,"exercises":{"x1/e":{"attempts":1}},"questions":{"x2/q":{"attempts":1,"correct":1,"last_correct":true,"answered_at":1,"card":{"due_at":1,"interval_days":1,"ease":2.5,"streak":1}}},"notes":{"x3":{"text":"","updated_at":1},"x4":{"text":"","updated_at":1}},"lessons":{"x5":{"opened_at":1},"x6":{"opened_at":1},"x7":{"opened_at":1}}}"#,
        ));
        assert!(
            message.contains(": `x1`, `x2`, `x3`, `x4`, `x5` and 2 more."),
            "{message}"
        );
        let message = error(&file(
            r#"{"schema":1,"exercises":{"nolesson":{"attempts":1}}}"#,
        ));
        assert!(
            message.contains("`nolesson` doesn't say which lesson"),
            "{message}"
        );
        let long = "y".repeat(1000);
        let message = error(&file(&format!(
            "{{\"schema\":1,\"lessons\":{{\"{long}\":{{\"opened_at\":1}}}}}}"
        )));
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn renamed_ids_land_on_the_current_ids() {
        let p = parse_import(
            &file(
                r#"{"schema":1,"lessons":{"old-a":{"opened_at":3,"done_at":4}},"exercises":{"old-a/e":{"attempts":2,"solved_at":4}},"notes":{"old-a":{"text":"n","updated_at":5}}}"#,
            ),
            &sample(),
        )
        .unwrap();
        assert_eq!(
            p.lessons["a"],
            LessonProgress {
                opened_at: 3,
                done_at: Some(4)
            }
        );
        assert_eq!(p.exercise("a", "e").solved_at, Some(4));
        assert_eq!(p.notes["a"].text, "n");
        assert!(!p.lessons.contains_key("old-a"));
    }

    fn lesson(opened_at: Millis, done_at: Option<Millis>) -> LessonProgress {
        LessonProgress { opened_at, done_at }
    }

    #[test]
    fn merge_keeps_lessons_done_and_earliest_times() {
        let mut current = Progress::default();
        current.lessons.insert("a".into(), lesson(5, None));
        current.lessons.insert("b".into(), lesson(1, Some(9)));
        current.lessons.insert("c".into(), lesson(2, None));
        let mut incoming = Progress::default();
        incoming.lessons.insert("a".into(), lesson(7, Some(8)));
        incoming.lessons.insert("b".into(), lesson(3, Some(4)));
        incoming.lessons.insert("d".into(), lesson(6, None));
        let merged = apply(&current, incoming.clone(), ImportMode::Merge);
        assert_eq!(
            merged.lessons["a"],
            lesson(5, Some(8)),
            "done beats not done"
        );
        assert_eq!(
            merged.lessons["b"],
            lesson(1, Some(4)),
            "the earlier done_at"
        );
        assert_eq!(merged.lessons["c"], lesson(2, None), "kept");
        assert_eq!(merged.lessons["d"], lesson(6, None), "added");
        assert_eq!(
            apply(&current, incoming.clone(), ImportMode::Replace),
            incoming
        );
    }

    #[test]
    fn merge_keeps_exercises_solved() {
        let ex = |attempts, solved_at, solution_viewed_at| ExerciseProgress {
            attempts,
            solved_at,
            solution_viewed_at,
        };
        let mut current = Progress::default();
        current
            .exercises
            .insert("a/1".into(), ex(5, Some(10), None));
        current.exercises.insert("a/2".into(), ex(1, None, Some(7)));
        let mut incoming = Progress::default();
        incoming
            .exercises
            .insert("a/1".into(), ex(2, Some(20), Some(3)));
        incoming
            .exercises
            .insert("a/2".into(), ex(4, Some(30), Some(9)));
        let merged = apply(&current, incoming, ImportMode::Merge);
        assert_eq!(merged.exercises["a/1"], ex(5, Some(10), Some(3)));
        assert_eq!(merged.exercises["a/2"], ex(4, Some(30), Some(7)));
    }

    #[test]
    fn merge_takes_the_later_answers_and_notes_and_all_active_days() {
        let g = Gradable::default();
        let mut current = Progress::default();
        current.record_answer("a", "old", &g, Answer::Choices(vec![0]), true, 50);
        current.record_answer("a", "new", &g, Answer::Choices(vec![0]), false, 10);
        current.record_answer("a", "tie", &g, Answer::Choices(vec![0]), true, 5);
        current.notes.insert(
            "a".into(),
            Note {
                text: "mine".into(),
                updated_at: 5,
            },
        );
        current.notes.insert(
            "b".into(),
            Note {
                text: "mine".into(),
                updated_at: 9,
            },
        );
        current.active_days = [1, 2].into();
        let mut incoming = Progress::default();
        incoming.record_answer("a", "old", &g, Answer::Choices(vec![0]), false, 40);
        incoming.record_answer("a", "new", &g, Answer::Choices(vec![0]), true, 20);
        incoming.record_answer("a", "tie", &g, Answer::Choices(vec![0]), false, 5);
        incoming.notes.insert(
            "a".into(),
            Note {
                text: "theirs".into(),
                updated_at: 6,
            },
        );
        incoming.notes.insert(
            "b".into(),
            Note {
                text: "theirs".into(),
                updated_at: 8,
            },
        );
        incoming.active_days = [2, 3].into();
        let merged = apply(&current, incoming.clone(), ImportMode::Merge);
        assert_eq!(merged.questions["a/old"], current.questions["a/old"]);
        assert_eq!(merged.questions["a/new"], incoming.questions["a/new"]);
        assert_eq!(merged.questions["a/tie"], current.questions["a/tie"]);
        assert_eq!(merged.notes["a"].text, "theirs");
        assert_eq!(merged.notes["b"].text, "mine");
        assert_eq!(merged.active_days, [1, 2, 3].into());
    }

    #[test]
    fn summaries_count_before_and_after() {
        let current = Progress::default();
        let next = full();
        assert_eq!(
            summarize(&current, &next, &sample()),
            ImportSummary {
                lessons_done_after: 1,
                exercises_solved_after: 1,
                questions_answered_after: 1,
                notes_after: 1,
                ..ImportSummary::default()
            }
        );
        let same = summarize(&next, &next, &sample());
        assert_eq!(same.lessons_done_before, same.lessons_done_after);
    }
}
