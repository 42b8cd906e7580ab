//! The message protocol between the app and its Python worker (`src/js/python-worker.js`), and
//! what the learner is told about errors and test results. Pure, so it is tested natively.

use crate::model::lesson::{Exercise, TestStyle};
use serde::{Deserialize, Serialize};

/// Time limit for a run when the lesson doesn't set one.
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Request {
    /// Runs code in a fresh namespace, or in the shared one named by `namespace`.
    Run {
        id: u32,
        code: String,
        namespace: String,
    },
    /// Runs the learner's code in a fresh namespace, then the exercise's hidden tests.
    Check {
        id: u32,
        code: String,
        tests: String,
        style: TestStyle,
        compare_function: String,
        generator: String,
        solution: String,
        seed: u32,
    },
    /// A line typed in answer to `input()`.
    Input { id: u32, text: String },
    /// Stop a job that is waiting in `input()` or `time.sleep()`: raises KeyboardInterrupt.
    Interrupt { id: u32 },
}

impl Request {
    pub fn check(id: u32, code: &str, exercise: &Exercise, seed: u32) -> Self {
        let (compare_function, generator) = exercise
            .compare
            .as_ref()
            .map(|c| (c.function.clone(), c.generator.clone()))
            .unwrap_or_default();
        Self::Check {
            id,
            code: code.to_owned(),
            tests: exercise.tests.code.clone(),
            style: exercise.tests.style,
            compare_function,
            generator,
            solution: exercise.solution.clone(),
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
        /// Names the worker's jobs to the service worker (see `__pyroad_sync__` in sw.js).
        session: String,
        /// How Python started: "cold", "snapshot" (the page's) or "saved-snapshot" (a visit's).
        boot: String,
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
        /// Characters printed in all, when more than the worker's cap was printed.
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
        self.error().is_some_and(|e| e.kind == "KeyboardInterrupt")
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
}

impl PyError {
    /// One plain-language sentence about the error, for the common kinds.
    pub fn explanation(&self) -> Option<String> {
        let at = self
            .line
            .map(|l| format!(" on line {l}"))
            .unwrap_or_default();
        let quoted = quoted_name(&self.message);
        Some(match self.kind.as_str() {
            "SyntaxError" => format!(
                "Python couldn't read your code{at}: something there isn't valid Python. Look for a missing `:`, bracket or quote, on that line or the one before."
            ),
            "IndentationError" | "TabError" => format!(
                "The indentation{at} doesn't fit: lines in the same block must start at the same column, and the line after a `:` must be indented."
            ),
            "NameError" => match quoted {
                Some(name) => format!(
                    "Python doesn't know the name `{name}`{at}. Check its spelling (capitals count), and that it is defined before this line runs."
                ),
                None => format!("A name{at} isn't defined yet."),
            },
            "UnboundLocalError" => format!(
                "A variable{at} is used inside a function before the function gives it a value. Assign it first, or pass it in as a parameter."
            ),
            "TypeError" => format!(
                "A value{at} is the wrong type for what is being done with it — for example adding a number to a string, or calling a function with the wrong number of arguments."
            ),
            "ValueError" => format!(
                "A value{at} has the right type but an unusable value — for example int(\"abc\")."
            ),
            "KeyError" => format!(
                "The dictionary{at} has no key {}. Check the spelling, or use .get() to supply a default.",
                if self.message.is_empty() {
                    "like that".to_owned()
                } else {
                    self.message.clone()
                }
            ),
            "IndexError" => format!(
                "An index{at} is past the end of the sequence. Positions start at 0, so the last item of a list of n items is at n - 1."
            ),
            "AttributeError" => format!(
                "The value{at} has no attribute or method by that name. Check the spelling and what type the value really is."
            ),
            "ZeroDivisionError" => {
                format!("Something{at} was divided by zero, which has no answer.")
            }
            "RecursionError" => format!(
                "A function{at} kept calling itself without stopping. Check that the recursion has a base case it always reaches."
            ),
            "ModuleNotFoundError" if self.message.contains("downloaded from the internet") => {
                "This code uses a package that PyRoad downloads from Pyodide's package index when it is first needed, and the download didn't work.".to_owned()
            }
            "ModuleNotFoundError" | "ImportError" => format!(
                "That module{at} isn't available here. Check its name; packages outside the standard library need a lesson that loads them."
            ),
            "FileNotFoundError" => format!(
                "There is no file at that path{at}. Files live in the browser's memory here: create the file before opening it for reading."
            ),
            "AssertionError" => format!("An assert{at} was false."),
            "KeyboardInterrupt" => "The program was stopped.".to_owned(),
            "MemoryError" => {
                format!("The program{at} asked for more memory than the browser can give it.")
            }
            "OverflowError" => format!("A number{at} grew too large to handle."),
            "StopIteration" => {
                format!("next(){at} was called on an iterator that had run out of items.")
            }
            _ => return None,
        })
    }
}

/// The first 'quoted' word of an error message (`name 'x' is not defined` → `x`).
fn quoted_name(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_serialize_as_the_worker_expects() {
        let run = Request::Run {
            id: 3,
            code: "print(1)".into(),
            namespace: String::new(),
        };
        assert_eq!(
            run.to_json(),
            r#"{"type":"run","id":3,"code":"print(1)","namespace":""}"#
        );
        assert_eq!(
            Request::Input {
                id: 1,
                text: "Ada".into()
            }
            .to_json(),
            r#"{"type":"input","id":1,"text":"Ada"}"#
        );
    }

    #[test]
    fn replies_parse() {
        let done = Reply::parse(
            r#"{"done":{"id":2,"result":{"run":{"ok":false,"error":{"type":"NameError","message":"name 'x' is not defined","line":3,"traceback":"T"}}},"elapsed_ms":4.5,"output_cut_total":0}}"#,
        )
        .unwrap();
        let Reply::Done {
            result: Outcome::Run(run),
            ..
        } = done
        else {
            panic!("{done:?}")
        };
        assert!(!run.ok);
        let error = run.error.unwrap();
        assert_eq!(
            error.explanation().unwrap(),
            "Python doesn't know the name `x` on line 3. Check its spelling (capitals count), and that it is defined before this line runs."
        );

        let checked = Reply::parse(
            r#"{"done":{"id":2,"result":{"check":{"results":[{"name":"f(1) == 2","passed":true,"message":""}]}},"elapsed_ms":1}}"#,
        )
        .unwrap();
        let Reply::Done {
            result: Outcome::Check(c),
            ..
        } = checked
        else {
            panic!()
        };
        assert!(c.solved());
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
    }

    #[test]
    fn no_results_or_an_error_is_not_solved() {
        let empty = CheckOutcome {
            error: None,
            results: vec![],
        };
        assert!(!empty.solved());
        let failing = CheckOutcome {
            error: None,
            results: vec![
                TestResult {
                    name: "a".into(),
                    passed: true,
                    message: String::new(),
                },
                TestResult {
                    name: "b".into(),
                    passed: false,
                    message: "no".into(),
                },
            ],
        };
        assert!(!failing.solved());
    }

    #[test]
    fn common_errors_are_explained() {
        let err = |kind: &str, message: &str| PyError {
            kind: kind.into(),
            message: message.into(),
            line: Some(2),
            traceback: String::new(),
        };
        for kind in [
            "SyntaxError",
            "IndentationError",
            "NameError",
            "TypeError",
            "ValueError",
            "KeyError",
            "IndexError",
            "AttributeError",
            "ZeroDivisionError",
            "RecursionError",
            "ModuleNotFoundError",
        ] {
            let text = err(kind, "'k'")
                .explanation()
                .unwrap_or_else(|| panic!("{kind} has no explanation"));
            assert!(
                text.contains("line 2") || kind == "KeyboardInterrupt",
                "{kind}: {text}"
            );
        }
        assert!(
            err("KeyError", "'colour'")
                .explanation()
                .unwrap()
                .contains("no key 'colour'")
        );
        assert_eq!(err("MyOwnError", "x").explanation(), None);
    }
}
