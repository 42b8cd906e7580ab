//! The course's code, run through the real Python worker in headless Chromium: each exercise's
//! reference solution passes its tests and its starter fails at least one, each
//! predict-the-output answer is what the code really prints, and each example ends as its lesson
//! says (cleanly, or with the exception its `raises=` names).

use crate::support::{Browser, StaticServer, assert_no_problems, dist_dir};
use pyroad::build::content;
use pyroad::model::lesson::{Block, CodeBlock, Lesson, Question, normalize_output};
use pyroad::worker::protocol::{
    Cause, DEFAULT_TIMEOUT_SECS, DOWNLOAD_GRACE_SECS, Outcome, PyError, Reply, Request,
};
use serde_json::Value;
use std::path::Path;

const START_WORKER: &str = r#"
window.pyBoot = null;
window.py = new Worker('python-worker.js', { type: 'module' });
window.pyJobs = {};
window.pyOutput = {};
window.pyLoading = {};
py.onmessage = (e) => {
  if (typeof e.data !== 'string') return; // a memory snapshot handed over for later workers
  const m = JSON.parse(e.data);
  if (m.ready || m['boot-failed']) window.pyBoot = m;
  if (m.output) (pyOutput[m.output.id] ??= []).push(m.output);
  if (m.loading) pyLoading[m.loading.id]?.();
  if (m.done) pyJobs[m.done.id](e.data);
};
// The page's first message (no shared buffers here); the worker's name leaves how to boot to
// its default: cold, as this profile has no saved snapshot.
py.postMessage({});
"#;

async fn start_worker(b: &Browser) {
    b.js(START_WORKER).await;
    b.wait_until_secs("window.pyBoot", 90).await;
    assert_eq!(
        b.js("return Object.keys(pyBoot)[0]").await,
        "ready",
        "{}",
        b.js("return pyBoot['boot-failed']?.error").await
    );
}

/// Sends one request; returns the worker's `done` reply and the stdout it printed.
async fn ask(b: &Browser, request: &Request) -> (Reply, String) {
    ask_within(b, request, 600)
        .await
        .expect("the worker answers")
}

/// Like [`ask`], but gives up after `secs`, as the app's time limit would (with the app's
/// grace once packages load for the job): then the worker is replaced by a new one (its files
/// and modules are gone, as after Stop in the app).
async fn ask_within(b: &Browser, request: &Request, secs: u32) -> Option<(Reply, String)> {
    let script = "const [message, secs, grace, done] = arguments; const id = JSON.parse(message).id; \
        let limit = setTimeout(() => done(null), secs * 1000); \
        pyLoading[id] = () => { clearTimeout(limit); limit = setTimeout(() => done(null), (secs + grace) * 1000); }; \
        pyJobs[id] = (reply) => { clearTimeout(limit); \
          done([reply, (pyOutput[id] || []).filter(m => m.stream === 'stdout').map(m => m.text).join('')]); }; \
        py.postMessage(message);";
    let answer = b
        .client
        .execute_async(
            script,
            vec![
                Value::String(request.to_json()),
                secs.into(),
                DOWNLOAD_GRACE_SECS.into(),
            ],
        )
        .await
        .expect("the script answers");
    if answer.is_null() {
        b.js("py.terminate()").await;
        start_worker(b).await;
        return None;
    }
    let reply = Reply::parse(answer[0].as_str().unwrap()).unwrap();
    Some((reply, answer[1].as_str().unwrap().to_owned()))
}

/// The course, and a page of the built site with a Python worker booted (the server lives as
/// long as the returned value). `PYROAD_LESSONS=a,b` keeps only those lessons, for an author
/// checking what they are writing.
async fn course_and_worker() -> (content::Compiled, StaticServer, Browser) {
    let mut compiled = content::load(Path::new("content")).expect("content/ is valid");
    if let Ok(only) = std::env::var("PYROAD_LESSONS") {
        let only: Vec<&str> = only.split(',').map(str::trim).collect();
        compiled
            .lessons
            .retain(|lesson| only.contains(&lesson.id.as_str()));
        // A misspelt id would otherwise pass by checking nothing.
        let unknown: Vec<&&str> = only
            .iter()
            .filter(|id| !compiled.lessons.iter().any(|lesson| lesson.id == **id))
            .collect();
        assert!(
            unknown.is_empty(),
            "PYROAD_LESSONS names no lesson {unknown:?}"
        );
    }
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    start_worker(&b).await;
    (compiled, site, b)
}

#[tokio::test]
async fn every_exercise_and_prediction_holds_in_pyodide() {
    let (compiled, _site, b) = course_and_worker().await;

    let mut problems = Vec::new();
    let (mut exercises, mut predictions, mut offline) = (0, 0, 0);
    let mut id = 0;
    for lesson in &compiled.lessons {
        for exercise in lesson.exercises() {
            exercises += 1;
            let at = format!("{}/{}", lesson.id, exercise.id);
            for (code, files, should_pass) in [
                (&exercise.solution, exercise.solution_files(), true),
                (&exercise.starter, exercise.starter_files(), false),
            ] {
                id += 1;
                let (reply, _) = ask(&b, &Request::check(id, code, files, exercise, id)).await;
                let Reply::Done {
                    result: Outcome::Check(outcome),
                    ..
                } = reply
                else {
                    problems.push(format!("{at}: unexpected reply {reply:?}"));
                    continue;
                };
                if needs_pyodide_index(outcome.error.as_ref()) {
                    offline += 1;
                    continue;
                }
                if should_pass && !outcome.solved() {
                    problems.push(format!("{at}: the solution doesn't pass: {outcome:?}"));
                }
                if !should_pass && outcome.solved() {
                    problems.push(format!("{at}: the starter code already passes every test"));
                }
            }
        }
        for question in lesson.questions() {
            let Question::Predict {
                id: qid,
                code,
                expected,
                ..
            } = question
            else {
                continue;
            };
            predictions += 1;
            id += 1;
            let run = Request::Run {
                id,
                code: code.code.clone(),
                namespace: None,
                folder: Some(lesson.id.clone()),
                files: Vec::new(),
                trace: false,
            };
            let (reply, printed) = ask(&b, &run).await;
            if let Reply::Done {
                result: Outcome::Run(outcome),
                ..
            } = &reply
                && needs_pyodide_index(outcome.error.as_ref())
            {
                offline += 1;
                continue;
            }
            if normalize_output(&printed) != normalize_output(expected) {
                problems.push(format!(
                    "{}/{qid}: the code prints {printed:?}, but the expected output is {expected:?}",
                    lesson.id
                ));
            }
        }
    }
    println!(
        "checked {exercises} exercises and {predictions} predictions in Pyodide; {offline} \
         solutions, starters or predictions need a package from Pyodide's index, which isn't \
         reachable here, and were not checked"
    );
    assert!(exercises > 0, "the course has exercises to check");
    assert_no_problems(&problems);
    b.close().await;
}

/// The run stopped because a package from Pyodide's index could not be fetched (this machine
/// can't reach it): what the code would do is unknown here, so it is counted, not judged.
fn needs_pyodide_index(error: Option<&PyError>) -> bool {
    error.is_some_and(|error| error.cause == Some(Cause::DownloadFailed))
}

fn runnable_examples(lesson: &Lesson) -> impl Iterator<Item = &CodeBlock> {
    lesson.blocks.iter().filter_map(|block| match block {
        Block::Code(code) if code.runnable => Some(code),
        _ => None,
    })
}

#[tokio::test]
async fn every_example_ends_as_its_lesson_says() {
    let (compiled, _site, b) = course_and_worker().await;

    let mut problems = Vec::new();
    let (mut ran, mut interactive, mut offline, mut stopped) = (0, 0, 0, 0);
    let mut id = 0;
    // In lesson order, in one interpreter, as a learner reading top to bottom runs them.
    for lesson in &compiled.lessons {
        for code in runnable_examples(lesson) {
            let at = format!(
                "{}: the example starting {:?}",
                lesson.id,
                code.code.lines().next().unwrap_or("")
            );
            if code.code.contains("input(") {
                interactive += 1;
                continue;
            }
            ran += 1;
            id += 1;
            let (main, files) = code.sources(&code.texts());
            let run = Request::Run {
                id,
                code: main,
                namespace: code.namespace(&lesson.id),
                folder: Some(lesson.id.clone()),
                files,
                trace: false,
            };
            let limit = code.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
            let Some((reply, _)) = ask_within(&b, &run, limit).await else {
                // An example with its own time limit may be meant to run into it.
                if code.timeout_secs.is_some() {
                    stopped += 1;
                } else {
                    problems.push(format!("{at} is still running after {limit} s"));
                }
                continue;
            };
            let Reply::Done {
                result: Outcome::Run(outcome),
                ..
            } = reply
            else {
                problems.push(format!("{at}: unexpected reply {reply:?}"));
                continue;
            };
            match (&outcome.error, &code.raises) {
                (None, None) if outcome.ok => {}
                (Some(error), Some(raises)) if &error.kind == raises => {}
                (error, _) if needs_pyodide_index(error.as_ref()) => offline += 1,
                (Some(error), _) => problems.push(format!(
                    "{at} ends with {}: {} (raises={})",
                    error.kind,
                    error.message,
                    code.raises.as_deref().unwrap_or("nothing")
                )),
                (None, raises) => problems.push(format!(
                    "{at} ends cleanly (exit status {:?}), but raises={}",
                    outcome.exit,
                    raises.as_deref().unwrap_or("nothing")
                )),
            }
        }
    }
    println!(
        "ran {ran} examples in Pyodide: {offline} need a package from Pyodide's index, which isn't \
         reachable here; {stopped} ran into their own time limit; {interactive} that ask for input() \
         were left out"
    );
    assert!(ran > 0, "the course has examples to run");
    assert_no_problems(&problems);
    b.close().await;
}
