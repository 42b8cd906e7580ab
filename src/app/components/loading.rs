//! Fetching a lesson's file, and what the learner sees when that fails.

use crate::app::platform::fetch::fetch_json;
use leptos::prelude::*;
use pyroad::model::lesson::Lesson;

pub async fn load_lesson(file: String) -> Result<Lesson, String> {
    fetch_json(&file, "the lesson file").await
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
