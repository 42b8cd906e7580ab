//! Step through: a recorded run replayed a step at a time. The code with the line about to run
//! (and the one just run) marked, the call stack with each frame's variables, the numbered
//! objects they share, and the output so far; what changed since the previous step is marked.
//! First/Previous/Next/Last, a slider and the arrow keys move; each step is announced.

use crate::app::components::console::Console;
use crate::app::python::Finished;
use leptos::prelude::*;
use pyroad::worker::protocol::{Outcome, Request};
use pyroad::worker::trace::{Shown, StepView, Trace};

/// Step through for one example or exercise: the button beside Run, and the view of the run
/// last recorded, open until closed or until the program runs again.
#[derive(Clone, Copy)]
pub struct Stepping {
    /// The recorded run and the code it ran.
    traced: RwSignal<Option<(Trace, String)>>,
}

impl Stepping {
    pub fn new() -> Self {
        Self {
            traced: RwSignal::new(None),
        }
    }

    /// Closes the view (a new run makes it stale).
    pub fn close(self) {
        self.traced.set(None);
    }

    /// Runs `code` in `console` with the request `make` builds (which asks for a trace);
    /// the view opens on the recording when the run ends.
    pub fn record(
        self,
        console: Console,
        code: String,
        make: impl FnOnce(u32) -> Request + 'static,
        timeout_secs: u32,
    ) {
        self.close();
        console.start(make, timeout_secs, move |how| {
            if let Finished::Done {
                outcome: Outcome::Run(run),
                ..
            } = how
            {
                self.traced
                    .set(run.trace.clone().map(|trace| (trace, code.clone())));
            }
        });
    }

    pub fn button(self, console: Console, on_step: impl Fn() + 'static) -> impl IntoView {
        view! {
            <button type="button" class="step-through-button" disabled=move || console.running() on:click=move |_| on_step()>
                <span aria-hidden="true">"⤵"</span>" Step through"
            </button>
        }
    }

    pub fn view(self) -> impl IntoView {
        move || {
            self.traced.get().map(|(trace, code)| {
                view! { <StepThrough trace code on_close=move || self.close()/> }
            })
        }
    }
}

/// The view of `trace`, a run of `code`; `on_close` hides it.
#[component]
pub fn StepThrough(
    trace: Trace,
    code: String,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let total = trace.len();
    let cut = trace.cut.then(|| {
        format!(
            "The program was stopped after {} steps: these are the first {}.",
            trace.limit, trace.limit
        )
    });
    let trace = StoredValue::new(trace);
    let at = RwSignal::new(0usize);
    let step = Memo::new(move |_| trace.with_value(|t| t.view(at.get())));
    let last = total.saturating_sub(1);
    let go = move |to: usize| at.set(to.min(last));
    let lines: Vec<String> = code.lines().map(str::to_owned).collect();
    let keys = move |ev: web_sys::KeyboardEvent| {
        // The slider moves itself with the arrow keys.
        let on_slider = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
            .is_some();
        let to = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" if !on_slider => at.get_untracked() + 1,
            "ArrowLeft" | "ArrowUp" if !on_slider => at.get_untracked().saturating_sub(1),
            "Home" if !on_slider => 0,
            "End" if !on_slider => last,
            _ => return,
        };
        ev.prevent_default();
        go(to);
    };
    if total == 0 {
        return view! {
            <section class="step-through" aria-label="Step through">
                <p class="step-status">"The program ran no line of its own to step through."</p>
                <button type="button" class="step-close" on:click=move |_| on_close()>"Close"</button>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="step-through" aria-label="Step through" on:keydown=keys>
            <div class="step-controls">
                <button type="button" class="step-first" disabled=move || at.get() == 0 on:click=move |_| go(0)>
                    <span aria-hidden="true">"⏮ "</span>"First"
                </button>
                <button type="button" class="step-prev" disabled=move || at.get() == 0 on:click=move |_| go(at.get_untracked().saturating_sub(1))>
                    <span aria-hidden="true">"◀ "</span>"Back"
                </button>
                <input
                    type="range"
                    class="step-slider"
                    aria-label="Step"
                    min="1"
                    max=total.to_string()
                    prop:value=move || (at.get() + 1).to_string()
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                            go(n.saturating_sub(1));
                        }
                    }
                />
                <button type="button" class="step-next" disabled=move || { at.get() >= last } on:click=move |_| go(at.get_untracked() + 1)>
                    "Next"<span aria-hidden="true">" ▶"</span>
                </button>
                <button type="button" class="step-last" disabled=move || { at.get() >= last } on:click=move |_| go(last)>
                    "Last"<span aria-hidden="true">" ⏭"</span>
                </button>
                <button type="button" class="step-close" on:click=move |_| on_close()>"Close"</button>
            </div>
            <p class="step-status" role="status" aria-live="polite">
                {move || step.with(|s| s.as_ref().map(|s| s.announcement.clone()))}
            </p>
            {cut.map(|text| view! { <p class="step-cut">{text}</p> })}
            <div class="step-body">
                <ol class="step-code" aria-label="Code">
                    {lines.into_iter().enumerate().map(|(i, text)| {
                        let number = i as u32 + 1;
                        let current = move || step.with(|s| s.as_ref().is_some_and(|s| s.line == number));
                        let previous = move || step.with(|s| s.as_ref().is_some_and(|s| s.previous_line == Some(number)));
                        view! {
                            <li class:current=current class:previous=previous aria-current=move || current().then_some("step")>
                                <span class="step-marker" aria-hidden="true">
                                    {move || if current() { "➜" } else if previous() { "·" } else { "" }}
                                </span>
                                <code>{text}</code>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <div class="step-state">
                    {move || step.get().map(state_view)}
                </div>
            </div>
        </section>
    }
    .into_any()
}

fn state_view(step: StepView) -> impl IntoView {
    view! {
        {step.exception.map(|e| view! { <p class="step-exception">{e}</p> })}
        <h3 class="step-heading">"Frames"</h3>
        {step.frames.into_iter().map(|frame| view! {
            <div class="step-frame">
                <h4><span class="step-frame-name">{frame.name}</span><span class="step-frame-line">{format!(", line {}", frame.line)}</span></h4>
                {shown_list(frame.variables, "No variables yet.")}
            </div>
        }).collect_view()}
        {(!step.objects.is_empty()).then(|| view! {
            <h3 class="step-heading">"Objects"</h3>
            <div class="step-objects">{shown_list(step.objects, "")}</div>
        })}
        <h3 class="step-heading">"Output so far"</h3>
        <pre class="step-output">{step.printed}</pre>
    }
}

/// Names and their values, changed ones marked (in words too, for screen readers).
fn shown_list(items: Vec<Shown>, empty: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="step-empty">{empty}</p> }.into_any();
    }
    view! {
        <dl class="step-values">
            {items.into_iter().map(|item| view! {
                <div class:changed=item.changed>
                    <dt>{item.name}</dt>
                    <dd>
                        <code>{item.text}</code>
                        {item.object.map(|text| view! { " " <code class="step-object">{text}</code> })}
                        {item.changed.then(|| view! { <span class="visually-hidden">" (changed)"</span> })}
                    </dd>
                </div>
            }).collect_view()}
        </dl>
    }
    .into_any()
}
