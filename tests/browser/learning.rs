//! The learning loop in the release build: quizzes, spaced review, search, and progress the
//! learner owns (export, reset, import). Questions and words are taken from `content/`, so the
//! tests follow the course as it is rewritten.

use crate::support::{Browser, Downloads, StaticServer, dist_dir, lesson_count};
use pyroad::build::content::{self, Compiled};
use pyroad::model::lesson::Question;
use std::path::Path;

fn course() -> Compiled {
    content::load(Path::new("content")).expect("content/ is valid")
}

/// The first multiple-choice question in the course: (lesson, id, which options are right).
fn first_choice(c: &Compiled) -> (String, String, Vec<bool>) {
    c.lessons
        .iter()
        .find_map(|l| {
            l.questions().find_map(|q| match q {
                Question::Choice { id, options, .. } => Some((
                    l.id.clone(),
                    id.clone(),
                    options.iter().map(|o| o.correct).collect(),
                )),
                Question::Predict { .. } => None,
            })
        })
        .expect("the course has a multiple-choice question")
}

async fn answer_choice(b: &Browser, question: &str, picks: &[bool]) {
    let section = format!("section.question[data-question=\"{question}\"]");
    for (i, pick) in picks.iter().enumerate() {
        if *pick {
            b.click(&format!("{section} .options li:nth-child({}) input", i + 1))
                .await;
        }
    }
    b.click(&format!("{section} button.answer")).await;
}

async fn stored_progress(b: &Browser) -> serde_json::Value {
    let raw = b.js("return localStorage.getItem('pyroad/progress')").await;
    serde_json::from_str(raw.as_str().unwrap_or("{}")).unwrap()
}

#[tokio::test]
async fn quiz_answers_are_graded_explained_and_recorded() {
    let c = course();
    let (lesson, question, right) = first_choice(&c);
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url(&format!("#/lesson/{lesson}"))).await;
    let section = format!("section.question[data-question=\"{question}\"]");
    b.find(&section).await;

    let wrong: Vec<bool> = right.iter().map(|r| !r).collect();
    answer_choice(&b, &question, &wrong).await;
    let feedback = b.text(&format!("{section} .feedback")).await;
    assert!(feedback.starts_with("✗ Not quite."), "{feedback}");
    assert!(
        b.count(&format!("{section} .options li.right")).await >= 1,
        "the right answer is shown"
    );

    b.click(&format!("{section} .retry")).await;
    answer_choice(&b, &question, &right).await;
    assert!(
        b.text(&format!("{section} .feedback"))
            .await
            .starts_with("✓ Right.")
    );
    let stored = stored_progress(&b).await;
    let record = &stored["questions"][format!("{lesson}/{question}")];
    assert_eq!(
        (record["attempts"].as_u64(), record["correct"].as_u64()),
        (Some(2), Some(1)),
        "{stored}"
    );

    // Back later: the question shows the last answer, its verdict and the explanation.
    b.client.refresh().await.unwrap();
    let feedback = b.text(&format!("{section} .feedback")).await;
    assert!(feedback.starts_with("✓ Right."), "{feedback}");
    let ticked = b
        .js(&format!(
            "return [...document.querySelectorAll('{section} .options input')].map(i => i.checked)"
        ))
        .await;
    assert_eq!(ticked, serde_json::json!(right));
    b.find(&format!("{section} .retry")).await;

    // Predict-the-output: the expected text, typed, is right; then the code can be run.
    let Some((plesson, pid, expected)) = c.lessons.iter().find_map(|l| {
        l.questions().find_map(|q| match q {
            Question::Predict { id, expected, .. } => {
                Some((l.id.clone(), id.clone(), expected.clone()))
            }
            Question::Choice { .. } => None,
        })
    }) else {
        panic!("the course has a predict-the-output question")
    };
    b.goto(&site.url(&format!("#/lesson/{plesson}"))).await;
    let section = format!("section.question[data-question=\"{pid}\"]");
    let field = b.find(&format!("{section} textarea.predict-answer")).await;
    assert_eq!(
        b.count(&format!("{section} button.run")).await,
        0,
        "no running before answering"
    );
    field.send_keys(&format!("{expected}  ")).await.unwrap();
    b.click(&format!("{section} button.answer")).await;
    assert!(
        b.text(&format!("{section} .feedback"))
            .await
            .starts_with("✓ Right.")
    );
    b.find(&format!("{section} button.run")).await;
    b.client.refresh().await.unwrap();
    b.find(&format!("{section} .feedback.right")).await;
    let typed = b
        .js(&format!(
            "return document.querySelector('{section} textarea.predict-answer').value"
        ))
        .await;
    assert_eq!(typed.as_str(), Some(format!("{expected}  ").as_str()));
    b.find(&format!("{section} .retry")).await;
    b.close().await;
}

#[tokio::test]
async fn an_answered_question_comes_back_for_review_when_due() {
    let c = course();
    let (lesson, question, right) = first_choice(&c);
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url(&format!("#/lesson/{lesson}"))).await;
    answer_choice(&b, &question, &right).await;
    b.find("section.question .feedback").await;
    b.goto(&site.url("#/review")).await;
    assert_eq!(b.text("#reviews-due").await, "Nothing is due right now.");
    assert!(
        b.text("main")
            .await
            .contains("The next question comes back within a day")
    );

    // Two days pass: the stored times move back (the app reads the clock, the test moves the data).
    b.js("const p = JSON.parse(localStorage.getItem('pyroad/progress')); \
          for (const q of Object.values(p.questions)) { q.answered_at -= 2 * 86400000; q.card.due_at -= 2 * 86400000; } \
          localStorage.setItem('pyroad/progress', JSON.stringify(p));")
        .await;
    b.goto(&site.url("#/")).await;
    b.client.refresh().await.unwrap();
    assert_eq!(b.text("#roadmap-reviews").await, "1 question to review");
    assert!(b.text("#nav-review").await.contains('1'));
    // The connection drops as the learner opens the review: they are told, and can try again.
    b.js("window.realFetch = window.fetch; \
          window.fetch = (url, ...rest) => String(url).includes('lessons/') \
            ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(url, ...rest);")
        .await;
    b.click("#roadmap-reviews").await;
    assert_eq!(b.text("#reviews-due").await, "1 question is due.");
    let error = b.text(".review-page .load-error").await;
    assert!(
        error.starts_with("This question couldn't be loaded"),
        "{error}"
    );
    b.js("window.fetch = window.realFetch").await;
    b.click(".review-page .load-error button").await;
    answer_choice(&b, &question, &right).await;
    b.click("button.next-review:not([hidden])").await;
    assert_eq!(
        b.text("#reviews-due").await,
        "Nothing is due right now. You reviewed 1 this visit."
    );
    let stored = stored_progress(&b).await;
    assert_eq!(
        stored["questions"][format!("{lesson}/{question}")]["card"]["interval_days"],
        6
    );
    b.close().await;
}

#[tokio::test]
async fn search_finds_a_lesson_by_a_word_in_its_body() {
    let c = course();
    let index = pyroad::build::search_index::build(&c.course, &c.lessons);
    // A long word from the body of a lesson, not in its title.
    let lesson = c.course.lesson("dictionaries").unwrap().lesson;
    let body = c.lessons.iter().find(|l| l.id == lesson.id).unwrap();
    let Some(pyroad::model::lesson::Block::Prose { html }) = body.blocks.first() else {
        panic!("the lesson starts with prose")
    };
    let text: String = html
        .split('<')
        .map(|p| p.split_once('>').map_or(p, |(_, t)| t))
        .collect::<Vec<_>>()
        .join(" ");
    let word = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 7 && !lesson.title.to_lowercase().contains(&w.to_lowercase()))
        .max_by_key(|w| w.len())
        .expect("a long word")
        .to_lowercase();
    let word = word.as_str();
    let expected = index.search(word, 8);
    assert!(
        expected.iter().any(|h| h.lesson_id == lesson.id),
        "{word}: {expected:?}"
    );

    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    b.find("body").await.send_keys("/").await.unwrap();
    assert_eq!(
        b.js("return document.activeElement.id").await,
        "search-input"
    );
    b.find("#search-input").await.send_keys(word).await.unwrap();
    b.find("#search-results .search-hit").await;
    let shown: Vec<String> = {
        let mut ids = Vec::new();
        for hit in b
            .client
            .find_all(fantoccini::Locator::Css("#search-results .search-hit"))
            .await
            .unwrap()
        {
            ids.push(hit.attr("data-lesson").await.unwrap().unwrap());
        }
        ids
    };
    let native: Vec<String> = expected.iter().map(|h| h.lesson_id.clone()).collect();
    assert_eq!(shown, native);
    assert!(
        b.text("#search-results mark")
            .await
            .to_lowercase()
            .starts_with(word)
    );
    b.click("#search-results .search-hit").await;
    b.find(&format!("article.lesson[data-lesson=\"{}\"]", native[0]))
        .await;
    b.close().await;
}

#[tokio::test]
async fn export_reset_and_import_bring_back_the_same_roadmap() {
    let downloads = Downloads::new("progress-export");
    let total = lesson_count();
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start_with(downloads.prefs()).await;
    for lesson in ["control-flow", "dictionaries"] {
        b.goto(&site.url(&format!("#/lesson/{lesson}"))).await;
        b.click("#mark-done").await;
    }
    b.goto(&site.url("#/lesson/functions")).await;
    b.settled(".lesson-blocks").await;
    b.click(".lesson-notes summary").await;
    b.find("#lesson-notes")
        .await
        .send_keys("Defaults are evaluated once.")
        .await
        .unwrap();
    // A file of a several-file exercise, as its editor saves it.
    let square = "'pyroad/code/organizing-code/geometry-package/geometry/square.py'";
    b.js(&format!(
        "localStorage.setItem({square}, 'area = lambda s: s * s'); return 1"
    ))
    .await;
    b.goto(&site.url("")).await;
    let statuses = "return [...document.querySelectorAll('.lesson-node')].map(n => n.dataset.status).join(',')";
    b.settled(".road").await;
    let before = b.js(statuses).await;

    b.goto(&site.url("#/progress")).await;
    assert!(b.text("#stats").await.contains(&format!("2 of {total}")));
    b.click("#export-progress").await;
    let file = downloads.file("json").await;
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(
        exported.contains("\"format\": \"pyroad-progress\"")
            && exported.contains("Defaults are evaluated once.")
            && exported.contains("\"organizing-code/geometry-package/geometry/square.py\": \"area = lambda s: s * s\"")
    );
    b.js(&format!("localStorage.removeItem({square}); return 1"))
        .await;

    b.js("window.confirm = () => true").await;
    b.click("#reset-progress").await;
    assert!(b.text("#stats").await.contains(&format!("0 of {total}")));

    // A malformed file changes nothing.
    let broken = downloads.0.join("broken.json");
    std::fs::write(&broken, "{\"format\": \"pyroad-progress\", \"version\": 1, \"progress\": {\"schema\": 1, \"lessons\": {\"no-such-lesson\": {\"opened_at\": 1}}}}").unwrap();
    b.find("#import-progress")
        .await
        .send_keys(&broken.display().to_string())
        .await
        .unwrap();
    let message = b.text("#transfer-message").await;
    assert!(
        message.contains("no-such-lesson") && message.ends_with("Nothing was changed."),
        "{message}"
    );
    assert!(b.text("#stats").await.contains(&format!("0 of {total}")));

    // Valid JSON, but nested 10,000 deep: refused for what it is.
    let deep = downloads.0.join("deep.json");
    std::fs::write(
        &deep,
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
    )
    .unwrap();
    b.find("#import-progress")
        .await
        .send_keys(&deep.display().to_string())
        .await
        .unwrap();
    b.wait_until(
        "document.querySelector('#transfer-message')?.textContent.includes('nested too deeply')",
    )
    .await;
    assert!(b.text("#stats").await.contains(&format!("0 of {total}")));

    b.find("#import-progress")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.find("#import-preview").await;
    b.click("#import-replace").await;
    assert!(b.text("#stats").await.contains(&format!("2 of {total}")));
    b.goto(&site.url("")).await;
    b.settled(".road").await;
    assert_eq!(b.js(statuses).await, before);
    assert_eq!(
        b.js(&format!("return localStorage.getItem({square})"))
            .await,
        "area = lambda s: s * s",
        "the exported code comes back"
    );
    b.goto(&site.url("#/lesson/functions")).await;
    assert_eq!(
        b.text("#lesson-notes").await,
        "Defaults are evaluated once."
    );
    b.close().await;
}

#[tokio::test]
async fn a_split_lesson_brings_the_learners_progress_and_code_along() {
    // A learner who finished a lesson, and solved an exercise in it, before part of the lesson
    // became a lesson of its own.
    let c = course();
    let split = c
        .course
        .history
        .split
        .first()
        .expect("the course has a split lesson");
    let new = c.lessons.iter().find(|l| l.id == split.lesson).unwrap();
    let exercise = new
        .exercises()
        .find(|e| !e.step && e.files.is_empty() && split.items.contains(&e.id))
        .expect("an exercise moved");
    let (from, lesson, id) = (&split.from, &split.lesson, &exercise.id);
    let done = split.before - 1;
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    b.js(&format!(
        "localStorage.setItem('pyroad/progress', JSON.stringify({{schema: 1, \
           lessons: {{'{from}': {{opened_at: {done}, done_at: {done}}}}}, \
           exercises: {{'{from}/{id}': {{attempts: 1, solved_at: {done}}}}}}})); \
         localStorage.setItem('pyroad/code/{from}/{id}', '# my own answer'); return 1"
    ))
    .await;
    b.client.refresh().await.unwrap();
    b.find(".lesson-node").await;
    for node in [from, lesson] {
        assert_eq!(
            b.attr(
                &format!("a.lesson-node[data-lesson=\"{node}\"]"),
                "data-status"
            )
            .await
            .as_deref(),
            Some("done"),
            "{node}"
        );
    }
    b.goto(&site.url(&format!("#/lesson/{lesson}"))).await;
    let exercise = format!(".exercise[data-exercise=\"{id}\"]");
    b.find(&format!("{exercise} .badge.solved")).await;
    let editor = b.find(&format!("{exercise} .cm-content")).await;
    assert_eq!(editor.text().await.unwrap().trim(), "# my own answer");
    let stored = b
        .js(&format!(
            "return [localStorage.getItem('pyroad/code/{from}/{id}'), localStorage.getItem('pyroad/code/{lesson}/{id}')]"
        ))
        .await;
    assert_eq!(stored, serde_json::json!([null, "# my own answer"]));
    b.close().await;
}
