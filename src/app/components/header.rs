//! The site header: the roadmap's name, navigation with the count of reviews due, search,
//! where Python is, and the theme switch.

use crate::app::components::search_box::SearchBox;
use crate::app::platform::dom::prefers_dark;
use crate::app::python;
use crate::app::state::{ProgressStore, apply_theme, save_theme, saved_theme};
use leptos::prelude::*;
use pyroad::model::course::Course;
use pyroad::web::theme::Theme;

#[component]
pub fn Header() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let saved = saved_theme();
    if let Some(theme) = saved {
        apply_theme(theme);
    }
    let dark = RwSignal::new(saved.map_or_else(prefers_dark, |t| t == Theme::Dark));
    let toggle = move |_| {
        let theme = if dark.get_untracked() {
            Theme::Light
        } else {
            Theme::Dark
        };
        dark.set(theme == Theme::Dark);
        apply_theme(theme);
        save_theme(theme);
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
            <SearchBox/>
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
    let status = python::state();
    // data-boot says how the interpreter started (for tests and the curious).
    let state = move || match status.get() {
        python::State::Idle => None,
        python::State::Loading => Some(("loading", "Python: starting…".to_owned(), None)),
        python::State::Ready { python, boot } => {
            Some(("ready", format!("Python {python}: ready"), Some(boot)))
        }
        python::State::Running => Some(("running", "Python: running".to_owned(), None)),
        python::State::Failed(error) => {
            Some(("failed", format!("Python unavailable: {error}"), None))
        }
    };
    move || {
        state().map(|(key, text, boot)| {
            view! { <span id="python-status" class="python-status" data-state=key data-boot=boot.map(|b| b.as_str()) role="status">{text}</span> }
        })
    }
}
