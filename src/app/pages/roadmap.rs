//! The roadmap: five stages along a road, their topics, and every lesson one click away.

use crate::app::components::in_turn::{busy_attr, in_turn};
use crate::app::components::progress_bar::BarFill;
use crate::app::state::ProgressStore;
use leptos::prelude::*;
use pyroad::learner::progress::Status;
use pyroad::learner::progress::percent;
use pyroad::learner::summary::Summary;
use pyroad::model::course::{Course, Stage, Topic};
use pyroad::web::route::Route;

#[component]
pub fn Roadmap() -> impl IntoView {
    let course = expect_context::<&'static Course>();
    let store = expect_context::<ProgressStore>();
    let total = course.lesson_count();
    let done = move || store.progress.with(|p| Summary::of(p, course).lessons_done);
    // The first lesson not yet done: where "Continue" leads.
    let next = move || {
        store.progress.with(|p| {
            course
                .lessons()
                .find(|l| p.status(&l.lesson.id) != Status::Done)
                .map(|l| {
                    (
                        Route::Lesson(l.lesson.id.clone()).href(),
                        l.lesson.title.clone(),
                    )
                })
        })
    };
    // The first stage fills a phone's screen; the others follow a task each (`in_turn`).
    let stage = |i: usize| view! { <StageStop number=i + 1 stage=&course.stages[i]/> }.into_any();
    let mut stages = 0..course.stages.len();
    let first = stages.next().map(stage);
    let (later, busy) = in_turn(stages.map(|i| move || stage(i)));
    view! {
        <main id="main" class="page roadmap" tabindex="-1">
            <section class="roadmap-intro" aria-labelledby="roadmap-title">
                <h1 id="roadmap-title" tabindex="-1">"Learn Python, one stop at a time"</h1>
                <p class="lede">
                    "Five stages from your first line of code to mastery. Every stop is a lesson with "
                    "examples you can run right here, in your browser."
                </p>
                <div class="overall" id="overall-progress">
                    <p>
                        <strong>{move || done()}</strong>
                        {format!(" of {total} lessons done")}
                        <span class="muted">{move || format!(" · {}%", percent(done(), total))}</span>
                    </p>
                    <div
                        class="bar"
                        role="progressbar"
                        aria-label="Lessons done in the whole course"
                        aria-valuemin="0"
                        aria-valuemax=total
                        aria-valuenow=done
                    >
                        <BarFill done=Signal::derive(done) total/>
                    </div>
                    {move || {
                        let due = store.due_now().len();
                        (due > 0).then(|| view! {
                            <a class="reviews-due" id="roadmap-reviews" href="#/review">
                                {if due == 1 { "1 question to review".to_owned() } else { format!("{due} questions to review") }}
                            </a>
                        })
                    }}
                    {move || next().map(|(href, title)| view! {
                        <a class="button continue" href=href>
                            {if done() == 0 { "Start: " } else { "Continue: " }}
                            {title}
                        </a>
                    })}
                </div>
            </section>
            <ol class="road" aria-busy=busy_attr(busy)>
                {first}
                {later}
            </ol>
        </main>
    }
}

#[component]
fn StageStop(number: usize, stage: &'static Stage) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let total = stage.lesson_ids().count();
    let done = move || store.progress.with(|p| p.done_count(stage.lesson_ids()));
    let title_id = format!("stage-{}", stage.id);
    let labelled_by = title_id.clone();
    view! {
        <li class="stage" data-stage=stage.id.clone() aria-labelledby=labelled_by>
            <div class="stage-marker" style:--pct=move || format!("{}%", percent(done(), total)) aria-hidden="true">
                <span>{number}</span>
            </div>
            <div class="stage-body">
                <header class="stage-header">
                    <h2 id=title_id>
                        <span class="stage-number">{format!("Stage {number}")}</span>
                        {stage.title.clone()}
                    </h2>
                    <p class="stage-summary">{stage.summary.clone()}</p>
                    <p class="stage-count">{move || format!("{} of {total} done", done())}</p>
                </header>
                <div class="topics">
                    {stage.topics.iter().map(|topic| view! { <TopicCard topic/> }).collect_view()}
                </div>
            </div>
        </li>
    }
}

#[component]
fn TopicCard(topic: &'static Topic) -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    let all_done = move || {
        store.progress.with(|p| {
            topic
                .lessons
                .iter()
                .all(|l| p.status(&l.id) == Status::Done)
        })
    };
    view! {
        <section class="topic" class:complete=all_done data-topic=topic.id.clone()>
            <h3>{topic.title.clone()}</h3>
            <p class="topic-summary">{topic.summary.clone()}</p>
            <ul class="lessons">
                {topic.lessons.iter().map(|lesson| {
                    let id = lesson.id.clone();
                    let status = Memo::new(move |_| store.progress.with(|p| p.status(&id)));
                    view! {
                        <li>
                            <a
                                class="lesson-node"
                                href=Route::Lesson(lesson.id.clone()).href()
                                data-lesson=lesson.id.clone()
                                data-status=move || status.get().as_str()
                                title=lesson.summary.clone()
                            >
                                <span class="dot" aria-hidden="true"></span>
                                <span class="lesson-title">{lesson.title.clone()}</span>
                                <span class="visually-hidden">{move || format!(" ({})", status.get().label())}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
