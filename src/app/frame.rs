//! PyRoad inside another site's iframe: reports events to the host page, obeys its (validated)
//! commands, and tells it the content's height. Outside a frame, all of this stays quiet.

use super::dom::window;
use super::store::Theme;
use pyroad::embed::{Command, Config, Event};
use pyroad::route::Route;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

thread_local! {
    static CONFIG: RefCell<Config> = RefCell::default();
}

fn parent() -> Option<web_sys::Window> {
    let w = window();
    let parent = w.parent().ok().flatten()?;
    // The top window is its own parent.
    (!js_sys::Object::is(&parent, &w)).then_some(parent)
}

/// Reads the query string; in a frame, starts listening to the host and reporting the height.
pub fn start() -> Config {
    let config = Config::from_query(&window().location().search().unwrap_or_default());
    CONFIG.with_borrow_mut(|c| *c = config.clone());
    if parent().is_some() {
        listen();
        report_height();
    }
    config
}

/// Posts an event to the host page, if there is one (to the allowed origins when configured).
pub fn emit(event: Event) {
    let Some(parent) = parent() else { return };
    let Ok(message) = serde_wasm_json(&event) else {
        return;
    };
    let hosts = CONFIG.with_borrow(|c| c.hosts.clone());
    if hosts.is_empty() {
        let _ = parent.post_message(&message, "*");
    } else {
        for host in hosts {
            let _ = parent.post_message(&message, &host);
        }
    }
}

fn serde_wasm_json(event: &Event) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&event.to_message().to_string())
}

fn listen() {
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            let from_parent = event
                .source()
                .zip(parent())
                .is_some_and(|(source, parent)| js_sys::Object::is(&source, &parent));
            if !CONFIG.with_borrow(|c| c.accepts(&event.origin(), from_parent)) {
                return;
            }
            // Only plain data is looked at: stringify what came, parse it as JSON, validate.
            let Some(text) = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|t| t.as_string())
            else {
                return;
            };
            let Some(command) = serde_json::from_str(&text)
                .ok()
                .as_ref()
                .and_then(Command::parse)
            else {
                return;
            };
            match command {
                Command::Navigate(lesson) => {
                    let route = lesson.map_or(Route::Roadmap, Route::Lesson);
                    let _ = window().location().set_hash(&route.href());
                }
                Command::SetTheme(theme) => match theme {
                    pyroad::embed::Theme::Light => Theme::Light.apply(),
                    pyroad::embed::Theme::Dark => Theme::Dark.apply(),
                },
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
        observer.observe(&body);
        std::mem::forget(observer);
    }
    on_resize.forget();
}
