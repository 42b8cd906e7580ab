//! Offline after the first visit, and updates that arrive whole: the release build, its service
//! worker, and a server that is stopped or redeployed under the browser.

use crate::support::{Browser, StaticServer, dist_dir, lesson_count};
use std::path::{Path, PathBuf};

/// A private copy of the build that a test may change.
fn copy_of_build(name: &str) -> PathBuf {
    let target = std::env::temp_dir().join(format!("pyroad-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target);
    copy_dir(&dist_dir(), &target);
    target
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// On a lesson page: Run its first example to the end, and wait for the exercise editor.
async fn run_first_example_and_load_the_editor(b: &Browser) {
    b.click(".code-block[data-runnable=\"true\"] button.run")
        .await;
    b.wait_until_secs(
        "document.querySelector('.code-block .console-note')?.textContent.startsWith('Finished')",
        90,
    )
    .await;
    b.find(".exercise .cm-content").await;
}

/// Runs the lesson's example whose code contains `marker`, and returns its output.
async fn run_example_containing(b: &Browser, marker: &str) -> String {
    let block = format!(
        "[...document.querySelectorAll('.code-block[data-runnable=\"true\"]')]\
         .find((b) => b.textContent.includes({marker:?}))"
    );
    b.wait_until(&format!("{block} !== undefined")).await;
    b.js(&format!("{block}.querySelector('button.run').click()"))
        .await;
    b.wait_until_secs(
        &format!("{block}.querySelector('.console-note')?.textContent.startsWith('Finished')"),
        90,
    )
    .await;
    b.js(&format!(
        "return {block}.querySelector('.console .output').textContent"
    ))
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_until_stored(b: &Browser) {
    b.wait_until_secs(
        "document.querySelector('#offline-status')?.dataset.ready === 'true'",
        90,
    )
    .await;
}

#[tokio::test]
async fn after_one_visit_the_course_works_with_the_server_gone() {
    let site = StaticServer::start(dist_dir(), "/courses/python/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    wait_until_stored(&b).await;
    assert!(
        b.text("#offline-status")
            .await
            .starts_with("Available offline")
    );
    // Package groups download when a program first imports them, not at install.
    let precached = b
        .js("return caches.keys().then(async (keys) => { const c = await caches.open(keys.find((k) => /^pyroad-[0-9a-f]{16}$/.test(k))); return (await c.keys()).some((r) => r.url.includes('/python-packages/')); })")
        .await;
    assert_eq!(
        precached, false,
        "no package group is downloaded at install"
    );
    b.goto(&site.url("#/lesson/web-scraping")).await;
    let output = run_example_containing(&b, "from bs4 import BeautifulSoup").await;
    assert!(
        output.starts_with("Pride and Prejudice $9.99\nFrankenstein $7.50\n"),
        "{output}"
    );
    b.goto(&site.url("")).await;
    site.stop();

    b.client.refresh().await.unwrap();
    b.find(".lesson-node").await;
    assert_eq!(b.count(".lesson-node").await, lesson_count());
    // A lesson never opened before, a Run, and an exercise Check: all from the device.
    b.goto(&site.url("#/lesson/functions")).await;
    run_first_example_and_load_the_editor(&b).await;
    b.click(".exercise button.run").await;
    b.find(".exercise .results").await;
    b.click("#mark-done").await;
    b.wait_until("(localStorage.getItem('pyroad/progress') || '').includes('\"done_at\"')")
        .await;
    b.goto(&site.url("#/lesson/dictionaries")).await;
    b.find("article.lesson[data-lesson=\"dictionaries\"] .prose")
        .await;
    // Beautiful Soup, shipped with the site and used once online (below), scraping a page that
    // is also on the device.
    b.goto(&site.url("#/lesson/web-scraping")).await;
    let output = run_example_containing(&b, "from bs4 import BeautifulSoup").await;
    assert!(
        output.contains("Next page: shop-page-2.html"),
        "offline: {output}"
    );
    // A package group never imported before says which download it needs.
    b.goto(&site.url("#/lesson/functions")).await;
    b.type_into_editor(".exercise .cm-content", "import pytest")
        .await;
    b.click(".exercise button.run").await;
    let error = b.text(".exercise .py-error").await;
    assert!(
        error
            .contains("The testing packages (2.3 MB) are downloaded from this site the first time"),
        "{error}"
    );
    b.close().await;
}

#[tokio::test]
async fn a_new_deploy_is_offered_as_an_update_and_then_served_whole() {
    let build = copy_of_build("update");
    let site = StaticServer::start(build.clone(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    wait_until_stored(&b).await;
    assert_eq!(b.text(".brand").await, "PyRoad");

    // Redeploy with a changed course, and the service worker that lists it.
    let index = build.join("index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        html.replacen("{\"title\":\"PyRoad\"", "{\"title\":\"PyRoad Next\"", 1),
    )
    .unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_pyroad-content"))
        .arg("precache")
        .arg(&build)
        .status()
        .unwrap();
    assert!(status.success());
    // The build's compressed copies of the two changed files are stale now (a real deploy
    // writes fresh ones), and the server would send them.
    for name in ["index.html", "sw.js"] {
        for suffix in ["br", "gz"] {
            let _ = std::fs::remove_file(build.join(format!("{name}.{suffix}")));
        }
    }

    b.client.refresh().await.unwrap();
    b.find("#update-banner").await;
    // Until the learner says so, the page is the old version, whole.
    assert_eq!(b.text(".brand").await, "PyRoad");
    b.click("#update-banner button").await;
    b.wait_until("document.querySelector('.brand')?.textContent === 'PyRoad Next'")
        .await;
    // Old caches are gone.
    let caches = b
        .client
        .execute_async(
            "const done = arguments[0]; caches.keys().then(done);",
            vec![],
        )
        .await
        .unwrap();
    let names: Vec<&str> = caches
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("pyroad-") && **n != "pyroad-packages")
            .count(),
        1,
        "{names:?}"
    );
    let _ = std::fs::remove_dir_all(&build);
    b.close().await;
}

#[tokio::test]
async fn the_course_runs_under_a_strict_content_security_policy() {
    let site = StaticServer::start(dist_dir(), "/");
    site.set_headers(&format!("Content-Security-Policy: {}\r\n", CSP));
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/functions")).await;
    run_first_example_and_load_the_editor(&b).await;
    // A chart's frame inherits the policy, which forbids its script: it says so.
    b.type_into_editor(
        ".exercise .cm-content",
        "import plotly.graph_objects as go; go.Figure(go.Bar(y=[1, 2]), layout_title_text='Two').show()",
    )
    .await;
    b.click(".exercise button.run").await;
    b.wait_until_secs(
        "document.querySelector('.exercise .console .output .stderr')?.textContent.includes(\"Content-Security-Policy doesn't let the chart's frame run plotly.js\")",
        150,
    )
    .await;
    b.goto(&site.url("#/")).await;
    assert_eq!(b.count(".lesson-node").await, lesson_count());
    b.close().await;
}

/// The policy README recommends: no inline script, no eval (wasm compilation aside).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self' https://cdn.jsdelivr.net; worker-src 'self'; frame-ancestors *";

#[tokio::test]
async fn the_web_app_manifest_makes_the_course_installable() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    let manifest = b
        .client
        .execute_async(
            "const done = arguments[0]; fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "./");
    let icons = manifest["icons"].as_array().unwrap();
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let ok = b
            .client
            .execute_async("const [src, done] = arguments; fetch(src).then(r => done(r.ok && r.headers.get('content-type').startsWith('image/')));", vec![src.into()])
            .await
            .unwrap();
        assert_eq!(ok, true, "{src}");
    }
    assert!(icons.iter().any(|i| i["sizes"] == "512x512"));
    // Chromium's own verdict: it would offer to install the course.
    let verdict = b
        .cdp("Page.getInstallabilityErrors", serde_json::json!({}))
        .await;
    assert_eq!(
        verdict["installabilityErrors"],
        serde_json::json!([]),
        "{verdict}"
    );
    b.close().await;
}
