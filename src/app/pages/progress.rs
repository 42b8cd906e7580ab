//! The learner's progress, theirs to see and to keep: completion by stage and topic as a
//! chart, statistics, notes, export to a file, import from one, and reset.

use crate::app::components::progress_bar::BarFill;
use crate::app::platform::dom::{confirm, now_millis, save_file, set_title};
use crate::app::state::{ProgressStore, saved_code};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pyroad::learner::progress::Progress;
use pyroad::learner::progress::{local_day, percent};
use pyroad::learner::summary::Summary;
use pyroad::learner::transfer::{self, ImportMode, ImportSummary};
use pyroad::model::course::{Course, Stage};
use pyroad::web::route::Route;

#[component]
pub fn ProgressPage() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    set_title(&format!("Your progress — {}", course.title));
    view! {
        <main id="main" class="page progress-page" tabindex="-1">
            <h1 tabindex="-1">"Your progress"</h1>
            <p class="lede">"Everything here is stored in this browser only. Export it to keep a copy or to carry on elsewhere."</p>
            <Stats/>
            <section aria-labelledby="chart-title">
                <h2 id="chart-title">"By stage and topic"</h2>
                <div class="chart">
                    {course.stages.iter().map(|stage| view! { <StageBars stage/> }).collect_view()}
                </div>
            </section>
            <Notes/>
            <section aria-labelledby="transfer-title" class="transfer">
                <h2 id="transfer-title">"Keep it, move it, start over"</h2>
                <Transfer/>
                <button type="button" id="reset-progress" class="button danger" on:click=move |_| {
                    if confirm("Reset ALL your progress in this browser: lessons, exercises, quiz answers, reviews and notes? This can't be undone (export first to keep a copy).") {
                        store.replace(Progress::default());
                    }
                }>"Reset all progress"</button>
            </section>
        </main>
    }
}

#[component]
fn Stats() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let stats = move || {
        store.progress.with(|p| {
            let summary = Summary::of(p, course);
            let (done, solved) = (summary.lessons_done, summary.exercises_solved);
            let (right, tries) = p
                .questions
                .values()
                .fold((0, 0), |(r, t), q| (r + q.correct, t + q.attempts));
            let today = local_day(now_millis(), crate::app::state::utc_offset_minutes());
            let last = last_activity(p);
            (done, solved, right, tries, p.streak(today), last)
        })
    };
    view! {
        <dl class="stats" id="stats">
            {move || {
                let (done, solved, right, tries, streak, last) = stats();
                let accuracy = if tries == 0 { "—".to_owned() } else { format!("{}%", percent(right as usize, tries as usize)) };
                let last = last.map_or_else(|| "not yet".to_owned(), |ms| {
                    js_sys::Date::new(&(ms as f64).into()).to_locale_string("default", &js_sys::Object::new().into()).into()
                });
                view! {
                    <div><dt>"Lessons done"</dt><dd>{format!("{done} of {}", course.lesson_count())}</dd></div>
                    <div><dt>"Exercises solved"</dt><dd>{solved}</dd></div>
                    <div><dt>"Quiz accuracy"</dt><dd>{accuracy}</dd></div>
                    <div><dt>"Streak"</dt><dd>{match streak { 1 => "1 day".to_owned(), n => format!("{n} days") }}</dd></div>
                    <div><dt>"Last activity"</dt><dd>{last}</dd></div>
                }
            }}
        </dl>
    }
}

fn last_activity(p: &Progress) -> Option<u64> {
    let lessons = p
        .lessons
        .values()
        .flat_map(|l| [Some(l.opened_at), l.done_at])
        .flatten();
    let exercises = p
        .exercises
        .values()
        .flat_map(|e| [e.solved_at, e.solution_viewed_at])
        .flatten();
    let questions = p.questions.values().map(|q| q.answered_at);
    let notes = p.notes.values().map(|n| n.updated_at);
    lessons.chain(exercises).chain(questions).chain(notes).max()
}

#[component]
fn StageBars(stage: &'static Stage) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let total = stage.lesson_ids().count();
    let done = move || store.progress.with(|p| p.done_count(stage.lesson_ids()));
    view! {
        <div class="chart-stage" data-stage=stage.id.clone()>
            {chart_row("stage-row", stage.title.clone(), " lessons done", Signal::derive(done), total)}
            {stage.topics.iter().map(|topic| {
                let ids = move || topic.lessons.iter().map(|l| l.id.as_str());
                let total = topic.lessons.len();
                let done = move || store.progress.with(|p| p.done_count(ids()));
                chart_row("topic-row", topic.title.clone(), "", Signal::derive(done), total)
            }).collect_view()}
        </div>
    }
}

/// One bar of the chart: `label`, `done` of `total` (`unit` ends the spoken label).
fn chart_row(
    class: &'static str,
    label: String,
    unit: &'static str,
    done: Signal<usize>,
    total: usize,
) -> impl IntoView {
    let spoken = label.clone();
    view! {
        <div
            class=format!("chart-row {class}")
            role="img"
            aria-label=move || format!("{spoken}: {} of {total}{unit}", done.get())
        >
            <span class="chart-label">{label}</span>
            <span class="chart-bar"><BarFill done total/></span>
            <span class="chart-value">{move || format!("{}/{total}", done.get())}</span>
        </div>
    }
}

#[component]
fn Notes() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let notes = move || {
        store.progress.with(|p| {
            course
                .lessons()
                .filter_map(|l| {
                    let note = p.notes.get(&l.lesson.id)?;
                    (!note.text.trim().is_empty()).then(|| {
                        (
                            l.lesson.id.clone(),
                            l.lesson.title.clone(),
                            note.text.clone(),
                        )
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section aria-labelledby="notes-title">
            <h2 id="notes-title">"Your notes"</h2>
            {move || {
                let notes = notes();
                if notes.is_empty() {
                    view! { <p class="muted">"Notes you write at the end of a lesson appear here."</p> }.into_any()
                } else {
                    view! {
                        <ul class="notes-list">
                            {notes.into_iter().map(|(id, title, text)| view! {
                                <li>
                                    <a href=Route::Lesson(id).href()>{title}</a>
                                    <p class="note-text">{text}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// An import that passed validation, waiting for the learner to choose how to apply it.
#[derive(Clone)]
struct Pending {
    incoming: Progress,
    code: transfer::SavedCode,
    merged: ImportSummary,
    replaced: ImportSummary,
}

#[component]
fn Transfer() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let message = RwSignal::new(None::<(bool, String)>);
    let pending = RwSignal::new(None::<Pending>);
    let export = move |_| {
        let json = store
            .progress
            .with_untracked(|p| transfer::export(p, &saved_code::all(), course, now_millis()));
        let date: String = js_sys::Date::new_0().to_iso_string().into();
        match save_file(
            &format!("pyroad-progress-{}.json", &date[..10]),
            json.as_bytes(),
            "application/json",
        ) {
            Ok(()) => message.set(Some((
                true,
                "Exported: the file is in your downloads.".into(),
            ))),
            Err(()) => message.set(Some((
                false,
                "The browser didn't allow the download.".into(),
            ))),
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        pending.set(None);
        if file.size() > transfer::MAX_IMPORT_BYTES as f64 {
            message.set(Some((
                false,
                "That file is too large to be a PyRoad progress file. Nothing was changed.".into(),
            )));
            return;
        }
        spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            let Some(text) = text else {
                message.set(Some((
                    false,
                    "That file couldn't be read. Nothing was changed.".into(),
                )));
                return;
            };
            let parsed = transfer::parse_import(&text, course)
                .and_then(|p| Ok((p, transfer::imported_code(&text, course)?)));
            match parsed {
                Err(error) => message.set(Some((false, format!("{error} Nothing was changed.")))),
                Ok((incoming, code)) => {
                    let current = store.progress.get_untracked();
                    let merged = transfer::summarize(
                        &current,
                        &transfer::apply(&current, incoming.clone(), ImportMode::Merge),
                        course,
                    );
                    let replaced = transfer::summarize(&current, &incoming, course);
                    message.set(None);
                    pending.set(Some(Pending {
                        incoming,
                        code,
                        merged,
                        replaced,
                    }));
                }
            }
        });
    };
    let apply = move |mode: ImportMode| {
        if let Some(p) = pending.get_untracked() {
            let current = store.progress.get_untracked();
            store.replace(transfer::apply(&current, p.incoming, mode));
            saved_code::write(
                transfer::code_to_write(&saved_code::all(), p.code, mode),
                store,
            );
            pending.set(None);
            message.set(Some((true, "Imported.".into())));
        }
    };
    view! {
        <div class="transfer-actions">
            <button type="button" id="export-progress" class="button" on:click=export>"Export progress"</button>
            <label class="button file-button">
                "Import progress…"
                <input id="import-progress" type="file" accept=".json,application/json" class="visually-hidden" on:change=import/>
            </label>
        </div>
        {move || message.get().map(|(ok, text)| view! {
            <p id="transfer-message" class=if ok { "transfer-ok" } else { "transfer-error" } role="status">{text}</p>
        })}
        {move || pending.get().map(|p| view! {
            <div id="import-preview" class="import-preview">
                <p>"The file is valid. What it would change:"</p>
                <table>
                    <thead><tr><th></th><th>"Now"</th><th>"Merged (newer of each)"</th><th>"Replaced"</th></tr></thead>
                    <tbody>
                        {summary_row("Lessons done", p.merged.lessons_done_before, p.merged.lessons_done_after, p.replaced.lessons_done_after)}
                        {summary_row("Exercises solved", p.merged.exercises_solved_before, p.merged.exercises_solved_after, p.replaced.exercises_solved_after)}
                        {summary_row("Questions answered", p.merged.questions_answered_before, p.merged.questions_answered_after, p.replaced.questions_answered_after)}
                        {summary_row("Notes", p.merged.notes_before, p.merged.notes_after, p.replaced.notes_after)}
                    </tbody>
                </table>
                <button type="button" id="import-merge" class="button" on:click=move |_| apply(ImportMode::Merge)>"Merge"</button>
                <button type="button" id="import-replace" class="button" on:click=move |_| apply(ImportMode::Replace)>"Replace"</button>
                <button type="button" class="button" on:click=move |_| pending.set(None)>"Cancel"</button>
            </div>
        })}
    }
}

fn summary_row(label: &'static str, now: usize, merged: usize, replaced: usize) -> impl IntoView {
    view! { <tr><th scope="row">{label}</th><td>{now}</td><td>{merged}</td><td>{replaced}</td></tr> }
}
