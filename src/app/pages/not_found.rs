//! A route that leads nowhere: says so, and suggests lessons whose names share a word with it.

use crate::app::platform::dom::set_title;
use leptos::prelude::*;
use pyroad::model::course::Course;
use pyroad::web::route::Route;

#[component]
pub fn NotFound(path: String) -> impl IntoView {
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
