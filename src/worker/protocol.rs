//! The messages between the page and its Python worker (`src/js/python-worker.js`, which hands
//! each request whole to `src/python/pyroad_runner.py`), and the constants both sides share.
//! The build writes those constants into `protocol.js` ([`javascript`]), which the worker
//! imports, so they are stated once, here. The golden messages in `tests/protocol/` pin the
//! shapes: these types read them, and the runner's native test produces them.

use crate::model::lesson::{Exercise, Mutation, SourceFile, TestStyle};
use crate::worker::trace::Trace;
use serde::{Deserialize, Serialize};

/// Time limit for a run when the lesson doesn't set one.
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;

/// Extra time a job gets once the worker says packages are loading for it (a download on a
/// slow connection, a group unpacked and imported for the first time), on top of its limit.
pub const DOWNLOAD_GRACE_SECS: u32 = 180;

/// Characters of output the worker passes on per run; the rest is counted, not shown.
pub const OUTPUT_CAP: usize = 100_000;

/// Images a run may show, and the largest: more are counted, not sent.
pub const IMAGE_CAP: usize = 20;
pub const IMAGE_CAP_BYTES: usize = 4 * 1024 * 1024;

/// The image types a program may show (`pyroad.show_image`, matplotlib figures).
pub const IMAGE_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
];

/// plotly.js, which draws the Plotly figures programs show (`fig.show()`): the cartesian bundle
/// from npm (bar, box, contour, heatmap, histogram, pie, scatter, violin…), copied here by the
/// build. Beside the package groups, so it too is cached on first use, not at install.
pub const CHART_LIBRARY: &str = "python-packages/plotly-cartesian-4.1.1.min.js";

/// What the page writes into the interrupt buffer for Stop: Python raises KeyboardInterrupt.
pub const SIGINT: i32 = 2;

/// The message of the JavaScript error by which the worker ends a wait on Stop: the runner
/// raises the Python exception of that name.
pub const KEYBOARD_INTERRUPT: &str = "KeyboardInterrupt";

/// The buffer a worker without JSPI waits on for the page's answers (cross-origin isolated
/// pages): a state word, the answer's length in bytes, then the answer, UTF-8.
pub mod sync_buffer {
    pub const IDLE: i32 = 0;
    pub const ANSWERED: i32 = 1;
    pub const INTERRUPTED: i32 = 2;
    /// Where the answer starts: after the state word and the length.
    pub const DATA_OFFSET: u32 = 8;
    pub const DATA_BYTES: u32 = 64 * 1024;
}

/// Where a worker without JSPI or shared memory waits for answers: a request the service worker
/// holds (see `sw.js`).
pub const SYNC_PATH: &str = "__pyroad_sync__";

/// How a worker is to boot, told by its name so it can start before any message arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerName {
    /// From the snapshot an earlier visit saved, else cold.
    Python,
    /// Cold, then makes a memory snapshot for the page.
    MakeSnapshot,
    /// From the snapshot in the page's first message.
    FromPageSnapshot,
}

impl WorkerName {
    pub const ALL: [Self; 3] = [Self::Python, Self::MakeSnapshot, Self::FromPageSnapshot];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::MakeSnapshot => "make-snapshot",
            Self::FromPageSnapshot => "from-page-snapshot",
        }
    }
}

/// How Python started, as the worker reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boot {
    Cold,
    /// From the page's snapshot (a replacement worker).
    Snapshot,
    /// From the snapshot a previous visit saved.
    SavedSnapshot,
}

impl Boot {
    pub const ALL: [Self; 3] = [Self::Cold, Self::Snapshot, Self::SavedSnapshot];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cold => "cold",
            Self::Snapshot => "snapshot",
            Self::SavedSnapshot => "saved-snapshot",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Request {
    /// Runs code in a fresh namespace, or in the shared one named by `namespace`, in the
    /// working folder `folder` (a lesson's id; without one, a scratch folder), where the files
    /// it writes stay for the lesson's other runs.
    Run {
        id: u32,
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        folder: Option<String>,
        /// Written into the working folder first (an example's other files).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<SourceFile>,
        /// Records the run step by step for the Step through view ([`RunOutcome::trace`]).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        trace: bool,
    },
    /// Runs the learner's code in a fresh namespace and an empty working folder, then the
    /// exercise's hidden tests.
    Check {
        id: u32,
        code: String,
        tests: String,
        style: TestStyle,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        compare: Option<CompareRequest>,
        /// What the code must print, besides passing the tests (a step's check).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<String>,
        /// The code is an answer in this language, not Python: the tests read it as `answer`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        /// The code is the learner's pytest tests, run against these versions.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mutation: Option<Mutation>,
        /// The exercise's other files, as the learner has them: written into the fresh
        /// check folder first, so the code and the tests can import them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<SourceFile>,
        /// Seeds the generator of compared inputs, so a run can be repeated.
        seed: u32,
    },
    /// A line typed in answer to `input()`.
    Input { id: u32, text: String },
    /// Stop a job that is waiting in `input()` or `time.sleep()`: raises KeyboardInterrupt.
    Interrupt { id: u32 },
}

/// The learner's function against the reference solution on generated inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRequest {
    pub function: String,
    pub generator: String,
    pub solution: String,
}

impl Request {
    /// Checks `code` (the main file) with the exercise's other `files` as the learner has them.
    pub fn check(
        id: u32,
        code: &str,
        files: Vec<SourceFile>,
        exercise: &Exercise,
        seed: u32,
    ) -> Self {
        Self::Check {
            id,
            code: code.to_owned(),
            files,
            tests: exercise.tests.code.clone(),
            style: exercise.tests.style,
            compare: exercise.compare.as_ref().map(|c| CompareRequest {
                function: c.function.clone(),
                generator: c.generator.clone(),
                solution: exercise.solution.clone(),
            }),
            output: exercise.expected_output.clone(),
            language: exercise.answer_language.clone(),
            mutation: exercise.mutation.clone(),
            seed,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("requests serialize")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Externally tagged (`{"output": {...}}`): see [`crate::model::lesson::Block`] for why.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    Ready {
        python: String,
        jspi: bool,
        /// Names the worker's jobs to the service worker (see [`SYNC_PATH`]).
        session: String,
        boot: Boot,
    },
    BootFailed {
        error: String,
    },
    Output {
        id: u32,
        stream: Stream,
        text: String,
    },
    InputRequest {
        id: u32,
        prompt: String,
    },
    /// An image the program showed (a figure, or a file), base64 in `data`, described by `alt`.
    Image {
        id: u32,
        mime: String,
        data: String,
        alt: String,
    },
    /// A Plotly figure the program showed, as JSON, named by `alt` (its title).
    Chart {
        id: u32,
        figure: String,
        alt: String,
    },
    /// The interpreter died (e.g. a wasm stack overflow): the worker must be replaced.
    Crashed {},
    /// Packages from Pyodide's index are being downloaded for the job.
    Loading {
        id: u32,
        packages: Vec<String>,
    },
    Done {
        id: u32,
        result: Outcome,
        elapsed_ms: f64,
        /// Characters printed in all, when more than [`OUTPUT_CAP`] was printed.
        #[serde(default)]
        output_cut_total: usize,
    },
}

impl Reply {
    pub fn parse(json: &str) -> Result<Self, String> {
        serde_json::from_str(json)
            .map_err(|e| format!("unexpected message from the Python worker ({e})"))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Check(CheckOutcome),
    Run(RunOutcome),
}

impl Outcome {
    /// The exception the learner's code (or a test) raised, if any.
    pub fn error(&self) -> Option<&PyError> {
        match self {
            Self::Run(run) => run.error.as_ref(),
            Self::Check(check) => check.error.as_ref(),
        }
    }

    /// Whether it ended in KeyboardInterrupt, as a program does when Stop reaches it.
    pub fn interrupted(&self) -> bool {
        self.error().is_some_and(|e| e.kind == KEYBOARD_INTERRUPT)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunOutcome {
    pub ok: bool,
    #[serde(default)]
    pub error: Option<PyError>,
    /// The status passed to `sys.exit()`, if the program called it.
    #[serde(default)]
    pub exit: Option<serde_json::Value>,
    /// The run, step by step, when it was asked for.
    #[serde(default)]
    pub trace: Option<Trace>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckOutcome {
    /// The learner's code (or a broken test) raised before the tests could finish.
    #[serde(default)]
    pub error: Option<PyError>,
    pub results: Vec<TestResult>,
}

impl CheckOutcome {
    pub fn solved(&self) -> bool {
        self.error.is_none() && !self.results.is_empty() && self.results.iter().all(|r| r.passed)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PyError {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub line: Option<u32>,
    /// Trimmed to the learner's own frames by the worker.
    #[serde(default)]
    pub traceback: String,
    /// Set by the worker when the error is its own, not Python's.
    #[serde(default)]
    pub cause: Option<Cause>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// A package from Pyodide's index couldn't be downloaded (offline, most likely).
    DownloadFailed,
}

impl Cause {
    pub const ALL: [Self; 1] = [Self::DownloadFailed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DownloadFailed => "download-failed",
        }
    }
}

/// `protocol.js`, the constants above for the worker (an ES module).
pub fn javascript() -> String {
    use sync_buffer as sync;
    let names = |pairs: Vec<&str>| {
        pairs
            .iter()
            .map(|s| format!("  {}: \"{s}\",", s.replace('-', "_").to_uppercase()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "// Generated by the build from src/worker/protocol.rs: change it there.\n\
         export const OUTPUT_CAP = {OUTPUT_CAP};\n\
         export const IMAGE_CAP = {IMAGE_CAP};\n\
         export const IMAGE_CAP_BYTES = {IMAGE_CAP_BYTES};\n\
         export const IMAGE_TYPES = {image_types};\n\
         export const SIGINT = {SIGINT};\n\
         export const KEYBOARD_INTERRUPT = \"{KEYBOARD_INTERRUPT}\";\n\
         export const SYNC_PATH = \"{SYNC_PATH}\";\n\
         export const SYNC = {{ IDLE: {}, ANSWERED: {}, INTERRUPTED: {}, DATA_OFFSET: {}, DATA_BYTES: {} }};\n\
         export const WORKER = {{\n{}\n}};\n\
         export const BOOT = {{\n{}\n}};\n\
         export const CAUSE = {{\n{}\n}};\n",
        sync::IDLE,
        sync::ANSWERED,
        sync::INTERRUPTED,
        sync::DATA_OFFSET,
        sync::DATA_BYTES,
        names(WorkerName::ALL.map(WorkerName::as_str).to_vec()),
        names(Boot::ALL.map(Boot::as_str).to_vec()),
        names(Cause::ALL.map(Cause::as_str).to_vec()),
        image_types = serde_json::to_string(&IMAGE_TYPES).expect("strings serialize"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The golden messages in tests/protocol/, by file name.
    fn golden(suffix: &str) -> Vec<(String, String)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/protocol");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("tests/protocol exists")
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p.file_name().unwrap().to_string_lossy().into_owned(), text)
            })
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no {suffix} files in {}", dir.display());
        files
    }

    #[test]
    fn golden_requests_are_what_the_app_sends() {
        for (name, text) in golden(".request.json") {
            let request: Request =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let want: serde_json::Value = serde_json::from_str(&text).unwrap();
            let sent: serde_json::Value = serde_json::from_str(&request.to_json()).unwrap();
            assert_eq!(sent, want, "{name} is not what the app sends");
        }
    }

    #[test]
    fn golden_outcomes_parse_as_the_runner_wrote_them() {
        let outcomes: Vec<(String, Outcome)> = golden(".outcome.json")
            .into_iter()
            .map(|(name, text)| {
                let outcome = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                (name, outcome)
            })
            .collect();
        let get = |name: &str| {
            &outcomes
                .iter()
                .find(|(n, _)| n == &format!("{name}.outcome.json"))
                .unwrap_or_else(|| panic!("no golden {name}"))
                .1
        };
        let Outcome::Run(run) = get("run-error") else {
            panic!()
        };
        let error = run.error.as_ref().unwrap();
        assert_eq!((error.kind.as_str(), error.line), ("NameError", Some(2)));
        assert!(error.traceback.contains("line 2"));
        let Outcome::Run(in_module) = get("run-files-error") else {
            panic!()
        };
        let trace = &in_module.error.as_ref().unwrap().traceback;
        assert!(
            trace.contains("File \"shop/cart.py\", line 2, in total"),
            "the learner's module is named as they know it: {trace}"
        );
        let Outcome::Run(exit) = get("run-exit") else {
            panic!()
        };
        assert_eq!((exit.ok, exit.exit.clone()), (false, Some(3.into())));
        let Outcome::Run(recorded) = get("run-trace") else {
            panic!()
        };
        let trace = recorded.trace.as_ref().expect("a trace");
        let last = trace.view(trace.len()).unwrap();
        assert_eq!(last.printed, "[1, 2]\n");
        assert!(last.announcement.ends_with("the program ends."), "{last:?}");
        let names = |frame: &crate::worker::trace::FrameView| {
            frame
                .variables
                .iter()
                .map(|v| format!("{}={}", v.name, v.text))
                .collect::<Vec<_>>()
        };
        let names = names(&last.frames[0]);
        assert!(
            names.contains(&"a=#1".into()) && names.contains(&"b=#1".into()),
            "one list, two names: {names:?}"
        );
        assert_eq!(last.objects[0].text, "list [1, 2]");
        let call = trace
            .steps
            .iter()
            .position(|s| s.event == crate::worker::trace::Event::Call)
            .unwrap();
        let inside = trace.view(call).unwrap();
        assert_eq!(
            inside.frames.len(),
            2,
            "the call stacks a frame: {inside:?}"
        );
        let Outcome::Check(failing) = get("check-asserts") else {
            panic!()
        };
        assert!(!failing.solved());
        assert_eq!(
            failing.results.iter().map(|r| r.passed).collect::<Vec<_>>(),
            [true, false]
        );
        assert!(failing.results[1].message.contains("expected"));
        for solved in [
            "check-unittest",
            "check-compare",
            "check-top-level-await",
            "check-output",
            "check-sql-answer",
            "check-files",
        ] {
            let Outcome::Check(check) = get(solved) else {
                panic!()
            };
            assert!(check.solved(), "{solved}: {check:?}");
        }
        assert!(get("check-broken-code").error().is_some());
        let Outcome::Check(pytest) = get("check-pytest") else {
            panic!()
        };
        let names: Vec<_> = pytest
            .results
            .iter()
            .map(|r| (r.name.as_str(), r.passed))
            .collect();
        assert_eq!(
            names,
            [
                ("test_double", true),
                ("test_half[4-2]", false),
                ("test_half[0-0]", true)
            ]
        );
        assert!(pytest.results[1].message.contains("where 4 = half(4)"));
        let Outcome::Check(mutation) = get("check-learner-tests") else {
            panic!()
        };
        let slipped: Vec<_> = mutation
            .results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(slipped, ["catches the bug: keeps extra spaces"]);
        let Outcome::Check(wrong) = get("check-wrong-output") else {
            panic!()
        };
        assert!(!wrong.solved());
        assert!(wrong.results[0].message.contains("expected"), "{wrong:?}");
    }

    #[test]
    fn a_check_without_a_reference_sends_no_compare() {
        let exercise: Exercise = serde_json::from_value(serde_json::json!({
            "id": "e", "title": "E", "prompt_html": "", "starter": "", "solution": "x = 1",
            "solution_html": "", "tests": {"style": "asserts", "code": "assert x == 1"},
            "hints": [],
        }))
        .unwrap();
        let json = Request::check(1, "x = 1", Vec::new(), &exercise, 7).to_json();
        assert_eq!(
            json,
            r#"{"type":"check","id":1,"code":"x = 1","tests":"assert x == 1","style":"asserts","seed":7}"#
        );
    }

    #[test]
    fn replies_parse() {
        assert_eq!(
            Reply::parse(r#"{"output":{"id":1,"stream":"stderr","text":"x"}}"#).unwrap(),
            Reply::Output {
                id: 1,
                stream: Stream::Stderr,
                text: "x".into()
            }
        );
        assert!(Reply::parse(r#"{"nonsense":{}}"#).is_err());
        assert_eq!(
            Reply::parse(r#"{"crashed":{}}"#).unwrap(),
            Reply::Crashed {}
        );
        let Reply::Ready { boot, .. } = Reply::parse(
            r#"{"ready":{"python":"3.14.2","jspi":true,"session":"s","boot":"saved-snapshot"}}"#,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(boot, Boot::SavedSnapshot);
    }

    #[test]
    fn the_workers_constants_come_from_here() {
        let js = javascript();
        for line in [
            "export const OUTPUT_CAP = 100000;",
            "export const SIGINT = 2;",
            r#"export const IMAGE_TYPES = ["image/png","image/jpeg","image/gif","image/webp","image/svg+xml"];"#,
            "  FROM_PAGE_SNAPSHOT: \"from-page-snapshot\",",
            "  SAVED_SNAPSHOT: \"saved-snapshot\",",
            "  DOWNLOAD_FAILED: \"download-failed\",",
        ] {
            assert!(js.contains(line), "{line} missing from\n{js}");
        }
        // Each boot kind round-trips through serde as the name the worker uses.
        for boot in Boot::ALL {
            assert_eq!(
                serde_json::to_string(&boot).unwrap(),
                format!("\"{}\"", boot.as_str())
            );
        }
        assert_eq!(
            serde_json::to_string(&Cause::DownloadFailed).unwrap(),
            "\"download-failed\""
        );
    }

    #[test]
    fn no_results_or_an_error_is_not_solved() {
        let result = |passed| TestResult {
            name: "t".into(),
            passed,
            message: String::new(),
        };
        let check = |results| CheckOutcome {
            error: None,
            results,
        };
        assert!(!check(vec![]).solved());
        assert!(!check(vec![result(true), result(false)]).solved());
        assert!(check(vec![result(true)]).solved());
    }
}
