//! A row of tabs, one a file (ARIA tabs: click one, or move with the arrow keys).

use leptos::prelude::*;

/// Tabs for `paths`; `active` is the chosen one. Tab `i` gets the id `{prefix}-{i}` and
/// controls the panel whose id `panel(i)` gives.
pub fn file_tabs(
    paths: Vec<String>,
    active: RwSignal<usize>,
    prefix: String,
    panel: impl Fn(usize) -> String,
) -> impl IntoView {
    let count = paths.len();
    let tab_id = move |i: usize| format!("{prefix}-{i}");
    let select = {
        let tab_id = tab_id.clone();
        move |i: usize| {
            active.set(i);
            if let Some(tab) = crate::app::platform::dom::window()
                .document()
                .and_then(|d| d.get_element_by_id(&tab_id(i)))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = tab.focus();
            }
        }
    };
    view! {
        <div class="file-tabs" role="tablist" aria-label="Files">
            {paths.into_iter().enumerate().map(|(i, path)| {
                let select = select.clone();
                view! {
                    <button
                        type="button"
                        role="tab"
                        id=tab_id(i)
                        aria-controls=panel(i)
                        aria-selected=move || (active.get() == i).to_string()
                        tabindex=move || if active.get() == i { "0" } else { "-1" }
                        on:click=move |_| active.set(i)
                        // Arrow keys move between the tabs, as in every tab list.
                        on:keydown=move |ev| match ev.key().as_str() {
                            "ArrowRight" => select((i + 1) % count),
                            "ArrowLeft" => select((i + count - 1) % count),
                            _ => {}
                        }
                    >
                        {path}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}
