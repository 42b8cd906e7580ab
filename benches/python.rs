//! Prints how long a learner waits for Python: from page load to the first output of a Run
//! clicked as soon as the button appears, next to bare Pyodide booting in a worker and printing
//! (measured in the same run, served the same way); the same on a second visit, when the app
//! boots Python from its saved memory snapshot; a warm Run's click-to-output time; and the
//! wait for a fresh interpreter after two Stops in a row, with workers booting from the page's
//! memory snapshot and, for comparison, cold (then no spare is ready after the second Stop);
//! and Step through, warm: click → the first of 1,000 recorded steps on screen.
//!
//! Budgets (reported, not enforced): cold ≤ 1.1× bare Pyodide; warm Run ≤ 30 ms; a Check after
//! Stop ≤ 3 s; Step through ≤ 300 ms.

// The browser tests' support; a benchmark uses only part of it.
#[allow(dead_code)]
#[path = "../tests/browser/support.rs"]
mod support;

use support::{Browser, StaticServer, dist_dir};

const RUNS: usize = 5;

const BARE_PAGE: &str = r#"<!doctype html><title>Bare Pyodide</title><script type="module">
new Worker('bare-worker.js', { type: 'module' }).onmessage = () => { window.firstOutput ??= performance.now(); };
</script>"#;

const BARE_WORKER: &str = r#"import { loadPyodide } from './pyodide/pyodide.mjs';
const pyodide = await loadPyodide({ indexURL: new URL('./pyodide/', import.meta.url).href });
pyodide.setStdout({ batched: (text) => postMessage(text) });
pyodide.runPython("print('hello')");
"#;

/// Clicks the first Run button the moment it exists; resolves with the time (ms since
/// navigation) at which its first output appeared.
const CLICK_RUN_AT_ONCE: &str = r#"
const done = arguments[arguments.length - 1];
const click = () => {
  const button = document.querySelector('.code-block[data-runnable="true"] button.run');
  if (!button) return setTimeout(click, 2);
  button.click();
  const poll = () => {
    const output = document.querySelector('.code-block .console .output');
    if (output && output.textContent.length > 0) done(performance.now());
    else setTimeout(poll, 2);
  };
  poll();
};
click();
"#;

/// With Python warm: click Run, resolve with milliseconds until output appears.
const WARM_RUN: &str = r#"
const done = arguments[arguments.length - 1];
const button = document.querySelector('.code-block[data-runnable="true"] button.run');
const wait = () => {
  if (button.disabled) return setTimeout(wait, 10);
  const output = () => document.querySelector('.code-block .console .output');
  const started = performance.now();
  button.click();
  const seen = new MutationObserver(() => {
    if (output() && output().textContent.length > 0) { seen.disconnect(); done(performance.now() - started); }
  });
  seen.observe(document.querySelector('.code-block'), { childList: true, subtree: true, characterData: true });
};
wait();
"#;

/// Clicks the exercise's Check, resolves with milliseconds until the output shows the first
/// argument (unique per run: the previous run's output stays until the new one starts).
const CHECK_TO_OUTPUT: &str = r#"
const [expected, done] = arguments;
const started = performance.now();
document.querySelector('.exercise button.run').click();
const poll = () => {
  const output = document.querySelector('.exercise .console .output');
  if (output && output.textContent.includes(expected)) done(performance.now() - started);
  else setTimeout(poll, 2);
};
poll();
"#;

/// Types `code` into the exercise, clicks Check, and returns the milliseconds until the output
/// shows `expected`.
async fn check_to_output(b: &Browser, code: &str, expected: &str) -> f64 {
    b.type_into_editor(".exercise .cm-content", code).await;
    measure(b, CHECK_TO_OUTPUT, vec![expected.into()]).await
}

/// After a first Check and the spare's boot, stops two busy loops in a row (the second as soon
/// as it prints, when a cold-booting spare can't be ready yet), then times the next Check's
/// click → output.
async fn check_after_quick_stops(site: &StaticServer) -> f64 {
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/functions")).await;
    check_to_output(&b, "print('ready')", "ready").await;
    // The spare worker has booted and made its snapshot.
    b.wait_until_python_snapshot_saved().await;
    for round in 1..=2 {
        let busy = format!("busy {round}");
        check_to_output(&b, &format!("print('{busy}')\nwhile True: pass"), &busy).await;
        b.click(".exercise button.stop").await;
        b.wait_until_secs(
            "document.querySelector('.exercise .console-note')?.textContent === 'Stopped.'",
            30,
        )
        .await;
    }
    let ms = check_to_output(&b, "print('back')", "back").await;
    b.close().await;
    ms
}

/// With Python warm: click Step through, resolve with milliseconds until its first step shows.
const STEP_THROUGH: &str = r#"
const done = arguments[arguments.length - 1];
const block = '.code-block[data-runnable="true"]';
// The previous run's view closed first, so that only the new one is timed.
document.querySelector(`${block} button.step-close`)?.click();
const start = () => {
  if (document.querySelector(`${block} .step-through`)) return setTimeout(start, 10);
  const started = performance.now();
  document.querySelector(`${block} button.step-through-button`).click();
  const poll = () => {
    const status = document.querySelector(`${block} .step-status`);
    if (status && status.textContent.startsWith('Step 1 of 1000')) done(performance.now() - started);
    else setTimeout(poll, 2);
  };
  poll();
};
start();
"#;

/// A program of more than 1,000 steps (the recording's cap), stepped through warm.
async fn step_through_times(site: &StaticServer) -> Vec<f64> {
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/functions")).await;
    let block = ".code-block[data-runnable=\"true\"]";
    b.click(&format!("{block} button.edit")).await;
    b.type_into_editor(
        &format!("{block} .cm-content"),
        "items = []\nfor i in range(2000): items.append(i * i)",
    )
    .await;
    let mut times = Vec::new();
    for _ in 0..RUNS + 1 {
        b.wait_until_secs(
            &format!("!document.querySelector('{block} button.run').disabled"),
            60,
        )
        .await;
        times.push(measure(&b, STEP_THROUGH, vec![]).await);
    }
    b.close().await;
    times.remove(0); // the first waits for Python to start
    times
}

/// Milliseconds, as the async `script` reports them.
async fn measure(b: &Browser, script: &str, args: Vec<serde_json::Value>) -> f64 {
    let ms = b.client.execute_async(script, args).await;
    ms.expect("the script reports a time")
        .as_f64()
        .expect("milliseconds")
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() {
    let site = StaticServer::start(dist_dir(), "/");
    site.add_page("bare-pyodide.html", BARE_PAGE);
    site.add_file(
        "bare-worker.js",
        BARE_WORKER,
        "text/javascript; charset=utf-8",
    );

    let (mut app, mut bare, mut warm) = (Vec::new(), Vec::new(), Vec::new());
    let (mut app_again, mut bare_again) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let b = Browser::start().await;
        b.goto(&site.url("bare-pyodide.html")).await;
        b.wait_until_secs("window.firstOutput", 120).await;
        bare.push(b.js("return window.firstOutput").await.as_f64().unwrap());
        b.client.refresh().await.unwrap();
        b.wait_until_secs("window.firstOutput", 120).await;
        bare_again.push(b.js("return window.firstOutput").await.as_f64().unwrap());
        b.close().await;

        let b = Browser::start().await;
        b.goto(&site.url("#/lesson/functions")).await;
        app.push(measure(&b, CLICK_RUN_AT_ONCE, vec![]).await);
        for _ in 0..3 {
            warm.push(measure(&b, WARM_RUN, vec![]).await);
        }
        b.wait_until_python_snapshot_saved().await;
        b.client.refresh().await.unwrap();
        app_again.push(measure(&b, CLICK_RUN_AT_ONCE, vec![]).await);
        b.close().await;
    }
    let (app, bare, warm) = (median(app), median(bare), median(warm));
    let (app_again, bare_again) = (median(app_again), median(bare_again));
    println!("Python, cold cache, median of {RUNS} runs:");
    println!("  page load → first output of Run clicked at once  {app:>7.0} ms");
    println!("  bare Pyodide in a worker → first print          {bare:>7.0} ms");
    println!(
        "  ratio                                            {:>7.2}    (budget 1.1)",
        app / bare
    );
    println!(
        "  warm Run, click → output (median of {})          {warm:>7.1} ms (budget 30 ms)",
        RUNS * 3
    );
    println!("Second visit (browser caches warm), median of {RUNS} runs:");
    println!("  page load → first output of Run clicked at once  {app_again:>7.0} ms");
    println!("  bare Pyodide in a worker → first print          {bare_again:>7.0} ms");
    let mut after_stops = Vec::new();
    for _ in 0..RUNS {
        after_stops.push(check_after_quick_stops(&site).await);
    }
    // The same with the snapshot ignored: every new worker boots cold.
    let worker = std::fs::read_to_string(dist_dir().join("python-worker.js")).unwrap();
    let cold_worker = worker.replace(
        "const snapshot = fromPage ? (await configuration).snapshot : await savedSnapshot();",
        "const snapshot = null;",
    );
    assert_ne!(worker, cold_worker, "the worker's snapshot boot has moved");
    let cold_site = StaticServer::start(dist_dir(), "/");
    cold_site.add_file(
        "python-worker.js",
        &cold_worker,
        "text/javascript; charset=utf-8",
    );
    let mut after_stops_cold = Vec::new();
    for _ in 0..RUNS {
        after_stops_cold.push(check_after_quick_stops(&cold_site).await);
    }

    let stepping = median(step_through_times(&site).await);
    println!("Step through, warm, median of {RUNS}:");
    println!(
        "  click → first of 1,000 recorded steps shown     {stepping:>7.0} ms (budget 300 ms)"
    );
    let (after_stops, after_stops_cold) = (median(after_stops), median(after_stops_cold));
    println!("Check after two quick Stops, click → output, median of {RUNS}:");
    println!(
        "  new workers boot from the memory snapshot       {after_stops:>7.0} ms (budget 3 s)"
    );
    println!("  new workers boot cold                           {after_stops_cold:>7.0} ms");
}
