//! Where the page keeps things: its own local storage if the browser lets it, or the storage a
//! frame was granted on request (the Storage Access API); every key under one prefix, so
//! courses embedded side by side (`ns=`) keep apart. Probing, granting and backing up live
//! here; what is stored is `state`'s business.

use crate::app::platform::dom::{now_millis, window};
use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;

thread_local! {
    // `pyroad/`, or `pyroad/<namespace>/` for a course embedded with `ns=` (see pyroad::web::embed).
    static PREFIX: std::cell::RefCell<String> = std::cell::RefCell::new("pyroad/".to_owned());
    // The storage this page uses, once probed: its own local storage if that works, or what
    // the browser granted on request (`None` inside: none).
    static STORAGE: std::cell::RefCell<Option<Option<web_sys::Storage>>> = const { std::cell::RefCell::new(None) };
}

/// Keeps every storage key of this page under `prefix`; called once, before anything is read.
pub fn set_prefix(prefix: String) {
    PREFIX.with_borrow_mut(|p| *p = prefix);
}

pub fn key(name: &str) -> String {
    PREFIX.with_borrow(|p| format!("{p}{name}"))
}

/// Local storage, if this page may use it. Accessing it can throw (blocked third-party
/// storage, sandboxed frames), and writing can fail (full, or disabled), so probe both.
fn own_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()?;
    let storage = LocalStorage::raw();
    let ok = storage.set_item(&key("probe"), "1").is_ok();
    let _ = storage.remove_item(&key("probe"));
    ok.then_some(storage)
}

/// The storage this page keeps things in, if any.
pub fn local() -> Option<web_sys::Storage> {
    STORAGE.with_borrow_mut(|s| s.get_or_insert_with(own_storage).clone())
}

/// Whether a frame denied storage may ask the browser for it (the Storage Access API).
pub fn can_request_storage() -> bool {
    crate::app::platform::embed::in_frame()
        && window().document().is_some_and(|d| {
            js_sys::Reflect::has(&d, &"requestStorageAccess".into()).unwrap_or(false)
        })
}

/// `document.requestStorageAccess`: Chromium hands over a storage handle with its own
/// `localStorage`; Firefox and Safari open the page's own storage instead.
pub async fn requested_storage() -> Option<web_sys::Storage> {
    use js_sys::Reflect;
    let document = window().document()?;
    let request: js_sys::Function = Reflect::get(&document, &"requestStorageAccess".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = js_sys::Object::new();
    Reflect::set(&options, &"localStorage".into(), &true.into()).ok()?;
    let asked: js_sys::Promise = request.call1(&document, &options).ok()?.dyn_into().ok()?;
    let handle = wasm_bindgen_futures::JsFuture::from(asked).await.ok()?;
    let granted = Reflect::get(&handle, &"localStorage".into())
        .ok()
        .filter(|s| s.is_object());
    match granted {
        Some(storage) => Some(storage.unchecked_into()),
        None => own_storage(),
    }
}

/// Uses `storage` from now on (granted on request).
pub fn use_storage(storage: web_sys::Storage) {
    STORAGE.with_borrow_mut(|s| *s = Some(Some(storage)));
}

/// Keeps an unreadable value under a backup key that doesn't overwrite an earlier backup.
pub fn back_up(storage: &web_sys::Storage, raw: &str) -> Option<String> {
    let backup = key("progress.backup");
    let key = match storage.get_item(&backup).ok().flatten() {
        None => backup,
        Some(existing) if existing == raw => return Some(backup),
        Some(_) => format!("{backup}.{}", now_millis()),
    };
    storage.set_item(&key, raw).ok().map(|()| key)
}
