//! Step through: a run recorded line by line and replayed, in the release build.

use crate::support::{Browser, StaticServer, dist_dir};
use fantoccini::key::Key;

const BLOCK: &str = ".code-block[data-runnable=\"true\"]";

/// Types `code` into the first example (one-line statements: Enter auto-indents), steps
/// through it, and waits for the view.
async fn step_through(b: &Browser, code: &str) {
    b.type_into_editor(&format!("{BLOCK} .cm-content"), code)
        .await;
    b.click(&format!("{BLOCK} button.step-through-button"))
        .await;
    b.wait_until_secs(
        &format!("document.querySelector('{BLOCK} .step-through .step-status')?.textContent.startsWith('Step 1 of')"),
        60,
    )
    .await;
}

/// The step shown: its announcement, the marked line, and each frame's variables.
async fn shown(b: &Browser) -> (String, serde_json::Value, serde_json::Value) {
    let status = b.text(&format!("{BLOCK} .step-status")).await;
    let line = b
        .js(&format!(
            "return [...document.querySelectorAll('{BLOCK} .step-code li')].findIndex((li) => li.classList.contains('current')) + 1"
        ))
        .await;
    let frames = b
        .js(&format!(
            "return [...document.querySelectorAll('{BLOCK} .step-frame')].map((f) => [f.querySelector('.step-frame-name').textContent, \
             [...f.querySelectorAll('.step-values > div')].map((v) => v.querySelector('dt').textContent + '=' + v.querySelector('code').textContent)])"
        ))
        .await;
    (status, line, frames)
}

/// Clicks Next, and waits for the next step (the view updates after the click's event).
async fn next(b: &Browser) {
    let status = b.text(&format!("{BLOCK} .step-status")).await;
    b.click(&format!("{BLOCK} button.step-next")).await;
    b.wait_until(&format!(
        "document.querySelector('{BLOCK} .step-status').textContent !== {status:?}"
    ))
    .await;
}

#[tokio::test]
async fn step_through_shows_each_line_its_variables_shared_lists_calls_and_errors() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/functions")).await;
    b.click(&format!("{BLOCK} button.edit")).await;

    // A loop over a list: each step shows the line about to run and the variables so far.
    step_through(&b, "a = [1, 2]; b = a\nb.append(3)\nfor x in a: print(x)").await;
    let (status, line, frames) = shown(&b).await;
    assert!(
        status.starts_with("Step 1 of") && status.contains("line 1"),
        "{status}"
    );
    assert_eq!(line, 1);
    assert_eq!(frames, serde_json::json!([["the program", []]]));
    next(&b).await;
    let (_, line, frames) = shown(&b).await;
    assert_eq!(line, 2);
    // Two names, one list: both show the same object, listed once.
    assert_eq!(
        frames,
        serde_json::json!([["the program", ["a=#1", "b=#1"]]])
    );
    assert_eq!(
        b.text(&format!("{BLOCK} .step-objects"))
            .await
            .replace('\n', " "),
        "#1 list [1, 2] (changed)",
    );
    next(&b).await;
    // Appending through `b` changed `a` too: both are marked changed.
    assert_eq!(b.count(&format!("{BLOCK} .step-frame .changed")).await, 2);
    let mut seen = Vec::new();
    loop {
        next(&b).await;
        let (status, _, frames) = shown(&b).await;
        if status.contains("the program ends") {
            break;
        }
        let x = frames[0][1]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|v| v.as_str()?.strip_prefix("x="));
        if let Some(x) = x
            && seen.last().map(String::as_str) != Some(x)
        {
            seen.push(x.to_owned());
        }
    }
    assert_eq!(
        seen,
        ["1", "2", "3"],
        "the loop variable takes each item in turn"
    );
    assert_eq!(b.text(&format!("{BLOCK} .step-output")).await, "1\n2\n3");
    // The keyboard moves too: Home to the first step, an arrow one step on.
    for (key, status) in [(Key::Home, "Step 1 of"), (Key::Right, "Step 2 of")] {
        b.find(&format!("{BLOCK} button.step-close"))
            .await
            .send_keys(&char::from(key).to_string())
            .await
            .unwrap();
        b.wait_until(&format!(
            "document.querySelector('{BLOCK} .step-status').textContent.startsWith({status:?})"
        ))
        .await;
    }

    // Recursion stacks a frame a call; the error is shown at the line that raised it.
    step_through(
        &b,
        "fact = lambda n: 1 if n <= 1 else n * fact(n - 1)\nprint(fact(3))\nprint(1 / 0)",
    )
    .await;
    let mut deepest = 0;
    loop {
        let (status, line, frames) = shown(&b).await;
        deepest = deepest.max(frames.as_array().unwrap().len());
        if status.contains("raises") {
            assert_eq!(line, 3);
            assert!(
                status.contains("ZeroDivisionError: division by zero"),
                "{status}"
            );
            assert_eq!(
                b.text(&format!("{BLOCK} .step-exception")).await,
                "ZeroDivisionError: division by zero"
            );
            break;
        }
        assert!(
            !status.contains("the program ends"),
            "no exception step: {status}"
        );
        next(&b).await;
    }
    assert_eq!(deepest, 4, "the program and three calls of fact");

    // A program that never ends is recorded up to the limit, and the view says so.
    step_through(&b, "while True: pass").await;
    assert!(
        b.text(&format!("{BLOCK} .step-status"))
            .await
            .starts_with("Step 1 of 1000:")
    );
    assert!(
        b.text(&format!("{BLOCK} .step-cut"))
            .await
            .contains("stopped after 1000 steps")
    );
    // Close it, and it is gone; Run leaves no stale recording either.
    b.click(&format!("{BLOCK} button.step-close")).await;
    assert_eq!(b.count(&format!("{BLOCK} .step-through")).await, 0);
    b.close().await;
}

#[tokio::test]
async fn on_a_slow_connection_step_through_waits_for_python_and_quick_clicks_leave_no_stale_view() {
    let site = StaticServer::start(dist_dir(), "/");
    site.delay(
        "pyodide/pyodide.asm.wasm",
        std::time::Duration::from_secs(4),
    );
    let b = Browser::start().await;
    b.record_page_errors().await;
    b.goto(&site.url("#/lesson/functions")).await;
    // The exercise's starter, stepped through before Python has arrived: it waits, then shows.
    let exercise = ".exercise";
    b.click(&format!("{exercise} button.step-through-button"))
        .await;
    assert_eq!(
        b.text(&format!("{exercise} .console-note")).await,
        "Waiting for Python to start…"
    );
    b.wait_until_secs(
        &format!("document.querySelector('{exercise} .step-through .step-status')?.textContent.startsWith('Step 1 of')"),
        60,
    )
    .await;
    // Check right after: the recording of the earlier run closes, and the check runs.
    b.click(&format!("{exercise} button.run")).await;
    assert_eq!(b.count(&format!("{exercise} .step-through")).await, 0);
    b.wait_until_secs(
        &format!("document.querySelector('{exercise} .results-summary')"),
        60,
    )
    .await;
    // Leaving while a recording runs: no error, and the next page's Run works.
    b.click(&format!("{BLOCK} button.edit")).await;
    b.type_into_editor(&format!("{BLOCK} .cm-content"), "while True: pass")
        .await;
    b.click(&format!("{BLOCK} button.step-through-button"))
        .await;
    b.click("a[rel=next]").await;
    b.find("article.lesson:not([data-lesson=\"functions\"]) .prose")
        .await;
    b.click(&format!("{BLOCK} button.run")).await;
    b.wait_until_secs(
        &format!(
            "document.querySelector('{BLOCK} .console-note')?.textContent.startsWith('Finished')"
        ),
        30,
    )
    .await;
    assert_eq!(b.page_errors().await, Vec::<String>::new());
    b.close().await;
}
