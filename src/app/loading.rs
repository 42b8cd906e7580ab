//! Fetching a lesson's file, and what the learner sees when that fails.

use super::dom::fetch_text;
use leptos::prelude::*;
use pyroad::model::lesson::Lesson;

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
