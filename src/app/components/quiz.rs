//! Quiz questions: multiple choice (one or several right answers) and predict-the-output.
//! Answers are graded at once, explained, recorded, and scheduled for review; a question shows
//! the learner's last answer again when they come back.

use crate::app::components::code_block::Code;
use crate::app::state::ProgressStore;
use leptos::prelude::*;
use pyroad::learner::action::Action;
use pyroad::learner::progress::Answer;
use pyroad::model::lesson::{ChoiceOption, CodeBlock, Gradable, Question, normalize_output};

/// One question. `on_answered` hears whether the answer was right (the review page moves on).
/// `fresh` asks for a new answer instead of showing the last one (review).
#[component]
pub fn QuestionView(
    question: Question,
    lesson_id: String,
    gradable: Gradable,
    #[prop(optional, into)] on_answered: Option<Callback<bool>>,
    #[prop(optional)] fresh: bool,
) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let id = question.id().to_owned();
    let last = (!fresh)
        .then(|| {
            store.progress.with_untracked(|p| {
                let q = p.question(&lesson_id, &id)?;
                Some((q.last_answer.clone()?, q.last_correct))
            })
        })
        .flatten();
    let answered = RwSignal::new(None::<bool>);
    let record = {
        let (lesson, id) = (lesson_id.clone(), id.clone());
        move |answer: Answer, correct: bool| {
            answered.set(Some(correct));
            store.apply(Action::Answer {
                lesson: lesson.clone(),
                question: id.clone(),
                gradable: gradable.clone(),
                answer,
                correct,
            });
            if let Some(callback) = on_answered {
                callback.run(correct);
            }
        }
    };
    let dom_id = format!("question-{lesson_id}-{id}");
    let (body, explanation) = match question {
        Question::Choice {
            prompt_html,
            options,
            multiple,
            explanation_html,
            ..
        } => (
            choice(
                &dom_id,
                prompt_html,
                options,
                multiple,
                (answered, last),
                record,
            )
            .into_any(),
            explanation_html,
        ),
        Question::Predict {
            prompt_html,
            code,
            expected,
            explanation_html,
            ..
        } => (
            predict(
                &dom_id,
                prompt_html,
                code,
                expected,
                (answered, last),
                record,
            )
            .into_any(),
            explanation_html,
        ),
    };
    view! {
        <section class="question" data-question=id class:answered=move || answered.get().is_some()>
            <p class="block-label"><span class="kicker">"Quiz"</span></p>
            {body}
            {move || answered.get().map(|correct| view! {
                <div class="feedback" class:right=correct role="status">
                    <p class="verdict"><span aria-hidden="true">{if correct { "✓ " } else { "✗ " }}</span>{if correct { "Right." } else { "Not quite." }}</p>
                    <div class="prose" inner_html=explanation.clone()></div>
                    <button type="button" class="retry" on:click=move |_| answered.set(None)>"Try again"</button>
                </div>
            })}
        </section>
    }
}

fn choice(
    dom_id: &str,
    prompt_html: String,
    options: Vec<ChoiceOption>,
    multiple: bool,
    (answered, last): (RwSignal<Option<bool>>, Option<(Answer, bool)>),
    record: impl Fn(Answer, bool) + Clone + 'static,
) -> impl IntoView {
    let mut ticked = vec![false; options.len()];
    // The last answer is shown only if it still fits the question (options may have changed).
    if let Some((Answer::Choices(picks), correct)) = last
        && !picks.is_empty()
        && picks.iter().all(|&i| i < ticked.len())
    {
        picks.iter().for_each(|&i| ticked[i] = true);
        answered.set(Some(correct));
    }
    let picked = RwSignal::new(ticked);
    let correct: Vec<bool> = options.iter().map(|o| o.correct).collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let choice = picked.get_untracked();
        if choice.iter().any(|p| *p) {
            let picks = (0..choice.len()).filter(|&i| choice[i]).collect();
            record(Answer::Choices(picks), choice == correct);
        }
    };
    // Say that several answers may be right, unless the question already does.
    let show_hint = multiple && !prompt_html.contains("all that apply");
    let prompt_id = format!("{dom_id}-prompt");
    let labelled_by = prompt_id.clone();
    let name = dom_id.to_owned();
    view! {
        <form on:submit=submit>
            <fieldset aria-labelledby=labelled_by disabled=move || answered.get().is_some()>
                <div id=prompt_id class="prose question-prompt" inner_html=prompt_html></div>
                {show_hint.then(|| view! { <p class="hint-line">"Choose all that apply."</p> })}
                <ul class="options">
                    {options.into_iter().enumerate().map(|(i, option)| {
                        let name = name.clone();
                        view! {
                            <li
                                class:right=move || answered.get().is_some() && option.correct
                                class:wrong=move || answered.get().is_some() && !option.correct && picked.with(|p| p[i])
                            >
                                <label>
                                    <input
                                        type=if multiple { "checkbox" } else { "radio" }
                                        name=name
                                        prop:checked=move || picked.with(|p| p[i])
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            picked.update(|p| {
                                                if !multiple {
                                                    p.iter_mut().for_each(|x| *x = false);
                                                }
                                                p[i] = on;
                                            });
                                        }
                                    />
                                    <span inner_html=option.html></span>
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button type="submit" class="button answer">"Check answer"</button>
            </fieldset>
        </form>
    }
}

fn predict(
    dom_id: &str,
    prompt_html: String,
    code: CodeBlock,
    expected: String,
    (answered, last): (RwSignal<Option<bool>>, Option<(Answer, bool)>),
    record: impl Fn(Answer, bool) + Clone + 'static,
) -> impl IntoView {
    let guess = RwSignal::new(String::new());
    if let Some((Answer::Text(text), correct)) = last {
        guess.set(text);
        answered.set(Some(correct));
    }
    let want = normalize_output(&expected);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = guess.get_untracked();
        if !text.trim().is_empty() {
            let correct = normalize_output(&text) == want;
            record(Answer::Text(text), correct);
        }
    };
    let field_id = format!("{dom_id}-answer");
    let label_for = field_id.clone();
    let lines = expected.lines().count().clamp(2, 12).to_string();
    // The code can be run once answered, to see why.
    let static_code = CodeBlock {
        runnable: false,
        ..code.clone()
    };
    view! {
        <form on:submit=submit>
            <div class="prose question-prompt" inner_html=prompt_html></div>
            {move || if answered.get().is_some() {
                view! { <Code code=code.clone()/> }.into_any()
            } else {
                view! { <Code code=static_code.clone()/> }.into_any()
            }}
            <label for=label_for class="predict-label">"What does it print?"</label>
            <textarea
                id=field_id
                class="predict-answer"
                rows=lines
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                disabled=move || answered.get().is_some()
                prop:value=move || guess.get()
                on:input=move |ev| guess.set(event_target_value(&ev))
            ></textarea>
            <button type="submit" class="button answer" disabled=move || answered.get().is_some()>"Check answer"</button>
            {move || answered.get().map(|_| view! {
                <div class="expected">
                    <p class="block-label">"It prints:"</p>
                    <pre class="code">{expected.clone()}</pre>
                </div>
            })}
        </form>
    }
}
