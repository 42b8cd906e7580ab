//! A lesson: breadcrumb, its blocks, "mark as done", and the way to the previous and next lessons.

use crate::app::components::code_block::Code;
use crate::app::components::in_turn::{busy_attr, in_turn};
use crate::app::components::loading::{load_error, load_lesson};
use crate::app::platform::dom::{run_when_idle, set_title};
use crate::app::state::ProgressStore;
use leptos::prelude::*;
use pyroad::learner::action::Action;
use pyroad::learner::progress::Status;
use pyroad::model::course::{Course, LessonRef};
use pyroad::model::lesson::{Block, Gradable, Lesson};
use pyroad::web::batches::{FIRST_BATCH, LATER_BATCH, batch_sizes, cost};
use pyroad::web::route::Route;

/// How long Python may wait for the browser to be idle once the lesson is drawn.
const PYTHON_AFTER_PAINT_MS: i32 = 1000;

#[component]
pub fn LessonPage(id: String) -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let place = course
        .lesson(&id)
        .expect("routes only lead here for lessons that exist");
    let LessonRef {
        stage,
        topic,
        lesson: info,
        ..
    } = place;
    set_title(&format!(
        "{} · {} — {}",
        info.title, stage.title, course.title
    ));
    store.apply(Action::OpenLesson {
        lesson: info.id.clone(),
    });
    let file = info.file.clone();
    let attempt = RwSignal::new(0u32);
    let lesson = LocalResource::new(move || {
        attempt.track();
        load_lesson(file.clone())
    });
    if info.has_python {
        // Python (13 MB on a first visit) starts once the lesson is on screen, so that its
        // download doesn't hold up the lesson's own; a Run pressed sooner starts it at once.
        Effect::new(move |_| {
            if lesson.with(|l| matches!(l, Some(Ok(_)))) {
                run_when_idle(PYTHON_AFTER_PAINT_MS, crate::app::python::warm_up);
            }
        });
    }
    let (prev, next) = course.neighbours(&info.id);
    let lesson_id = info.id.clone();
    let status = Memo::new(move |_| store.progress.with(|p| p.status(&lesson_id)));

    view! {
        <main id="main" class="page lesson-page" tabindex="-1">
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <ol>
                    <li><a href="#/">"Roadmap"</a></li>
                    <li>{stage.title.clone()}</li>
                    <li>{topic.title.clone()}</li>
                </ol>
            </nav>
            <article class="lesson" data-lesson=info.id.clone()>
                <header class="lesson-header">
                    <h1 tabindex="-1">{info.title.clone()}</h1>
                    <p class="lede">{info.summary.clone()}</p>
                </header>
                {move || match lesson.get() {
                    None => view! { <p class="loading" role="status">"Loading the lesson…"</p> }.into_any(),
                    Some(Err(error)) => load_error("This lesson", error, attempt).into_any(),
                    Some(Ok(lesson)) => render_in_batches(lesson).into_any(),
                }}
            </article>
            <LessonNotes id=info.id.clone()/>
            <DoneButton id=info.id.clone()/>
            <p class="done-state" data-status=move || status.get().as_str()>
                {move || match status.get() {
                    Status::Done => "You finished this lesson.",
                    _ => "Finished reading and trying the examples? Mark it done to move along the road.",
                }}
            </p>
            <nav class="pager" aria-label="Previous and next lesson">
                {prev.map(|p| view! {
                    <a rel="prev" href=Route::Lesson(p.lesson.id.clone()).href()>
                        <span class="pager-label"><span aria-hidden="true">"← "</span>"Previous"</span>
                        <span>{p.lesson.title.clone()}</span>
                    </a>
                })}
                {next.map(|n| view! {
                    <a rel="next" href=Route::Lesson(n.lesson.id.clone()).href()>
                        <span class="pager-label">"Next"<span aria-hidden="true">" →"</span></span>
                        <span>{n.lesson.title.clone()}</span>
                    </a>
                })}
            </nav>
        </main>
    }
}

/// The learner's own notes on the lesson, saved as they type.
#[component]
fn LessonNotes(id: String) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let initial = store
        .progress
        .with_untracked(|p| p.notes.get(&id).map(|n| n.text.clone()).unwrap_or_default());
    let has_notes = !initial.is_empty();
    view! {
        <details class="lesson-notes" open=has_notes>
            <summary>"Your notes"</summary>
            <label for="lesson-notes" class="visually-hidden">"Your notes on this lesson"</label>
            <textarea
                id="lesson-notes"
                rows="4"
                placeholder="Anything to remember from this lesson? Notes stay in this browser and go with your exported progress."
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    store.apply(Action::WriteNote { lesson: id.clone(), text });
                }
            >
                {initial}
            </textarea>
        </details>
    }
}

#[component]
fn DoneButton(id: String) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let lesson_id = id.clone();
    let done = Memo::new(move |_| {
        store
            .progress
            .with(|p| p.status(&lesson_id) == Status::Done)
    });
    view! {
        <button
            type="button"
            id="mark-done"
            class="button done-button"
            aria-pressed=move || done.get().to_string()
            on:click=move |_| {
                let now_done = !done.get_untracked();
                store.apply(Action::SetDone { lesson: id.clone(), done: now_done });
            }
        >
            <span aria-hidden="true" hidden=move || !done.get()>"✓ "</span>
            {move || if done.get() { "Done" } else { "Mark as done" }}
        </button>
    }
}

/// Puts the lesson on the page a batch at a time (see `web::batches`): the first at once, each
/// later one in a task of its own once the first has been painted.
fn render_in_batches(lesson: Lesson) -> impl IntoView {
    let id = lesson.id.clone();
    let gradable = lesson.gradable();
    let sizes = batch_sizes(lesson.blocks.iter().map(cost), FIRST_BATCH, LATER_BATCH);
    let mut blocks = lesson.blocks.into_iter();
    let mut batches = sizes
        .into_iter()
        .map(|n| blocks.by_ref().take(n).collect::<Vec<_>>());
    let render = move |batch: Vec<Block>| {
        batch
            .into_iter()
            .map(|b| render_block(b, &id, &gradable))
            .collect_view()
            .into_any()
    };
    let first = render(batches.next().unwrap_or_default());
    let (later, busy) = in_turn(batches.map(|batch| {
        let render = render.clone();
        move || render(batch)
    }));
    view! { <div class="lesson-blocks" aria-busy=busy_attr(busy)>{first}{later}</div> }
}

fn render_block(block: Block, lesson_id: &str, gradable: &Gradable) -> AnyView {
    match block {
        Block::Prose { html } => view! { <div class="prose" inner_html=html></div> }.into_any(),
        Block::Callout { kind, html } => view! {
            <aside class=format!("callout callout-{}", kind.class()) role="note">
                <p class="callout-label">{kind.label()}</p>
                <div inner_html=html></div>
            </aside>
        }
        .into_any(),
        Block::Code(code) => view! { <Code code lesson=Some(lesson_id.to_owned())/> }.into_any(),
        Block::Exercise(exercise) => view! {
            <crate::app::components::exercise::ExerciseView
                exercise
                lesson_id=lesson_id.to_owned()
                gradable=gradable.clone()
            />
        }
        .into_any(),
        Block::Question(question) => view! {
            <crate::app::components::quiz::QuestionView question lesson_id=lesson_id.to_owned() gradable=gradable.clone()/>
        }
        .into_any(),
    }
}
