//! The release build in real headless Chromium: roadmap, lessons, deep links, progress.
//!
//! Needs `dist/` (built by `./dev.sh test` before the tests run) and chromedriver.

use crate::support::{Browser, StaticServer, assert_no_problems, dist_dir, lesson_count};
use std::time::Duration;

fn server() -> StaticServer {
    StaticServer::start(dist_dir(), "/")
}

#[tokio::test]
async fn roadmap_shows_all_five_stages_and_every_lesson() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.settled(".road").await;
    assert_eq!(b.count(".stage").await, 5);
    assert_eq!(b.count(".topic").await, 23);
    assert_eq!(b.count(".lesson-node").await, lesson_count());
    assert_eq!(
        b.count(".lesson-node[data-status=\"not-started\"]").await,
        lesson_count()
    );
    assert!(
        b.text("#overall-progress")
            .await
            .contains(&format!("0 of {} lessons done", lesson_count()))
    );
    let title = b.client.title().await.unwrap();
    assert!(title.contains("PyRoad"), "{title}");
    b.close().await;
}

#[tokio::test]
async fn clicking_a_lesson_opens_it_and_back_returns_to_the_roadmap() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.click("a.lesson-node[data-lesson=\"control-flow\"]").await;
    b.find("article.lesson[data-lesson=\"control-flow\"] .code-block")
        .await;
    assert_eq!(b.text("main h1").await, "Control flow");
    assert!(b.text("nav.breadcrumb").await.contains("Foundations"));
    assert!(
        b.count(".code-block .tok-keyword").await > 0,
        "Python is highlighted"
    );
    assert!(b.client.title().await.unwrap().starts_with("Control flow"));
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("#/lesson/control-flow")
    );
    assert_eq!(
        b.attr("a[rel=prev]", "href").await.as_deref(),
        Some("#/lesson/strings")
    );

    b.client.back().await.unwrap();
    b.find(".lesson-node").await;
    // Opening a lesson marks it in progress.
    assert_eq!(
        b.attr("a.lesson-node[data-lesson=\"control-flow\"]", "data-status")
            .await
            .as_deref(),
        Some("in-progress")
    );
    b.client.forward().await.unwrap();
    b.find("article.lesson[data-lesson=\"control-flow\"]").await;
    b.close().await;
}

#[tokio::test]
async fn leaving_a_lesson_before_its_code_editor_has_loaded_raises_no_error() {
    let site = server();
    // A slow connection: the editor's code arrives 1.5 s after it is asked for.
    site.delay("editor.js", Duration::from_millis(1500));
    let b = Browser::start().await;
    b.record_page_errors().await;
    b.goto(&site.url("#/lesson/functions")).await;
    // The plain text box stands in while the editor loads (it starts to once the exercise
    // is near the screen); the learner leaves at once.
    b.find(".exercise textarea.editor-fallback").await;
    b.scroll_to(".exercise").await;
    // Asked for within 300 ms (once the browser is idle); it arrives 1.5 s later.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        b.count(".exercise .cm-content").await,
        0,
        "the editor is still loading"
    );
    b.click("nav.breadcrumb a[href=\"#/\"]").await;
    b.find(".lesson-node").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(b.page_errors().await, Vec::<String>::new());
    // The app still works: back to the lesson, whose editor now loads.
    b.click("a.lesson-node[data-lesson=\"functions\"]").await;
    b.find(".exercise .cm-content").await;
    assert_eq!(b.page_errors().await, Vec::<String>::new());
    b.close().await;
}

#[tokio::test]
async fn pages_do_not_jump_while_they_load() {
    // A slow connection: each lesson's text and the code editor arrive late, so the page
    // first shows without them.
    let site = server();
    site.delay("lessons/", Duration::from_millis(400));
    site.delay("editor.js", Duration::from_millis(800));
    let course =
        pyroad::build::content::load(std::path::Path::new("content")).expect("content/ is valid");
    let b = Browser::start().await;
    // Every page as on a first visit: not from the service worker's copy.
    b.cdp("Network.enable", serde_json::json!({})).await;
    b.cdp(
        "Network.setBypassServiceWorker",
        serde_json::json!({ "bypass": true }),
    )
    .await;
    let mut problems = Vec::new();
    let pages = std::iter::once(String::new())
        .chain(course.lessons.iter().map(|l| format!("#/lesson/{}", l.id)));
    for page in pages {
        let (total, shifts) = b.layout_shift(&site.url(&page)).await;
        if total > 0.05 {
            problems.push(format!("{page}: layout shift {total:.3} ({shifts:?})"));
        }
    }
    assert_no_problems(&problems);
    b.close().await;
}

#[tokio::test]
async fn deep_links_work_under_a_sub_path() {
    let site = StaticServer::start(dist_dir(), "/courses/python/");
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/functions")).await;
    b.find("article.lesson[data-lesson=\"functions\"] .prose")
        .await;
    assert_eq!(b.text("main h1").await, "Functions");
    // Next leads on through the course, crossing into the next topic.
    b.click("a[rel=next]").await;
    b.find("article.lesson[data-lesson=\"lists-tuples-sets\"] .prose")
        .await;
    assert!(b.text("nav.breadcrumb").await.contains("Data structures"));
    b.close().await;
}

#[tokio::test]
async fn unknown_routes_show_a_helpful_page() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/function")).await;
    b.find(".not-found").await;
    let text = b.text(".not-found").await;
    assert!(text.contains("isn't on the roadmap"), "{text}");
    // It suggests the lesson that was probably meant.
    assert!(
        b.count(".not-found a[href=\"#/lesson/functions\"]").await == 1,
        "{text}"
    );
    b.click(".not-found a.button").await;
    b.find(".lesson-node").await;
    b.close().await;
}

#[tokio::test]
async fn marking_done_survives_a_reload_and_shows_on_the_roadmap() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/dictionaries")).await;
    let button = b.find("#mark-done").await;
    assert_eq!(
        button.attr("aria-pressed").await.unwrap().as_deref(),
        Some("false")
    );
    button.click().await.unwrap();
    b.wait_until("document.querySelector('#mark-done').getAttribute('aria-pressed') === 'true'")
        .await;

    b.client.refresh().await.unwrap();
    b.find("article.lesson .prose").await;
    assert_eq!(
        b.attr("#mark-done", "aria-pressed").await.as_deref(),
        Some("true")
    );

    b.goto(&site.url("#/")).await;
    b.find(".lesson-node").await;
    assert_eq!(
        b.attr("a.lesson-node[data-lesson=\"dictionaries\"]", "data-status")
            .await
            .as_deref(),
        Some("done")
    );
    assert!(
        b.text("#overall-progress")
            .await
            .contains(&format!("1 of {} lessons done", lesson_count()))
    );
    let stored = b.js("return localStorage.getItem('pyroad/progress')").await;
    assert!(
        stored.as_str().unwrap().contains("\"schema\":1"),
        "{stored}"
    );
    b.close().await;
}

#[tokio::test]
async fn corrupt_progress_is_kept_aside_and_the_app_still_renders() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    b.js("localStorage.setItem('pyroad/progress', '{\"schema\":1,\"lessons\":{broken')")
        .await;
    b.client.refresh().await.unwrap();
    b.settled(".road").await;
    assert_eq!(b.count(".lesson-node").await, lesson_count());
    let notice = b.text("#storage-notice").await;
    assert!(
        notice.contains("couldn't be read") && notice.contains("pyroad/progress.backup"),
        "{notice}"
    );
    let backup = b
        .js("return localStorage.getItem('pyroad/progress.backup')")
        .await;
    assert_eq!(backup.as_str(), Some("{\"schema\":1,\"lessons\":{broken"));

    // Progress made afterwards is saved normally, and the backup is untouched.
    b.goto(&site.url("#/lesson/functions")).await;
    b.click("#mark-done").await;
    b.wait_until("(localStorage.getItem('pyroad/progress') || '').includes('\"functions\"')")
        .await;
    let backup = b
        .js("return localStorage.getItem('pyroad/progress.backup')")
        .await;
    assert_eq!(backup.as_str(), Some("{\"schema\":1,\"lessons\":{broken"));
    b.close().await;
}

#[tokio::test]
async fn progress_from_a_newer_version_is_not_overwritten_silently() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    let future = r#"{"schema":7,"lessons":{"functions":{"opened_at":1,"done_at":2}}}"#;
    b.js(&format!(
        "localStorage.setItem('pyroad/progress', {})",
        serde_json::to_string(future).unwrap()
    ))
    .await;
    b.client.refresh().await.unwrap();
    let notice = b.text("#storage-notice").await;
    assert!(notice.contains("newer version of PyRoad"), "{notice}");
    let backup = b
        .js("return localStorage.getItem('pyroad/progress.backup')")
        .await;
    assert_eq!(backup.as_str(), Some(future));
    b.close().await;
}

#[tokio::test]
async fn two_tabs_see_each_others_progress() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    let roadmap_tab = b.client.window().await.unwrap();
    let lesson_tab = b.client.new_window(true).await.unwrap().handle;
    b.client.switch_to_window(lesson_tab).await.unwrap();
    b.goto(&site.url("#/lesson/file-handling")).await;
    b.click("#mark-done").await;
    b.client.switch_to_window(roadmap_tab).await.unwrap();
    b.wait_until("document.querySelector('a.lesson-node[data-lesson=\"file-handling\"]').dataset.status === 'done'").await;
    assert!(
        b.text("#overall-progress")
            .await
            .contains(&format!("1 of {} lessons done", lesson_count()))
    );
    b.close().await;
}

#[tokio::test]
async fn without_storage_the_app_works_and_says_progress_wont_be_kept() {
    // The learner has blocked all site data, and the course is framed by another site: touching
    // localStorage throws there. (Chromium's default for third-party frames is partitioned
    // storage, which works and is covered by the embedding tests.)
    let site = server();
    let host = StaticServer::start(dist_dir(), "/host/");
    host.add_page(
        "index.html",
        &format!(
            "<!doctype html><title>Host</title><iframe id=course style=\"width:1000px;height:800px\" src=\"http://localhost:{}/#/lesson/functions\"></iframe>",
            site.port
        ),
    );
    let b = Browser::start_with(
        serde_json::json!({ "profile": { "default_content_setting_values": { "cookies": 2 } } }),
    )
    .await;
    b.goto(&host.url("")).await;
    let frame = b.find("#course").await;
    frame.enter_frame().await.unwrap();
    b.find("article.lesson[data-lesson=\"functions\"] .prose")
        .await;
    let notice = b.text("#storage-notice").await;
    assert!(
        notice.contains("progress will last only until you close this tab"),
        "{notice}"
    );
    // Marking done still works for the session.
    b.click("#mark-done").await;
    b.wait_until("document.querySelector('#mark-done').getAttribute('aria-pressed') === 'true'")
        .await;

    // The learner asks to keep their progress: this browser refuses, and says so.
    b.click("#keep-progress").await;
    b.find("#storage-notice .storage-refused").await;
    // Where a browser grants storage (here a stand-in for Chromium's storage handle), what
    // this visit did is saved there.
    b.js("window.granted = new Map();\
          const storage = { getItem: (k) => granted.get(k) ?? null, \
            setItem: (k, v) => { granted.set(k, String(v)); }, removeItem: (k) => { granted.delete(k); } };\
          document.requestStorageAccess = async () => ({ localStorage: storage });")
        .await;
    b.click("#keep-progress").await;
    b.wait_until("!document.querySelector('#storage-notice')")
        .await;
    b.wait_until(
        "JSON.parse(granted.get('pyroad/progress') || '{}').lessons?.functions?.done_at > 0",
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn the_chosen_theme_is_remembered() {
    let site = server();
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    let toggle = b.find(".theme-toggle").await;
    // Headless Chromium reports a light system theme, so the first press picks dark.
    assert_eq!(
        toggle.attr("aria-pressed").await.unwrap().as_deref(),
        Some("false")
    );
    toggle.click().await.unwrap();
    b.wait_until("document.documentElement.dataset.theme === 'dark'")
        .await;
    let background = "getComputedStyle(document.body).backgroundColor";
    assert_eq!(
        b.js(&format!("return {background}")).await,
        "rgb(20, 23, 29)"
    );

    b.client.refresh().await.unwrap();
    b.find(".lesson-node").await;
    assert_eq!(
        b.js("return document.documentElement.dataset.theme").await,
        "dark"
    );
    assert_eq!(
        b.attr(".theme-toggle", "aria-pressed").await.as_deref(),
        Some("true")
    );
    b.close().await;
}
