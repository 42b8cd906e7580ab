//! Small wrappers over browser APIs that the components share.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("PyRoad runs in a browser window")
}

pub fn now_millis() -> u64 {
    js_sys::Date::now() as u64
}

pub fn location_hash() -> String {
    window().location().hash().unwrap_or_default()
}

pub fn set_title(title: &str) {
    if let Some(doc) = window().document() {
        doc.set_title(title);
    }
}

/// Runs `f` once after `ms` milliseconds; returns the timer, for `clear_timeout_with_handle`.
/// (The closure is freed when it runs; one whose timer is cleared stays, and those are few.)
pub fn run_after(ms: i32, f: impl FnOnce() + 'static) -> i32 {
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms)
        .unwrap_or(0)
}

/// Resolves in a task of its own: what follows the `await` doesn't lengthen the task running now.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        run_after(0, move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
    });
    let _ = JsFuture::from(promise).await;
}

/// Runs `f` once what is on screen now has been painted: a frame callback runs just before its
/// frame is painted; one in the next frame runs after.
pub fn after_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || leptos::prelude::request_animation_frame(f));
}

/// Runs `f` once what is on screen now has been painted and the browser is idle, or `ms` after
/// that paint at the latest (at once after it where there is no `requestIdleCallback`: Safari).
/// What waits here (Python's download, the editor) doesn't hold up the page's first paint.
pub fn run_when_idle(ms: i32, f: impl FnOnce() + 'static) {
    after_paint(move || {
        let request = js_sys::Reflect::get(&window(), &"requestIdleCallback".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(request) = request else {
            f();
            return;
        };
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeout".into(), &ms.into());
        let callback = wasm_bindgen::closure::Closure::once_into_js(f);
        let _ = request.call2(&window(), &callback, &options);
    });
}

/// Watches `target` and runs `f` once it comes within a quarter of a screen's height of the
/// visible part of the page (at once where there is no `IntersectionObserver`). Dropping the
/// watch stops it.
pub struct NearScreen {
    observer: web_sys::IntersectionObserver,
    _on_change:
        wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>,
}

impl NearScreen {
    pub fn watch(target: &web_sys::Element, f: impl FnOnce() + 'static) -> Option<Self> {
        if !js_sys::Reflect::has(&window(), &"IntersectionObserver".into()).unwrap_or(false) {
            f();
            return None;
        }
        let mut f = Some(f);
        let on_change = wasm_bindgen::closure::Closure::<
            dyn FnMut(js_sys::Array, web_sys::IntersectionObserver),
        >::new(
            move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
                let near = entries.iter().any(|e| {
                    e.unchecked_into::<web_sys::IntersectionObserverEntry>()
                        .is_intersecting()
                });
                if near && let Some(f) = f.take() {
                    observer.disconnect();
                    f();
                }
            },
        );
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("25% 0px");
        let observer = web_sys::IntersectionObserver::new_with_options(
            on_change.as_ref().unchecked_ref(),
            &options,
        )
        .ok()?;
        observer.observe(target);
        Some(Self {
            observer,
            _on_change: on_change,
        })
    }
}

impl Drop for NearScreen {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Copies text to the clipboard; `false` when the browser refuses.
pub async fn copy_text(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

pub fn prefers_dark() -> bool {
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// Asks the learner to confirm with the browser's own dialog.
pub fn confirm(message: &str) -> bool {
    window().confirm_with_message(message).unwrap_or(false)
}

/// A random seed for generated test inputs, so no two Checks use the same cases.
pub fn random_seed() -> u32 {
    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
}

/// A JSON value as a JavaScript object, for `postMessage`.
pub fn js_value(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// Posts a message (`{"type": …}`) to the service worker controlling the page, if any.
pub fn post_to_service_worker(message: serde_json::Value) {
    if let Some(controller) = window().navigator().service_worker().controller() {
        let _ = controller.post_message(&js_value(&message));
    }
}

/// Offers `bytes` as a file download named `name`.
pub fn save_file(name: &str, bytes: &[u8], mime: &str) -> Result<(), ()> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| ())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    let document = window().document().ok_or(())?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| ())?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
