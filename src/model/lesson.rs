//! A compiled lesson: typed blocks, as the app renders them.
//!
//! Prose arrives as HTML rendered at build time from trusted course Markdown; code arrives both
//! as source (to run) and as highlighted HTML (to show).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: String,
    pub blocks: Vec<Block>,
}

// Externally tagged (serde's default), like every enum the app deserializes: internally tagged
// or untagged ones buffer their input, and that code adds kilobytes to the wasm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Block {
    Prose { html: String },
    Callout { kind: CalloutKind, html: String },
    Code(CodeBlock),
    Exercise(Exercise),
    Question(Question),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CalloutKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl CalloutKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Note => "Note",
            Self::Tip => "Tip",
            Self::Important => "Important",
            Self::Warning => "Warning",
            Self::Caution => "Caution",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Tip => "tip",
            Self::Important => "important",
            Self::Warning => "warning",
            Self::Caution => "caution",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeBlock {
    /// `python`, or whatever the fence said (`text`, `output`, ...).
    pub language: String,
    pub code: String,
    /// Highlighted (Python) or escaped (anything else) HTML of `code`.
    pub html: String,
    /// Python that gets a Run button.
    pub runnable: bool,
    /// Runs in the lesson's shared namespace instead of a fresh one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
    /// Time limit in seconds, when the block overrides the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u32>,
    /// The exception the example ends with on purpose (a mistake to learn from): the test suite
    /// checks it does. For authors only, so not sent to the app.
    #[serde(skip)]
    pub raises: Option<String>,
    /// An example of several files, shown as tabs: every file in the order written, the main
    /// one (the Python that Run runs, whose text is `code`) among them. Empty for one file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ExampleFile>,
}

/// One file of a several-file example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleFile {
    /// Relative to the working folder, like `shop/cart.py`.
    pub path: String,
    pub language: String,
    pub code: String,
    pub html: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub main: bool,
}

impl CodeBlock {
    /// The namespace a Run of this example uses in lesson `lesson_id`: the lesson's shared one
    /// for `shared` blocks, else none (a fresh one each run).
    /// The namespace its Run shares with the lesson's other shared blocks, if it is shared.
    pub fn namespace(&self, lesson_id: &str) -> Option<String> {
        self.shared.then(|| format!("lesson:{lesson_id}"))
    }

    /// The text of each file as written (of the one file, for a one-file example).
    pub fn texts(&self) -> Vec<String> {
        if self.files.is_empty() {
            vec![self.code.clone()]
        } else {
            self.files.iter().map(|f| f.code.clone()).collect()
        }
    }

    /// What a Run runs, given each file's text as [`Self::texts`] orders them (the learner may
    /// have edited them): the main file's code, and the other files to write beside it.
    pub fn sources(&self, texts: &[String]) -> (String, Vec<SourceFile>) {
        if self.files.is_empty() {
            return (texts.first().cloned().unwrap_or_default(), Vec::new());
        }
        let mut main = String::new();
        let mut others = Vec::new();
        for (file, text) in self.files.iter().zip(texts) {
            if file.main {
                main = text.clone();
            } else {
                others.push(SourceFile {
                    path: file.path.clone(),
                    text: text.clone(),
                });
            }
        }
        (main, others)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exercise {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub prompt_html: String,
    pub starter: String,
    pub tests: Tests,
    pub hints: Vec<String>,
    pub solution: String,
    /// The solution, highlighted (at build time, as every code block is).
    pub solution_html: String,
    /// Also compare the learner's function with the solution's on generated inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Compare>,
    /// A checked step inside the lesson's text (`::: step`): shown compactly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub step: bool,
    /// What the code must print, compared as [`normalize_output`] leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_output: Option<String>,
    /// The answer isn't Python but text in this language (`sql`, `yaml`, `dockerfile`…): it
    /// isn't run; the tests get it as the string `answer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_language: Option<String>,
    /// The learner writes the tests: they must pass on `implementation` and catch every mutant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutation: Option<Mutation>,
    /// The main file's path, when the exercise has several files (`starter`/`solution` are its
    /// code; Check runs it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_file: Option<String>,
    /// The exercise's other files, written beside the main one before it runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ExerciseFile>,
}

/// A file of a several-file exercise besides the main one: a module, a data file…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseFile {
    /// Relative to the working folder, like `shop/models.py`.
    pub path: String,
    /// `python`, or the fence's language (`text`, `csv`…).
    pub language: String,
    pub starter: String,
    /// What the reference solution has in it (the starter, if the learner needn't change it).
    pub solution: String,
    pub solution_html: String,
}

/// A file the program finds in its working folder: its path there and its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl Exercise {
    /// The files of the reference solution besides the main one.
    pub fn solution_files(&self) -> Vec<SourceFile> {
        self.other_files(|f| &f.solution)
    }

    /// The files as the learner first gets them, besides the main one.
    pub fn starter_files(&self) -> Vec<SourceFile> {
        self.other_files(|f| &f.starter)
    }

    fn other_files(&self, text: impl Fn(&ExerciseFile) -> &String) -> Vec<SourceFile> {
        self.files
            .iter()
            .map(|f| SourceFile {
                path: f.path.clone(),
                text: text(f).clone(),
            })
            .collect()
    }
}

/// Whether `path` may name a learner's file: relative, in folders, without `..`, of letters,
/// digits, `_`, `-` and `.` (so it stays inside the working folder on every system).
pub fn is_valid_file_path(path: &str) -> bool {
    path.len() <= 200
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

/// The languages an exercise's answer may be written in besides Python: the editor highlights
/// each, and the tests read the answer as text.
pub const ANSWER_LANGUAGES: [&str; 7] =
    ["sql", "yaml", "dockerfile", "toml", "ini", "shell", "text"];

/// Code for the learner's tests to test: the correct version, and buggy ones they must catch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub implementation: String,
    pub mutants: Vec<Mutant>,
}

/// A buggy version of the implementation, and what its bug is (said when it slips through).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutant {
    pub bug: String,
    pub code: String,
}

/// A `python compare <function>` block: its code defines `cases(rng)`, which yields argument
/// tuples; the learner's function must return what the reference solution returns for each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compare {
    pub function: String,
    pub generator: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tests {
    pub style: TestStyle,
    pub code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestStyle {
    /// Plain `assert` statements, run after the learner's code.
    Asserts,
    /// `unittest.TestCase` classes, run with a unittest runner.
    Unittest,
    /// pytest test functions (```` ```python tests pytest ````), run by pytest.
    Pytest,
}

impl TestStyle {
    /// Tests that define a `TestCase` subclass are run by unittest; anything else is asserts.
    pub fn detect(code: &str) -> Self {
        if code.contains("TestCase)") {
            Self::Unittest
        } else {
            Self::Asserts
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    Choice {
        id: String,
        prompt_html: String,
        options: Vec<ChoiceOption>,
        /// Several options are correct: the learner ticks all that apply.
        multiple: bool,
        explanation_html: String,
    },
    Predict {
        id: String,
        prompt_html: String,
        code: CodeBlock,
        expected: String,
        explanation_html: String,
    },
}

impl Question {
    pub fn id(&self) -> &str {
        match self {
            Self::Choice { id, .. } | Self::Predict { id, .. } => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub html: String,
    pub correct: bool,
}

/// What a predict-the-output answer is compared on: trailing whitespace removed from every line
/// and from the end.
pub fn normalize_output(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_owned()
}

impl Lesson {
    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Exercise(e) => Some(e),
            _ => None,
        })
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Question(q) => Some(q),
            _ => None,
        })
    }

    /// What must be solved and answered for the lesson to count as done.
    pub fn gradable(&self) -> Gradable {
        Gradable {
            exercises: self.exercises().map(|e| e.id.clone()).collect(),
            questions: self.questions().map(|q| q.id().to_owned()).collect(),
        }
    }

    /// Whether any block runs Python (the app starts the runtime early for these).
    pub fn has_python(&self) -> bool {
        self.blocks.iter().any(|b| match b {
            Block::Code(c) => c.runnable,
            Block::Exercise(_) | Block::Question(Question::Predict { .. }) => true,
            _ => false,
        })
    }
}

/// The ids of a lesson's exercises and quiz questions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gradable {
    pub exercises: Vec<String>,
    pub questions: Vec<String>,
}

impl Gradable {
    pub fn is_empty(&self) -> bool {
        self.exercises.is_empty() && self.questions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_comparison_ignores_trailing_whitespace_only() {
        assert_eq!(normalize_output("6  \n\n"), "6");
        assert_eq!(normalize_output("a \r\nb\t\n"), "a\nb");
        assert_ne!(normalize_output(" 6"), normalize_output("6"));
    }

    #[test]
    fn file_paths_stay_inside_the_working_folder() {
        for good in ["main.py", "shop/models.py", "data-2024.csv", ".env"] {
            assert!(is_valid_file_path(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x.py",
            "a/../b.py",
            "a//b.py",
            "a/",
            "C:\\x",
            "a b.py",
        ] {
            assert!(!is_valid_file_path(bad), "{bad}");
        }
    }

    #[test]
    fn unittest_style_is_detected() {
        assert_eq!(
            TestStyle::detect("import unittest\nclass T(unittest.TestCase):\n    pass"),
            TestStyle::Unittest
        );
        assert_eq!(TestStyle::detect("assert f(1) == 2"), TestStyle::Asserts);
    }
}
