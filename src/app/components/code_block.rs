//! A code block of a lesson: highlighted code with Copy; runnable Python also gets Edit,
//! Restore, Run, Step through, Stop and a console. An example of several files shows a tab a file.

use crate::app::components::console::Console;
use crate::app::components::editor::Editor;
use crate::app::components::file_tabs::file_tabs;
use crate::app::components::step_through::Stepping;
use crate::app::platform::dom::copy_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pyroad::model::lesson::CodeBlock;
use pyroad::worker::protocol::{DEFAULT_TIMEOUT_SECS, Request};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Numbers the page's several-file examples, for their tabs' ids.
static NEXT_EXAMPLE: AtomicUsize = AtomicUsize::new(0);

/// A code block with a Copy button; runnable Python also gets Run, Stop and a console.
/// In a lesson (`lesson`, its id), runs use the lesson's working folder, and shared blocks
/// its namespace (see [`CodeBlock::namespace`]).
#[component]
pub fn Code(code: CodeBlock, #[prop(default = None)] lesson: Option<String>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    // What Run runs: each file's text as written, or as the learner edited it.
    let texts = StoredValue::new(code.texts());
    let originals = StoredValue::new(code.texts());
    // The file shown: the main one (what Run runs) first.
    let active = RwSignal::new(code.files.iter().position(|f| f.main).unwrap_or(0));
    let shown = move || texts.with_value(|t| t[active.get_untracked()].clone());
    let editing = RwSignal::new(false);
    let editor = Editor::new();
    let pre = NodeRef::<leptos::html::Pre>::new();
    let copy = move |_| {
        spawn_local(async move {
            let ok = copy_text(&shown()).await;
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
    let steppable = runnable && code.language == "python";
    let timeout = code.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let namespace = lesson.as_deref().and_then(|l| code.namespace(l));
    let place = StoredValue::new((namespace, lesson));
    let block = StoredValue::new(code.clone());
    let stepping = Stepping::new();
    // What Run and Step through send: the code as it is now, and the request for it.
    let program = move |trace: bool| {
        let (code, files) = block.with_value(|b| texts.with_value(|t| b.sources(t)));
        let (namespace, folder) = place.get_value();
        let main = code.clone();
        let request = move |id| Request::Run {
            id,
            code,
            namespace,
            folder,
            files,
            trace,
        };
        (main, request)
    };
    let run = move || {
        stepping.close();
        console.start(program(false).1, timeout, |_| {});
    };
    let step_through = move || {
        let (code, request) = program(true);
        stepping.record(console, code, request, timeout);
    };
    // Each file's highlighted text and language (the one file's, for a one-file example).
    let shown_html = move || {
        block.with_value(|b| match b.files.get(active.get()) {
            Some(f) => (f.html.clone(), f.language.clone()),
            None => (b.html.clone(), b.language.clone()),
        })
    };
    let example = NEXT_EXAMPLE.fetch_add(1, Ordering::Relaxed);
    let panel_id = format!("example-{example}-panel");
    let tabs = (code.files.len() > 1).then(|| {
        let paths = code.files.iter().map(|f| f.path.clone()).collect();
        let panel_id = panel_id.clone();
        file_tabs(paths, active, format!("example-{example}"), move |_| {
            panel_id.clone()
        })
    });
    let several = tabs.is_some();
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
                                texts.set_value(originals.get_value());
                                editor.set_value(&shown());
                            }
                        >
                            "Restore"
                        </button>
                        {console.buttons(("▶", "Run"), run)}
                        {steppable.then(|| stepping.button(console, step_through))}
                    })}
                </span>
            </div>
            {tabs}
            <div
                id=panel_id
                role=several.then_some("tabpanel")
                aria-labelledby=move || several.then(|| format!("example-{example}-{}", active.get()))
            >
                {move || if editing.get() {
                    let at = active.get();
                    let on_change = move |text: String| texts.update_value(|t| t[at] = text);
                    let label = match block.with_value(|b| b.files.get(at).map(|f| f.path.clone())) {
                        Some(path) => format!("Edit this example, file {path}"),
                        None => "Edit this example".to_owned(),
                    };
                    editor.view(shown(), label, on_change, run).into_any()
                } else {
                    let (html, language) = shown_html();
                    // Focusable, so that a line too wide for the screen can be scrolled to from
                    // the keyboard (and a tab panel has something to focus).
                    view! { <pre node_ref=pre tabindex="0"><code class=format!("language-{language}") inner_html=html></code></pre> }
                        .into_any()
                }}
            </div>
            {runnable.then(|| console.view())}
            {stepping.view()}
        </figure>
    }
}
