//! The browser app: a thin layer of Leptos components over the pure core.

mod code_block;
mod console;
mod dom;
mod editor;
mod exercise;
mod frame;
mod lesson_page;
mod loading;
mod offline;
mod progress_page;
mod python;
mod quiz;
mod review_page;
mod roadmap;
mod search_box;
mod store;

use dom::{location_hash, prefers_dark, set_title, window};
use leptos::prelude::*;
use pyroad::model::course::Course;
use pyroad::web::route::Route;
use store::{ProgressStore, Theme};

/// The course is embedded in `index.html` by the content compiler.
fn read_course() -> Result<Course, String> {
    let text = window()
        .document()
        .and_then(|d| d.get_element_by_id("pyroad-course"))
        .and_then(|e| e.text_content())
        .ok_or("the course data is missing from index.html")?;
    serde_json::from_str(&text).map_err(|e| format!("the course data is damaged ({e})"))
}

pub fn start() {
    // The course lives as long as the page; a 'static borrow keeps components simple.
    let course = read_course().map(|course| &*Box::leak(Box::new(course)));
    let config = frame::start(course.as_ref().ok().copied());
    store::set_prefix(config.storage_prefix());
    if config.embed
        && let Some(root) = window().document().and_then(|d| d.document_element())
    {
        let _ = root.class_list().add_1("embedded");
    }
    match course {
        Ok(course) => {
            leptos::mount::mount_to_body(move || view! { <App course/> });
        }
        Err(error) => leptos::mount::mount_to_body(move || {
            view! {
                <main id="main" class="page fatal">
                    <h1>"PyRoad couldn't start"</h1>
                    <p>{format!("The page loaded, but {error}. Try reloading; if it persists, the site needs rebuilding.")}</p>
                </main>
            }
        }),
    }
}

#[component]
fn App(course: &'static Course) -> impl IntoView {
    let store = ProgressStore::load(course);
    provide_context(course);
    provide_context(store);
    provide_context(offline::Offline::start());

    let route = RwSignal::new(Route::parse(&location_hash()));
    // For the page's life: dropping the handle leaves the listener in place.
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        route.set(Route::parse(&location_hash()));
    });
    report_to_host(course, store, route);
    frame::keep_progress_on_host(course, store);

    // A new page starts at the top, with focus on its heading for keyboard and screen-reader users.
    Effect::new(move |previous: Option<()>| {
        route.track();
        if previous.is_some() {
            window().scroll_to_with_x_and_y(0.0, 0.0);
            request_animation_frame(|| {
                if let Some(h1) = window()
                    .document()
                    .and_then(|d| d.query_selector("main h1").ok().flatten())
                {
                    use wasm_bindgen::JsCast;
                    let _ = h1.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            });
        }
    });

    view! {
        <a class="skip-link" href="#main" on:click=|ev| {
            ev.prevent_default();
            if let Some(main) = window().document().and_then(|d| d.get_element_by_id("main")) {
                use wasm_bindgen::JsCast;
                let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }>"Skip to content"</a>
        <Header/>
        <StorageNotice/>
        <offline::UpdateBanner/>
        {move || match route.get() {
            Route::Roadmap => {
                set_title(&format!("{} — the Python roadmap you can run", course.title));
                view! { <roadmap::Roadmap/> }.into_any()
            }
            Route::Lesson(id) => match course.resolve(&id) {
                Some(current) if current != id => {
                    // An old link to a renamed lesson: go to its new id without a history entry.
                    let _ = window().location().replace(&Route::Lesson(current.to_owned()).href());
                    ().into_any()
                }
                Some(_) => view! { <lesson_page::LessonPage id/> }.into_any(),
                None => view! { <NotFound path=format!("lesson/{id}")/> }.into_any(),
            },
            Route::Review => view! { <review_page::ReviewPage/> }.into_any(),
            Route::Progress => view! { <progress_page::ProgressPage/> }.into_any(),
            Route::NotFound(path) => view! { <NotFound path/> }.into_any(),
        }}
        <footer class="site-footer">
            <p>"PyRoad runs real Python in your browser. Your progress stays on this device."</p>
            <offline::OfflineStatus/>
        </footer>
    }
}

/// In a frame: "ready", then every change of progress as a summary, and lessons as they are
/// completed.
fn report_to_host(course: &'static Course, store: ProgressStore, route: RwSignal<Route>) {
    use pyroad::learner::summary::Summary;
    use pyroad::web::embed::Event;
    let lesson = match route.get_untracked() {
        Route::Lesson(id) => Some(id),
        _ => None,
    };
    frame::emit(Event::Ready { lesson });
    Effect::new(move |previous: Option<Vec<String>>| {
        let done: Vec<String> = store.progress.with(|p| {
            course
                .lessons()
                .filter(|l| p.status(&l.lesson.id) == pyroad::learner::progress::Status::Done)
                .map(|l| l.lesson.id.clone())
                .collect()
        });
        for lesson in done
            .iter()
            .filter(|id| previous.as_ref().is_some_and(|p| !p.contains(id)))
        {
            frame::emit(Event::LessonCompleted {
                lesson: lesson.clone(),
            });
        }
        store
            .progress
            .with(|p| frame::emit(Event::Progress(Summary::of(p, course))));
        done
    });
}

#[component]
fn Header() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let saved = Theme::saved();
    if let Some(theme) = saved {
        theme.apply();
    }
    let dark = RwSignal::new(saved.map_or_else(prefers_dark, |t| t == Theme::Dark));
    let toggle = move |_| {
        let theme = if dark.get_untracked() {
            Theme::Light
        } else {
            Theme::Dark
        };
        dark.set(theme == Theme::Dark);
        theme.apply();
        theme.save();
    };
    view! {
        <header class="site-header">
            <a class="brand" href="#/">
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <path d="M6 27 C6 17 26 17 26 7" />
                    <circle cx="6" cy="27" r="3.5" />
                    <circle cx="26" cy="6" r="3.5" />
                </svg>
                {course.title.clone()}
            </a>
            <nav aria-label="Site">
                <a href="#/">"Roadmap"</a>
                <a href="#/review" id="nav-review">
                    "Review"
                    {move || {
                        let due = store.due_now().len();
                        (due > 0).then(|| view! { <span class="count" aria-label=format!("{due} due")>{due}</span> })
                    }}
                </a>
                <a href="#/progress">"Progress"</a>
            </nav>
            <search_box::SearchBox/>
            <PythonStatus/>
            <button
                type="button"
                class="theme-toggle"
                aria-pressed=move || dark.get().to_string()
                on:click=toggle
            >
                <span aria-hidden="true">{move || if dark.get() { "☾" } else { "☀" }}</span>
                " Dark theme"
            </button>
        </header>
    }
}

/// Where Python is: loading, ready, running, or failed (with why).
#[component]
fn PythonStatus() -> impl IntoView {
    let status = python::status();
    // data-boot says how the interpreter started (for tests and the curious).
    let state = move || match status.get() {
        python::Status::Idle => None,
        python::Status::Loading => Some(("loading", "Python: starting…".to_owned(), None)),
        python::Status::Ready { python, boot } => {
            Some(("ready", format!("Python {python}: ready"), Some(boot)))
        }
        python::Status::Running => Some(("running", "Python: running".to_owned(), None)),
        python::Status::Failed(error) => {
            Some(("failed", format!("Python unavailable: {error}"), None))
        }
    };
    move || {
        state().map(|(key, text, boot)| {
            view! { <span id="python-status" class="python-status" data-state=key data-boot=boot role="status">{text}</span> }
        })
    }
}

#[component]
fn StorageNotice() -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    // Where storage is blocked, the browser may grant it when the learner asks.
    let refused = RwSignal::new(false);
    let ask = move |_| {
        leptos::task::spawn_local(async move {
            refused.set(!store.request_storage().await);
        });
    };
    move || {
        store.notice.get().map(|notice| {
            let askable = notice == store::Notice::Unavailable && store::can_request_storage();
            view! {
                <div id="storage-notice" class="notice" role="status">
                    <p>{notice.message()}</p>
                    {move || refused.get().then(|| view! {
                        <p class="storage-refused">"The browser didn't allow PyRoad to keep your progress here."</p>
                    })}
                    {askable.then(|| view! {
                        <button type="button" id="keep-progress" on:click=ask>"Keep my progress"</button>
                    })}
                    <button type="button" on:click=move |_| store.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

#[component]
fn NotFound(path: String) -> impl IntoView {
    let course = expect_context::<&'static Course>();
    set_title(&format!("Not found — {}", course.title));
    // Suggest lessons that share a word with what was asked for.
    let words: Vec<String> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2 && *w != "lesson")
        .map(str::to_lowercase)
        .collect();
    let suggestions: Vec<_> = course
        .lessons()
        .filter(|l| {
            let haystack = format!("{} {}", l.lesson.id, l.lesson.title.to_lowercase());
            words.iter().any(|w| haystack.contains(w.as_str()))
        })
        .take(5)
        .map(|l| {
            (
                Route::Lesson(l.lesson.id.clone()).href(),
                l.lesson.title.clone(),
            )
        })
        .collect();
    view! {
        <main id="main" class="page not-found" tabindex="-1">
            <h1 tabindex="-1">"This page isn't on the roadmap"</h1>
            <p>"Nothing lives at " <code>{format!("#/{path}")}</code> ". The link may be mistyped, or the lesson may have moved."</p>
            {(!suggestions.is_empty()).then(|| view! {
                <p>"Perhaps you meant:"</p>
                <ul>
                    {suggestions.into_iter().map(|(href, title)| view! { <li><a href=href>{title}</a></li> }).collect_view()}
                </ul>
            })}
            <p><a class="button" href="#/">"Back to the roadmap"</a></p>
        </main>
    }
}
