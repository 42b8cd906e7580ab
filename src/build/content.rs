//! Loading `content/`: the manifest and every lesson file, validated together, and writing the
//! compiled course into a build.

use crate::build::error::{ContentError, line_of};
use crate::build::fnv1a;
use crate::build::markdown::parse_lesson;
use crate::build::search_index;
use crate::learner::{DAY_MS, Millis};
use crate::model::course::{Course, History, LessonInfo, Split, Stage, Topic, is_valid_id};
use crate::model::lesson::Lesson;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const MANIFEST: &str = "course.toml";

/// The placeholder in `index.html` that the compiled course replaces.
pub const COURSE_PLACEHOLDER: &str =
    r#"<script id="pyroad-course" type="application/json"></script>"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    title: String,
    #[serde(default)]
    renamed: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    split: BTreeMap<String, ManifestSplit>,
    stages: Vec<ManifestStage>,
}

/// `new-id = { from = "old-id", on = 2026-12-08 }`: a lesson made from part of another.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestSplit {
    from: Spanned<String>,
    on: Spanned<toml::value::Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestStage {
    id: Spanned<String>,
    title: String,
    summary: String,
    #[serde(default)]
    topics: Vec<ManifestTopic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestTopic {
    id: Spanned<String>,
    title: String,
    summary: String,
    #[serde(default)]
    lessons: Vec<ManifestLesson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestLesson {
    id: Spanned<String>,
    title: String,
    summary: String,
}

/// The whole course, checked and compiled.
#[derive(Debug)]
pub struct Compiled {
    pub course: Course,
    pub lessons: Vec<Lesson>,
}

/// Reads and checks `dir` (normally `content/`). Every problem found is returned, each naming
/// its file and line.
pub fn load(dir: &Path) -> Result<Compiled, Vec<ContentError>> {
    let manifest_path = dir.join(MANIFEST);
    let manifest_name = manifest_path.display().to_string();
    let source = fs::read_to_string(&manifest_path).map_err(|e| {
        vec![ContentError::new(
            &manifest_name,
            1,
            format!("can't read the manifest: {e}"),
        )]
    })?;
    let manifest: Manifest = toml::from_str(&source).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(&source, s.start));
        vec![ContentError::new(
            &manifest_name,
            line,
            e.message().trim().to_owned(),
        )]
    })?;

    let mut check = ManifestCheck {
        file: &manifest_name,
        source: &source,
        errors: Vec::new(),
        seen: BTreeMap::new(),
    };
    let mut stages = Vec::new();
    let mut lessons = Vec::new();
    let mut expected_files = BTreeSet::new();
    for s in &manifest.stages {
        check.id(&s.id, "stage");
        if s.topics.is_empty() {
            check.error(&s.id, format!("stage `{}` has no topics", s.id.get_ref()));
        }
        let mut topics = Vec::new();
        for t in &s.topics {
            check.id(&t.id, "topic");
            if t.lessons.is_empty() {
                check.error(&t.id, format!("topic `{}` has no lessons", t.id.get_ref()));
            }
            let mut infos = Vec::new();
            for l in &t.lessons {
                check.id(&l.id, "lesson");
                let id = l.id.get_ref();
                let relative = PathBuf::from(s.id.get_ref()).join(format!("{id}.md"));
                let path = dir.join(&relative);
                expected_files.insert(relative);
                let file = path.display().to_string();
                let Ok(text) = fs::read_to_string(&path) else {
                    check.error(&l.id, format!("lesson `{id}` has no file: expected {file}"));
                    continue;
                };
                match parse_lesson(id, &file, &text) {
                    Ok(lesson) => {
                        let json = serde_json::to_string(&lesson).expect("lessons serialize");
                        infos.push(LessonInfo {
                            id: id.clone(),
                            title: l.title.clone(),
                            summary: l.summary.clone(),
                            file: format!("lessons/{id}-{:016x}.json", fnv1a(json.as_bytes())),
                            has_python: lesson.has_python(),
                        });
                        lessons.push(lesson);
                    }
                    Err(found) => check.errors.extend(found),
                }
            }
            topics.push(Topic {
                id: t.id.get_ref().clone(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                lessons: infos,
            });
        }
        stages.push(Stage {
            id: s.id.get_ref().clone(),
            title: s.title.clone(),
            summary: s.summary.clone(),
            topics,
        });
    }
    let lesson_ids: BTreeSet<&str> = manifest
        .stages
        .iter()
        .flat_map(|s| s.topics.iter().flat_map(|t| &t.lessons))
        .map(|l| l.id.get_ref().as_str())
        .collect();
    let renamed = check.renames(&manifest.renamed, &lesson_ids);
    let split = check.splits(&manifest.split, &lessons);
    let mut errors = check.errors;
    for file in stray_lesson_files(dir, &expected_files) {
        errors.push(ContentError::new(
            &file,
            1,
            format!("this file is not in {MANIFEST}: add it as a lesson there, or remove it"),
        ));
    }

    if !errors.is_empty() {
        // Stable order: by file, then line.
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(errors);
    }
    let mut course = Course {
        title: manifest.title,
        stages,
        history: History { renamed, split },
        search_index: String::new(),
    };
    let search = search_json(&course, &lessons);
    course.search_index = format!("search-{:016x}.json", fnv1a(search.as_bytes()));
    Ok(Compiled { course, lessons })
}

struct ManifestCheck<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<ContentError>,
    /// Every id so far → its line: ids are unique across stages, topics and lessons.
    seen: BTreeMap<String, usize>,
}

impl ManifestCheck<'_> {
    fn line(&self, at: &Spanned<String>) -> usize {
        line_of(self.source, at.span().start)
    }

    fn error(&mut self, at: &Spanned<String>, message: String) {
        let line = self.line(at);
        self.errors
            .push(ContentError::new(self.file, line, message));
    }

    fn id(&mut self, id: &Spanned<String>, what: &str) {
        let text = id.get_ref();
        if !is_valid_id(text) {
            self.error(
                id,
                format!("{what} id `{text}`: use lowercase letters, digits and `-`"),
            );
        }
        let line = self.line(id);
        if let Some(first) = self.seen.insert(text.clone(), line) {
            self.error(
                id,
                format!("duplicate id `{text}`: already used on line {first}"),
            );
        }
    }

    /// Old id → current id, following chains; reports renames that clash or lead nowhere.
    fn renames(
        &mut self,
        renamed: &BTreeMap<String, Spanned<String>>,
        lessons: &BTreeSet<&str>,
    ) -> BTreeMap<String, String> {
        let mut resolved = BTreeMap::new();
        for (old, new) in renamed {
            if lessons.contains(old.as_str()) {
                self.error(
                    new,
                    format!(
                        "`{old}` is renamed but is still a lesson id: an old id can't be reused"
                    ),
                );
                continue;
            }
            // Follow chains (a → b → c); a cycle never reaches a lesson and is reported below.
            let mut target = new.get_ref();
            for _ in 0..renamed.len() {
                match renamed.get(target.as_str()) {
                    Some(next) => target = next.get_ref(),
                    None => break,
                }
            }
            if lessons.contains(target.as_str()) {
                resolved.insert(old.clone(), target.clone());
            } else {
                self.error(
                    new,
                    format!(
                        "`{old}` is renamed to `{}`, which is not a lesson in this course",
                        new.get_ref()
                    ),
                );
            }
        }
        resolved
    }

    /// The manifest's splits, with the items each new lesson took; reports splits between
    /// lessons that aren't in the course and items that are in both lessons.
    fn splits(
        &mut self,
        split: &BTreeMap<String, ManifestSplit>,
        lessons: &[Lesson],
    ) -> Vec<Split> {
        let lesson = |id: &str| lessons.iter().find(|l| l.id == id);
        let item_ids = |l: &Lesson| -> Vec<String> {
            l.exercises()
                .map(|e| e.id.clone())
                .chain(l.questions().map(|q| q.id().to_owned()))
                .collect()
        };
        let mut found = Vec::new();
        for (new, entry) in split {
            let from = entry.from.get_ref();
            let (Some(new_lesson), Some(old_lesson)) = (lesson(new), lesson(from)) else {
                self.error(
                    &entry.from,
                    format!("`{new}` is split from `{from}`: both must be lessons in this course"),
                );
                continue;
            };
            if new == from {
                self.error(&entry.from, format!("`{new}` can't be split from itself"));
                continue;
            }
            let Some(before) = day_start(entry.on.get_ref()) else {
                let line = line_of(self.source, entry.on.span().start);
                self.errors.push(ContentError::new(
                    self.file,
                    line,
                    format!("`{new}`: `on` is the day the split was published, like 2026-12-08"),
                ));
                continue;
            };
            let items = item_ids(new_lesson);
            let kept = item_ids(old_lesson);
            if let Some(both) = items.iter().find(|i| kept.contains(i)) {
                self.error(
                    &entry.from,
                    format!(
                        "`{both}` is in both `{from}` and `{new}`: saved progress can't tell which it belongs to; give one a new id"
                    ),
                );
                continue;
            }
            found.push(Split {
                lesson: new.clone(),
                from: from.clone(),
                before,
                items,
            });
        }
        found
    }
}

/// Midnight UTC at the start of a TOML date (a bare date only), in ms since the epoch.
fn day_start(at: &toml::value::Datetime) -> Option<Millis> {
    let (Some(date), None, None) = (at.date, at.time, at.offset) else {
        return None;
    };
    // Days from civil date (Howard Hinnant's algorithm).
    let (m, d) = (i64::from(date.month), i64::from(date.day));
    let y = i64::from(date.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Millis::try_from(days).ok().map(|days| days * DAY_MS)
}

/// Markdown files in stage folders that the manifest doesn't list.
fn stray_lesson_files(dir: &Path, expected: &BTreeSet<PathBuf>) -> Vec<String> {
    let mut stray = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return stray;
    };
    for stage_dir in entries.flatten().filter(|e| e.path().is_dir()) {
        let Ok(files) = fs::read_dir(stage_dir.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            let relative = PathBuf::from(stage_dir.file_name()).join(file.file_name());
            if path.extension().is_some_and(|e| e == "md") && !expected.contains(&relative) {
                stray.push(path.display().to_string());
            }
        }
    }
    stray.sort();
    stray
}

/// The search index as JSON. It depends only on the lessons and the roadmap, so `load` (for the
/// hash in the file name) and `write_site` build the same bytes.
fn search_json(course: &Course, lessons: &[Lesson]) -> String {
    serde_json::to_string(&search_index::build(course, lessons))
        .expect("the search index serializes")
}

/// Writes the compiled lessons into `out/lessons/`, the search index into `out/`, and the course
/// into `out/index.html`.
pub fn write_site(compiled: &Compiled, out: &Path) -> Result<(), String> {
    let lessons_dir = out.join("lessons");
    fs::create_dir_all(&lessons_dir).map_err(|e| format!("{}: {e}", lessons_dir.display()))?;
    for (info, lesson) in compiled.course.lessons().zip(&compiled.lessons) {
        let path = out.join(&info.lesson.file);
        let json = serde_json::to_string(lesson).expect("lessons serialize");
        fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let search = out.join(&compiled.course.search_index);
    fs::write(&search, search_json(&compiled.course, &compiled.lessons))
        .map_err(|e| format!("{}: {e}", search.display()))?;
    let index = out.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let html =
        inject_course(&html, &compiled.course).map_err(|e| format!("{}: {e}", index.display()))?;
    let (html, scripts) = externalize_scripts(&html);
    for (name, js) in scripts {
        let path = out.join(name);
        fs::write(&path, js).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))
}

/// Moves inline `<script type="module">` code (Trunk's loader) into files of its own, so the
/// site runs under a Content-Security-Policy without 'unsafe-inline'. Returns the page and the
/// files to write.
pub fn externalize_scripts(html: &str) -> (String, Vec<(String, String)>) {
    const OPEN: &str = "<script type=\"module\">";
    let mut out = String::with_capacity(html.len());
    let mut files = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let body_start = start + OPEN.len();
        let Some(len) = rest[body_start..].find("</script>") else {
            break;
        };
        let code = &rest[body_start..body_start + len];
        let name = format!("boot-{:016x}.js", fnv1a(code.as_bytes()));
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<script type=\"module\" src=\"./{name}\"></script>"
        ));
        files.push((name, code.trim().to_owned()));
        rest = &rest[body_start + len + "</script>".len()..];
    }
    out.push_str(rest);
    (out, files)
}

/// Puts the course JSON into the page, so the roadmap renders without another request.
pub fn inject_course(html: &str, course: &Course) -> Result<String, String> {
    if !html.contains(COURSE_PLACEHOLDER) {
        return Err(format!("the placeholder {COURSE_PLACEHOLDER} is missing"));
    }
    // `</` can't appear inside a script element; `<\/` is the same JSON string.
    let json = serde_json::to_string(course)
        .expect("the course serializes")
        .replace("</", "<\\/");
    let filled = COURSE_PLACEHOLDER.replace("></script>", &format!(">{json}</script>"));
    Ok(html.replacen(COURSE_PLACEHOLDER, &filled, 1))
}
