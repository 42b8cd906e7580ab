//! Review: quiz questions the learner has answered come back when they are due, one at a time,
//! so early stages stay known.

use crate::app::components::loading::{load_error, load_lesson};
use crate::app::components::quiz::QuestionView;
use crate::app::platform::dom::{now_millis, set_title};
use crate::app::state::ProgressStore;
use leptos::prelude::*;
use pyroad::learner::DAY_MS;
use pyroad::model::course::Course;
use pyroad::web::route::Route;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    set_title(&format!("Review — {}", course.title));
    // The question on screen stays until the learner moves on, even once it is rescheduled.
    let current = RwSignal::new(store.due_now().into_iter().next());
    let reviewed = RwSignal::new(0u32);
    let answered = RwSignal::new(false);
    let next = move |_| {
        answered.set(false);
        current.set(store.due_now().into_iter().next());
    };
    let attempt = RwSignal::new(0u32);
    // `None` when nothing is due; else the question, or why it couldn't be loaded.
    let question = LocalResource::new(move || {
        attempt.track();
        let item = current.get();
        async move {
            let (lesson_id, question_id) = item?;
            let file = course.lesson(&lesson_id)?.lesson.file.clone();
            Some(load_lesson(file).await.and_then(|lesson| {
                let question = lesson
                    .questions()
                    .find(|q| q.id() == question_id)
                    .cloned()
                    .ok_or("the question is no longer in its lesson")?;
                Ok((lesson.id.clone(), lesson.gradable(), question))
            }))
        }
    });
    view! {
        <main id="main" class="page review-page" tabindex="-1">
            <h1 tabindex="-1">"Review"</h1>
            <p class="lede">
                "Questions you have answered come back after a day, then after longer and longer gaps "
                "— sooner when you miss them. A few minutes here keeps earlier stages fresh."
            </p>
            <p id="reviews-due" class="due-count">
                {move || match store.due_now().len() {
                    0 => "Nothing is due right now.".to_owned(),
                    1 => "1 question is due.".to_owned(),
                    n => format!("{n} questions are due."),
                }}
                {move || (reviewed.get() > 0).then(|| format!(" You reviewed {} this visit.", reviewed.get()))}
            </p>
            {move || match (current.get(), question.get()) {
                (None, _) | (_, Some(None)) => view! { <NextReview/> }.into_any(),
                (Some(_), None) => view! { <p class="loading" role="status">"Loading the question…"</p> }.into_any(),
                (Some(_), Some(Some(Err(error)))) => load_error("This question", error, attempt).into_any(),
                (Some(_), Some(Some(Ok((lesson_id, gradable, question))))) => {
                    let title = course.lesson(&lesson_id).map(|l| l.lesson.title.clone()).unwrap_or_default();
                    view! {
                        <p class="review-from">
                            "From " <a href=Route::Lesson(lesson_id.clone()).href()>{title}</a>
                        </p>
                        <QuestionView
                            question
                            lesson_id
                            gradable
                            fresh=true
                            on_answered=Callback::new(move |_| {
                                answered.set(true);
                                reviewed.update(|n| *n += 1);
                            })
                        />
                        <button type="button" class="button next-review" hidden=move || !answered.get() on:click=next>
                            "Next question"<span aria-hidden="true">" →"</span>
                        </button>
                    }
                    .into_any()
                }
            }}
        </main>
    }
}

/// When the next question comes due, or how to get questions to review.
#[component]
fn NextReview() -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let soonest = store
        .progress
        .with(|p| p.questions.values().map(|q| q.card.due_at).min());
    match soonest {
        None => view! {
            <p>"Answer the quiz questions in the lessons, and they will come back here to review."</p>
            <p><a class="button" href="#/">"Back to the roadmap"</a></p>
        }
        .into_any(),
        Some(due) => {
            let days = due.saturating_sub(now_millis()).div_ceil(DAY_MS);
            let when = match days {
                0 | 1 => "within a day".to_owned(),
                n => format!("in {n} days"),
            };
            view! {
                <p>{format!("All caught up. The next question comes back {when}.")}</p>
                <p><a class="button" href="#/">"Back to the roadmap"</a></p>
            }
            .into_any()
        }
    }
}
