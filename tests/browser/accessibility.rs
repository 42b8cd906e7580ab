//! An accessibility audit (axe-core, from npm, injected by the test: the site doesn't ship it)
//! of each kind of page, in the light and the dark theme, in the states a learner brings them
//! to: a lesson with an example's output, an exercise's failed checks and search results open.
//! Also that a page doesn't move under the reader as its parts arrive.

use fantoccini::key::Key;

use crate::support::{Browser, StaticServer, assert_no_problems, dist_dir};
use std::path::Path;

/// Resolves with the violations axe finds on the page, one line each.
const AUDIT: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document).then((result) => done(result.violations.flatMap((v) =>
  v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`))));
"#;

async fn audit(b: &Browser, page: &str, problems: &mut Vec<String>) {
    if b.js("return typeof axe").await != "object" {
        b.js("const s = document.createElement('script'); s.src = 'axe.min.js'; document.head.append(s);")
            .await;
        b.wait_until("typeof axe === 'object'").await;
    }
    let theme = b
        .js("return document.documentElement.dataset.theme || 'light'")
        .await;
    let theme = theme.as_str().unwrap_or_default();
    let found = b
        .client
        .execute_async(AUDIT, vec![])
        .await
        .expect("axe runs");
    for line in found.as_array().expect("a list") {
        problems.push(format!(
            "{page}, {theme} theme: {}",
            line.as_str().unwrap_or_default()
        ));
    }
}

#[tokio::test]
async fn every_kind_of_page_passes_an_accessibility_audit_in_both_themes() {
    let axe = Path::new("node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(axe).expect("axe-core is installed (npm ci)");
    let site = StaticServer::start(dist_dir(), "/");
    site.add_file("axe.min.js", &axe, "text/javascript; charset=utf-8");
    let b = Browser::start().await;
    let mut problems = Vec::new();
    for dark in [false, true] {
        b.goto(&site.url("")).await;
        b.find(".stage").await;
        if dark {
            // Headless Chromium reports a light system theme, so the toggle picks dark.
            b.click(".theme-toggle").await;
            b.wait_until("document.documentElement.dataset.theme === 'dark'")
                .await;
        }
        audit(&b, "roadmap", &mut problems).await;

        b.goto(&site.url("#/lesson/functions")).await;
        b.click(".code-block[data-runnable=\"true\"] button.run")
            .await;
        // Code that fails some checks (the editor keeps what the last pass typed).
        b.type_into_editor(".exercise .cm-content", "def average(numbers): return 0")
            .await;
        b.click(".exercise button.run").await;
        b.wait_until_secs("document.querySelector('.exercise .results li.failed')", 60)
            .await;
        b.wait_until("document.querySelector('.code-block .console .output')")
            .await;
        let search = b.find("#search-input").await;
        search.send_keys("loop").await.unwrap();
        b.wait_until("document.querySelector('.search-results li')")
            .await;
        audit(&b, "lesson with output, results and search", &mut problems).await;

        // A question answered, and a program waiting for input().
        search.send_keys(&Key::Escape.to_string()).await.unwrap();
        let question = "section.question:has(.options input)";
        b.click(&format!("{question} .options li:first-child input"))
            .await;
        b.click(&format!("{question} button.answer")).await;
        b.find(&format!("{question} .feedback")).await;
        b.type_into_editor(".exercise .cm-content", "print(input('Name? '))")
            .await;
        b.click(".exercise button.run").await;
        b.find(".exercise .program-input").await;
        audit(
            &b,
            "lesson with an answer and an input() prompt",
            &mut problems,
        )
        .await;
        b.click(".exercise button.stop").await;

        // Tabs: an example of several files, edited, and a several-file exercise.
        // Step through, open on a step with a call, a shared list and output.
        let example = ".code-block[data-runnable=\"true\"]";
        b.click(&format!("{example} button.edit")).await;
        b.type_into_editor(
            &format!("{example} .cm-content"),
            "a = [1]; b = a\nprint(len(b))",
        )
        .await;
        b.click(&format!("{example} button.step-through-button"))
            .await;
        b.find(&format!("{example} .step-through .step-status"))
            .await;
        b.click(&format!("{example} button.step-last")).await;
        b.find(&format!("{example} .step-through .step-objects"))
            .await;
        audit(&b, "lesson with Step through open", &mut problems).await;

        b.goto(&site.url("#/lesson/organizing-code")).await;
        b.click(".code-block:has([role=tab]) button.edit").await;
        b.find(".code-block:has([role=tab]) .cm-content").await;
        audit(&b, "lesson with files in tabs", &mut problems).await;

        for (route, page) in [("#/progress", "progress"), ("#/review", "review")] {
            b.goto(&site.url(route)).await;
            b.find("main h1").await;
            audit(&b, page, &mut problems).await;
        }
    }
    b.close().await;
    assert_no_problems(&problems);
}

#[tokio::test]
async fn decorative_glyphs_are_not_read_out_in_names() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/functions")).await;
    let mut problems = Vec::new();
    for (css, name) in [
        (
            ".code-block[data-runnable=\"true\"] button.run",
            Some("Run"),
        ),
        (".exercise button.run", Some("Check")),
        (".exercise button.step-through-button", Some("Step through")),
        ("a[rel=next]", None),
        ("a[rel=prev]", None),
    ] {
        let heard = b.accessible_name(css).await;
        let heard = heard.trim();
        if name.is_some_and(|name| heard != name) || heard.contains(['▶', '✓', '✗', '←', '→', '⤵'])
        {
            problems.push(format!("{css} is read as {heard:?}"));
        }
    }
    assert_no_problems(&problems);
    b.close().await;
}

#[tokio::test]
async fn on_a_phone_the_lesson_does_not_jump_while_python_and_the_editors_start() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    // A phone as Lighthouse's mobile preset has it: its screen, and a slower processor.
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 412, "height": 823, "deviceScaleFactor": 1.75, "mobile": true }),
    )
    .await;
    b.cdp(
        "Emulation.setCPUThrottlingRate",
        serde_json::json!({ "rate": 4 }),
    )
    .await;
    b.goto(&site.url("#/lesson/functions")).await;
    // Shifts are buffered from the page's start, so observing now sees them all.
    b.js("window.__shifts = []; new PerformanceObserver((list) => window.__shifts.push(...list.getEntries().filter((e) => !e.hadRecentInput).map((e) => e.value))).observe({ type: 'layout-shift', buffered: true }); return 1")
        .await;
    b.find(".exercise .cm-content").await;
    b.wait_until_secs(
        "document.querySelector('#python-status')?.dataset.state === 'ready'",
        90,
    )
    .await;
    let shift = b
        .js("return window.__shifts.reduce((a, b) => a + b, 0)")
        .await
        .as_f64()
        .unwrap();
    // 0.1 is where Lighthouse and Core Web Vitals stop calling a page's layout stable.
    assert!(
        shift < 0.1,
        "the page moved under the reader: layout shift {shift:.3}"
    );
    b.close().await;
}
