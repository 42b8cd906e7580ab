//! The course as the app sees it: stages → topics → lessons, with renamed ids.
//!
//! Built from `content/course.toml` by [`crate::build::content`] and embedded as JSON in `index.html`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    pub stages: Vec<Stage>,
    /// Old lesson id → current lesson id, already resolved through chains of renames.
    #[serde(default)]
    pub renamed: BTreeMap<String, String>,
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
        self.renamed.get(id).map(String::as_str)
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
            renamed: [("old-a".to_string(), "a".to_string())].into(),
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
}
