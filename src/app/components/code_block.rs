//! A code block of a lesson: highlighted code with Copy; runnable Python also gets Edit,
//! Restore, Run, Stop and a console.

use crate::app::components::console::Console;
use crate::app::components::editor::Editor;
use crate::app::platform::dom::copy_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pyroad::model::lesson::CodeBlock;
use pyroad::worker::protocol::{DEFAULT_TIMEOUT_SECS, Request};

/// A code block with a Copy button; runnable Python also gets Run, Stop and a console.
/// In a lesson (`lesson`, its id), runs use the lesson's working folder, and shared blocks
/// its namespace (see [`CodeBlock::namespace`]).
#[component]
pub fn Code(code: CodeBlock, #[prop(default = None)] lesson: Option<String>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    // What Run runs: the example, or the learner's edited version of it.
    let source = StoredValue::new(code.code.clone());
    let original = StoredValue::new(code.code.clone());
    let editing = RwSignal::new(false);
    let editor = Editor::new();
    let pre = NodeRef::<leptos::html::Pre>::new();
    let copy = move |_| {
        spawn_local(async move {
            let ok = copy_text(&source.get_value()).await;
            if !ok {
                // No clipboard access (e.g. plain http): select the code for Ctrl+C instead.
                if let (Some(pre), Ok(Some(selection))) = (
                    pre.get_untracked(),
                    crate::app::platform::dom::window().get_selection(),
                ) {
                    let _ = selection.select_all_children(&pre);
                }
            }
            copied.set(Some(ok));
        });
    };
    let console = Console::new();
    let runnable = code.runnable;
    let timeout = code.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let namespace = lesson.as_deref().and_then(|l| code.namespace(l));
    let place = StoredValue::new((namespace, lesson));
    let run = move || {
        let (code, (namespace, folder)) = (source.get_value(), place.get_value());
        console.start(
            move |id| Request::Run {
                id,
                code,
                namespace,
                folder,
                files: Vec::new(),
            },
            timeout,
            |_| {},
        );
    };
    let html = code.html.clone();
    let language = code.language.clone();
    view! {
        <figure class="code-block" data-language=code.language.clone() data-runnable=code.runnable.to_string()>
            <div class="code-toolbar">
                <span class="code-language">{code.language.clone()}</span>
                <span class="code-actions">
                    <button type="button" class="copy" on:click=copy>
                        {move || match copied.get() {
                            None => "Copy",
                            Some(true) => "Copied",
                            Some(false) => "Selected: press Ctrl+C",
                        }}
                        <span aria-hidden="true" hidden=move || copied.get() != Some(true)>" ✓"</span>
                    </button>
                    {runnable.then(|| view! {
                        <button type="button" class="edit" hidden=move || editing.get() on:click=move |_| editing.set(true)>
                            "Edit"
                        </button>
                        <button
                            type="button"
                            class="restore"
                            hidden=move || !editing.get()
                            on:click=move |_| {
                                let text = original.get_value();
                                editor.set_value(&text);
                                source.set_value(text);
                            }
                        >
                            "Restore"
                        </button>
                        {console.buttons(("▶", "Run"), run)}
                    })}
                </span>
            </div>
            {move || if editing.get() {
                editor
                    .view(source.get_value(), "Edit this example".to_owned(), move |text| source.set_value(text), run)
                    .into_any()
            } else {
                view! { <pre node_ref=pre><code class=format!("language-{language}") inner_html=html.clone()></code></pre> }
                    .into_any()
            }}
            {runnable.then(|| console.view())}
        </figure>
    }
}
