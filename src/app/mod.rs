//! The browser app: a thin layer of Leptos components over the pure core.

mod components;
mod pages;
mod platform;
mod python;
mod state;

use components::header::Header;
use components::storage_notice::StorageNotice;
use leptos::prelude::*;
use platform::dom::{location_hash, set_title, window};
use platform::{embed, offline};
use pyroad::model::course::Course;
use pyroad::web::route::Route;
use state::ProgressStore;

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
    let config = embed::start(course.as_ref().ok().copied());
    platform::storage::set_prefix(config.storage_prefix());
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
    embed::report_to_host(course, store, route.read_only());
    embed::keep_progress_on_host(course, store);

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
                view! { <pages::roadmap::Roadmap/> }.into_any()
            }
            Route::Lesson(id) => match course.resolve(&id) {
                Some(current) if current != id => {
                    // An old link to a renamed lesson: go to its new id without a history entry.
                    let _ = window().location().replace(&Route::Lesson(current.to_owned()).href());
                    ().into_any()
                }
                Some(_) => view! { <pages::lesson::LessonPage id/> }.into_any(),
                None => view! { <pages::not_found::NotFound path=format!("lesson/{id}")/> }.into_any(),
            },
            Route::Review => view! { <pages::review::ReviewPage/> }.into_any(),
            Route::Progress => view! { <pages::progress::ProgressPage/> }.into_any(),
            Route::NotFound(path) => view! { <pages::not_found::NotFound path/> }.into_any(),
        }}
        <footer class="site-footer">
            <p>"PyRoad runs real Python in your browser. Your progress stays on this device."</p>
            <offline::OfflineStatus/>
        </footer>
    }
}
