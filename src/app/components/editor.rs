//! The code editor: CodeMirror 6 (bundled from npm into `editor.js` at build time), loaded only
//! on pages that have exercises. Until it loads — or if it can't — a plain text box stands in.

use crate::app::platform::dom::{NearScreen, next_task, run_when_idle};
use js_sys::{Function, Object, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(
    inline_js = "export function import_module(path) { return import(new URL(path, document.baseURI).href); }"
)]
extern "C" {
    fn import_module(path: &str) -> js_sys::Promise;
}

/// How long an editor may wait for the browser to be idle once the page is painted.
const EDITOR_AFTER_PAINT_MS: i32 = 300;

/// The JS side of a mounted editor, and the callbacks it holds.
struct Mounted {
    handle: JsValue,
    _on_change: Closure<dyn FnMut(String)>,
    _on_run: Closure<dyn FnMut()>,
}

#[derive(Clone, Copy)]
pub struct Editor {
    mounted: StoredValue<Option<Mounted>, LocalStorage>,
    fallback: NodeRef<leptos::html::Textarea>,
    ready: RwSignal<bool>,
    /// What it highlights: `python`, or an answer language (see `ANSWER_LANGUAGES`).
    language: StoredValue<String>,
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect())
}

impl Editor {
    pub fn new() -> Self {
        Self::for_language("python")
    }

    pub fn for_language(language: &str) -> Self {
        Self {
            mounted: StoredValue::new_local(None),
            fallback: NodeRef::new(),
            ready: RwSignal::new(false),
            language: StoredValue::new(language.to_owned()),
        }
    }

    /// Replaces the text (without counting as an edit).
    pub fn set_value(self, text: &str) {
        self.mounted.with_value(|m| {
            if let Some(m) = m {
                let _ = call(&m.handle, "setValue", &[text.into()]);
            }
        });
        if let Some(area) = self.fallback.get_untracked() {
            area.set_value(text);
        }
    }

    pub fn view(
        self,
        initial: String,
        label: String,
        on_change: impl Fn(String) + Copy + 'static,
        on_run: impl Fn() + Copy + 'static,
    ) -> impl IntoView {
        let host = NodeRef::<leptos::html::Div>::new();
        let editor_label = label.clone();
        let watch = StoredValue::new_local(None::<NearScreen>);
        Effect::new(move |_| {
            let Some(host) = host.get() else { return };
            let label = editor_label.clone();
            // CodeMirror (130 KB) and each editor's setup cost the page's thread: an editor
            // mounts only when its example or exercise comes near the screen (the block is
            // watched, as a hidden tab's editor has no box), and not before the page has been
            // painted, so the lesson's text comes first. The text box serves until then.
            let block = host
                .closest(".code-block, .exercise, .step")
                .ok()
                .flatten()
                .unwrap_or_else(|| host.clone().into());
            let mount = move || {
                run_when_idle(EDITOR_AFTER_PAINT_MS, move || {
                    spawn_local(async move {
                        if let Err(error) = self.mount(host.into(), label, on_change, on_run).await
                        {
                            leptos::logging::warn!(
                                "the code editor couldn't load, a plain text box stays: {error:?}"
                            );
                        }
                    });
                });
            };
            watch.set_value(NearScreen::watch(&block, mount));
        });
        on_cleanup(move || {
            let _ = watch.try_set_value(None);
            self.mounted.update_value(|m| {
                if let Some(m) = m.take() {
                    let _ = call(&m.handle, "destroy", &[]);
                }
            });
        });
        view! {
            <div class="editor" node_ref=host>
                <textarea
                    node_ref=self.fallback
                    class="editor-fallback"
                    aria-label=label
                    hidden=move || self.ready.get()
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    rows="8"
                    on:input=move |ev| on_change(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            on_run();
                        }
                    }
                >
                    {initial}
                </textarea>
            </div>
        }
    }

    async fn mount(
        self,
        host: web_sys::HtmlElement,
        label: String,
        on_change: impl Fn(String) + 'static,
        on_run: impl Fn() + 'static,
    ) -> Result<(), JsValue> {
        let module = JsFuture::from(import_module("./editor.js")).await?;
        // Loading CodeMirror is one long task and mounting an editor another (~70 ms here, far
        // more on a slow laptop): each editor mounts in a task of its own, so a click or a key
        // pressed meanwhile is answered between them.
        next_task().await;
        // The learner may have left the page while the editor loaded (a slow connection): then
        // its signals are gone and there is nothing to mount.
        let Some(fallback) = self.fallback.try_get_untracked() else {
            return Ok(());
        };
        // The text box may have been edited while the editor loaded: start from its text.
        let doc = fallback.map(|a| a.value()).unwrap_or_default();
        let on_change = Closure::<dyn FnMut(String)>::new(on_change);
        let on_run = Closure::<dyn FnMut()>::new(on_run);
        let options = Object::new();
        Reflect::set(&options, &"doc".into(), &doc.into())?;
        Reflect::set(&options, &"label".into(), &label.into())?;
        let language = self.language.try_get_value().unwrap_or_default();
        Reflect::set(&options, &"lang".into(), &language.into())?;
        Reflect::set(&options, &"onChange".into(), on_change.as_ref())?;
        Reflect::set(&options, &"onRun".into(), on_run.as_ref())?;
        let handle = call(&module, "mountEditor", &[host.into(), options.into()])?;
        self.mounted.try_set_value(Some(Mounted {
            handle,
            _on_change: on_change,
            _on_run: on_run,
        }));
        self.ready.try_set(true);
        Ok(())
    }
}
