//! What the learner should know about where their progress is kept (blocked storage, a
//! record that couldn't be read, a failed save), with "Keep my progress" where the browser
//! can grant storage.

use crate::app::platform::storage::can_request_storage;
use crate::app::state::{Notice, ProgressStore};
use leptos::prelude::*;

#[component]
pub fn StorageNotice() -> impl IntoView {
    let store = expect_context::<ProgressStore>();
    // Where storage is blocked, the browser may grant it when the learner asks.
    let refused = RwSignal::new(false);
    let ask = move |_| {
        leptos::task::spawn_local(async move {
            refused.set(!store.request_storage().await);
        });
    };
    move || {
        store.notice.get().map(|notice| {
            let askable = notice == Notice::Unavailable && can_request_storage();
            view! {
                <div id="storage-notice" class="notice" role="status">
                    <p>{notice.message()}</p>
                    {move || refused.get().then(|| view! {
                        <p class="storage-refused">"The browser didn't allow PyRoad to keep your progress here."</p>
                    })}
                    {askable.then(|| view! {
                        <button type="button" id="keep-progress" on:click=ask>"Keep my progress"</button>
                    })}
                    <button type="button" on:click=move |_| store.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}
