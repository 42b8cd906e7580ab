//! An exercise: the prompt, a code editor with the learner's saved code, Check against the
//! hidden tests, hints one at a time, and the solution on request.

use crate::app::components::code_block::Code;
use crate::app::components::console::Console;
use crate::app::components::editor::Editor;
use crate::app::platform::dom::{confirm, random_seed};
use crate::app::python::Finished;
use crate::app::state::{ProgressStore, SavedCode};
use leptos::prelude::*;
use pyroad::learner::action::Action;
use pyroad::model::lesson::Gradable;
use pyroad::model::lesson::{CodeBlock, Exercise};
use pyroad::worker::protocol::{CheckOutcome, DEFAULT_TIMEOUT_SECS, Outcome, Request};

#[component]
pub fn ExerciseView(exercise: Exercise, lesson_id: String, gradable: Gradable) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let saved = SavedCode::new(&lesson_id, &exercise.id);
    // Restored code is shown, never run, until the learner presses Check.
    let code = RwSignal::new(saved.load().unwrap_or_else(|| exercise.starter.clone()));
    let saved = StoredValue::new_local(saved);
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
    let language = exercise.with_value(|e| e.answer_language.clone());
    let editor = Editor::for_language(language.as_deref().unwrap_or("python"));

    let check = move || {
        let source = code.get_untracked();
        let ex = exercise.get_value();
        console.start(
            move |id| Request::check(id, &source, &ex, random_seed()),
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
    let on_change = move |text: String| {
        saved.with_value(|s| s.save(&text, store));
        code.set(text);
    };
    let reset = move |_| {
        if confirm("Replace your code with the starter code? Your changes will be lost.") {
            let starter = exercise.with_value(|e| e.starter.clone());
            saved.with_value(SavedCode::clear);
            editor.set_value(&starter);
            code.set(starter);
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
            {editor.view(code.get_untracked(), label, on_change, check)}
            <div class="exercise-actions">
                {console.buttons(("✓", "Check"), check)}
                <button type="button" class="reset" on:click=reset>"Reset"</button>
                <span class="shortcut">"Ctrl+Enter checks"</span>
            </div>
            {console.view()}
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
                    {move || {
                        let (code, html, language) = exercise.with_value(|e| {
                            let language = e.answer_language.clone().unwrap_or_else(|| "python".into());
                            (e.solution.clone(), e.solution_html.clone(), language)
                        });
                        view! {
                            <div class="solution">
                                <p class="block-label">"Reference solution"</p>
                                <Code code=CodeBlock {
                                    language,
                                    html,
                                    code,
                                    runnable: false,
                                    shared: false,
                                    timeout_secs: None,
                                    raises: None,
                                }/>
                            </div>
                        }
                    }}
                </Show>
            </div>
        </section>
    }
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
