//! The filled part of a progress bar, wherever progress is drawn as one.

use leptos::prelude::*;
use pyroad::learner::progress::percent;

/// `done` of `total`, as the width of the bar's filling (the bar itself is the caller's, with
/// its own label).
#[component]
pub fn BarFill(#[prop(into)] done: Signal<usize>, total: usize) -> impl IntoView {
    view! { <span style:width=move || format!("{}%", percent(done.get(), total))></span> }
}
