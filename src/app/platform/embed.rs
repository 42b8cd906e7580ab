//! PyRoad inside another site's iframe: reports events to the host page, obeys its (validated)
//! commands, tells it the content's height, and with `store=host` keeps progress on the host.
//! Outside a frame, all of this stays quiet.

use crate::app::platform::dom::{js_value, now_millis, run_after, window};
use crate::app::state::{ProgressStore, apply_theme};
use leptos::prelude::*;
use pyroad::learner::progress::Status;
use pyroad::learner::summary::Summary;
use pyroad::model::course::Course;
use pyroad::web::embed::{Command, Config, Event};
use pyroad::web::route::Route;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How long after a change of progress it is sent to the host (changes come in bursts).
const SAVE_DELAY_MS: i32 = 300;

thread_local! {
    static CONFIG: RefCell<Config> = RefCell::default();
    /// Where the host's `progress-data` goes (`store=host`, once the app has started).
    static HOST_STORE: Cell<Option<ProgressStore>> = const { Cell::new(None) };
}

fn parent() -> Option<web_sys::Window> {
    let w = window();
    let parent = w.parent().ok().flatten()?;
    // The top window is its own parent.
    (!js_sys::Object::is(&parent, &w)).then_some(parent)
}

/// Whether this page is inside another page's frame.
pub fn in_frame() -> bool {
    parent().is_some()
}

/// Reads the query string; in a frame, starts listening to the host (commands naming lessons
/// are checked against `course`) and reporting the height.
pub fn start(course: Option<&'static Course>) -> Config {
    let config = Config::from_query(&window().location().search().unwrap_or_default());
    CONFIG.with_borrow_mut(|c| *c = config.clone());
    if parent().is_some() {
        if let Some(course) = course {
            listen(course);
        }
        report_height();
    }
    config
}

/// Whether the host page keeps this frame's progress (`store=host`, inside a frame).
pub fn stores_on_host() -> bool {
    CONFIG.with_borrow(|c| c.store_on_host) && in_frame()
}

/// `store=host`: asks the host for the progress it keeps, and once it has answered, sends it
/// every change (a progress file, as an export).
pub fn keep_progress_on_host(course: &'static Course, store: ProgressStore) {
    if !stores_on_host() {
        return;
    }
    HOST_STORE.set(Some(store));
    emit(Event::LoadProgress);
    let timer = Cell::new(None::<i32>);
    Effect::new(move |_| {
        store.progress.track();
        if !store.host_answered() {
            return;
        }
        if let Some(pending) = timer.take() {
            window().clear_timeout_with_handle(pending);
        }
        timer.set(Some(run_after(SAVE_DELAY_MS, move || {
            let file = store.progress.with_untracked(|p| {
                // The host keeps progress; code stays in the frame's storage.
                let code = pyroad::learner::transfer::SavedCode::new();
                pyroad::learner::transfer::export(p, &code, course, now_millis())
            });
            if let Ok(data) = serde_json::from_str(&file) {
                emit(Event::SaveProgress { data });
            }
        })));
    });
}

/// Posts an event to the host page, if there is one (to the allowed origins when configured).
pub fn emit(event: Event) {
    let Some(parent) = parent() else { return };
    let message = js_value(&event.to_message());
    let hosts = CONFIG.with_borrow(|c| c.hosts.clone());
    if hosts.is_empty() {
        let _ = parent.post_message(&message, "*");
    } else {
        for host in hosts {
            let _ = parent.post_message(&message, &host);
        }
    }
}

fn listen(course: &'static Course) {
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let from_parent = event
                .source()
                .zip(parent())
                .is_some_and(|(source, parent)| js_sys::Object::is(&source, &parent));
            if !CONFIG.with_borrow(|c| c.accepts(&event.origin(), from_parent)) {
                return;
            }
            // Only plain data is looked at: stringify what came, parse it as JSON, validate.
            let Some(command) = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|t| t.as_string())
                .and_then(|text| Command::parse(&text, course))
            else {
                return;
            };
            match command {
                Command::Navigate(lesson) => {
                    let route = lesson.map_or(Route::Roadmap, Route::Lesson);
                    let _ = window().location().set_hash(&route.href());
                }
                Command::SetTheme(theme) => apply_theme(theme),
                Command::ProgressData(data) => {
                    if let Some(store) = HOST_STORE.get() {
                        store.take_from_host(data.as_deref());
                    }
                }
            }
        });
    window()
        .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())
        .ok();
    on_message.forget();
}

fn report_height() {
    let Some(body) = window().document().and_then(|d| d.document_element()) else {
        return;
    };
    let last = std::cell::Cell::new(0u32);
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let height = window()
            .document()
            .and_then(|d| d.document_element())
            .map_or(0, |e| e.scroll_height().max(0) as u32);
        if height != last.get() {
            last.set(height);
            emit(Event::Resize { height });
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        // Dropping the handle leaves the observer observing.
        observer.observe(&body);
    }
    on_resize.forget();
}

/// In a frame: "ready", then every change of progress as a summary, and lessons as they are
/// completed.
pub fn report_to_host(course: &'static Course, store: ProgressStore, route: ReadSignal<Route>) {
    let lesson = match route.get_untracked() {
        Route::Lesson(id) => Some(id),
        _ => None,
    };
    emit(Event::Ready { lesson });
    Effect::new(move |previous: Option<Vec<String>>| {
        let done: Vec<String> = store.progress.with(|p| {
            course
                .lessons()
                .filter(|l| p.status(&l.lesson.id) == Status::Done)
                .map(|l| l.lesson.id.clone())
                .collect()
        });
        for lesson in done
            .iter()
            .filter(|id| previous.as_ref().is_some_and(|p| !p.contains(id)))
        {
            emit(Event::LessonCompleted {
                lesson: lesson.clone(),
            });
        }
        store
            .progress
            .with(|p| emit(Event::Progress(Summary::of(p, course))));
        done
    });
}
