//! Every exercise and predict-the-output question in `content/`, run through the real Python
//! worker in headless Chromium: each reference solution passes its tests, each starter fails
//! at least one, and each expected output is what the code really prints.

mod support;

use pyroad::content;
use pyroad::lesson::{Question, normalize_output};
use pyroad::runner::{Outcome, Reply, Request};
use serde_json::Value;
use std::path::Path;
use support::{Browser, StaticServer, dist_dir};

const START_WORKER: &str = r#"
window.py = new Worker('python-worker.js', { type: 'module' });
window.pyJobs = {};
window.pyOutput = {};
py.onmessage = (e) => {
  if (typeof e.data !== 'string') return; // a memory snapshot handed over for later workers
  const m = JSON.parse(e.data);
  if (m.ready || m['boot-failed']) window.pyBoot = m;
  if (m.output) (pyOutput[m.output.id] ??= []).push(m.output);
  if (m.done) pyJobs[m.done.id](e.data);
};
// The page's first message (no shared buffers here); the worker's name leaves how to boot to
// its default: cold, as this profile has no saved snapshot.
py.postMessage({});
"#;

/// Sends one request; returns the worker's `done` reply and the stdout it printed.
async fn ask(b: &Browser, request: &Request) -> (Reply, String) {
    let script = "const [message, done] = arguments; const id = JSON.parse(message).id; \
        pyJobs[id] = (reply) => done([reply, (pyOutput[id] || []).filter(m => m.stream === 'stdout').map(m => m.text).join('')]); \
        py.postMessage(message);";
    let answer = b
        .client
        .execute_async(script, vec![Value::String(request.to_json())])
        .await
        .expect("the worker answers");
    let reply = Reply::parse(answer[0].as_str().unwrap()).unwrap();
    (reply, answer[1].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn every_exercise_and_prediction_holds_in_pyodide() {
    let compiled = content::load(Path::new("content")).expect("content/ is valid");
    let site = StaticServer::start(dist_dir(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.js(START_WORKER).await;
    b.wait_until_secs("window.pyBoot", 90).await;
    assert_eq!(
        b.js("return Object.keys(pyBoot)[0]").await,
        "ready",
        "{}",
        b.js("return pyBoot['boot-failed']?.error").await
    );

    let mut problems = Vec::new();
    let (mut exercises, mut predictions) = (0, 0);
    let mut id = 0;
    for lesson in &compiled.lessons {
        for exercise in lesson.exercises() {
            exercises += 1;
            let at = format!("{}/{}", lesson.id, exercise.id);
            for (code, should_pass) in [(&exercise.solution, true), (&exercise.starter, false)] {
                id += 1;
                let (reply, _) = ask(&b, &Request::check(id, code, exercise, id)).await;
                let Reply::Done {
                    result: Outcome::Check(outcome),
                    ..
                } = reply
                else {
                    problems.push(format!("{at}: unexpected reply {reply:?}"));
                    continue;
                };
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
                namespace: String::new(),
            };
            let (_, printed) = ask(&b, &run).await;
            if normalize_output(&printed) != normalize_output(expected) {
                problems.push(format!(
                    "{}/{qid}: the code prints {printed:?}, but the expected output is {expected:?}",
                    lesson.id
                ));
            }
        }
    }
    println!("checked {exercises} exercises and {predictions} predictions in Pyodide");
    assert!(exercises > 0, "the course has exercises to check");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    b.close().await;
}
