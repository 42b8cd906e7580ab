//! A lesson: breadcrumb, its blocks, "mark as done", and the way to the previous and next lessons.

use super::console::Console;
use super::dom::{copy_text, fetch_text, set_title};
use super::editor::Editor;
use super::store::ProgressStore;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pyroad::course::{Course, LessonRef};
use pyroad::lesson::{Block, CodeBlock, Lesson};
use pyroad::progress::Gradable;
use pyroad::progress::Status;
use pyroad::route::Route;
use pyroad::runner::{DEFAULT_TIMEOUT_SECS, Request};

pub async fn load_lesson(file: String) -> Result<Lesson, String> {
    let text = fetch_text(&file).await?;
    serde_json::from_str(&text).map_err(|e| format!("the lesson file is damaged ({e})"))
}

/// Says why `what` couldn't be loaded, with a button that tries again.
pub fn load_error(what: &'static str, error: String, retry: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="load-error" role="alert">
            <p>{format!("{what} couldn't be loaded: {error}.")}</p>
            <button type="button" on:click=move |_| retry.update(|n| *n += 1)>"Try again"</button>
        </div>
    }
}

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
    store.update(|p, now| p.mark_opened(&info.id, now));
    super::frame::emit(pyroad::embed::Event::LessonOpened {
        lesson: info.id.clone(),
    });
    if info.has_python {
        // Start Python now, while the lesson loads, so the first Run doesn't wait for it.
        super::python::warm_up();
    }

    let file = info.file.clone();
    let attempt = RwSignal::new(0u32);
    let lesson = LocalResource::new(move || {
        attempt.track();
        load_lesson(file.clone())
    });
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
                    Some(Ok(lesson)) => {
                        let id = lesson.id.clone();
                        let gradable = lesson.gradable();
                        lesson.blocks.into_iter().map(|b| render_block(b, &id, &gradable)).collect_view().into_any()
                    }
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
                    store.update(|p, now| {
                        p.notes.insert(id.clone(), pyroad::progress::Note { text, updated_at: now });
                        true
                    });
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
                store.update(|p, now| {
                    p.set_done(&id, now_done, now);
                    true
                });
            }
        >
            <span aria-hidden="true" hidden=move || !done.get()>"✓ "</span>
            {move || if done.get() { "Done" } else { "Mark as done" }}
        </button>
    }
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
        Block::Code(code) if code.runnable => {
            let namespace = code.namespace(lesson_id);
            view! { <Code code namespace/> }.into_any()
        }
        Block::Code(code) => view! { <Code code/> }.into_any(),
        Block::Exercise(exercise) => view! {
            <super::exercise::ExerciseView
                exercise
                lesson_id=lesson_id.to_owned()
                gradable=gradable.clone()
            />
        }
        .into_any(),
        Block::Question(question) => view! {
            <super::quiz::QuestionView question lesson_id=lesson_id.to_owned() gradable=gradable.clone()/>
        }
        .into_any(),
    }
}

/// A code block with a Copy button; runnable Python also gets Run, Stop and a console.
/// `namespace` is the one its runs use (see [`CodeBlock::namespace`]).
#[component]
pub fn Code(code: CodeBlock, #[prop(optional)] namespace: String) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    // What Run runs: the example, or the learner's edited version of it.
    let source = StoredValue::new(code.code.clone());
    let original = StoredValue::new(code.code.clone());
    let editing = RwSignal::new(false);
    let editor = Editor::new();
    let pre = NodeRef::<leptos::html::Pre>::new();
    let copy = move |_| {
        spawn_local(async move {
            let ok = copy_text(&source.get_value()).await;
            if !ok {
                // No clipboard access (e.g. plain http): select the code for Ctrl+C instead.
                if let (Some(pre), Ok(Some(selection))) =
                    (pre.get_untracked(), super::dom::window().get_selection())
                {
                    let _ = selection.select_all_children(&pre);
                }
            }
            copied.set(Some(ok));
        });
    };
    let console = Console::new();
    let runnable = code.runnable;
    let timeout = code.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let namespace = StoredValue::new(namespace);
    let run = move || {
        let (code, namespace) = (source.get_value(), namespace.get_value());
        console.start(
            move |id| Request::Run {
                id,
                code,
                namespace,
            },
            timeout,
            |_| {},
        );
    };
    let html = code.html.clone();
    let language = code.language.clone();
    view! {
        <figure class="code-block" data-language=code.language.clone() data-runnable=code.runnable.to_string()>
            <div class="code-toolbar">
                <span class="code-language">{code.language.clone()}</span>
                <span class="code-actions">
                    <button type="button" class="copy" on:click=copy>
                        {move || match copied.get() {
                            None => "Copy",
                            Some(true) => "Copied",
                            Some(false) => "Selected: press Ctrl+C",
                        }}
                        <span aria-hidden="true" hidden=move || copied.get() != Some(true)>" ✓"</span>
                    </button>
                    {runnable.then(|| view! {
                        <button type="button" class="edit" hidden=move || editing.get() on:click=move |_| editing.set(true)>
                            "Edit"
                        </button>
                        <button
                            type="button"
                            class="restore"
                            hidden=move || !editing.get()
                            on:click=move |_| {
                                let text = original.get_value();
                                editor.set_value(&text);
                                source.set_value(text);
                            }
                        >
                            "Restore"
                        </button>
                        {console.buttons(("▶", "Run"), run)}
                    })}
                </span>
            </div>
            {move || if editing.get() {
                editor
                    .view(source.get_value(), "Edit this example".to_owned(), move |text| source.set_value(text), run)
                    .into_any()
            } else {
                view! { <pre node_ref=pre><code class=format!("language-{language}") inner_html=html.clone()></code></pre> }
                    .into_any()
            }}
            {runnable.then(|| console.view())}
        </figure>
    }
}
