//! The `::: exercise`, `::: choice` and `::: predict` blocks: their items sorted into fields,
//! checked, and built into lesson blocks.

use super::items::{Item, is_list, top_level_items};
use super::render::{callout_events, static_code_html};
use super::{BLOCK_KINDS, LessonParser, is_identifier};
use crate::build::highlight::{escape_html, python_html};
use crate::model::course::is_valid_id;
use crate::model::lesson::{
    ANSWER_LANGUAGES, Block, ChoiceOption, Compare, Exercise, ExerciseFile, Mutant, Mutation,
    Question, TestStyle, Tests, is_valid_file_path,
};
use pulldown_cmark::{CowStr, Event};
use std::collections::BTreeMap;

/// What a fenced code block is for, inside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Starter,
    Tests,
    Solution,
    Compare,
    /// What the learner's own tests test (with `mutant` blocks).
    Implementation,
    /// A predict question's program.
    Code,
    /// What a predict question's program prints.
    Output,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Starter => "starter",
            Self::Tests => "tests",
            Self::Solution => "solution",
            Self::Compare => "compare",
            Self::Implementation => "implementation",
            Self::Code => "code",
            Self::Output => "output",
        }
    }

    /// The error for a block `id` without this code.
    fn missing(self, id: &str) -> String {
        match self {
            Self::Tests => format!(
                "exercise `{id}` has no tests: add a ```python tests block with asserts or unittest.TestCase classes"
            ),
            Self::Solution => {
                format!("exercise `{id}` has no reference solution: add a ```python solution block")
            }
            Self::Code => format!("question `{id}` has no ```python block to predict"),
            Self::Output => {
                format!("question `{id}` has no ```output block with what the code prints")
            }
            Self::Starter | Self::Compare | Self::Implementation => {
                format!("block `{id}` has no {} block", self.name())
            }
        }
    }

    /// The role of a fence with info string `info` inside a `kind` block, if it has one.
    fn of(kind: &str, info: &str) -> Option<Self> {
        let mut words = info.split_whitespace();
        match (kind, words.next().unwrap_or(""), words.next()) {
            ("step", "output", None) => Some(Self::Output),
            // A text answer (`sql starter`): see [`ANSWER_LANGUAGES`].
            ("exercise", lang, Some(role @ ("starter" | "solution")))
                if ANSWER_LANGUAGES.contains(&lang) =>
            {
                [Self::Starter, Self::Solution]
                    .into_iter()
                    .find(|r| r.name() == role)
            }
            ("exercise" | "step", "python", Some(role)) => [
                Self::Starter,
                Self::Tests,
                Self::Solution,
                Self::Compare,
                Self::Implementation,
            ]
            .into_iter()
            .find(|r| r.name() == role),
            ("predict", "python", None) => Some(Self::Code),
            ("predict", "output", None) => Some(Self::Output),
            _ => None,
        }
    }
}

/// A fenced code block with the line it starts on and its info string.
struct Fenced {
    code: String,
    line: usize,
    info: String,
}

/// Fields of a block collected while walking its items.
#[derive(Default)]
struct Fields {
    title: Option<String>,
    prompt: Vec<Event<'static>>,
    code: BTreeMap<Role, Fenced>,
    hints: Vec<String>,
    explanation: Option<String>,
    options: Option<Vec<ChoiceOption>>,
    /// ```` ```python mutant <the bug> ```` blocks, in order.
    mutants: Vec<Mutant>,
    /// ```` ```python starter file=shop/models.py ```` and the like, in order.
    files: Vec<FileFence>,
}

/// A fence with `file=`: one version of one file of a several-file exercise.
struct FileFence {
    path: String,
    language: String,
    /// `starter`, `solution`, or neither: a file given as it is (starter and solution alike).
    role: Option<Role>,
    main: bool,
    code: String,
    line: usize,
}

/// Whether a fence's info string gives a file (`file=…`).
pub(super) fn names_a_file(info: &str) -> bool {
    info.split_whitespace().any(|w| w.starts_with("file="))
}

impl LessonParser<'_> {
    pub(super) fn container(
        &mut self,
        kind: &str,
        id: Option<&str>,
        line: usize,
        body_line: usize,
        body: &str,
    ) -> Option<Block> {
        if !matches!(kind, "exercise" | "step" | "choice" | "predict") {
            self.error(
                line,
                format!("unknown block `{kind}`: expected {BLOCK_KINDS}"),
            );
            return None;
        }
        let Some(id) = id else {
            self.error(
                line,
                format!("`::: {kind}` needs an id, like `::: {kind} my-{kind}`"),
            );
            return None;
        };
        if !is_valid_id(id) {
            self.error(
                line,
                format!("block id `{id}`: use lowercase letters, digits and `-`"),
            );
        }
        if let Some(first) = self.block_ids.get(id) {
            let first = *first;
            self.error(
                line,
                format!("duplicate id `{id}`: already used on line {first}"),
            );
        } else {
            self.block_ids.insert(id.to_owned(), line);
        }
        let fields = self.fields(kind, body, body_line);
        let errors_before = self.errors.len();
        let block = match kind {
            "exercise" => self.exercise(id, line, fields),
            "step" => self.step(id, line, fields),
            "choice" => self.choice(id, line, fields),
            _ => self.predict(id, line, fields),
        };
        (self.errors.len() == errors_before)
            .then_some(block)
            .flatten()
    }

    /// Walks a block's items, sorting them into fields; what is left is the prompt.
    fn fields(&mut self, kind: &str, body: &str, body_line: usize) -> Fields {
        let mut f = Fields::default();
        for item in top_level_items(body, body_line) {
            match item {
                Item::Heading { text, .. }
                    if matches!(kind, "exercise" | "step") && f.title.is_none() && f.prompt.is_empty() =>
                {
                    f.title = Some(text);
                }
                Item::Code { info, code, .. }
                    if kind == "exercise" && info.split_whitespace().nth(1) == Some("mutant") =>
                {
                    let bug = info.split_whitespace().skip(2).collect::<Vec<_>>().join(" ");
                    f.mutants.push(Mutant { bug, code });
                }
                Item::Code { info, code, line } if kind == "step" && names_a_file(&info) => {
                    self.error(line, "a step has one file: make this an exercise to give it several");
                    let _ = code;
                }
                Item::Code { info, code, line } if kind == "exercise" && names_a_file(&info) => {
                    if let Some(file) = self.file_fence(&info, code, line) {
                        f.files.push(file);
                    }
                }
                Item::Code { info, code, line } => {
                    match Role::of(kind, &info) {
                        Some(role) => {
                            if let Some(first) = f.code.get(&role) {
                                let (first, name) = (first.line, role.name());
                                self.error(line, format!("a second `{name}` code block: the first is on line {first}"));
                            } else {
                                f.code.insert(role, Fenced { code, line, info });
                            }
                        }
                        None => {
                            let block = self.code_block(&info, code, line);
                            f.prompt.push(Event::Html(CowStr::from(static_code_html(&block))));
                        }
                    }
                }
                Item::Marked { word, body, line } => match (word.as_str(), kind) {
                    ("HINT", "exercise" | "step") => {
                        let html = self.markdown_html(&body, line + 1);
                        f.hints.push(html);
                    }
                    ("EXPLAIN", "choice" | "predict") => {
                        if f.explanation.is_some() {
                            self.error(line, "a second `[!EXPLAIN]`: give one explanation per question");
                        }
                        f.explanation = Some(self.markdown_html(&body, line + 1));
                    }
                    _ => self.error(
                        line,
                        format!("`[!{word}]` doesn't belong in a `{kind}` block (exercises take [!HINT], questions [!EXPLAIN])"),
                    ),
                },
                Item::TaskList { options, line } if kind == "choice" => {
                    if f.options.is_some() {
                        self.error(line, "a question has one list of options");
                    }
                    let options = options
                        .into_iter()
                        .map(|(correct, events)| {
                            let owned: Vec<Event<'static>> = events.into_iter().map(Event::into_static).collect();
                            ChoiceOption {
                                html: self.render(owned).trim().to_owned(),
                                correct,
                            }
                        })
                        .collect();
                    f.options = Some(options);
                }
                Item::TaskList { options, .. } => {
                    let events = Self::render_task_list(options);
                    f.prompt.extend(events.into_iter().map(Event::into_static));
                }
                Item::Other { events, line } if kind == "choice" && is_list(&events) && f.options.is_none() => {
                    self.error(line, "each option starts with `[ ]` (wrong) or `[x]` (right), like `- [x] a list`");
                }
                Item::Callout { kind, events } => {
                    f.prompt.extend(callout_events(kind, events).into_iter().map(Event::into_static));
                }
                Item::Heading { events, .. } | Item::Other { events, .. } => {
                    f.prompt.extend(events.into_iter().map(Event::into_static));
                }
            }
        }
        f
    }

    fn prompt(&mut self, f: &mut Fields, kind: &str, line: usize) -> String {
        if f.prompt.is_empty() {
            self.error(
                line,
                format!("this `{kind}` block has no prompt: say what the learner should do"),
            );
        }
        self.render(std::mem::take(&mut f.prompt))
    }

    /// The block's `role` code, or an error saying how to add it to block `id`.
    fn required_code(
        &mut self,
        f: &mut Fields,
        role: Role,
        id: &str,
        line: usize,
    ) -> Option<Fenced> {
        let found = f.code.remove(&role);
        if found.is_none() {
            self.error(line, role.missing(id));
        }
        found
    }

    fn exercise(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let files = self.exercise_files(&mut f, id, line);
        let Some(Block::Exercise(exercise)) = self.exercise_checked("exercise", id, line, f) else {
            return None;
        };
        let (main_file, files) = files?;
        Some(Block::Exercise(Exercise {
            main_file,
            files,
            ..exercise
        }))
    }

    /// A fence like ```` ```python starter file=shop/models.py main ````.
    fn file_fence(&mut self, info: &str, code: String, line: usize) -> Option<FileFence> {
        let mut words = info.split_whitespace();
        let language = words.next().unwrap_or("text").to_owned();
        let (mut path, mut role, mut main) = (None, None, false);
        for word in words {
            match word {
                "starter" => role = Some(Role::Starter),
                "solution" => role = Some(Role::Solution),
                "main" => main = true,
                w if w.starts_with("file=") => path = self.file_path(w, line),
                w => self.error(line, format!("unknown option `{w}` on a file block (they take starter or solution, file=<path> and main)")),
            }
        }
        if main && language != "python" {
            self.error(
                line,
                "the main file is the Python that Check runs: mark a ```python block main",
            );
        }
        Some(FileFence {
            path: path?,
            language,
            role,
            main,
            code,
            line,
        })
    }

    /// The path of a fence's `file=<path>` word, checked.
    pub(super) fn file_path(&mut self, word: &str, line: usize) -> Option<String> {
        let path = &word["file=".len()..];
        if is_valid_file_path(path) {
            return Some(path.to_owned());
        }
        self.error(line, format!("`{word}`: a file's path is relative, like file=shop/models.py, made of letters, digits, `_`, `-` and `.`"));
        None
    }

    /// Sorts an exercise's file blocks into files: its main one becomes the starter and
    /// solution the exercise runs, the others its `files`. `(None, [])` without file blocks.
    fn exercise_files(
        &mut self,
        f: &mut Fields,
        id: &str,
        line: usize,
    ) -> Option<(Option<String>, Vec<ExerciseFile>)> {
        let fences = std::mem::take(&mut f.files);
        if fences.is_empty() {
            return Some((None, Vec::new()));
        }
        if let Some(single) = f.code.get(&Role::Starter).or(f.code.get(&Role::Solution)) {
            self.error(
                single.line,
                format!("exercise `{id}` has files: give this block a file=<path> too, or drop it"),
            );
            return None;
        }
        if f.mutants.len() + usize::from(f.code.contains_key(&Role::Implementation)) > 0 {
            self.error(
                line,
                format!("exercise `{id}`: an exercise whose learner writes the tests has one file"),
            );
            return None;
        }
        // Path → (language, starter, solution), in the order the files first appear.
        let mut files: Vec<(String, String, Option<String>, Option<String>)> = Vec::new();
        let mut main: Option<(String, usize)> = None;
        for fence in fences {
            if fence.main {
                if let Some((first, at)) = &main
                    && *first != fence.path
                {
                    self.error(
                        fence.line,
                        format!("a second main file: `{first}` is marked main on line {at}"),
                    );
                }
                main = Some((fence.path.clone(), fence.line));
            }
            let at = match files.iter().position(|(p, ..)| *p == fence.path) {
                Some(at) => at,
                None => {
                    files.push((fence.path.clone(), fence.language.clone(), None, None));
                    files.len() - 1
                }
            };
            let entry = &mut files[at];
            if entry.1 != fence.language {
                self.error(
                    fence.line,
                    format!(
                        "`{}` is written in {} here and in {} before",
                        fence.path, fence.language, entry.1
                    ),
                );
            }
            let (slot, what) = match fence.role {
                Some(Role::Solution) => (&mut entry.3, "solution"),
                _ => (&mut entry.2, "starter"),
            };
            if slot.is_some() {
                self.error(fence.line, format!("a second {what} of `{}`", fence.path));
            }
            *slot = Some(fence.code);
        }
        let main = match main {
            Some((path, _)) => path,
            None => match files.iter().find(|(_, language, ..)| language == "python") {
                Some((path, ..)) => path.clone(),
                None => {
                    self.error(line, format!("exercise `{id}` has no Python file to run"));
                    return None;
                }
            },
        };
        let mut others = Vec::new();
        for (path, language, starter, solution) in files {
            let starter = starter.unwrap_or_default();
            let solution = solution.unwrap_or_else(|| starter.clone());
            if path == main {
                for (role, code) in [(Role::Starter, starter), (Role::Solution, solution)] {
                    let info = format!("python {}", role.name());
                    f.code.insert(role, Fenced { code, line, info });
                }
                continue;
            }
            let solution_html = if language == "python" {
                python_html(&solution)
            } else {
                escape_html(&solution)
            };
            others.push(ExerciseFile {
                path,
                language,
                starter,
                solution,
                solution_html,
            });
        }
        Some((Some(main), others))
    }

    /// An exercise, or the body of a step (`kind`), whose tests may be empty.
    fn exercise_checked(
        &mut self,
        kind: &str,
        id: &str,
        line: usize,
        mut f: Fields,
    ) -> Option<Block> {
        let prompt_html = self.prompt(&mut f, kind, line);
        let mutation = self.mutation(&mut f, id, line);
        if mutation.is_some() {
            // The learner's tests are what is checked: there are no hidden ones.
            f.code.entry(Role::Tests).or_insert(Fenced {
                code: String::new(),
                line,
                info: "python tests pytest".into(),
            });
        }
        let tests = self.required_code(&mut f, Role::Tests, id, line);
        let solution = self.required_code(&mut f, Role::Solution, id, line);
        if let Some(Fenced {
            code, line: tline, ..
        }) = &tests
            && kind == "exercise"
            && mutation.is_none()
            && code.trim().is_empty()
        {
            self.error(*tline, format!("exercise `{id}` has an empty tests block"));
        }
        let starter = f
            .code
            .remove(&Role::Starter)
            .map(|f| f.code)
            .unwrap_or_default();
        let compare = f.code.remove(&Role::Compare).and_then(
            |Fenced {
                 code: generator,
                 line: cline,
                 info,
             }| {
                let function = info.split_whitespace().nth(2).unwrap_or("");
                if !is_identifier(function) {
                    self.error(
                        cline,
                        "name the function to compare: ```python compare my_function",
                    );
                    return None;
                }
                if !generator.contains("def cases(") {
                    self.error(
                        cline,
                        "a compare block defines `def cases(rng):` that yields argument tuples",
                    );
                }
                Some(Compare {
                    function: function.to_owned(),
                    generator,
                })
            },
        );
        let tests = tests?;
        // `python tests pytest`: pytest functions; otherwise asserts or unittest, as written.
        let style = if tests.info.split_whitespace().nth(2) == Some("pytest") {
            TestStyle::Pytest
        } else {
            TestStyle::detect(&tests.code)
        };
        // A step checked by its output has that result; otherwise the results are the tests'.
        if kind == "exercise" && style == TestStyle::Asserts && mutation.is_none() {
            self.require_top_level_assert(id, &tests);
        }
        let tests = tests.code;
        let solution = solution?;
        let language = solution
            .info
            .split_whitespace()
            .next()
            .unwrap_or("python")
            .to_owned();
        if let Some(starter) = f.code.get(&Role::Starter)
            && !starter.info.starts_with(&format!("{language} "))
        {
            self.error(
                starter.line,
                format!("exercise `{id}`: the starter and the solution are in different languages"),
            );
        }
        let answer_language = (language != "python").then_some(language);
        let solution_html = match answer_language {
            None => python_html(&solution.code),
            Some(_) => escape_html(&solution.code),
        };
        let solution = solution.code;
        Some(Block::Exercise(Exercise {
            id: id.to_owned(),
            title: f.title,
            prompt_html,
            starter,
            tests: Tests { style, code: tests },
            hints: f.hints,
            solution_html,
            solution,
            compare,
            step: false,
            expected_output: None,
            mutation,
            answer_language,
            main_file: None,
            files: Vec::new(),
        }))
    }

    /// An `implementation` block and its `mutant`s: both, or neither.
    fn mutation(&mut self, f: &mut Fields, id: &str, line: usize) -> Option<Mutation> {
        let implementation = f.code.remove(&Role::Implementation);
        let mutants = std::mem::take(&mut f.mutants);
        match (implementation, mutants.is_empty()) {
            (None, true) => None,
            (Some(implementation), false) => Some(Mutation {
                implementation: implementation.code,
                mutants,
            }),
            (Some(_), true) => {
                self.error(line, format!("exercise `{id}` has an implementation but no ```python mutant <the bug> blocks for the learner's tests to catch"));
                None
            }
            (None, false) => {
                self.error(line, format!("exercise `{id}` has mutants but no ```python implementation block, the correct version"));
                None
            }
        }
    }

    /// A step is a small exercise inside the text, checked by what it prints, by tests over
    /// its names, or both.
    /// Each top-level assert is one result: asserts only inside a loop or a function would leave
    /// no result when they pass, and a check without results is never solved.
    fn require_top_level_assert(&mut self, id: &str, tests: &Fenced) {
        if !tests.code.contains("TestCase)") && !tests.code.lines().any(|l| l.starts_with("assert"))
        {
            self.error(
                tests.line,
                format!("`{id}`: its tests have no `assert` at the top level, so a right answer would get no result (collect what is wrong in a loop, then assert on it once)"),
            );
        }
    }

    fn step(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let expected_output = f.code.remove(&Role::Output).map(|o| o.code);
        if expected_output.is_none()
            && let Some(tests) = f.code.get(&Role::Tests)
        {
            self.require_top_level_assert(id, tests);
        }
        if expected_output.is_none() && !f.code.contains_key(&Role::Tests) {
            self.error(
                line,
                format!("step `{id}` has nothing to check: add a ```output block with what the code prints, a ```python tests block, or both"),
            );
            return None;
        }
        // Checked by its output alone: no tests to run after it.
        f.code.entry(Role::Tests).or_insert(Fenced {
            code: String::new(),
            line,
            info: String::new(),
        });
        let Some(Block::Exercise(exercise)) = self.exercise_checked("step", id, line, f) else {
            return None;
        };
        Some(Block::Exercise(Exercise {
            step: true,
            expected_output,
            ..exercise
        }))
    }

    fn choice(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let prompt_html = self.prompt(&mut f, "choice", line);
        let explanation_html = self.explanation(&mut f, id, line);
        let Some(options) = f.options else {
            self.error(
                line,
                format!("question `{id}` has no options: add a list of `- [ ]` / `- [x]` items"),
            );
            return None;
        };
        if options.len() < 2 {
            self.error(line, format!("question `{id}` needs at least two options"));
        }
        let correct = options.iter().filter(|o| o.correct).count();
        if correct == 0 {
            self.error(
                line,
                format!("quiz `{id}` has no correct answer: mark at least one option with [x]"),
            );
        }
        Some(Block::Question(Question::Choice {
            id: id.to_owned(),
            prompt_html,
            multiple: correct > 1,
            options,
            explanation_html: explanation_html?,
        }))
    }

    fn predict(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let prompt_html = self.prompt(&mut f, "predict", line);
        let explanation_html = self.explanation(&mut f, id, line);
        let code = self.required_code(&mut f, Role::Code, id, line);
        let output = self.required_code(&mut f, Role::Output, id, line);
        let Fenced {
            code,
            line: code_line,
            info,
        } = code?;
        let expected = output?.code;
        Some(Block::Question(Question::Predict {
            id: id.to_owned(),
            prompt_html,
            code: self.code_block(&info, code, code_line),
            expected,
            explanation_html: explanation_html?,
        }))
    }

    fn explanation(&mut self, f: &mut Fields, id: &str, line: usize) -> Option<String> {
        let explanation = f.explanation.take();
        if explanation.is_none() {
            self.error(line, format!("question `{id}` has no explanation: add a `> [!EXPLAIN]` quote saying why the answer is right"));
        }
        explanation
    }
}
