//! The course in `content/` is valid, and broken content is reported with file and line.

use pyroad::build::content::{self, Compiled};
use pyroad::build::error::ContentError;
use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn the_course_is_valid_and_complete() {
    let compiled = content::load(Path::new("content")).unwrap_or_else(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("content/ has problems:\n{}", list.join("\n"))
    });
    let course = &compiled.course;
    assert_eq!(course.stages.len(), 5);
    assert_eq!(
        course.stages.iter().map(|s| s.topics.len()).sum::<usize>(),
        23
    );
    assert_eq!(course.lesson_count(), 59);
    let stage_ids: Vec<&str> = course.stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        stage_ids,
        [
            "foundations",
            "intermediate",
            "advanced",
            "specialized",
            "mastery"
        ]
    );
    for lesson in &compiled.lessons {
        assert!(
            lesson.has_python(),
            "lesson `{}` has no runnable Python example",
            lesson.id
        );
    }
}

/// A scratch copy of a small valid course that a test can break.
struct Fixture(PathBuf);

impl Fixture {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("pyroad-content-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("s1")).unwrap();
        fs::write(
            dir.join("course.toml"),
            "title = \"T\"\n\n[renamed]\n\n[[stages]]\nid = \"s1\"\ntitle = \"S\"\nsummary = \"s\"\n\n[[stages.topics]]\nid = \"t1\"\ntitle = \"T\"\nsummary = \"t\"\n\n[[stages.topics.lessons]]\nid = \"first\"\ntitle = \"First\"\nsummary = \"f\"\n\n[[stages.topics.lessons]]\nid = \"second\"\ntitle = \"Second\"\nsummary = \"s\"\n",
        )
        .unwrap();
        fs::write(
            dir.join("s1/first.md"),
            "Hello.\n\n```python\nprint(1)\n```\n",
        )
        .unwrap();
        fs::write(dir.join("s1/second.md"), "More.\n").unwrap();
        Fixture(dir)
    }

    fn edit(&self, file: &str, f: impl FnOnce(String) -> String) -> &Self {
        let path = self.0.join(file);
        fs::write(&path, f(fs::read_to_string(&path).unwrap_or_default())).unwrap();
        self
    }

    fn load(&self) -> Result<Compiled, Vec<ContentError>> {
        content::load(&self.0)
    }

    fn errors(&self) -> Vec<String> {
        let dir = format!("{}/", self.0.display());
        self.load()
            .expect_err("content should be rejected")
            .iter()
            .map(|e| e.to_string().replace(&dir, ""))
            .collect()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_valid_fixture_compiles() {
    let f = Fixture::new("valid");
    let compiled = f.load().unwrap();
    assert_eq!(compiled.course.lesson_count(), 2);
    assert!(
        compiled.course.stages[0].topics[0].lessons[0]
            .file
            .starts_with("lessons/first-")
    );
}

#[test]
fn manifest_entry_without_a_file() {
    let f = Fixture::new("nofile");
    fs::remove_file(f.0.join("s1/second.md")).unwrap();
    assert_eq!(
        f.errors(),
        ["course.toml:21: lesson `second` has no file: expected s1/second.md"]
    );
}

#[test]
fn file_not_in_the_manifest() {
    let f = Fixture::new("stray");
    f.edit("s1/third.md", |_| "Orphan.\n".into());
    assert_eq!(
        f.errors(),
        ["s1/third.md:1: this file is not in course.toml: add it as a lesson there, or remove it"]
    );
}

#[test]
fn duplicate_ids() {
    let f = Fixture::new("dup");
    f.edit("course.toml", |s| {
        s.replace("id = \"second\"", "id = \"t1\"")
    });
    fs::rename(f.0.join("s1/second.md"), f.0.join("s1/t1.md")).unwrap();
    assert_eq!(
        f.errors(),
        ["course.toml:21: duplicate id `t1`: already used on line 11"]
    );
}

#[test]
fn broken_lesson_names_its_file_and_line() {
    let f = Fixture::new("broken");
    f.edit("s1/second.md", |s| format!("{s}\n::: quiz q\n:::\n"));
    assert_eq!(
        f.errors(),
        [
            "s1/second.md:3: unknown block `quiz`: expected `exercise`, `step`, `choice` or `predict`"
        ]
    );
}

#[test]
fn manifest_syntax_and_unknown_fields() {
    let f = Fixture::new("syntax");
    f.edit("course.toml", |s| {
        s.replace("summary = \"f\"", "summary = \"f\"\nsumary = \"typo\"")
    });
    let errors = f.errors();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("course.toml:19: unknown field `sumary`"),
        "{errors:?}"
    );
}

#[test]
fn renames_resolve_through_chains_and_are_checked() {
    let f = Fixture::new("renames");
    f.edit("course.toml", |s| {
        s.replace(
            "[renamed]\n",
            "[renamed]\nintro = \"hello\"\nhello = \"first\"\n",
        )
    });
    let compiled = f.load().unwrap();
    assert_eq!(compiled.course.history.renamed["intro"], "first");
    assert_eq!(compiled.course.resolve("hello"), Some("first"));

    f.edit("course.toml", |s| {
        s.replace("hello = \"first\"", "hello = \"gone\"\nsecond = \"first\"")
    });
    assert_eq!(
        f.errors(),
        [
            "course.toml:4: `intro` is renamed to `hello`, which is not a lesson in this course",
            "course.toml:5: `hello` is renamed to `gone`, which is not a lesson in this course",
            "course.toml:6: `second` is renamed but is still a lesson id: an old id can't be reused",
        ]
    );
}

#[test]
fn splits_carry_the_items_that_moved_and_are_checked() {
    let f = Fixture::new("splits");
    let question = |id: &str| {
        format!("::: choice {id}\nWhich?\n\n- [x] a\n- [ ] b\n\n> [!EXPLAIN]\n> Because.\n:::\n")
    };
    f.edit("s1/second.md", |s| s + "\n" + &question("moved"));
    f.edit("course.toml", |s| {
        s.replace(
            "[renamed]\n",
            "[renamed]\n\n[split]\nsecond = { from = \"first\", on = 2026-12-08 }\n",
        )
    });
    let split = &f.load().unwrap().course.history.split;
    assert_eq!(split.len(), 1);
    assert_eq!(
        (split[0].lesson.as_str(), split[0].from.as_str()),
        ("second", "first")
    );
    assert_eq!(split[0].items, ["moved"]);
    assert_eq!(
        split[0].before, 1_796_688_000_000,
        "midnight UTC, 8 December 2026"
    );

    // An item in both lessons, a date with a time, a lesson that isn't there.
    f.edit("s1/first.md", |s| s + "\n" + &question("moved"));
    f.edit("course.toml", |s| {
        s.replace(
            "second = { from = \"first\", on = 2026-12-08 }\n",
            "second = { from = \"first\", on = 2026-12-08 }\nthird = { from = \"first\", on = 2026-12-08T10:00:00 }\n",
        )
    });
    assert_eq!(
        f.errors(),
        [
            "course.toml:6: `moved` is in both `first` and `second`: saved progress can't tell which it belongs to; give one a new id",
            "course.toml:7: `third` is split from `first`: both must be lessons in this course",
        ]
    );
    f.edit("course.toml", |s| {
        s.replace("third", "second").replacen(
            "second = { from = \"first\", on = 2026-12-08 }\n",
            "",
            1,
        )
    });
    f.edit("s1/first.md", |_| "Hello.\n".to_owned());
    assert_eq!(
        f.errors(),
        ["course.toml:6: `second`: `on` is the day the split was published, like 2026-12-08"]
    );
}

#[test]
fn compiled_site_carries_the_course_into_index_html() {
    let f = Fixture::new("site");
    let compiled = f.load().unwrap();
    let out = f.0.join("dist");
    fs::create_dir_all(&out).unwrap();
    fs::write(
        out.join("index.html"),
        format!("<head>{}</head>", content::COURSE_PLACEHOLDER),
    )
    .unwrap();
    content::write_site(&compiled, &out).unwrap();
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.starts_with(
            "<head><script id=\"pyroad-course\" type=\"application/json\">{\"title\":\"T\""
        ),
        "{html}"
    );
    assert!(html.ends_with("}</script></head>"), "{html}");
    let lesson_file = &compiled.course.stages[0].topics[0].lessons[0].file;
    let lesson: pyroad::model::lesson::Lesson =
        serde_json::from_str(&fs::read_to_string(out.join(lesson_file)).unwrap()).unwrap();
    assert_eq!(lesson, compiled.lessons[0]);

    let search = &compiled.course.search_index;
    assert!(
        search.starts_with("search-") && search.ends_with(".json") && search.len() == 28,
        "{search}"
    );
    let index: pyroad::web::search::SearchIndex =
        serde_json::from_str(&fs::read_to_string(out.join(search)).unwrap()).unwrap();
    assert_eq!(index.search("hello", 5)[0].lesson_id, "first");
}

#[test]
fn inline_module_scripts_move_to_files() {
    let (html, files) = content::externalize_scripts(
        "<head><script type=\"module\">\nimport init from './app.js';\nawait init();\n</script><script id=\"data\" type=\"application/json\">{}</script></head>",
    );
    assert_eq!(files.len(), 1);
    let (name, js) = &files[0];
    assert!(name.starts_with("boot-") && name.ends_with(".js"));
    assert_eq!(js, "import init from './app.js';\nawait init();");
    assert_eq!(
        html,
        format!(
            "<head><script type=\"module\" src=\"./{name}\"></script><script id=\"data\" type=\"application/json\">{{}}</script></head>"
        )
    );
}

/// The bar every lesson is held to (the countable parts of the review that stages 1–2 passed).
#[test]
fn every_lesson_teaches_and_practises() {
    use pyroad::model::lesson::Block;
    let compiled = content::load(Path::new("content")).expect("content/ is valid");
    let mut problems = Vec::new();
    for lesson in &compiled.lessons {
        let id = &lesson.id;
        let examples = lesson
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Code(c) if c.runnable))
            .count();
        let failing = lesson
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Code(c) if c.raises.is_some()))
            .count();
        let steps = lesson.exercises().filter(|e| e.step).count();
        let exercises = lesson.exercises().filter(|e| !e.step).count();
        let questions = lesson.questions().count();
        let prose: String = lesson
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Prose { html } => Some(html.as_str()),
                _ => None,
            })
            .collect();
        for (ok, what) in [
            (
                (12..=20).contains(&examples),
                format!("{examples} runnable examples (12 to 20)"),
            ),
            (
                failing >= 1,
                "no Common-mistakes example that raises (`raises=`)".to_owned(),
            ),
            (steps >= 5, format!("{steps} steps (5 or more)")),
            (exercises >= 3, format!("{exercises} exercises (3 or more)")),
            (
                (5..=7).contains(&questions),
                format!("{questions} quiz questions (5 to 7)"),
            ),
            (
                prose.contains("id=\"common-mistakes\""),
                "no Common mistakes section".to_owned(),
            ),
            (
                prose.contains("id=\"recap\""),
                "no Recap section".to_owned(),
            ),
            (
                prose.contains("href=\"https://docs.python.org"),
                "no link to the official docs".to_owned(),
            ),
        ] {
            if !ok {
                problems.push(format!("{id}: {what}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
