//! Search across every lesson, offline: the index is built with the site and fetched the first
//! time search is used. `/` focuses it from anywhere.

use crate::app::platform::dom::window;
use crate::app::platform::fetch::fetch_json;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pyroad::model::course::Course;
use pyroad::web::route::Route;
use pyroad::web::search::{Hit, SearchIndex};
use wasm_bindgen::JsCast;

#[derive(Clone, PartialEq)]
enum IndexState {
    NotLoaded,
    Loading,
    Ready,
    Failed(String),
}

#[component]
pub fn SearchBox() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let index = StoredValue::new(None::<SearchIndex>);
    let state = RwSignal::new(IndexState::NotLoaded);
    let query = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();

    let load = move || {
        if state.get_untracked() != IndexState::NotLoaded {
            return;
        }
        state.set(IndexState::Loading);
        spawn_local(async move {
            let loaded = fetch_json::<SearchIndex>(&course.search_index, "the search index").await;
            match loaded {
                Ok(loaded) => {
                    index.set_value(Some(loaded));
                    state.set(IndexState::Ready);
                }
                Err(error) => state.set(IndexState::Failed(error)),
            }
        });
    };
    let hits = Memo::new(move |_| {
        state.track();
        let q = query.get();
        index.with_value(|i| i.as_ref().map(|i| i.search(&q, 8)).unwrap_or_default())
    });

    // `/` jumps to search, unless the learner is typing somewhere.
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = window()
            .document()
            .and_then(|d| d.active_element())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el
                        .unchecked_ref::<web_sys::HtmlElement>()
                        .is_content_editable()
            });
        if !typing && let Some(field) = input.get_untracked() {
            ev.prevent_default();
            let _ = field.focus();
        }
    });
    on_cleanup(move || listener.remove());

    view! {
        <div class="search" role="search">
            <label for="search-input" class="visually-hidden">"Search the lessons"</label>
            <input
                id="search-input"
                node_ref=input
                type="search"
                placeholder="Search lessons  /"
                autocomplete="off"
                spellcheck="false"
                // Only while the results exist: it must name an element on the page.
                aria-controls=move || (!query.with(|q| q.trim().is_empty())).then_some("search-results")
                prop:value=move || query.get()
                on:focus=move |_| load()
                on:input=move |ev| {
                    load();
                    query.set(event_target_value(&ev));
                }
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        query.set(String::new());
                    }
                }
            />
            <Show when=move || !query.with(|q| q.trim().is_empty())>
                <div id="search-results" class="search-results" role="region" aria-label="Search results" aria-live="polite">
                    {move || match state.get() {
                        IndexState::Failed(error) => view! { <p class="search-empty">{format!("Search isn't available: {error}")}</p> }.into_any(),
                        IndexState::NotLoaded | IndexState::Loading => view! { <p class="search-empty">"Loading the search index…"</p> }.into_any(),
                        IndexState::Ready if hits.with(Vec::is_empty) => view! { <p class="search-empty">"No lesson matches all of those words."</p> }.into_any(),
                        IndexState::Ready => view! {
                            <ul>
                                {hits.get().into_iter().map(|hit| hit_view(hit, query)).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                </div>
            </Show>
        </div>
    }
}

fn hit_view(hit: Hit, query: RwSignal<String>) -> impl IntoView {
    view! {
        <li>
            <a class="search-hit" href=Route::Lesson(hit.lesson_id.clone()).href() data-lesson=hit.lesson_id on:click=move |_| query.set(String::new())>
                <span class="search-title">{hit.title}</span>
                <span class="search-place">{hit.place}</span>
                <span class="search-snippet">
                    {hit.snippet.into_iter().map(|(text, matched)| if matched {
                        view! { <mark>{text}</mark> }.into_any()
                    } else {
                        text.into_any()
                    }).collect_view()}
                </span>
            </a>
        </li>
    }
}
