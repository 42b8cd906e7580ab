//! An exercise: the prompt, a code editor with the learner's saved code, Check against the
//! hidden tests, Step through its run, hints one at a time, the solution on request, and a
//! several-file project's files as a zip to take away.

use crate::app::components::code_block::Code;
use crate::app::components::console::Console;
use crate::app::components::editor::Editor;
use crate::app::components::file_tabs::file_tabs;
use crate::app::components::step_through::Stepping;
use crate::app::platform::dom::{confirm, now_millis, random_seed, save_file};
use crate::app::python::Finished;
use crate::app::state::{ProgressStore, SavedCode};
use leptos::prelude::*;
use pyroad::learner::action::Action;
use pyroad::learner::project_zip::project_zip;
use pyroad::model::lesson::Gradable;
use pyroad::model::lesson::{CodeBlock, Exercise, SourceFile};
use pyroad::worker::protocol::{CheckOutcome, DEFAULT_TIMEOUT_SECS, Outcome, Request};

/// One file in the exercise's editor, as the learner has it: saved on every edit.
#[derive(Clone)]
struct EditedFile {
    /// `None` for an exercise of one file.
    path: Option<String>,
    starter: String,
    code: RwSignal<String>,
    editor: Editor,
    saved: SavedCode,
}

impl EditedFile {
    fn new(
        lesson: &str,
        exercise: &str,
        path: Option<&str>,
        language: &str,
        starter: &str,
    ) -> Self {
        let saved = SavedCode::new(lesson, exercise, path);
        // Restored code is shown, never run, until the learner presses Check.
        let code = RwSignal::new(saved.load().unwrap_or_else(|| starter.to_owned()));
        Self {
            path: path.map(str::to_owned),
            starter: starter.to_owned(),
            code,
            editor: Editor::for_language(language),
            saved,
        }
    }

    /// The exercise's files: the main one first, then the others in the lesson's order.
    fn all(exercise: &Exercise, lesson: &str) -> Vec<Self> {
        let main_language = exercise.answer_language.as_deref().unwrap_or("python");
        let main = Self::new(
            lesson,
            &exercise.id,
            exercise.main_file.as_deref(),
            main_language,
            &exercise.starter,
        );
        let others = exercise
            .files
            .iter()
            .map(|f| Self::new(lesson, &exercise.id, Some(&f.path), &f.language, &f.starter));
        std::iter::once(main).chain(others).collect()
    }
}

#[component]
pub fn ExerciseView(exercise: Exercise, lesson_id: String, gradable: Gradable) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let files = StoredValue::new_local(EditedFile::all(&exercise, &lesson_id));
    let active = RwSignal::new(0usize);
    let console = Console::new();
    let results = RwSignal::new(None::<CheckOutcome>);
    let hints_shown = RwSignal::new(0usize);
    let exercise = StoredValue::new(exercise);
    let ids = StoredValue::new((lesson_id, gradable));
    let progress = move || {
        let (lesson, _) = ids.get_value();
        store
            .progress
            .with(|p| p.exercise(&lesson, &exercise.with_value(|e| e.id.clone())))
    };
    let solution_shown = RwSignal::new(false);

    // The main file's code and the other files, as the learner has them.
    let sources = move || {
        files.with_value(|files| {
            let others = files[1..]
                .iter()
                .map(|f| SourceFile {
                    path: f.path.clone().unwrap_or_default(),
                    text: f.code.get_untracked(),
                })
                .collect::<Vec<_>>();
            (files[0].code.get_untracked(), others)
        })
    };
    // Step through records the learner's program as a run: no tests.
    let stepping = Stepping::new();
    let step_through = move || {
        let (code, others) = sources();
        let (lesson, _) = ids.get_value();
        let main = code.clone();
        let request = move |id| Request::Run {
            id,
            code,
            namespace: None,
            folder: Some(lesson),
            files: others,
            trace: true,
        };
        stepping.record(console, main, request, DEFAULT_TIMEOUT_SECS);
    };
    let check = move || {
        let (source, others) = sources();
        stepping.close();
        let ex = exercise.get_value();
        console.start(
            move |id| Request::check(id, &source, others, &ex, random_seed()),
            DEFAULT_TIMEOUT_SECS,
            move |how| {
                let Finished::Done {
                    outcome: Outcome::Check(outcome),
                    ..
                } = how
                else {
                    results.set(None);
                    return;
                };
                results.set(Some(outcome.clone()));
                let solved = outcome.solved();
                let (lesson, all) = ids.get_value();
                let this = exercise.with_value(|e| e.id.clone());
                store.apply(Action::Check {
                    lesson,
                    exercise: this,
                    gradable: all,
                    solved,
                });
            },
        );
    };
    let several = files.with_value(|f| f.len() > 1);
    // The files as they are now, in a folder named after the exercise.
    let take_away = move |_| {
        let id = exercise.with_value(|e| e.id.clone());
        let project = files.with_value(|files| {
            files
                .iter()
                .map(|f| (f.path.clone().unwrap_or_default(), f.code.get_untracked()))
                .collect::<Vec<_>>()
        });
        let zip = project_zip(&id, &project, now_millis());
        let _ = save_file(&format!("{id}.zip"), &zip, "application/zip");
    };
    let reset = move |_| {
        let question = if several {
            "Put every file back as it started? Your changes will be lost."
        } else {
            "Replace your code with the starter code? Your changes will be lost."
        };
        if confirm(question) {
            files.with_value(|files| {
                for f in files {
                    f.saved.clear();
                    f.editor.set_value(&f.starter);
                    f.code.set(f.starter.clone());
                }
            });
            results.set(None);
        }
    };
    let show_solution = move |_| {
        if confirm(
            "See the reference solution? It's worth one more try first. The exercise will note that you looked.",
        ) {
            solution_shown.set(true);
            let (lesson, _) = ids.get_value();
            let this = exercise.with_value(|e| e.id.clone());
            store.apply(Action::ViewSolution {
                lesson,
                exercise: this,
            });
        }
    };

    let (id, title, prompt_html, hints, step) = exercise.with_value(|e| {
        (
            e.id.clone(),
            e.title.clone(),
            e.prompt_html.clone(),
            e.hints.clone(),
            e.step,
        )
    });
    let hint_count = hints.len();
    // Python the learner runs: not an answer in another language, nor tests of their own.
    let steppable = exercise.with_value(|e| e.answer_language.is_none() && e.mutation.is_none());
    let label = format!(
        "Code for the exercise: {}",
        title.clone().unwrap_or_else(|| id.clone())
    );
    view! {
        // A step is a group inside the text, not a landmark: a lesson has several, all alike.
        <section class=if step { "step" } else { "exercise" } role=if step { Some("group") } else { None } data-exercise=id.clone() aria-labelledby=format!("exercise-{id}")>
            <header class="exercise-header">
                <h2 id=format!("exercise-{id}") class="block-label">
                    <span class="kicker">{if step { "Try it" } else { "Exercise" }}</span>
                    {title.unwrap_or_else(|| if step { "A step".into() } else { "Your turn".into() })}
                </h2>
                <Show when=move || progress().solved_at.is_some()>
                    <span class="badge solved">"Solved"<span aria-hidden="true">" ✓"</span></span>
                </Show>
            </header>
            <div class="prose" inner_html=prompt_html></div>
            {files_view(files.get_value(), active, &id, label, store, check)}
            <div class="exercise-actions">
                {console.buttons(("✓", "Check"), check)}
                {steppable.then(|| stepping.button(console, step_through))}
                <button type="button" class="reset" on:click=reset>"Reset"</button>
                {several.then(|| view! { <button type="button" class="download" on:click=take_away>"Download .zip"</button> })}
                <span class="shortcut">"Ctrl+Enter checks"</span>
            </div>
            {console.view()}
            {stepping.view()}
            {move || results.get().map(|outcome| if step { verdict_view(outcome).into_any() } else { results_view(outcome).into_any() })}
            <div class="hints">
                <ol>
                    {hints.into_iter().enumerate().map(|(i, hint)| view! {
                        <li class="hint" hidden=move || hints_shown.get() <= i inner_html=hint></li>
                    }).collect_view()}
                </ol>
                <Show when=move || hints_shown.get() < hint_count>
                    <button type="button" class="hint-button" on:click=move |_| hints_shown.update(|n| *n += 1)>
                        {move || format!("Show a hint ({} of {hint_count})", hints_shown.get() + 1)}
                    </button>
                </Show>
                <Show
                    when=move || solution_shown.get()
                    fallback=move || view! { <button type="button" class="solution-button" on:click=show_solution>"Show the solution"</button> }
                >
                    {move || view! {
                        <div class="solution">
                            <p class="block-label">"Reference solution"</p>
                            {exercise.with_value(solution_files).into_iter().map(|(path, code)| view! {
                                {path.map(|p| view! { <p class="file-name"><code>{p}</code></p> })}
                                <Code code/>
                            }).collect_view()}
                        </div>
                    }}
                </Show>
            </div>
        </section>
    }
}

/// The editor: one file, or a tab for each file (the main one first).
fn files_view(
    files: Vec<EditedFile>,
    active: RwSignal<usize>,
    exercise_id: &str,
    label: String,
    store: ProgressStore,
    check: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let count = files.len();
    let tab_id = move |i: usize, id: &str| format!("file-{id}-{i}");
    let tabs = (count > 1).then(|| {
        let paths = files
            .iter()
            .map(|f| f.path.clone().unwrap_or_default())
            .collect();
        let id = exercise_id.to_owned();
        file_tabs(paths, active, format!("file-{id}"), move |i| {
            format!("{}-panel", tab_id(i, &id))
        })
    });
    let id = exercise_id.to_owned();
    let panels = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let label = match &f.path {
                Some(path) if count > 1 => format!("{label}, file {path}"),
                _ => label.clone(),
            };
            let (code, saved) = (f.code, StoredValue::new_local(f.saved));
            let on_change = move |text: String| {
                saved.with_value(|s| s.save(&text, store));
                code.set(text);
            };
            let editor = f.editor.view(code.get_untracked(), label, on_change, check);
            if count == 1 {
                return editor.into_any();
            }
            view! {
                <div
                    role="tabpanel"
                    id=format!("{}-panel", tab_id(i, &id))
                    aria-labelledby=tab_id(i, &id)
                    hidden=move || active.get() != i
                >
                    {editor}
                </div>
            }
            .into_any()
        })
        .collect_view();
    view! { {tabs} {panels} }
}

/// The reference solution's files, each with its path when there are several.
fn solution_files(e: &Exercise) -> Vec<(Option<String>, CodeBlock)> {
    let block = |language: &str, code: &str, html: &str| CodeBlock {
        language: language.to_owned(),
        html: html.to_owned(),
        code: code.to_owned(),
        runnable: false,
        shared: false,
        timeout_secs: None,
        raises: None,
        files: Vec::new(),
    };
    let language = e.answer_language.as_deref().unwrap_or("python");
    let main = (
        e.main_file.clone(),
        block(language, &e.solution, &e.solution_html),
    );
    let others = e.files.iter().map(|f| {
        (
            Some(f.path.clone()),
            block(&f.language, &f.solution, &f.solution_html),
        )
    });
    std::iter::once(main).chain(others).collect()
}

/// A step's result, in one line: right, or the first thing that isn't.
fn verdict_view(outcome: CheckOutcome) -> impl IntoView {
    let solved = outcome.solved();
    let text = if solved {
        "Right!".to_owned()
    } else if outcome.error.is_some() {
        "Your code raised an error: see above.".to_owned()
    } else {
        outcome
            .results
            .into_iter()
            .find(|r| !r.passed)
            .map_or_else(String::new, |r| {
                if r.message.is_empty() {
                    format!("Not yet: {}", r.name)
                } else {
                    format!("Not yet: {}", r.message)
                }
            })
    };
    view! {
        <p class="results verdict" class:solved=solved role="status">
            <span class="mark" aria-hidden="true">{if solved { "✓ " } else { "✗ " }}</span>
            {text}
        </p>
    }
}

fn results_view(outcome: CheckOutcome) -> impl IntoView {
    let solved = outcome.solved();
    let passed = outcome.results.iter().filter(|r| r.passed).count();
    let total = outcome.results.len();
    let summary = if solved {
        format!("All {total} checks passed. Well done!")
    } else if outcome.error.is_some() {
        "Your code raised an error before the checks could run: see above.".to_owned()
    } else {
        format!("{passed} of {total} checks passed.")
    };
    view! {
        <div class="results" class:solved=solved role="status">
            <p class="results-summary">{summary}</p>
            <ul>
                {outcome.results.into_iter().map(|r| view! {
                    <li class=if r.passed { "passed" } else { "failed" }>
                        <span class="mark" aria-hidden="true">{if r.passed { "✓" } else { "✗" }}</span>
                        <span class="visually-hidden">{if r.passed { "Passed: " } else { "Failed: " }}</span>
                        <code class="test-name">{r.name}</code>
                        {(!r.message.is_empty()).then(|| view! { <span class="test-message">{r.message}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
