//! Embedding PyRoad in another site with an iframe: the URL parameters the frame understands,
//! the commands a host page may send, and the events the frame reports. Version 1 of the
//! message schema is documented in README.md.

use crate::learner::action::Action;
use crate::learner::summary::Summary;
use crate::learner::transfer::MAX_IMPORT_BYTES;
use crate::model::course::{Course, is_valid_id};
use crate::web::theme::Theme;
use serde::Serialize;
use serde_json::Value;

/// The `source` and `version` every message carries.
pub const SOURCE: &str = "pyroad";
pub const VERSION: u32 = 1;

/// What the page's query string asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// `embed=1`: no site chrome, just the content.
    pub embed: bool,
    /// `ns=<name>`: keep this course's progress apart from others on the same site.
    pub namespace: Option<String>,
    /// `hosts=<origin>,<origin>`: only these origins may send commands (default: the parent frame).
    pub hosts: Vec<String>,
    /// `store=host`: the host page keeps the progress (`save-progress` / `load-progress`).
    pub store_on_host: bool,
}

impl Config {
    /// Parses `location.search` (with or without `?`). Invalid values are ignored, not guessed.
    pub fn from_query(query: &str) -> Self {
        let mut config = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "embed" => config.embed = matches!(value, "1" | "true" | ""),
                "store" => config.store_on_host = value == "host",
                "ns" if is_valid_id(value) && value.len() <= 40 => {
                    config.namespace = Some(value.to_owned())
                }
                "hosts" => {
                    config.hosts = value
                        .split(',')
                        .map(|h| {
                            h.replace("%3A", ":")
                                .replace("%2F", "/")
                                .replace("%3a", ":")
                                .replace("%2f", "/")
                        })
                        .filter(|h| is_origin(h))
                        .collect();
                }
                _ => {}
            }
        }
        config
    }

    /// The prefix of every storage key: `pyroad/` or `pyroad/<namespace>/`.
    pub fn storage_prefix(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("pyroad/{ns}/"),
            None => "pyroad/".to_owned(),
        }
    }

    /// Whether a command from `origin` may be obeyed (`from_parent`: it came from the frame's
    /// parent window).
    pub fn accepts(&self, origin: &str, from_parent: bool) -> bool {
        if self.hosts.is_empty() {
            from_parent
        } else {
            self.hosts.iter().any(|h| h == origin)
        }
    }
}

fn is_origin(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|host| {
        !host.is_empty()
            && !host.contains('/')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    })
}

/// The longest message the frame reads: a progress file, plus room for the envelope.
pub const MAX_MESSAGE_BYTES: usize = MAX_IMPORT_BYTES + 1024;

/// A command from the host page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Show a lesson (`lesson`), or the roadmap (`None`).
    Navigate(Option<String>),
    SetTheme(Theme),
    /// The progress the host keeps for the frame (`store=host`), as the text of a progress
    /// file, still to be checked like an import; `None` when the host has none yet.
    ProgressData(Option<String>),
}

impl Command {
    /// Reads a message as JSON text; anything too long or malformed (wrong source or version,
    /// unknown type, an id that isn't one of `course`'s lessons) is `None` and ignored.
    pub fn parse(text: &str, course: &Course) -> Option<Self> {
        if text.len() > MAX_MESSAGE_BYTES {
            return None;
        }
        let message: Value = serde_json::from_str(text).ok()?;
        if message.get("source")?.as_str()? != SOURCE
            || message.get("version")?.as_u64()? != u64::from(VERSION)
        {
            return None;
        }
        match message.get("type")?.as_str()? {
            "navigate" => match message.get("lesson") {
                None | Some(Value::Null) => Some(Self::Navigate(None)),
                Some(Value::String(id)) if course.resolve(id).is_some() => {
                    Some(Self::Navigate(Some(id.clone())))
                }
                _ => None,
            },
            "progress-data" => match message.get("data")? {
                Value::Null => Some(Self::ProgressData(None)),
                data @ Value::Object(_) => Some(Self::ProgressData(Some(data.to_string()))),
                _ => None,
            },
            "set-theme" => Theme::parse(message.get("theme")?.as_str()?).map(Self::SetTheme),
            _ => None,
        }
    }
}

/// Something that happened in the frame, reported to the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    Ready {
        lesson: Option<String>,
    },
    LessonOpened {
        lesson: String,
    },
    ExerciseChecked {
        lesson: String,
        exercise: String,
        passed: bool,
    },
    LessonCompleted {
        lesson: String,
    },
    QuizAnswered {
        lesson: String,
        question: String,
        correct: bool,
    },
    Progress(Summary),
    /// `store=host`: the frame's progress changed; `data` is a progress file to keep.
    SaveProgress {
        data: Value,
    },
    /// `store=host`: the frame asks for the progress the host keeps (answer: `progress-data`).
    LoadProgress,
    /// The height of the frame's content in CSS pixels, so the host can size the iframe.
    Resize {
        height: u32,
    },
}

impl Event {
    /// What the host hears of a learner's action, if anything.
    pub fn of(action: &Action) -> Option<Self> {
        Some(match action {
            Action::OpenLesson { lesson } => Self::LessonOpened {
                lesson: lesson.clone(),
            },
            Action::Check {
                lesson,
                exercise,
                solved,
                ..
            } => Self::ExerciseChecked {
                lesson: lesson.clone(),
                exercise: exercise.clone(),
                passed: *solved,
            },
            Action::Answer {
                lesson,
                question,
                correct,
                ..
            } => Self::QuizAnswered {
                lesson: lesson.clone(),
                question: question.clone(),
                correct: *correct,
            },
            Action::SetDone { .. } | Action::ViewSolution { .. } | Action::WriteNote { .. } => {
                return None;
            }
        })
    }

    /// The message as posted: the event's fields plus `source` and `version`.
    pub fn to_message(&self) -> Value {
        let mut value = serde_json::to_value(self).expect("events serialize");
        let object = value.as_object_mut().expect("events are objects");
        object.insert("source".into(), SOURCE.into());
        object.insert("version".into(), VERSION.into());
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::course::tests::sample;
    use serde_json::json;

    #[test]
    fn query_parameters() {
        let c = Config::from_query(
            "?embed=1&ns=course-a&hosts=https://school.example,http%3A%2F%2Flocalhost%3A8000,javascript:alert(1)",
        );
        assert!(c.embed);
        assert_eq!(c.namespace.as_deref(), Some("course-a"));
        assert_eq!(c.hosts, ["https://school.example", "http://localhost:8000"]);
        assert_eq!(c.storage_prefix(), "pyroad/course-a/");
        let plain = Config::from_query("");
        assert!(!plain.embed);
        assert_eq!(plain.storage_prefix(), "pyroad/");
        assert_eq!(Config::from_query("ns=../evil").namespace, None);
        assert_eq!(Config::from_query("ns=Caps").namespace, None);
    }

    #[test]
    fn commands_are_accepted_only_from_allowed_hosts() {
        let open = Config::default();
        assert!(open.accepts("https://any.example", true));
        assert!(!open.accepts("https://any.example", false));
        let pinned = Config::from_query("hosts=https://school.example");
        assert!(pinned.accepts("https://school.example", true));
        assert!(!pinned.accepts("https://evil.example", true));
    }

    #[test]
    fn only_well_formed_commands_parse() {
        let course = sample();
        let parse = |message: &Value| Command::parse(&message.to_string(), &course);
        let nav = json!({"source": "pyroad", "version": 1, "type": "navigate", "lesson": "a"});
        assert_eq!(parse(&nav), Some(Command::Navigate(Some("a".into()))));
        let home = json!({"source": "pyroad", "version": 1, "type": "navigate"});
        assert_eq!(parse(&home), Some(Command::Navigate(None)));
        let theme = json!({"source": "pyroad", "version": 1, "type": "set-theme", "theme": "dark"});
        assert_eq!(parse(&theme), Some(Command::SetTheme(Theme::Dark)));
        let data = json!({"source": "pyroad", "version": 1, "type": "progress-data", "data": {"format": "pyroad-progress"}});
        assert_eq!(
            parse(&data),
            Some(Command::ProgressData(Some(
                r#"{"format":"pyroad-progress"}"#.into()
            )))
        );
        let none = json!({"source": "pyroad", "version": 1, "type": "progress-data", "data": null});
        assert_eq!(parse(&none), Some(Command::ProgressData(None)));
        let long_id = "a".repeat(100_000);
        for bad in [
            // Ids that are well formed but not lessons of this course.
            json!({"source": "pyroad", "version": 1, "type": "navigate", "lesson": "no-such-lesson"}),
            json!({"source": "pyroad", "version": 1, "type": "navigate", "lesson": long_id}),
            json!({"source": "pyroad", "version": 1, "type": "progress-data", "data": "{}"}),
            json!({"source": "pyroad", "version": 1, "type": "progress-data"}),
            json!({"source": "pyroad", "version": 1, "type": "progress-data", "data": {"x": "y".repeat(MAX_MESSAGE_BYTES)}}),
            json!("navigate"),
            json!({"type": "navigate", "lesson": "functions"}),
            json!({"source": "pyroad", "version": 2, "type": "navigate", "lesson": "functions"}),
            json!({"source": "pyroad", "version": 1, "type": "navigate", "lesson": "<img src=x onerror=alert(1)>"}),
            json!({"source": "pyroad", "version": 1, "type": "navigate", "lesson": 5}),
            json!({"source": "pyroad", "version": 1, "type": "run", "code": "import os"}),
            json!({"source": "pyroad", "version": 1, "type": "set-theme", "theme": "neon"}),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
        assert_eq!(Command::parse("{not json", &course), None);
    }

    #[test]
    fn the_host_hears_of_checks_answers_and_openings_only() {
        use crate::learner::progress::Answer;
        use crate::model::lesson::Gradable;
        let opened = Action::OpenLesson {
            lesson: "loops".into(),
        };
        assert_eq!(
            Event::of(&opened),
            Some(Event::LessonOpened {
                lesson: "loops".into()
            })
        );
        let answered = Action::Answer {
            lesson: "loops".into(),
            question: "q".into(),
            gradable: Gradable::default(),
            answer: Answer::Text("3".into()),
            correct: false,
        };
        assert_eq!(
            Event::of(&answered),
            Some(Event::QuizAnswered {
                lesson: "loops".into(),
                question: "q".into(),
                correct: false
            })
        );
        let note = Action::WriteNote {
            lesson: "loops".into(),
            text: "private".into(),
        };
        assert_eq!(Event::of(&note), None);
    }

    #[test]
    fn events_carry_source_and_version() {
        let e = Event::ExerciseChecked {
            lesson: "functions".into(),
            exercise: "average".into(),
            passed: true,
        };
        assert_eq!(
            e.to_message(),
            json!({"source": "pyroad", "version": 1, "type": "exercise-checked", "lesson": "functions", "exercise": "average", "passed": true})
        );
        let p = Event::Progress(Summary {
            lessons_done: 1,
            lessons_total: 49,
            exercises_solved: 2,
            questions_answered: 3,
        });
        assert_eq!(p.to_message()["type"], "progress");
        assert_eq!(p.to_message()["lessons_total"], 49);
    }
}
