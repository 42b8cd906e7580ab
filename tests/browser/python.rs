//! Real Python in the release build: Run, exercises and their grading, input(), runaway code.
//!
//! Each test boots Pyodide in headless Chromium (a few seconds), so scenarios that can share a
//! page do.

use crate::support::{Browser, Downloads, StaticServer, dist_dir};
use fantoccini::key::Key;
use std::time::{Duration, Instant};

const LESSON: &str = "#/lesson/functions";

/// How many checks the `average` exercise runs: its asserts, plus the random-input comparison.
fn average_checks() -> usize {
    let course =
        pyroad::build::content::load(std::path::Path::new("content")).expect("content/ is valid");
    let lesson = course.lessons.iter().find(|l| l.id == "functions").unwrap();
    let exercise = lesson
        .exercises()
        .find(|e| e.id == "average")
        .expect("functions has `average`");
    let asserts = exercise
        .tests
        .code
        .lines()
        .filter(|l| l.starts_with("assert "))
        .count();
    asserts + usize::from(exercise.compare.is_some())
}
const SOLUTION: &str = "def average(numbers): return sum(numbers) / len(numbers) if numbers else 0";

async fn open_exercise(b: &Browser, site: &StaticServer) {
    b.goto(&site.url(LESSON)).await;
    b.find(".exercise .cm-content").await;
}

/// Replaces the editor's text by typing, as a learner would (one line: Enter auto-indents).
async fn type_code(b: &Browser, code: &str) {
    b.type_into_editor(".exercise .cm-content", code).await;
    let typed = b
        .js("return document.querySelector('.exercise .cm-content').innerText")
        .await;
    assert_eq!(
        typed.as_str().map(str::trim),
        Some(code),
        "the editor holds what was typed"
    );
}

async fn check(b: &Browser) {
    b.click(".exercise button.run").await;
}

/// Waits until the exercise's console says the job ended, and returns its note.
async fn finished(b: &Browser, secs: u64) -> String {
    b.wait_until_secs(
        "(() => { const n = document.querySelector('.exercise .console-note'); \
         return n && n.textContent !== 'Running…' && !/^(Waiting|Downloading)/.test(n.textContent); })()",
        secs,
    )
    .await;
    b.text(".exercise .console-note").await
}

/// Types the reference solution, checks it, and asserts every check passes; returns the time
/// from the Check click to the result.
async fn check_solution(b: &Browser, secs: u64) -> Duration {
    type_code(b, SOLUTION).await;
    let started = Instant::now();
    check(b).await;
    finished(b, secs).await;
    let elapsed = started.elapsed();
    assert_eq!(
        b.text(".results-summary").await,
        format!("All {} checks passed. Well done!", average_checks())
    );
    elapsed
}

/// The page answers a script promptly: Python never blocks the page's thread. (Generous, as
/// other tests' browsers share the machine's two cores; a blocked page takes far longer.)
async fn assert_responsive(b: &Browser) {
    let started = Instant::now();
    b.js("return document.title").await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the page took {:?} to answer",
        started.elapsed()
    );
}

#[tokio::test]
async fn examples_run_and_can_be_edited_and_restored() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url(LESSON)).await;
    let block = ".code-block[data-runnable=\"true\"]";
    b.click(&format!("{block} button.run")).await;
    let note = format!("document.querySelector('{block} .console-note')?.textContent");
    b.wait_until_secs(&format!("{note}?.startsWith('Finished')"), 60)
        .await;
    assert!(
        !b.text(&format!("{block} .console .output"))
            .await
            .is_empty()
    );
    assert!(b.text("#python-status").await.contains("Python 3.14"));

    // Edit the example: the learner's version runs, and its output is text, never markup.
    b.click(&format!("{block} button.edit")).await;
    let run_edited = async |code: &str| {
        b.type_into_editor(&format!("{block} .cm-content"), code)
            .await;
        b.click(&format!("{block} button.run")).await;
    };
    run_edited("print(\"<b>not bold</b>\"); print(6 * 7)").await;
    b.wait_until_secs(
        &format!("{note} !== 'Running…' && {note}?.startsWith('Finished')"),
        20,
    )
    .await;
    b.wait_until(&format!("document.querySelector('{block} .console .output').textContent === '<b>not bold</b>\\n42\\n'")).await;
    assert_eq!(b.count(".console .output b").await, 0);

    // Each run imports the learner's module files as they are now, as a new `python` would.
    for n in [1, 2] {
        run_edited(&format!(
            "open('tally.py', 'w').write('N = {n}'); import tally; print(tally.N)"
        ))
        .await;
        b.wait_until_secs(
            &format!(
                "document.querySelector('{block} .console .output')?.textContent === '{n}\\n'"
            ),
            20,
        )
        .await;
    }

    b.click(&format!("{block} button.restore")).await;
    b.wait_until(&format!("document.querySelector('{block} .cm-content').innerText.trim() !== 'print(\"<b>not bold</b>\"); print(6 * 7)'")).await;
    b.close().await;
}

#[tokio::test]
async fn an_exercise_fails_then_passes_and_the_solve_is_recorded() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    check(&b).await;
    finished(&b, 60).await;
    assert_eq!(
        b.text(".results-summary").await,
        format!("0 of {} checks passed.", average_checks())
    );
    let first = b.text(".results li.failed").await;
    assert!(first.contains("average([2, 4, 6]) should be 4"), "{first}");
    assert_eq!(
        b.attr("#mark-done", "aria-pressed").await.as_deref(),
        Some("false")
    );

    // Special-casing the visible examples passes them, but not the generated inputs.
    type_code(
        &b,
        "def average(numbers): return {(2, 4, 6): 4, (5,): 5, (): 0, (1, 2): 1.5, (-3, 3, 6): 2}[tuple(numbers)]",
    )
    .await;
    check(&b).await;
    finished(&b, 20).await;
    let n = average_checks();
    assert_eq!(
        b.text(".results-summary").await,
        format!("{} of {n} checks passed.", n - 1)
    );
    assert!(
        b.text(".results li.failed")
            .await
            .contains("average matches the reference on random inputs")
    );

    check_solution(&b, 20).await;
    b.find(".exercise .badge.solved").await;
    // The solve is recorded; the lesson is done only when all its exercises and its quiz are.
    let stored = b.js("return JSON.parse(localStorage.getItem('pyroad/progress')).exercises['functions/average']").await;
    assert!(stored["solved_at"].as_u64().is_some(), "{stored}");
    assert_eq!(stored["attempts"], 3);
    assert_eq!(
        b.attr("#mark-done", "aria-pressed").await.as_deref(),
        Some("false")
    );
    b.close().await;
}

#[tokio::test]
async fn errors_are_explained_and_code_is_saved_but_never_rerun_on_reload() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    type_code(&b, "average = 10 / 0").await;
    check(&b).await;
    finished(&b, 60).await;
    let error = b.text(".exercise .py-error").await;
    assert!(
        error.contains("ZeroDivisionError: division by zero"),
        "{error}"
    );
    assert!(
        error.contains("Something on line 1 was divided by zero"),
        "{error}"
    );

    b.client.refresh().await.unwrap();
    let editor = b.find(".exercise .cm-content").await;
    assert_eq!(editor.text().await.unwrap().trim(), "average = 10 / 0");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        b.count(".exercise .console").await,
        0,
        "restored code must not run by itself"
    );

    // Reset asks first, then brings the starter back.
    b.js("window.confirm = () => true").await;
    b.click(".exercise button.reset").await;
    b.wait_until("document.querySelector('.exercise .cm-content').innerText.startsWith('def average(numbers):')").await;
    b.close().await;
}

#[tokio::test]
async fn input_pauses_the_program_until_the_learner_answers() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    type_code(&b, "name = input(\"Name? \"); print(\"Hello, \" + name)").await;
    check(&b).await;
    let field = b.find(".exercise .program-input").await;
    assert!(
        b.text(".exercise .console .output")
            .await
            .contains("Name? ")
    );
    assert_responsive(&b).await;
    field
        .send_keys(&format!("Ada{}", char::from(Key::Enter)))
        .await
        .unwrap();
    finished(&b, 20).await;
    let output = b.text(".exercise .console .output").await;
    assert!(output.contains("Name? Ada\nHello, Ada"), "{output}");

    // The whole standard library is there; time.sleep() pauses without blocking the page.
    type_code(&b, "import sqlite3, time; time.sleep(0.3); print(sqlite3.connect(':memory:').execute('select 6*7').fetchone())").await;
    check(&b).await;
    assert_responsive(&b).await;
    finished(&b, 20).await;
    assert!(
        b.text(".exercise .console .output")
            .await
            .starts_with("(42,)")
    );

    // Packages outside Pyodide's core come from its package index: offline, a clear message,
    // naming the package even where its module's name differs (sklearn is scikit-learn), and
    // the packages a shipped group is built on (seaborn, on numpy, pandas and matplotlib).
    for (code, packages) in [
        ("import numpy", "numpy is"),
        ("from sklearn import datasets", "scikit-learn is"),
        ("import seaborn as sns", "numpy, pandas, matplotlib are"),
    ] {
        type_code(&b, code).await;
        check(&b).await;
        finished(&b, 60).await;
        let error = b.text(".exercise .py-error").await;
        assert!(
            error.contains(&format!(
                "{packages} downloaded from the internet the first time"
            )),
            "{error}"
        );
    }
    b.close().await;
}

#[tokio::test]
async fn a_step_in_the_text_fails_then_passes_and_counts_toward_the_lesson() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url(LESSON)).await;
    let step = ".step[data-exercise=\"first-function\"]";
    for (code, expected) in [
        (
            "cheer = lambda: print(\"Go\"); cheer()",
            "✗ Not yet: printed 'Go', expected 'Go team!\\nGo team!\\nGo team!'",
        ),
        (
            "cheer = lambda: print(\"Go team!\"); cheer(); cheer(); cheer()",
            "✓ Right!",
        ),
    ] {
        b.type_into_editor(&format!("{step} .cm-content"), code)
            .await;
        b.click(&format!("{step} button.run")).await;
        b.wait_until_secs(
            &format!("document.querySelector('{step} .verdict') !== null"),
            60,
        )
        .await;
        assert_eq!(b.text(&format!("{step} .verdict")).await, expected);
    }
    assert_eq!(b.count(&format!("{step} .badge.solved")).await, 1);
    let stored = b.js("return JSON.parse(localStorage.getItem('pyroad/progress')).exercises['functions/first-function']").await;
    assert!(stored["solved_at"].as_u64().is_some(), "{stored}");
    b.close().await;
}

#[tokio::test]
async fn tests_the_learner_writes_are_told_which_bug_slipped_through() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/unit-testing")).await;
    let exercise = ".exercise[data-exercise=\"test-the-slugger\"]";
    b.type_into_editor(
        &format!("{exercise} .cm-content"),
        "def test_words(): assert slugify(\"Hello WORLD\") == \"hello-world\"",
    )
    .await;
    b.click(&format!("{exercise} button.run")).await;
    b.wait_until_secs(
        &format!("document.querySelector('{exercise} .results') !== null"),
        90,
    )
    .await;
    let failed = b
        .js(&format!("return [...document.querySelectorAll('{exercise} .results li.failed')].map((li) => li.textContent)"))
        .await;
    let failed: Vec<String> = serde_json::from_value(failed).unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("catches the bug: keeps extra spaces")
            && failed[0].contains("passes all your tests"),
        "{failed:?}"
    );
    assert_eq!(
        b.text(&format!("{exercise} .results-summary")).await,
        "4 of 5 checks passed."
    );
    b.close().await;
}

#[tokio::test]
async fn an_sql_answer_is_highlighted_and_graded_by_the_rows_it_returns() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/full-stack-and-databases")).await;
    let exercise = ".exercise[data-exercise=\"late-books\"]";
    let editor = format!("{exercise} .cm-content");
    // SQL keywords are tokens of their own: the editor reads the answer as SQL.
    b.scroll_to(exercise).await;
    b.wait_until(&format!(
        "[...document.querySelectorAll('{editor} span')].some((s) => s.textContent === 'SELECT')"
    ))
    .await;
    let summary = format!("{exercise} .results-summary");
    // Rows in the wrong order fail (a random table may happen to be in order: then 1 of 2).
    for (query, expected) in [
        (
            "SELECT title, member FROM loans WHERE days > 14",
            r"^[01] of 2 checks passed\.$",
        ),
        (
            "SELECT title, member FROM loans WHERE days > 14 ORDER BY days DESC",
            r"^All 2 checks passed\. Well done!$",
        ),
    ] {
        b.type_into_editor(&editor, query).await;
        b.click(&format!("{exercise} button.run")).await;
        b.wait_until_secs(
            &format!("/{expected}/.test(document.querySelector('{summary}')?.textContent ?? '')"),
            60,
        )
        .await;
    }
    b.close().await;
}

#[tokio::test]
async fn a_several_file_exercise_imports_the_learners_modules_keeps_every_file_and_zips_them() {
    let site = StaticServer::start(dist_dir(), "/");
    let downloads = Downloads::new("project-zip");
    let b = Browser::start_with(downloads.prefs()).await;
    b.goto(&site.url("#/lesson/organizing-code")).await;
    let exercise = ".exercise[data-exercise=\"geometry-package\"]";
    // The lesson arrives after the page: wait for its tabs before reading them.
    b.find(&format!("{exercise} [role=tab]")).await;
    let tabs = b
        .js(&format!("return [...document.querySelectorAll('{exercise} [role=tab]')].map((t) => t.textContent)"))
        .await;
    assert_eq!(
        tabs,
        serde_json::json!([
            "main.py",
            "geometry/__init__.py",
            "geometry/circle.py",
            "geometry/square.py"
        ])
    );
    let tab = |i: usize| format!("{exercise} [role=tab]:nth-child({i})");
    let panel = |i: usize| format!("#file-geometry-package-{}-panel .cm-content", i - 1);
    let summary = format!("{exercise} .results-summary");
    // The square module alone: the package doesn't export its names yet.
    b.click(&tab(4)).await;
    b.type_into_editor(
        &panel(4),
        // Lambdas: typed lines aren't indented by the editor's auto-indent.
        "area = lambda side: side * side\nperimeter = lambda side: 4 * side",
    )
    .await;
    b.click(&format!("{exercise} button.run")).await;
    b.wait_until_secs(&format!("document.querySelector('{summary}') !== null"), 60)
        .await;
    let failed = b.text(&format!("{exercise} .results li.failed")).await;
    assert!(failed.contains("circle_area"), "{failed}");
    b.click(&tab(2)).await;
    b.type_into_editor(&panel(2), "from geometry.circle import area as circle_area\nfrom geometry.square import area as square_area").await;
    b.click(&format!("{exercise} button.run")).await;
    b.wait_until_secs(
        &format!("document.querySelector('{summary}')?.textContent.startsWith('All ')"),
        60,
    )
    .await;
    // Every file comes back as the learner left it.
    b.goto(&site.url("#/lesson/organizing-code")).await;
    b.js("location.reload(); return 1").await;
    b.scroll_to(exercise).await;
    b.wait_until(&format!(
        "document.querySelectorAll('{exercise} .cm-editor').length === 4"
    ))
    .await;
    // The panels of other tabs are hidden, so their text is read from the page, not the screen.
    for (i, kept) in [(4, "4 * side"), (2, "as square_area")] {
        let text = b
            .js(&format!(
                "return document.querySelector('{}').textContent",
                panel(i)
            ))
            .await;
        assert!(text.as_str().unwrap().contains(kept), "{text}");
    }

    // Download .zip: every file as it is now, in a folder named after the exercise, dated
    // today; read back by Python's own zipfile.
    b.click(&format!("{exercise} button.download")).await;
    let zip = downloads.file("zip").await;
    let read = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json, sys, time, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             assert all(i.date_time[:3] == time.gmtime()[:3] for i in z.infolist())\n\
             print(json.dumps({i.filename: z.read(i).decode() for i in z.infolist()}))",
        )
        .arg(&zip)
        .output()
        .expect("python3 runs");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let files: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&read.stdout).unwrap();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "geometry-package/geometry/__init__.py",
            "geometry-package/geometry/circle.py",
            "geometry-package/geometry/square.py",
            "geometry-package/main.py"
        ]
    );
    let square = files["geometry-package/geometry/square.py"]
        .as_str()
        .unwrap();
    assert!(square.contains("4 * side"), "{square}");
    b.close().await;
}

#[tokio::test]
async fn an_example_of_several_files_shows_a_tab_each_and_runs_them_as_edited() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("#/lesson/organizing-code")).await;
    let example = ".code-block:has([role=tab])";
    b.find(example).await;
    let tabs = b
        .js(&format!("return [...document.querySelector('{example}').querySelectorAll('[role=tab]')].map((t) => [t.textContent, t.ariaSelected])"))
        .await;
    assert_eq!(
        tabs,
        serde_json::json!([
            ["main.py", "true"],
            ["shop/__init__.py", "false"],
            ["shop/pricing.py", "false"],
            ["shop/cart.py", "false"]
        ]),
        "a tab a file, the main one shown first"
    );
    let tab = |i: usize| format!("{example} [role=tab]:nth-child({i})");
    let shown = format!("{example} [role=tabpanel] code");
    assert!(b.text(&shown).await.starts_with("import shop"));
    // Arrow keys move along the tabs, as in any tab list.
    b.find(&tab(1))
        .await
        .send_keys(&char::from(fantoccini::key::Key::Right).to_string())
        .await
        .unwrap();
    b.wait_until(&format!(
        "document.activeElement === document.querySelector('{}')",
        tab(2)
    ))
    .await;
    assert!(b.text(&shown).await.contains("Setting up the shop package"));
    b.click(&tab(3)).await;
    assert!(b.text(&shown).await.starts_with("TAX_RATE = 0.2"));

    let output = format!("{example} .console .output");
    let note = format!("document.querySelector('{example} .console-note')?.textContent");
    let ran = async |expected: &str| {
        b.click(&format!("{example} button.run")).await;
        b.wait_until_secs(&format!("{note}?.startsWith('Finished') && document.querySelector('{output}')?.textContent === {expected:?}"), 60).await;
    };
    ran("Setting up the shop package...\n18.6\n12.0\n0.2 3.6\n").await;

    // Edit one file: the run uses it, and it survives a look at another tab; Restore undoes it.
    b.click(&format!("{example} button.edit")).await;
    let editor = format!("{example} [role=tabpanel] .cm-content");
    b.type_into_editor(
        &editor,
        "TAX_RATE = 0.1\nwith_tax = lambda price: round(price * (1 + TAX_RATE), 2)",
    )
    .await;
    ran("Setting up the shop package...\n17.05\n11.0\n0.1 3.3\n").await;
    b.click(&tab(1)).await;
    b.wait_until(&format!(
        "document.querySelector('{editor}')?.textContent.startsWith('import shop')"
    ))
    .await;
    b.click(&tab(3)).await;
    b.wait_until(&format!(
        "document.querySelector('{editor}')?.textContent.startsWith('TAX_RATE = 0.1')"
    ))
    .await;
    b.click(&format!("{example} button.restore")).await;
    b.wait_until(&format!(
        "document.querySelector('{editor}')?.textContent.startsWith('TAX_RATE = 0.2')"
    ))
    .await;
    ran("Setting up the shop package...\n18.6\n12.0\n0.2 3.6\n").await;
    b.close().await;
}

/// Types `code` into the exercise, runs it, waits up to `secs` for the end: the output.
async fn output_of(b: &Browser, code: &str, secs: u64) -> String {
    type_code(b, code).await;
    check(b).await;
    finished(b, secs).await;
    b.text(".exercise .console .output").await.trim().to_owned()
}

#[tokio::test]
async fn programs_get_a_fresh_folder_show_images_use_shipped_packages_and_await() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    // Each Check starts in an empty working folder: a file the last one wrote is gone.
    let write = "from pathlib import Path; Path('left.txt').write_text('x'); print(Path('left.txt').exists())";
    assert_eq!(output_of(&b, write, 60).await, "True");
    let read = "from pathlib import Path; print('still there:', Path('left.txt').exists())";
    assert_eq!(output_of(&b, read, 20).await, "still there: False");

    // An image a program shows appears where it was shown, with its alt text.
    let image = r"import zlib, struct; from pyroad import show_image; c = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d)); print('before'); show_image(b'\x89PNG\r\n\x1a\n' + c(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)) + c(b'IDAT', zlib.compress(b'\x00\xff\x00\x00')) + c(b'IEND', b''), alt='A red dot'); print('after')";
    assert_eq!(output_of(&b, image, 20).await, "before\nafter");
    // Between the two lines, decoded.
    b.wait_until("document.querySelector('.exercise .console .output span + img.figure:has(+ span)')?.naturalWidth === 1").await;
    let alt = b.attr(".exercise .console .output img.figure", "alt").await;
    assert_eq!(alt.as_deref(), Some("A red dot"));

    // pytest ships with the site: a program runs a test file with it.
    let pytest = r"import pathlib, pytest; pathlib.Path('test_sum.py').write_text('def test_sum():\n    assert sum([1, 2]) == 3\n'); print('exit', int(pytest.main(['-q', '-p', 'no:cacheprovider', 'test_sum.py'])))";
    let output = output_of(&b, pytest, 60).await;
    assert!(
        output.contains("1 passed") && output.contains("exit 0"),
        "{output}"
    );
    // A package shipped with the site loads from it, even where Pyodide's index (unreachable
    // here) has one of the same name.
    let shipped = "import soupsieve, bs4; print('shipped', soupsieve.__version__)";
    let output = output_of(&b, shipped, 30).await;
    assert!(output.starts_with("shipped 4."), "{output}");

    // Async code: asyncio.run() (JSPI), and top-level await as in a notebook.
    let run = "import asyncio; print(asyncio.run(asyncio.sleep(0.05, 'ran')))";
    assert_eq!(output_of(&b, run, 20).await, "ran");
    assert_eq!(output_of(&b, AWAIT_AT_TOP_LEVEL, 20).await, "awaited");
    b.close().await;
}

#[tokio::test]
async fn a_plotly_figure_is_drawn_in_a_sandboxed_frame_even_when_plotly_js_arrives_late() {
    let site = StaticServer::start(dist_dir(), "/");
    // A slow connection: plotly.js arrives 2 s after it is asked for.
    site.delay("python-packages/plotly-", Duration::from_secs(2));
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    let chart = "import plotly.graph_objects as go; print('before'); go.Figure(go.Bar(x=['a', 'b', 'c'], y=[3, 1, 2]), layout_title_text='Sales <b>by</b> shop').show(); print('after')";
    // The learner checks again as soon as the first run ends, while its chart still waits for
    // plotly.js: the first frame is gone, and the second is drawn.
    type_code(&b, chart).await;
    check(&b).await;
    finished(&b, 120).await;
    check(&b).await;
    finished(&b, 30).await;
    assert_eq!(
        b.text(".exercise .console .output").await.trim(),
        "before\nafter"
    );
    let frame = ".exercise .console .output span + iframe.chart:has(+ span)";
    assert_eq!(b.count(".exercise .console iframe.chart").await, 1);
    // Named by its title, as text; scripts run in it, but its origin is opaque: the page's
    // storage and document are out of its reach (and its document out of the page's).
    assert_eq!(
        b.attr(frame, "title").await.as_deref(),
        Some("Sales <b>by</b> shop")
    );
    assert_eq!(
        b.attr(frame, "sandbox").await.as_deref(),
        Some("allow-scripts")
    );
    assert_eq!(
        b.js(&format!(
            "return document.querySelector('{frame}').contentDocument === null"
        ))
        .await,
        true
    );
    // Drawn, once plotly.js has arrived: three bars.
    b.find(frame).await.enter_frame().await.unwrap();
    b.wait_until_secs(
        "document.querySelectorAll('.barlayer .point').length === 3",
        30,
    )
    .await;
    b.client.enter_parent_frame().await.unwrap();
    b.close().await;
}

const AWAIT_AT_TOP_LEVEL: &str = "import asyncio; print(await asyncio.sleep(0.05, 'awaited'))";

/// Opens the lesson and names its first two runnable examples: returns their selectors.
async fn open_two_examples(b: &Browser, site: &StaticServer) -> [&'static str; 2] {
    b.goto(&site.url(LESSON)).await;
    b.find(".code-block[data-runnable=\"true\"] button.run")
        .await;
    b.js(
        "const [a, b] = document.querySelectorAll('.code-block[data-runnable=\"true\"]'); \
          a.dataset.test = 'a'; b.dataset.test = 'b';",
    )
    .await;
    ["[data-test=a]", "[data-test=b]"]
}

#[tokio::test]
async fn a_run_asked_for_while_another_program_runs_or_stops_is_never_lost() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    // Two examples, edited: A loops forever, B prints.
    let [a, bb] = open_two_examples(&b, &site).await;
    // Python up, and its spare booted from the snapshot, as after a learner's first runs.
    b.click(&format!("{a} button.run")).await;
    b.wait_until_python_snapshot_saved().await;
    let note = |css: &str| format!("document.querySelector('{css} .console-note')?.textContent");
    b.click(&format!("{a} button.edit")).await;
    b.type_into_editor(&format!("{a} .cm-content"), "while True: pass")
        .await;
    b.click(&format!("{bb} button.edit")).await;
    b.type_into_editor(&format!("{bb} .cm-content"), "print('B ran')")
        .await;
    let b_ran = format!(
        "{} === 'B ran\\n' && {}?.startsWith('Finished')",
        format_args!("document.querySelector('{bb} .console .output')?.textContent"),
        note(bb)
    );

    // B during A: starting B stops A, and B runs.
    b.click(&format!("{a} button.run")).await;
    b.find(&format!("{a} button.stop:not([hidden])")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    b.click(&format!("{bb} button.run")).await;
    b.wait_until_secs(&b_ran, 9).await;
    println!(
        "B ran {:?} after it was asked for, during A",
        started.elapsed()
    );
    assert_eq!(
        b.text(&format!("{a} .console-note")).await,
        "Stopped, to run the program you started next."
    );

    // B right after Stop on A: B runs too.
    b.click(&format!("{a} button.run")).await;
    b.find(&format!("{a} button.stop:not([hidden])")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    b.click(&format!("{a} button.stop")).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    b.click(&format!("{bb} button.run")).await;
    b.wait_until_secs(&b_ran, 8).await;
    assert_eq!(b.text(&format!("{a} .console-note")).await, "Stopped.");
    b.close().await;
}

#[tokio::test]
async fn python_starts_downloading_only_once_the_lesson_is_on_screen() {
    let site = StaticServer::start(dist_dir(), "/");
    // A slow connection: the lesson's text arrives 3 s after it is asked for.
    site.delay("lessons/", Duration::from_secs(3));
    let b = Browser::start().await;
    b.goto(&site.url(LESSON)).await;
    b.find(".lesson-page .loading").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    // The lesson is still on its way, and Python's 13 MB don't compete with it.
    assert_eq!(b.count(".lesson-page .loading").await, 1);
    assert_eq!(b.count("#python-status").await, 0);
    // Once the lesson is drawn, Python starts by itself, before any Run.
    b.find("article.lesson .prose").await;
    b.wait_until_secs(
        "document.querySelector('#python-status')?.dataset.state === 'ready'",
        90,
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn on_a_slow_connection_runs_wait_for_python_in_order_and_are_not_timed_out() {
    let site = StaticServer::start(dist_dir(), "/");
    // Python's runtime takes longer to arrive than a program's 10-second limit.
    site.delay("pyodide/pyodide.asm.wasm", Duration::from_secs(12));
    let b = Browser::start().await;
    let [a, b_] = open_two_examples(&b, &site).await;
    b.click(&format!("{a} button.run")).await;
    b.click(&format!("{b_} button.run")).await;
    for block in [a, b_] {
        assert_eq!(
            b.text(&format!("{block} .console-note")).await,
            "Waiting for Python to start…"
        );
    }
    for block in [a, b_] {
        b.wait_until_secs(
            &format!("document.querySelector('{block} .console-note')?.textContent.startsWith('Finished')"),
            60,
        )
        .await;
    }
    b.close().await;
}

#[tokio::test]
async fn leaving_a_lesson_while_its_program_runs_stops_it_without_an_error() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.record_page_errors().await;
    open_exercise(&b, &site).await;
    check(&b).await;
    finished(&b, 60).await;
    // A Check that takes a while; the learner moves on before it ends.
    type_code(&b, "import time; time.sleep(1.5)").await;
    check(&b).await;
    b.click("a[rel=next]").await;
    b.find("article.lesson:not([data-lesson=\"functions\"]) .prose")
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(b.page_errors().await, Vec::<String>::new());
    // Python is free for the next page's programs.
    b.click(".code-block[data-runnable=\"true\"] button.run")
        .await;
    b.wait_until_secs(
        "document.querySelector('.code-block .console-note')?.textContent.startsWith('Finished')",
        20,
    )
    .await;
    assert_eq!(b.page_errors().await, Vec::<String>::new());
    b.close().await;
}

#[tokio::test]
async fn runaway_programs_are_stopped_and_python_keeps_working() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    check(&b).await; // a first run: Python is up and a spare worker boots behind it
    finished(&b, 60).await;
    tokio::time::sleep(Duration::from_secs(8)).await;

    // An infinite loop, stopped by the learner.
    type_code(&b, "while True: pass").await;
    check(&b).await;
    b.find(".exercise button.stop:not([hidden])").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_responsive(&b).await;
    b.click(".exercise button.stop").await;
    assert_eq!(finished(&b, 5).await, "Stopped.");
    let elapsed = check_solution(&b, 30).await;
    println!("next Check after Stop answered in {elapsed:?}");

    // The time limit stops what the learner doesn't.
    type_code(&b, "while True: pass").await;
    check(&b).await;
    let note = finished(&b, 30).await;
    assert!(note.starts_with("Stopped after 10 seconds"), "{note}");

    // A flood of output is cut, and the page stays responsive.
    // 1.3 million characters: far past the cap, yet done well within the limit on a busy machine.
    type_code(&b, "for i in range(2 * 10**5): print(i)").await;
    check(&b).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_responsive(&b).await;
    let note = finished(&b, 30).await;
    assert!(note.contains("The output was cut"), "{note}");

    // Memory bombs, deep recursion and exits end the program, not Python.
    for (code, expect) in [
        ("average = [0] * 10**10", "OverflowError"),
        ("average = [0] * 10**9", "MemoryError"),
        (
            "def average(numbers): return average(numbers)",
            "RecursionError",
        ),
        // Recursion through a property setter overflows the wasm stack and kills the
        // interpreter: reported as a RecursionError, and the next run gets a fresh one.
        (
            "exec(\"class T:\\n    @property\\n    def x(self): return 1\\n    @x.setter\\n    def x(self, v): self.x = v\\nT().x = 1\")",
            "RecursionError",
        ),
        // A C call with the wrong types (time_t is 64 bits here) kills the interpreter: said
        // as a crash, not as recursion, and the next run gets a fresh one.
        (
            "import ctypes; ctypes.CDLL(None).time(None)",
            "SystemError: Python crashed",
        ),
        (
            "import os; os._exit(0)",
            "NameError: name 'average' is not defined",
        ),
        (
            "import sys; sys.exit(3)",
            "NameError: name 'average' is not defined",
        ),
    ] {
        type_code(&b, code).await;
        check(&b).await;
        finished(&b, 20).await;
        let text = b.text(".exercise").await;
        assert!(text.contains(expect), "{code}: {text}");
    }
    check_solution(&b, 30).await;
    b.close().await;
}

#[tokio::test]
async fn after_stops_in_quick_succession_the_next_check_starts_within_three_seconds() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    check(&b).await;
    finished(&b, 60).await;
    // Each Stop ends a busy worker and switches to the spare, whose replacement must boot
    // before the next Stop: from the memory snapshot that the first spare made, that takes
    // well under a second (a cold boot takes seconds).
    b.wait_until_python_snapshot_saved().await;
    for _ in 0..3 {
        type_code(&b, "while True: pass").await;
        check(&b).await;
        b.find(".exercise button.stop:not([hidden])").await;
        b.click(".exercise button.stop").await;
        assert_eq!(finished(&b, 10).await, "Stopped.");
    }
    let elapsed = check_solution(&b, 60).await;
    println!("Check after three quick Stops answered in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    b.close().await;
}

/// Waits until Python is ready, and returns how it started.
async fn python_boot(b: &Browser) -> String {
    b.wait_until_secs(
        "document.querySelector('#python-status')?.dataset.state === 'ready'",
        90,
    )
    .await;
    b.attr("#python-status", "data-boot")
        .await
        .unwrap_or_default()
}

#[tokio::test]
async fn a_later_visit_starts_python_from_the_saved_memory_snapshot() {
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    assert_eq!(python_boot(&b).await, "cold");
    // After a first run, the spare worker boots; it makes the snapshot and saves it.
    check(&b).await;
    finished(&b, 60).await;
    b.wait_until_python_snapshot_saved().await;

    b.client.refresh().await.unwrap();
    b.find(".exercise .cm-content").await;
    assert_eq!(python_boot(&b).await, "saved-snapshot");
    // The restored interpreter is whole: the standard library, input(), grading.
    type_code(
        &b,
        "import json; print(json.dumps({'n': int(input('n? ')) * 2}))",
    )
    .await;
    check(&b).await;
    b.find(".exercise .program-input")
        .await
        .send_keys(&format!("21{}", char::from(Key::Enter)))
        .await
        .unwrap();
    finished(&b, 20).await;
    assert!(
        b.text(".exercise .console .output")
            .await
            .contains("n? 21\n{\"n\": 42}")
    );
    check_solution(&b, 30).await;
    b.close().await;
}

#[tokio::test]
async fn on_a_cross_origin_isolated_site_stop_interrupts_instead_of_restarting() {
    let site = StaticServer::start(dist_dir(), "/");
    site.set_headers(
        "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n",
    );
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    assert_eq!(b.js("return crossOriginIsolated").await, true);
    // Python up and its spare booted, so the spare's boot doesn't compete with the interrupt
    // for the machine's two cores (under load the grace before a restart could run out).
    check(&b).await;
    finished(&b, 60).await;
    b.wait_until_python_snapshot_saved().await;
    // A counter kept in the interpreter itself: it survives only if the worker does.
    let code = "import sys; sys.runs = getattr(sys, 'runs', 0) + 1; print('run', sys.runs); exec('while True: pass')";
    for run in 1..=2 {
        type_code(&b, code).await;
        check(&b).await;
        b.wait_until_secs(&format!("document.querySelector('.exercise .console .output')?.textContent.includes('run {run}')"), 60).await;
        b.click(".exercise button.stop").await;
        assert_eq!(finished(&b, 5).await, "Stopped.");
    }
    b.close().await;
}

/// Serves the Python worker behind a shim that removes JSPI, as in browsers that lack it
/// (Firefox and Safari today): input() and time.sleep() must then block another way.
fn without_jspi(site: &StaticServer) {
    let worker = std::fs::read_to_string(dist_dir().join("python-worker.js")).unwrap();
    site.add_file(
        "python-worker-with-jspi.js",
        &worker,
        "text/javascript; charset=utf-8",
    );
    site.add_file(
        "python-worker.js",
        "delete WebAssembly.Suspending; delete WebAssembly.promising;\n\
         const early = []; self.onmessage = (event) => early.push(event);\n\
         await import('./python-worker-with-jspi.js');\n\
         for (const event of early) self.onmessage(event);\n",
        "text/javascript; charset=utf-8",
    );
}

/// input() answered, time.sleep() paused, and Stop during input() interrupting the program
/// without restarting Python (a counter kept in the interpreter survives).
async fn input_sleep_and_stop_work(b: &Browser) {
    type_code(b, "name = input(\"Name? \"); print(\"Hello, \" + name)").await;
    check(b).await;
    let field = b.find(".exercise .program-input").await;
    assert_responsive(b).await;
    field
        .send_keys(&format!("Ada Lovelace é{}", char::from(Key::Enter)))
        .await
        .unwrap();
    finished(b, 20).await;
    let output = b.text(".exercise .console .output").await;
    assert!(output.contains("Hello, Ada Lovelace é"), "{output}");

    type_code(
        b,
        "import time; t = time.time(); time.sleep(0.5); print('slept', time.time() - t >= 0.5)",
    )
    .await;
    check(b).await;
    finished(b, 20).await;
    assert_eq!(
        b.text(".exercise .console .output").await.trim(),
        "slept True"
    );

    let code =
        "import sys; sys.runs = getattr(sys, 'runs', 0) + 1; print('run', sys.runs); input()";
    for run in 1..=2 {
        type_code(b, code).await;
        check(b).await;
        b.find(".exercise .program-input").await;
        assert!(
            b.text(".exercise .console .output")
                .await
                .contains(&format!("run {run}"))
        );
        b.click(".exercise button.stop").await;
        let note = finished(b, 5).await;
        assert_eq!(note, "Stopped.", "run {run}: {}", b.text(".exercise").await);
    }
}

#[tokio::test]
async fn without_jspi_input_waits_on_shared_memory_when_cross_origin_isolated() {
    let site = StaticServer::start(dist_dir(), "/");
    site.set_headers(
        "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n",
    );
    without_jspi(&site);
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    assert_eq!(b.js("return crossOriginIsolated").await, true);
    input_sleep_and_stop_work(&b).await;
    // Without JSPI asyncio.run() can't wait, and says what does work.
    output_of(&b, "import asyncio; asyncio.run(asyncio.sleep(0))", 20).await;
    let error = b.text(".exercise .py-error").await;
    assert!(error.contains("`await main()` at the top level"), "{error}");
    assert_eq!(output_of(&b, AWAIT_AT_TOP_LEVEL, 20).await, "awaited");
    b.close().await;
}

#[tokio::test]
async fn without_jspi_input_waits_on_the_service_worker() {
    let site = StaticServer::start(dist_dir(), "/");
    without_jspi(&site);
    let b = Browser::start().await;
    b.goto(&site.url(LESSON)).await;
    b.wait_until_secs("navigator.serviceWorker.controller !== null", 90)
        .await;
    b.client.refresh().await.unwrap();
    b.find(".exercise .cm-content").await;
    assert_eq!(b.js("return crossOriginIsolated").await, false);
    input_sleep_and_stop_work(&b).await;
    b.close().await;
}

#[tokio::test]
async fn without_jspi_or_a_service_worker_input_says_why_it_cannot_wait() {
    let site = StaticServer::start(dist_dir(), "/");
    without_jspi(&site);
    site.add_file(
        "sw.js",
        "// This site has no working service worker.\n",
        "text/javascript; charset=utf-8",
    );
    let b = Browser::start().await;
    open_exercise(&b, &site).await;
    type_code(&b, "name = input(\"Name? \")").await;
    check(&b).await;
    finished(&b, 60).await;
    let error = b.text(".exercise .py-error").await;
    assert!(
        error.contains("input() can't wait for your answer in this browser yet"),
        "{error}"
    );
    assert_eq!(b.count(".exercise .program-input").await, 0);
    // time.sleep() still pauses, by waiting busily.
    type_code(
        &b,
        "import time; t = time.time(); time.sleep(0.5); print('slept', time.time() - t >= 0.5)",
    )
    .await;
    check(&b).await;
    finished(&b, 20).await;
    assert_eq!(
        b.text(".exercise .console .output").await.trim(),
        "slept True"
    );
    b.close().await;
}
