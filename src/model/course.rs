//! The course as the app sees it: stages → topics → lessons, with the history of their ids.
//!
//! Built from `content/course.toml` by [`crate::build::content`] and embedded as JSON in `index.html`.

use crate::learner::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub history: History,
    /// Path of the search index file ([`crate::web::search::SearchIndex`]), relative to the site
    /// root (content-hashed).
    #[serde(default)]
    pub search_index: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub lessons: Vec<LessonInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonInfo {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Path of the lesson's compiled file, relative to the site root (content-hashed).
    pub file: String,
    /// The lesson runs Python, so opening it starts the runtime at once.
    #[serde(default)]
    pub has_python: bool,
}

/// How lesson ids changed since learners started saving progress: what was saved under old ids
/// is brought up to date with it whenever it is read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Old lesson id → current lesson id, already resolved through chains of renames.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<Split>,
}

/// A lesson made from part of another, which keeps its id and the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// The new lesson.
    pub lesson: String,
    /// The lesson it was split from (a current id).
    pub from: String,
    /// When the split was published: a learner who had finished `from` before then had done
    /// the new lesson's material too.
    pub before: Millis,
    /// The exercises, steps and questions that moved, by id.
    pub items: Vec<String>,
}

impl History {
    /// The lesson that an item (exercise, step or question) saved under `lesson` belongs to now.
    pub fn home_of<'a>(&'a self, lesson: &'a str, item: &str) -> &'a str {
        let lesson = self.renamed.get(lesson).map_or(lesson, String::as_str);
        self.split
            .iter()
            .find(|s| s.from == lesson && s.items.iter().any(|i| i == item))
            .map_or(lesson, |s| s.lesson.as_str())
    }

    /// Moves entries keyed `<lesson>/<item>[/<more>]` (progress of an item, or saved code) to
    /// where their item lives now; an entry already there is kept.
    pub fn rekey<T>(&self, entries: &mut BTreeMap<String, T>) {
        let moved: Vec<(String, String)> = entries
            .keys()
            .filter_map(|key| {
                let (lesson, rest) = key.split_once('/')?;
                let item = rest.split('/').next().unwrap_or(rest);
                let home = self.home_of(lesson, item);
                (home != lesson).then(|| (key.clone(), format!("{home}/{rest}")))
            })
            .collect();
        for (old, new) in moved {
            if let Some(value) = entries.remove(&old) {
                entries.entry(new).or_insert(value);
            }
        }
    }
}

/// A lesson with where it sits on the roadmap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LessonRef<'a> {
    pub stage: &'a Stage,
    pub topic: &'a Topic,
    pub lesson: &'a LessonInfo,
    /// Position in the whole course, from 0.
    pub index: usize,
}

impl Course {
    /// Every lesson in course order.
    pub fn lessons(&self) -> impl Iterator<Item = LessonRef<'_>> {
        self.stages
            .iter()
            .flat_map(|stage| {
                stage.topics.iter().flat_map(move |topic| {
                    topic
                        .lessons
                        .iter()
                        .map(move |lesson| (stage, topic, lesson))
                })
            })
            .enumerate()
            .map(|(index, (stage, topic, lesson))| LessonRef {
                stage,
                topic,
                lesson,
                index,
            })
    }

    pub fn lesson_count(&self) -> usize {
        self.lessons().count()
    }

    pub fn lesson(&self, id: &str) -> Option<LessonRef<'_>> {
        self.lessons().find(|l| l.lesson.id == id)
    }

    /// The current id for `id`, following the manifest's renames; `None` if it never existed.
    pub fn resolve<'a>(&'a self, id: &'a str) -> Option<&'a str> {
        if self.lesson(id).is_some() {
            return Some(id);
        }
        self.history.renamed.get(id).map(String::as_str)
    }

    /// The lessons before and after `id` in course order.
    pub fn neighbours(&self, id: &str) -> (Option<LessonRef<'_>>, Option<LessonRef<'_>>) {
        let all: Vec<_> = self.lessons().collect();
        match all.iter().position(|l| l.lesson.id == id) {
            Some(i) => (i.checked_sub(1).map(|p| all[p]), all.get(i + 1).copied()),
            None => (None, None),
        }
    }
}

/// Ids are lowercase words joined by `-`: they appear in URLs and in saved progress.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Stage {
    pub fn lesson_ids(&self) -> impl Iterator<Item = &str> {
        self.topics
            .iter()
            .flat_map(|t| t.lessons.iter().map(|l| l.id.as_str()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn lesson(id: &str) -> LessonInfo {
        LessonInfo {
            id: id.into(),
            title: id.to_uppercase(),
            summary: String::new(),
            file: format!("lessons/{id}.json"),
            has_python: true,
        }
    }

    pub fn sample() -> Course {
        Course {
            title: "T".into(),
            stages: vec![
                Stage {
                    id: "s1".into(),
                    title: "S1".into(),
                    summary: String::new(),
                    topics: vec![Topic {
                        id: "t1".into(),
                        title: "T1".into(),
                        summary: String::new(),
                        lessons: vec![lesson("a"), lesson("b")],
                    }],
                },
                Stage {
                    id: "s2".into(),
                    title: "S2".into(),
                    summary: String::new(),
                    topics: vec![Topic {
                        id: "t2".into(),
                        title: "T2".into(),
                        summary: String::new(),
                        lessons: vec![lesson("c")],
                    }],
                },
            ],
            history: History {
                renamed: [("old-a".to_string(), "a".to_string())].into(),
                split: Vec::new(),
            },
            search_index: String::new(),
        }
    }

    #[test]
    fn neighbours_cross_stage_boundaries() {
        let c = sample();
        let (prev, next) = c.neighbours("b");
        assert_eq!(prev.unwrap().lesson.id, "a");
        assert_eq!(next.unwrap().lesson.id, "c");
        assert_eq!(next.unwrap().stage.id, "s2");
        assert!(c.neighbours("a").0.is_none());
        assert!(c.neighbours("c").1.is_none());
    }

    #[test]
    fn resolve_follows_renames() {
        let c = sample();
        assert_eq!(c.resolve("a"), Some("a"));
        assert_eq!(c.resolve("old-a"), Some("a"));
        assert_eq!(c.resolve("nope"), None);
        assert_eq!(c.lesson_count(), 3);
        assert_eq!(c.lesson("c").unwrap().index, 2);
    }

    #[test]
    fn items_follow_renames_and_splits_to_their_lesson() {
        let mut c = sample();
        c.history.split.push(Split {
            lesson: "c".into(),
            from: "b".into(),
            before: 100,
            items: vec!["moved".into()],
        });
        let mut entries: BTreeMap<String, u8> = [
            ("old-a/sum", 1),
            ("b/moved", 2),
            ("b/moved/shop/cart.py", 3),
            ("b/stays", 4),
            ("c/other", 5),
            ("gone/x", 6),
        ]
        .map(|(k, v)| (k.to_string(), v))
        .into();
        c.history.rekey(&mut entries);
        let keys: Vec<&str> = entries.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "a/sum",
                "b/stays",
                "c/moved",
                "c/moved/shop/cart.py",
                "c/other",
                "gone/x"
            ]
        );
        assert_eq!(entries["c/moved/shop/cart.py"], 3);

        // What is already saved under the new home wins.
        let mut clash: BTreeMap<String, u8> =
            [("b/moved".to_string(), 1), ("c/moved".to_string(), 2)].into();
        c.history.rekey(&mut clash);
        assert_eq!(clash, [("c/moved".to_string(), 2)].into());
    }
}
