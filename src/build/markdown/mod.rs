//! Markdown → lesson blocks: the lesson format described in `content/AUTHORING.md`.
//!
//! A lesson file is split into Markdown segments and `::: kind id` … `:::` blocks by a line
//! scanner (so line numbers stay exact), then each part is parsed with pulldown-cmark and its
//! top-level items are interpreted: prose, code, callouts, exercise fields, quiz options.

mod blocks;
mod fence;
mod items;
mod render;
mod segments;

use self::items::top_level_items;
use self::segments::{Segment, split_segments};
use crate::build::error::ContentError;
use crate::model::lesson::Lesson;
use std::collections::{BTreeMap, BTreeSet};

const BLOCK_KINDS: &str = "`exercise`, `step`, `choice` or `predict`";

/// Parses one lesson file. `file` is the path used in error messages.
pub fn parse_lesson(id: &str, file: &str, source: &str) -> Result<Lesson, Vec<ContentError>> {
    let mut parser = LessonParser {
        file,
        errors: Vec::new(),
        slugs: BTreeSet::new(),
        block_ids: BTreeMap::new(),
    };
    let mut blocks = Vec::new();
    for segment in split_segments(source, &mut parser) {
        match segment {
            Segment::Markdown { line, text } => {
                let items = top_level_items(text, line);
                blocks.extend(parser.prose_blocks(items));
            }
            Segment::Container {
                kind,
                id,
                line,
                body_line,
                body,
            } => {
                if let Some(block) = parser.container(kind, id, line, body_line, body) {
                    blocks.push(block);
                }
            }
        }
    }
    if parser.errors.is_empty() {
        Ok(Lesson {
            id: id.to_owned(),
            blocks,
        })
    } else {
        Err(parser.errors)
    }
}

struct LessonParser<'f> {
    file: &'f str,
    errors: Vec<ContentError>,
    /// Heading ids used so far in this lesson, to keep anchors unique.
    slugs: BTreeSet<String>,
    /// Block id → line where it was first used.
    block_ids: BTreeMap<String, usize>,
}

impl LessonParser<'_> {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors
            .push(ContentError::new(self.file, line, message));
    }
}

/// A Python name such as `KeyError`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lesson::{Block, CalloutKind, Question, TestStyle};

    fn parse(src: &str) -> Lesson {
        parse_lesson("l", "content/s/l.md", src).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn errors(src: &str) -> Vec<String> {
        parse_lesson("l", "content/s/l.md", src)
            .expect_err("should fail")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const EXERCISE: &str = "Intro *text*.

::: exercise sum-evens
### Add evens
Write `sum_evens`.

```python starter
def sum_evens(xs):
    ...
```

```python tests
assert sum_evens([1, 2]) == 2
```

```python solution
def sum_evens(xs):
    return sum(x for x in xs if x % 2 == 0)
```

> [!HINT]
> Use `%`.

> [!HINT]
> Loop.
:::

After.
";

    #[test]
    fn prose_code_and_callouts_become_blocks() {
        let lesson = parse(
            "## Why\n\nSome **bold**, a [link](https://docs.python.org), `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python shared timeout=3 raises=KeyError\nprint(1)\n```\n\n> [!TIP]\n> Try it.\n\n```text\n<raw>\n```\n",
        );
        let [
            Block::Prose { html },
            Block::Code(py),
            Block::Callout { kind, html: tip },
            Block::Code(text),
        ] = lesson.blocks.as_slice()
        else {
            panic!("{:#?}", lesson.blocks)
        };
        assert!(html.contains("<h2 id=\"why\">Why</h2>"));
        assert!(html.contains("<table>") && html.contains("<code>code</code>"));
        assert!(py.runnable && py.shared && py.timeout_secs == Some(3));
        assert_eq!(py.raises.as_deref(), Some("KeyError"));
        assert_eq!(py.namespace("intro").as_deref(), Some("lesson:intro"));
        assert_eq!(text.namespace("intro"), None);
        assert_eq!(py.code, "print(1)");
        assert!(py.html.contains("tok-builtin"));
        assert_eq!(*kind, CalloutKind::Tip);
        assert!(tip.contains("Try it."));
        assert!(!text.runnable);
        assert_eq!(text.html, "&lt;raw&gt;");
    }

    #[test]
    fn exercise_fields_are_parsed() {
        let lesson = parse(EXERCISE);
        assert_eq!(lesson.blocks.len(), 3);
        let Block::Exercise(ex) = &lesson.blocks[1] else {
            panic!()
        };
        assert_eq!(ex.id, "sum-evens");
        assert_eq!(ex.title.as_deref(), Some("Add evens"));
        assert!(ex.prompt_html.contains("<code>sum_evens</code>"));
        assert_eq!(ex.starter, "def sum_evens(xs):\n    ...");
        assert_eq!(ex.tests.style, TestStyle::Asserts);
        assert!(ex.solution.contains("return sum"));
        assert_eq!(ex.hints.len(), 2);
        assert!(ex.hints[0].contains("<code>%</code>"));
        assert!(lesson.has_python());
    }

    #[test]
    fn compare_blocks_name_a_function_and_define_cases() {
        let block = "```python compare sum_evens\ndef cases(rng):\n    yield ([1, 2],)\n```\n\n";
        let lesson =
            parse(&EXERCISE.replace("> [!HINT]\n> Use", &format!("{block}> [!HINT]\n> Use")));
        let compare = lesson.exercises().next().unwrap().compare.clone().unwrap();
        assert_eq!(compare.function, "sum_evens");
        assert!(compare.generator.starts_with("def cases(rng):"));
        let nameless = EXERCISE.replace(
            "> [!HINT]\n> Use",
            &format!("{}> [!HINT]\n> Use", block.replace(" sum_evens", "")),
        );
        assert!(
            errors(&nameless)
                .iter()
                .any(|e| e.contains("name the function to compare"))
        );
    }

    #[test]
    fn unittest_classes_are_accepted_as_tests() {
        let src = EXERCISE.replace(
            "assert sum_evens([1, 2]) == 2",
            "import unittest\nclass T(unittest.TestCase):\n    def test_it(self):\n        self.assertEqual(sum_evens([2]), 2)",
        );
        let lesson = parse(&src);
        assert_eq!(
            lesson.exercises().next().unwrap().tests.style,
            TestStyle::Unittest
        );
    }

    #[test]
    fn choice_questions_single_and_multiple() {
        let lesson = parse(
            "::: choice one\nPick one.\n\n- [ ] a\n- [x] `b`\n\n> [!EXPLAIN]\n> Because.\n:::\n\n::: choice many\nPick all.\n\n- [x] a\n- [x] b\n- [ ] c\n\n> [!EXPLAIN]\n> Both.\n:::\n",
        );
        let qs: Vec<_> = lesson.questions().collect();
        let Question::Choice {
            options,
            multiple,
            explanation_html,
            ..
        } = qs[0]
        else {
            panic!()
        };
        assert!(!multiple);
        assert_eq!(options.len(), 2);
        assert!(options[1].correct && options[1].html.contains("<code>b</code>"));
        assert!(explanation_html.contains("Because."));
        let Question::Choice { multiple, .. } = qs[1] else {
            panic!()
        };
        assert!(multiple);
    }

    #[test]
    fn predict_questions() {
        let lesson = parse(
            "::: predict p\nWhat prints?\n\n```python\nprint(2 + 2)\n```\n\n```output\n4\n```\n\n> [!EXPLAIN]\n> Sums.\n:::\n",
        );
        let Some(Question::Predict { code, expected, .. }) = lesson.questions().next() else {
            panic!()
        };
        assert_eq!(code.code, "print(2 + 2)");
        assert_eq!(expected, "4");
    }

    #[test]
    fn colons_inside_code_fences_are_not_blocks() {
        let lesson = parse("```text\n::: exercise nope\n:::\n```\n");
        assert!(matches!(&lesson.blocks[0], Block::Code(c) if c.code.contains("::: exercise")));
    }

    #[test]
    fn broken_lessons_name_file_and_line() {
        assert_eq!(
            errors("Intro\n\n::: video intro\nx\n:::\n"),
            [
                "content/s/l.md:3: unknown block `video`: expected `exercise`, `step`, `choice` or `predict`"
            ]
        );
        let no_correct =
            errors("a\n::: choice q\nPick.\n\n- [ ] a\n- [ ] b\n\n> [!EXPLAIN]\n> x\n:::\n");
        assert_eq!(
            no_correct,
            ["content/s/l.md:2: quiz `q` has no correct answer: mark at least one option with [x]"]
        );
        let src = EXERCISE.replace("```python tests\nassert sum_evens([1, 2]) == 2\n```\n", "");
        let e = errors(&src);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("content/s/l.md:3: exercise `sum-evens` has no tests"),
            "{e:?}"
        );
    }

    #[test]
    fn tests_marked_pytest_run_with_pytest() {
        let src = EXERCISE.replace("```python tests\n", "```python tests pytest\n");
        let lesson = parse(&src);
        assert_eq!(
            lesson.exercises().next().unwrap().tests.style,
            TestStyle::Pytest
        );
    }

    #[test]
    fn an_exercise_with_mutants_checks_the_learners_own_tests() {
        let src = "::: exercise t\nWrite tests.\n\n```python implementation\ndef f(): return 1\n```\n\n```python mutant returns two\ndef f(): return 2\n```\n\n```python solution\ndef test_f(): assert f() == 1\n```\n:::\n";
        let e = parse(src).exercises().next().unwrap().clone();
        let mutation = e.mutation.unwrap();
        assert_eq!(mutation.mutants[0].bug, "returns two");
        assert_eq!(e.tests.style, TestStyle::Pytest);
        let no_mutants = src.replace("```python mutant returns two\ndef f(): return 2\n```\n", "");
        assert!(errors(&no_mutants)[0].contains("no ```python mutant <the bug> blocks"));
    }

    const FILES: &str = "::: exercise cart\nFinish the cart.\n\n```python starter file=shop/cart.py\ndef total(items): ...\n```\n\n```python solution file=shop/cart.py\ndef total(items): return sum(items)\n```\n\n```text file=prices.txt\n3\n4\n```\n\n```python starter file=main.py main\nfrom shop.cart import total\n```\n\n```python tests\nfrom shop.cart import total\nassert total([1]) == 1\n```\n:::\n";

    #[test]
    fn an_exercise_may_have_several_files_with_one_main() {
        let e = parse(FILES).exercises().next().unwrap().clone();
        assert_eq!(e.main_file.as_deref(), Some("main.py"));
        assert_eq!(e.starter, "from shop.cart import total");
        assert_eq!(
            e.solution, e.starter,
            "a file without a solution stays as given"
        );
        let paths: Vec<_> = e.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["shop/cart.py", "prices.txt"]);
        assert_eq!(e.files[0].solution, "def total(items): return sum(items)");
        assert_eq!(e.files[1].language, "text");
        assert_eq!(e.solution_files()[0].text, e.files[0].solution);
        assert_eq!(e.starter_files()[0].text, "def total(items): ...");
        // Without a main mark, the first Python file runs.
        let e = parse(&FILES.replace(" main\n", "\n"))
            .exercises()
            .next()
            .unwrap()
            .clone();
        assert_eq!(e.main_file.as_deref(), Some("shop/cart.py"));
    }

    #[test]
    fn file_mistakes_name_the_line() {
        assert_eq!(
            errors(&FILES.replace("file=prices.txt", "file=../prices.txt")),
            [
                "content/s/l.md:12: `file=../prices.txt`: a file's path is relative, like file=shop/models.py, made of letters, digits, `_`, `-` and `.`"
            ]
        );
        assert!(
            errors(&FILES.replace("text file=prices.txt", "text file=prices.txt main"))[0]
                .contains("mark a ```python block main")
        );
        assert!(
            errors(&FILES.replace(
                "```python tests",
                "```python starter\nx = 1\n```\n\n```python tests"
            ))[0]
                .contains("has files: give this block a file=<path> too")
        );
        assert!(
            errors(&FILES.replace("solution file=shop/cart.py", "starter file=shop/cart.py"))[0]
                .contains("a second starter of `shop/cart.py`")
        );
        assert!(
            errors(&FILES.replace("::: exercise", "::: step"))[0].contains("a step has one file")
        );
    }

    const EXAMPLE_FILES: &str = "Two files:\n\n```python file=shop/cart.py\ndef total(items): return sum(items)\n```\n\n```python file=main.py main timeout=5\nfrom shop.cart import total\nprint(total([3, 4]))\n```\n\n```text file=prices.txt\n3\n```\n\nThen one.\n\n```python\nprint(1)\n```\n";

    #[test]
    fn adjacent_file_fences_are_one_example_of_several_files() {
        let lesson = parse(EXAMPLE_FILES);
        let codes: Vec<_> = lesson
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Code(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(codes.len(), 2, "three file fences make one example");
        let example = codes[0];
        let paths: Vec<_> = example.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["shop/cart.py", "main.py", "prices.txt"]);
        assert!(example.files[1].main && example.runnable);
        assert_eq!(
            example.timeout_secs,
            Some(5),
            "the main fence says how it runs"
        );
        let (main, others) = example.sources(&example.texts());
        assert!(main.starts_with("from shop.cart import total"));
        let others: Vec<_> = others
            .iter()
            .map(|f| (f.path.as_str(), f.text.as_str()))
            .collect();
        assert_eq!(
            others,
            [
                ("shop/cart.py", "def total(items): return sum(items)"),
                ("prices.txt", "3")
            ]
        );
        assert!(codes[1].files.is_empty());
        // Without a main mark, the first Python file runs.
        let unmarked = parse(&EXAMPLE_FILES.replace(" main timeout=5", ""));
        let Block::Code(example) = &unmarked.blocks[1] else {
            panic!("an example")
        };
        assert!(example.files[0].main && example.code.starts_with("def total"));
    }

    #[test]
    fn example_file_mistakes_name_the_line() {
        let errors_of = |from: &str, to: &str| errors(&EXAMPLE_FILES.replace(from, to));
        assert!(
            errors_of("text file=prices.txt", "text file=prices.txt main")[0]
                .contains("a second main file: `main.py` is marked main on line 7")
        );
        assert_eq!(
            errors_of(
                "python file=shop/cart.py",
                "python file=shop/cart.py timeout=3"
            ),
            [
                "content/s/l.md:3: `shop/cart.py` is not the main file: put how the example runs (norun, shared, timeout=, raises=) on the main file's fence"
            ]
        );
        assert!(
            errors_of("file=prices.txt", "file=main.py")[0].contains("`main.py` appears twice")
        );
        assert!(
            errors_of("file=prices.txt", "file=../prices.txt")[0]
                .contains("a file's path is relative")
        );
        let no_python = EXAMPLE_FILES
            .replace(" main timeout=5", "")
            .replace("python file=", "text file=");
        assert!(errors(&no_python)[0].contains("needs a Python file to run"));
    }

    #[test]
    fn steps_are_checked_by_output_tests_or_both() {
        let step = |body: &str| {
            format!(
                "Some text.\n\n::: step double\nMake `total` twice `price`.\n\n```python starter\nprice = 4\n```\n{body}\n```python solution\nprice = 4\ntotal = price * 2\nprint(total)\n```\n:::\n"
            )
        };
        let lesson = parse(&step("```output\n8\n```\n"));
        let e = lesson.exercises().next().unwrap();
        assert!(e.step);
        assert_eq!(e.expected_output.as_deref(), Some("8"));
        assert_eq!(e.tests.code, "");
        let lesson = parse(&step("```python tests\nassert total == 8\n```\n"));
        let e = lesson.exercises().next().unwrap();
        assert_eq!(
            (e.expected_output.as_deref(), e.tests.code.as_str()),
            (None, "assert total == 8")
        );
        assert_eq!(
            lesson.gradable().exercises,
            ["double"],
            "steps count like exercises"
        );
        assert_eq!(
            errors(&step("")),
            [
                "content/s/l.md:3: step `double` has nothing to check: add a ```output block with what the code prints, a ```python tests block, or both"
            ]
        );
        // Asserts only inside a loop give no result when they pass: a right answer would never
        // count as solved. With an output check beside them, that check is the result.
        let looped = "```python tests
for n in [1]:
    assert total == 8
```
";
        assert_eq!(
            errors(&step(looped)),
            [
                "content/s/l.md:9: `double`: its tests have no `assert` at the top level, so a right answer would get no result (collect what is wrong in a loop, then assert on it once)"
            ]
        );
        let with_output = parse(&step(&format!("```output\n8\n```\n{looped}")));
        assert!(
            with_output
                .exercises()
                .next()
                .unwrap()
                .expected_output
                .is_some()
        );
    }

    #[test]
    fn structural_mistakes_are_reported() {
        let dup = format!("{EXERCISE}\n{}", &EXERCISE[EXERCISE.find(":::").unwrap()..]);
        assert!(
            errors(&dup)
                .iter()
                .any(|e| e.contains(":30: duplicate id `sum-evens`: already used on line 3")),
            "{:?}",
            errors(&dup)
        );
        assert!(
            errors("::: choice q\nx\n")
                .iter()
                .any(|e| e.contains(":1: `::: choice` is never closed"))
        );
        assert!(
            errors("x\n:::\n")
                .iter()
                .any(|e| e.contains(":2: `:::` closes a block"))
        );
        assert!(
            errors("::: exercise a\n::: choice b\n:::\n")
                .iter()
                .any(|e| e.contains(":2: blocks can't nest"))
        );
        assert!(
            errors("# Title\n")
                .iter()
                .any(|e| e.contains(":1: the lesson title comes from course.toml"))
        );
        assert!(
            errors("> [!HINT]\n> x\n")
                .iter()
                .any(|e| e.contains(":1: `[!HINT]` is not a callout here"))
        );
        assert!(
            errors("```python fast\nx\n```\n")
                .iter()
                .any(|e| e.contains(":1: unknown option `fast`"))
        );
        assert!(
            errors("```python raises=\"an error\"\nx\n```\n")
                .iter()
                .any(|e| e.contains(":1: `raises=\"an`: name the exception"))
        );
        assert!(
            errors("::: choice q\nPick.\n\n- a\n- b\n\n> [!EXPLAIN]\n> x\n:::\n")
                .iter()
                .any(|e| e.contains(":4: each option starts with"))
        );
        assert!(
            errors("::: predict q\nWhat?\n\n```python\nprint(1)\n```\n:::\n")
                .iter()
                .any(|e| e.contains("no ```output block"))
        );
        assert!(
            errors("::: exercise\n:::\n")
                .iter()
                .any(|e| e.contains(":1: `::: exercise` needs an id"))
        );
    }

    #[test]
    fn heading_anchors_stay_unique() {
        let lesson = parse("## Recap\n\n## Recap\n");
        let Block::Prose { html } = &lesson.blocks[0] else {
            panic!()
        };
        assert!(html.contains("id=\"recap\"") && html.contains("id=\"recap-2\""));
    }
}
