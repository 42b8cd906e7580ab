//! Offline: registers the service worker, offers a new version when one is ready (never mixing
//! old and new files in one page), and says when the whole course is stored on this device.

use crate::app::platform::dom::{js_value, post_to_service_worker, run_after, window};
use leptos::prelude::*;
use pyroad::web::number::one_decimal;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long after start-up the service worker is registered.
const REGISTER_DELAY_MS: i32 = 3000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stored {
    pub files: u32,
    pub cached: u32,
    pub bytes: f64,
}

#[derive(Clone, Copy)]
pub struct Offline {
    /// A new version is installed and waiting for the learner to reload.
    pub update_ready: RwSignal<bool>,
    pub stored: RwSignal<Option<Stored>>,
    registration: StoredValue<Option<web_sys::ServiceWorkerRegistration>, LocalStorage>,
}

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = window().navigator();
    // Missing where service workers aren't allowed (plain http, some private modes).
    js_sys::Reflect::has(&navigator, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

impl Offline {
    pub fn start() -> Self {
        let offline = Self {
            update_ready: RwSignal::new(false),
            stored: RwSignal::new(None),
            registration: StoredValue::new_local(None),
        };
        if let Some(sw) = container() {
            offline.listen(&sw);
            // Registering starts the download of the whole course (about 20 MB): wait until the
            // page is up, so it doesn't compete with the first render on a slow connection, and
            // until Python has started if it is starting, so it doesn't halve the bandwidth of
            // Python's own download while the learner waits for a first Run.
            let waited = RwSignal::new(false);
            run_after(REGISTER_DELAY_MS, move || waited.set(true));
            let python = crate::app::python::state();
            Effect::new(move |registered: Option<bool>| {
                if registered == Some(true)
                    || !waited.get()
                    || python.get() == crate::app::python::State::Loading
                {
                    return registered.unwrap_or(false);
                }
                let sw = sw.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(registration) = JsFuture::from(sw.register("sw.js")).await {
                        offline.watch(registration.unchecked_into());
                    }
                });
                true
            });
        }
        offline
    }

    fn listen(self, sw: &web_sys::ServiceWorkerContainer) {
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                let get = |key: &str| {
                    js_sys::Reflect::get(&data, &key.into())
                        .ok()
                        .and_then(|v| v.as_f64())
                };
                if let (Some(files), Some(cached), Some(bytes)) =
                    (get("files"), get("cached"), get("bytes"))
                {
                    self.stored.set(Some(Stored {
                        files: files as u32,
                        cached: cached as u32,
                        bytes,
                    }));
                    if cached < files {
                        // Still downloading the course: ask again shortly.
                        run_after(1000, move || self.ask_status());
                    }
                }
            },
        );
        sw.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_controller = Closure::<dyn FnMut()>::new(move || {
            if self.update_ready.get_untracked() {
                // The learner chose the new version: load it whole.
                let _ = window().location().reload();
            } else {
                self.ask_status();
            }
        });
        sw.set_oncontrollerchange(Some(on_controller.as_ref().unchecked_ref()));
        on_controller.forget();
    }

    fn watch(self, registration: web_sys::ServiceWorkerRegistration) {
        if registration.waiting().is_some() && has_controller() {
            self.update_ready.set(true);
        }
        let reg = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == web_sys::ServiceWorkerState::Installed && has_controller() {
                    self.update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        self.registration.set_value(Some(registration));
        self.ask_status();
    }

    fn ask_status(self) {
        post_to_service_worker(serde_json::json!({"type": "status"}));
    }

    /// Switches to the waiting version; the page reloads when it takes over.
    pub fn apply_update(self) {
        self.registration.with_value(|r| {
            if let Some(waiting) = r.as_ref().and_then(|r| r.waiting()) {
                let _ =
                    waiting.post_message(&js_value(&serde_json::json!({"type": "skip-waiting"})));
            }
        });
    }
}

fn has_controller() -> bool {
    container().and_then(|c| c.controller()).is_some()
}

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let offline = expect_context::<Offline>();
    view! {
        <Show when=move || offline.update_ready.get()>
            <div id="update-banner" class="notice" role="status">
                <p>"A new version of PyRoad is ready."</p>
                <button type="button" class="button" on:click=move |_| offline.apply_update()>"Reload"</button>
            </div>
        </Show>
    }
}

/// "Available offline · 13.4 MB", or how far the download has got.
#[component]
pub fn OfflineStatus() -> impl IntoView {
    let offline = expect_context::<Offline>();
    move || {
        offline.stored.get().map(|s| {
            let mb = s.bytes / 1_048_576.0;
            let text = if s.cached >= s.files {
                format!("Available offline · {} MB stored on this device", one_decimal(mb))
            } else {
                format!("Saving the course for offline use… {} of {} files", s.cached, s.files)
            };
            view! { <p id="offline-status" class="offline-status" data-ready=(s.cached >= s.files).to_string()>{text}</p> }
        })
    }
}
