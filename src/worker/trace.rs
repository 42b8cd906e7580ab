//! A run recorded step by step (`src/python/pyroad_trace.py` records it), and what the Step
//! through view shows at each step: the line, the frames with their variables, the numbered
//! objects, the output so far, and what changed since the step before.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Trace {
    pub steps: Vec<Step>,
    /// Everything the run printed; each step says how many characters of it came before.
    #[serde(default)]
    pub printed: String,
    /// The program was stopped at `limit` steps.
    #[serde(default)]
    pub cut: bool,
    #[serde(default)]
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Step {
    /// The line about to run (for a call, the `def` line; for a return or an exception, the
    /// line it happened on).
    pub line: u32,
    pub event: Event,
    /// The call stack, outermost (the program itself) first.
    pub frames: Vec<Frame>,
    /// The numbered objects the variables reach: `(number, text)`, a variable showing `#number`.
    #[serde(default)]
    pub objects: Vec<(u32, String)>,
    /// Characters of `Trace::printed` printed before this step.
    #[serde(default)]
    pub printed: usize,
    #[serde(default)]
    pub exception: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    Line,
    Call,
    Return,
    Exception,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Frame {
    pub name: String,
    pub line: u32,
    pub variables: Vec<(String, String)>,
}

/// One step as shown: every value marked when it changed since the previous step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    /// 1-based, of `total`.
    pub number: usize,
    pub total: usize,
    pub line: u32,
    /// The line the previous step was on, if another one.
    pub previous_line: Option<u32>,
    pub frames: Vec<FrameView>,
    pub objects: Vec<Shown>,
    pub printed: String,
    pub exception: Option<String>,
    /// One sentence for screen readers: "Step 3 of 12: line 4, calls fact."
    pub announcement: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrameView {
    /// "the program" for the module, else the function's name.
    pub name: String,
    /// The line the frame is at: for a caller, the line of its call.
    pub line: u32,
    pub variables: Vec<Shown>,
}

/// A name (or `#n` of an object) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub name: String,
    pub text: String,
    /// For a variable bound to an object (`text` is `#n`): the object's contents, shown beside.
    pub object: Option<String>,
    pub changed: bool,
}

impl Trace {
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Step `index` (0-based, clamped to the last) as the view shows it.
    pub fn view(&self, index: usize) -> Option<StepView> {
        let index = index.min(self.steps.len().checked_sub(1)?);
        let step = &self.steps[index];
        let before = index.checked_sub(1).map(|i| &self.steps[i]);
        let changed_objects: Vec<u32> = step
            .objects
            .iter()
            .filter(|(n, text)| {
                before.is_some_and(|b| !b.objects.iter().any(|(m, t)| m == n && t == text))
            })
            .map(|(n, _)| *n)
            .collect();
        let frames = step
            .frames
            .iter()
            .enumerate()
            .map(|(depth, frame)| {
                // The same frame in the step before: same depth, same function.
                let earlier = before
                    .and_then(|b| b.frames.get(depth))
                    .filter(|f| f.name == frame.name);
                FrameView {
                    line: frame.line,
                    name: if depth == 0 {
                        "the program".to_owned()
                    } else {
                        frame.name.clone()
                    },
                    variables: frame
                        .variables
                        .iter()
                        .map(|(name, text)| {
                            let was = earlier.and_then(|f| {
                                f.variables.iter().find(|(n, _)| n == name).map(|(_, t)| t)
                            });
                            let object = object_number(text);
                            let object_changed =
                                object.is_some_and(|n| changed_objects.contains(&n));
                            Shown {
                                name: name.clone(),
                                text: text.clone(),
                                object: object.and_then(|n| {
                                    step.objects
                                        .iter()
                                        .find(|(m, _)| *m == n)
                                        .map(|(_, t)| t.clone())
                                }),
                                changed: before.is_some() && (was != Some(text) || object_changed),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let objects = step
            .objects
            .iter()
            .map(|(n, text)| Shown {
                name: format!("#{n}"),
                text: text.clone(),
                object: None,
                changed: changed_objects.contains(n),
            })
            .collect();
        let number = index + 1;
        let total = self.steps.len();
        let what = match (step.event, &step.exception) {
            (Event::Exception, Some(e)) => format!(", raises {e}"),
            (Event::Call, _) => format!(", calls {}", step.frames.last().map_or("", |f| &f.name)),
            (Event::Return, _) if step.frames.len() > 1 => {
                let value = step
                    .frames
                    .last()
                    .and_then(|f| f.variables.iter().find(|(n, _)| n == RETURN_VALUE))
                    .map_or("", |(_, v)| v.as_str());
                format!(
                    ", {} returns {value}",
                    step.frames.last().map_or("", |f| &f.name)
                )
            }
            (Event::Return, _) => ", the program ends".to_owned(),
            _ => String::new(),
        };
        Some(StepView {
            number,
            total,
            line: step.line,
            previous_line: before.map(|b| b.line).filter(|l| *l != step.line),
            frames,
            objects,
            printed: self.printed.chars().take(step.printed).collect(),
            exception: step.exception.clone(),
            announcement: format!("Step {number} of {total}: line {}{what}.", step.line),
        })
    }
}

/// The name under which a frame that returns shows its value.
pub const RETURN_VALUE: &str = "Return value";

/// `Some(n)` for a value shown as the object `#n`.
fn object_number(text: &str) -> Option<u32> {
    text.strip_prefix('#')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trace as the recorder writes it, for `a = [1]; b = a; b.append(2); print(a)`.
    fn aliasing() -> Trace {
        serde_json::from_str(
            r##"{"steps": [
              {"line": 1, "event": "line", "frames": [{"name": "<module>", "line": 1, "variables": []}], "objects": [], "printed": 0},
              {"line": 2, "event": "line", "frames": [{"name": "<module>", "line": 2, "variables": [["a", "#1"]]}], "objects": [[1, "list [1]"]], "printed": 0},
              {"line": 3, "event": "line", "frames": [{"name": "<module>", "line": 3, "variables": [["a", "#1"], ["b", "#1"]]}], "objects": [[1, "list [1]"]], "printed": 0},
              {"line": 4, "event": "line", "frames": [{"name": "<module>", "line": 4, "variables": [["a", "#1"], ["b", "#1"]]}], "objects": [[1, "list [1, 2]"]], "printed": 0},
              {"line": 4, "event": "return", "frames": [{"name": "<module>", "line": 4, "variables": [["a", "#1"], ["b", "#1"]]}], "objects": [[1, "list [1, 2]"]], "printed": 7}
            ], "printed": "[1, 2]\n", "cut": false, "limit": 1000}"##,
        )
        .expect("a trace")
    }

    #[test]
    fn a_new_name_is_marked_changed_and_an_unchanged_one_is_not() {
        let step = aliasing().view(2).unwrap();
        let vars = &step.frames[0].variables;
        assert_eq!((vars[0].name.as_str(), vars[0].changed), ("a", false));
        assert_eq!((vars[1].name.as_str(), vars[1].changed), ("b", true));
        assert_eq!(step.previous_line, Some(2));
        assert_eq!(step.announcement, "Step 3 of 5: line 3.");
    }

    #[test]
    fn changing_a_shared_list_marks_every_name_bound_to_it() {
        let step = aliasing().view(3).unwrap();
        assert!(step.frames[0].variables.iter().all(|v| v.changed));
        assert_eq!(step.objects[0].name, "#1");
        assert!(step.objects[0].changed);
        assert_eq!(
            step.frames[0].variables[1].object.as_deref(),
            Some("list [1, 2]"),
            "the object's contents beside the name"
        );
    }

    #[test]
    fn output_is_shown_up_to_the_step_and_the_end_is_announced() {
        let trace = aliasing();
        assert_eq!(trace.view(3).unwrap().printed, "");
        let last = trace.view(99).unwrap();
        assert_eq!(last.printed, "[1, 2]\n");
        assert_eq!(last.number, 5);
        assert!(last.announcement.ends_with("the program ends."));
        assert_eq!(last.previous_line, None, "the same line as the step before");
    }

    #[test]
    fn calls_returns_and_exceptions_are_announced() {
        let trace: Trace = serde_json::from_str(
            r##"{"steps": [
              {"line": 1, "event": "call", "frames": [{"name": "<module>", "line": 3, "variables": []}, {"name": "half", "line": 1, "variables": [["n", "4"]]}]},
              {"line": 2, "event": "return", "frames": [{"name": "<module>", "line": 3, "variables": []}, {"name": "half", "line": 2, "variables": [["n", "4"], ["Return value", "2.0"]]}]},
              {"line": 4, "event": "exception", "frames": [{"name": "<module>", "line": 4, "variables": []}], "exception": "ZeroDivisionError: division by zero"}
            ]}"##,
        )
        .unwrap();
        assert_eq!(
            trace.view(0).unwrap().announcement,
            "Step 1 of 3: line 1, calls half."
        );
        let first = trace.view(0).unwrap();
        assert_eq!(first.frames[0].name, "the program");
        assert_eq!(
            (first.frames[0].line, first.frames[1].line),
            (3, 1),
            "the caller waits at its call, the callee starts at its def"
        );
        assert_eq!(
            trace.view(1).unwrap().announcement,
            "Step 2 of 3: line 2, half returns 2.0."
        );
        assert_eq!(
            trace.view(2).unwrap().announcement,
            "Step 3 of 3: line 4, raises ZeroDivisionError: division by zero."
        );
    }

    #[test]
    fn an_empty_trace_has_no_step() {
        let trace = Trace {
            steps: vec![],
            printed: String::new(),
            cut: false,
            limit: 1000,
        };
        assert_eq!(trace.view(0), None);
    }
}
