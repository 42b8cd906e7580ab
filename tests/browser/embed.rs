//! PyRoad embedded in a course site on another origin: events with the documented shape,
//! navigation driven by the host, separate progress per namespace, malformed messages ignored.

use crate::support::{Browser, StaticServer, dist_dir, lesson_count};
use serde_json::Value;

/// A host page on its own origin that frames the course and records the messages it gets.
fn host_page(frames: &[(&str, String)]) -> String {
    let iframes: String = frames
        .iter()
        .map(|(id, src)| {
            format!(
                "<iframe id=\"{id}\" src=\"{src}\" style=\"width:1000px;height:700px\"></iframe>"
            )
        })
        .collect();
    format!(
        "<!doctype html><title>Course site</title>{iframes}<script>\
         window.events = [];\
         addEventListener('message', (e) => {{ if (e.data && e.data.source === 'pyroad') events.push({{ from: e.source === document.getElementById('a')?.contentWindow ? 'a' : 'b', origin: e.origin, data: e.data }}); }});\
         window.send = (id, message) => document.getElementById(id).contentWindow.postMessage(message, '*');\
         </script>"
    )
}

async fn events(b: &Browser, kind: &str) -> Vec<Value> {
    let all = b.js("return window.events").await;
    all.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["type"] == kind)
        .cloned()
        .collect()
}

async fn wait_for_event(b: &Browser, kind: &str) -> Value {
    b.wait_until_secs(
        &format!("window.events.some(e => e.data.type === '{kind}')"),
        60,
    )
    .await;
    events(b, kind).await.remove(0)
}

#[tokio::test]
async fn a_host_on_another_origin_gets_events_and_drives_the_frame() {
    let site = StaticServer::start(dist_dir(), "/");
    let host = StaticServer::start(dist_dir(), "/host/");
    let src = format!(
        "http://127.0.0.1:{}/?embed=1&ns=week-3#/lesson/functions",
        site.port
    );
    host.add_page("index.html", &host_page(&[("a", src)]));
    let b = Browser::start().await;
    b.goto(&host.url("")).await;

    let ready = wait_for_event(&b, "ready").await;
    assert_eq!(ready["origin"], format!("http://127.0.0.1:{}", site.port));
    assert_eq!(
        ready["data"],
        serde_json::json!({"source": "pyroad", "version": 1, "type": "ready", "lesson": "functions"})
    );
    assert_eq!(
        wait_for_event(&b, "lesson-opened").await["data"]["lesson"],
        "functions"
    );
    let progress = wait_for_event(&b, "progress").await;
    assert_eq!(progress["data"]["lessons_total"], lesson_count());
    assert!(
        wait_for_event(&b, "resize").await["data"]["height"]
            .as_u64()
            .unwrap()
            > 300
    );

    b.find("#a").await.enter_frame().await.unwrap();
    b.find("article.lesson .prose").await;
    assert_eq!(
        b.js("return getComputedStyle(document.querySelector('.site-header')).display")
            .await,
        "none"
    );

    // Check an exercise: the host hears whether it passed.
    b.type_into_editor(
        ".exercise[data-exercise=\"average\"] .cm-content",
        "def average(numbers): return sum(numbers) / len(numbers) if numbers else 0",
    )
    .await;
    b.click(".exercise[data-exercise=\"average\"] button.run")
        .await;
    b.click("#mark-done").await;
    b.client.enter_parent_frame().await.unwrap();
    let checked = wait_for_event(&b, "exercise-checked").await;
    assert_eq!(
        checked["data"],
        serde_json::json!({"source": "pyroad", "version": 1, "type": "exercise-checked", "lesson": "functions", "exercise": "average", "passed": true})
    );
    let completed = wait_for_event(&b, "lesson-completed").await;
    assert_eq!(completed["data"]["lesson"], "functions");

    // The host navigates; malformed or unknown messages change nothing and inject nothing.
    b.js("send('a', { source: 'pyroad', version: 1, type: 'navigate', lesson: 'control-flow' })")
        .await;
    b.js(
        "for (const m of ['navigate', { type: 'navigate', lesson: 'functions' }, \
          { source: 'pyroad', version: 1, type: 'navigate', lesson: '<img src=x id=injected>' }, \
          { source: 'pyroad', version: 2, type: 'navigate', lesson: 'functions' }, \
          { source: 'pyroad', version: 1, type: 'navigate', lesson: 'no-such-lesson' }, \
          { source: 'pyroad', version: 1, type: 'navigate', lesson: 'a'.repeat(100000) }, \
          { source: 'pyroad', version: 1, type: 'run', code: 'print(1)' }]) send('a', m);",
    )
    .await;
    b.find("#a").await.enter_frame().await.unwrap();
    b.find("article.lesson[data-lesson=\"control-flow\"] .prose")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        b.count("article.lesson[data-lesson=\"control-flow\"]")
            .await,
        1
    );
    assert_eq!(b.count("#injected").await, 0);
    b.client.enter_parent_frame().await.unwrap();
    b.js("send('a', { source: 'pyroad', version: 1, type: 'set-theme', theme: 'dark' })")
        .await;
    b.find("#a").await.enter_frame().await.unwrap();
    b.wait_until("document.documentElement.dataset.theme === 'dark'")
        .await;

    // input() pauses a program inside the cross-origin frame too.
    b.js("location.hash = '#/lesson/functions'").await;
    let exercise = ".exercise[data-exercise=\"average\"]";
    b.type_into_editor(
        &format!("{exercise} .cm-content"),
        "print('Hi, ' + input('Name? '))",
    )
    .await;
    b.click(&format!("{exercise} button.run")).await;
    b.find(&format!("{exercise} .program-input"))
        .await
        .send_keys(&format!("Grace{}", char::from(fantoccini::key::Key::Enter)))
        .await
        .unwrap();
    b.wait_until_secs(
        &format!("document.querySelector('{exercise} .console .output')?.textContent.includes('Hi, Grace')"),
        30,
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn two_courses_on_one_site_keep_separate_progress() {
    let site = StaticServer::start(dist_dir(), "/");
    let host = StaticServer::start(dist_dir(), "/host/");
    let frame =
        |ns: &str, route: &str| format!("http://127.0.0.1:{}/?embed=1&ns={ns}#/{route}", site.port);
    host.add_page(
        "index.html",
        &host_page(&[
            ("a", frame("course-a", "lesson/functions")),
            ("b", frame("course-b", "")),
        ]),
    );
    let b = Browser::start().await;
    b.goto(&host.url("")).await;
    b.find("#a").await.enter_frame().await.unwrap();
    b.click("#mark-done").await;
    b.wait_until("(localStorage.getItem('pyroad/course-a/progress') || '').includes('done_at')")
        .await;
    assert_eq!(
        b.js("return localStorage.getItem('pyroad/progress')").await,
        Value::Null
    );
    // Reload the whole course site: each frame reads its own namespace.
    b.client.enter_parent_frame().await.unwrap();
    b.client.refresh().await.unwrap();
    b.find("#b").await.enter_frame().await.unwrap();
    b.find(".lesson-node").await;
    assert_eq!(
        b.attr("a.lesson-node[data-lesson=\"functions\"]", "data-status")
            .await
            .as_deref(),
        Some("not-started")
    );
    b.client.enter_parent_frame().await.unwrap();
    b.find("#a").await.enter_frame().await.unwrap();
    b.find("article.lesson .prose").await;
    assert_eq!(
        b.attr("#mark-done", "aria-pressed").await.as_deref(),
        Some("true")
    );
    b.close().await;
}

#[tokio::test]
async fn where_frames_get_no_storage_the_host_page_keeps_the_progress() {
    // docs/embed.html on `localhost` frames the course on `127.0.0.1`, another site, and the
    // browser refuses that site any storage (as incognito windows, Safari and strict modes do
    // for frames of other sites). The host page keeps the progress instead.
    let site = StaticServer::start(dist_dir(), "/");
    let host = StaticServer::start(dist_dir(), "/host/");
    let page = std::fs::read_to_string("docs/embed.html").expect("docs/embed.html");
    host.add_page("embed.html", &page);
    let b = Browser::start_with(serde_json::json!({ "profile": { "content_settings": { "exceptions": { "cookies": { "127.0.0.1,*": { "setting": 2 } } } } } })).await;
    let url = format!(
        "http://localhost:{}/host/embed.html?pyroad=http://127.0.0.1:{}/",
        host.port, site.port
    );
    b.goto(&url).await;
    let saved = "localStorage.getItem('week-3/pyroad-progress')";
    b.find("#pyroad").await.enter_frame().await.unwrap();
    b.find("article.lesson .prose").await;
    assert_eq!(
        b.js("try { localStorage.length; return 'storage'; } catch (e) { return e.name; }")
            .await,
        "SecurityError",
        "the frame has no storage of its own"
    );
    b.click("#mark-done").await;
    b.client.enter_parent_frame().await.unwrap();
    b.wait_until(&format!(
        "JSON.parse({saved} || 'null')?.progress?.lessons?.functions?.done_at > 0"
    ))
    .await;
    b.find("#pyroad").await.enter_frame().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert_eq!(
        b.count("#storage-notice").await,
        0,
        "nothing says progress is lost"
    );

    // Next visit: the frame gets its progress back from the host.
    b.client.enter_parent_frame().await.unwrap();
    b.client.refresh().await.unwrap();
    b.find("#pyroad").await.enter_frame().await.unwrap();
    b.wait_until("document.querySelector('#mark-done')?.getAttribute('aria-pressed') === 'true'")
        .await;

    // Hostile data from the host is refused like a hostile import: nothing changes, and the
    // host's copy isn't overwritten. (First let the frame's own save after loading go out, 300 ms
    // later: it would replace the hostile copy before the reload reads it.)
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    b.client.enter_parent_frame().await.unwrap();
    let hostile = r#"{"format":"pyroad-progress","version":1,"progress":{"schema":1,"lessons":{"<img src=x id=injected>":{"opened_at":1}}}}"#;
    b.js(&format!(
        "localStorage.setItem('week-3/pyroad-progress', '{hostile}')"
    ))
    .await;
    b.client.refresh().await.unwrap();
    b.find("#pyroad").await.enter_frame().await.unwrap();
    let notice = b.text("#storage-notice").await;
    assert!(notice.contains("couldn't be read"), "{notice}");
    assert_eq!(b.count("#injected").await, 0);
    assert_eq!(
        b.attr("#mark-done", "aria-pressed").await.as_deref(),
        Some("false")
    );
    b.click("#mark-done").await;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    b.client.enter_parent_frame().await.unwrap();
    assert_eq!(b.js(&format!("return {saved}")).await, hostile);
    b.close().await;
}
