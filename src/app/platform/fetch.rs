//! Fetching the site's own files (lessons, the search index), relative to the page so the
//! course works from any sub-path, with errors worded for the learner.

use crate::app::platform::dom::window;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Fetches a file of the site (relative to the page, so any sub-path works) as text.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let failed = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let response = JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(|_| "the network request failed — are you offline?".to_owned())?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(format!(
            "the server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    Ok(text.as_string().unwrap_or_default())
}

/// Fetches a JSON file of the site; `what` names it in the error ("the lesson file").
pub async fn fetch_json<T: DeserializeOwned>(url: &str, what: &str) -> Result<T, String> {
    let text = fetch_text(url).await?;
    serde_json::from_str(&text).map_err(|e| format!("{what} is damaged ({e})"))
}
