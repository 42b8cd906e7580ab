//! A program's console: streamed output (as text, never HTML), errors explained, `input()`,
//! and Run/Stop. Code examples and exercises share it.

use crate::app::components::chart::chart;
use crate::app::python::{self, Finished, JobEvent, StopReason, Wait};
use leptos::prelude::*;
use pyroad::web::number::{one_decimal, whole};
use pyroad::worker::protocol::{Outcome, PyError, Request, Stream};

/// A piece of a program's output, in order.
#[derive(Debug, Clone, PartialEq)]
enum Chunk {
    Text(Stream, String),
    Image { src: String, alt: String },
    Chart { figure: String, alt: String },
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running { id: u32, prompt: Option<String> },
}

/// The signals of one console; `Copy`, so buttons and views share it freely.
#[derive(Clone, Copy)]
pub struct Console {
    chunks: RwSignal<Vec<Chunk>>,
    state: RwSignal<State>,
    error: RwSignal<Option<PyError>>,
    note: RwSignal<Option<String>>,
}

impl Console {
    pub fn new() -> Self {
        let console = Self {
            chunks: RwSignal::new(Vec::new()),
            state: RwSignal::new(State::Idle),
            error: RwSignal::new(None),
            note: RwSignal::new(None),
        };
        // Leaving the page stops its program: nothing would show what it does, and Python is
        // free at once for the next page.
        on_cleanup(move || console.stop());
        console
    }

    pub fn running(self) -> bool {
        self.state.with(|s| matches!(s, State::Running { .. }))
    }

    /// Starts a job; `on_done` sees how it ended (an exercise reads its test results there).
    pub fn start(
        self,
        make: impl FnOnce(u32) -> Request,
        timeout_secs: u32,
        on_done: impl Fn(&Finished) + 'static,
    ) {
        if self.running() {
            return;
        }
        self.chunks.set(Vec::new());
        self.error.set(None);
        self.note.set(Some("Running…".into()));
        let id = python::run(make, timeout_secs, move |event| {
            // The learner left the page while it ran: its console and exercise are gone.
            if self.state.is_disposed() {
                return;
            }
            self.show(event, &on_done);
        });
        self.state.set(State::Running { id, prompt: None });
    }

    fn show(self, event: JobEvent, on_done: &impl Fn(&Finished)) {
        match event {
            JobEvent::Waiting(why) => self.note.set(Some(
                match why {
                    Wait::ForPython => "Waiting for Python to start…",
                    Wait::ForOtherProgram => "Waiting for the program that is running to stop…",
                }
                .into(),
            )),
            JobEvent::Started => self.note.set(Some("Running…".into())),
            JobEvent::Output(stream, text) => self.chunks.update(|c| match c.last_mut() {
                Some(Chunk::Text(last, existing)) if *last == stream => existing.push_str(&text),
                _ => c.push(Chunk::Text(stream, text)),
            }),
            JobEvent::Image { src, alt } => {
                self.chunks.update(|c| c.push(Chunk::Image { src, alt }))
            }
            JobEvent::Chart { figure, alt } => {
                self.chunks.update(|c| c.push(Chunk::Chart { figure, alt }))
            }
            JobEvent::Loading(packages) => {
                self.note
                    .set(Some(format!("Downloading {}…", packages.join(", "))));
            }
            JobEvent::InputRequest(prompt) => self.state.update(|s| {
                if let State::Running { prompt: p, .. } = s {
                    *p = Some(prompt);
                }
            }),
            JobEvent::Finished(how) => {
                self.state.set(State::Idle);
                self.note.set(Some(summary(&how)));
                if let Finished::Done { outcome, .. } = &how {
                    self.error.set(outcome.error().cloned());
                }
                on_done(&how);
            }
        }
    }

    pub fn stop(self) {
        if let Some(State::Running { id, .. }) = self.state.try_get_untracked() {
            python::stop(id);
        }
    }

    fn answer(self, text: String) {
        if let State::Running { id, .. } = self.state.get_untracked() {
            self.state.set(State::Running { id, prompt: None });
            python::send_input(id, text);
        }
    }

    pub fn view(self) -> impl IntoView {
        let has_output = move || {
            !self.chunks.with(Vec::is_empty)
                || self.error.with(Option::is_some)
                || self.note.with(Option::is_some)
        };
        view! {
            <Show when=has_output>
                <div class="console" role="log" aria-live="polite" aria-label="Program output">
                    <pre class="output">
                        <For each=move || self.chunks.get().into_iter().enumerate() key=|(i, chunk)| (*i, chunk_size(chunk)) let:chunk>
                            {match chunk.1 {
                                Chunk::Text(stream, text) => view! {
                                    <span class=if stream == Stream::Stderr { "stderr" } else { "stdout" }>{text}</span>
                                }.into_any(),
                                Chunk::Image { src, alt } => view! { <img class="figure" src=src alt=alt/> }.into_any(),
                                Chunk::Chart { figure, alt } => chart(figure, alt).into_any(),
                            }}
                        </For>
                    </pre>
                    {move || self.state.with(|s| match s {
                        State::Running { prompt: Some(prompt), .. } => Some(self.input_row(prompt.clone())),
                        _ => None,
                    })}
                    {move || self.error.get().map(error_view)}
                    {move || self.note.get().map(|note| view! { <p class="console-note">{note}</p> })}
                </div>
            </Show>
        }
    }

    fn input_row(self, prompt: String) -> impl IntoView {
        let field = NodeRef::<leptos::html::Input>::new();
        Effect::new(move |_| {
            if let Some(input) = field.get() {
                let _ = input.focus();
            }
        });
        let label = if prompt.trim().is_empty() {
            "Your program is waiting for input".to_owned()
        } else {
            format!("Answer: {}", prompt.trim())
        };
        view! {
            <form class="input-row" on:submit=move |ev| {
                ev.prevent_default();
                if let Some(input) = field.get() {
                    self.answer(input.value());
                }
            }>
                <label>
                    <span class="visually-hidden">{label}</span>
                    <input node_ref=field type="text" class="program-input" autocomplete="off" autocapitalize="off" spellcheck="false" />
                </label>
                <button type="submit">"Send"</button>
            </form>
        }
    }

    /// Run and Stop buttons for this console; the glyph is decoration, not part of the name.
    pub fn buttons(
        self,
        (glyph, run_label): (&'static str, &'static str),
        on_run: impl Fn() + 'static,
    ) -> impl IntoView {
        view! {
            <button type="button" class="run" disabled=move || self.running() on:click=move |_| on_run()>
                <span aria-hidden="true">{glyph}</span>" "{run_label}
            </button>
            <button type="button" class="stop" hidden=move || !self.running() on:click=move |_| self.stop()>
                "Stop"
            </button>
        }
    }
}

/// Changes as a chunk grows, so the view redraws it.
fn chunk_size(chunk: &Chunk) -> usize {
    match chunk {
        Chunk::Text(_, text) => text.len(),
        Chunk::Image { src, .. } => src.len(),
        Chunk::Chart { figure, .. } => figure.len(),
    }
}

fn summary(how: &Finished) -> String {
    match how {
        Finished::Done {
            outcome,
            elapsed_ms,
            output_cut_total,
        } => {
            let mut note = match outcome {
                Outcome::Run(run) => match &run.exit {
                    Some(status) if !run.ok => {
                        format!("The program ended with sys.exit({status}).")
                    }
                    Some(_) => "The program ended with sys.exit().".to_owned(),
                    None if run.error.is_some() => "The program stopped with an error.".to_owned(),
                    None => format!("Finished in {}.", duration(*elapsed_ms)),
                },
                Outcome::Check(_) => format!("Checked in {}.", duration(*elapsed_ms)),
            };
            if *output_cut_total > 0 {
                note.push_str(&format!(
                    " The output was cut: it printed {} characters, and only the first 100,000 are shown.",
                    output_cut_total
                ));
            }
            note
        }
        Finished::Stopped(StopReason::Learner) => "Stopped.".to_owned(),
        Finished::Stopped(StopReason::AnotherRun) => {
            "Stopped, to run the program you started next.".to_owned()
        }
        Finished::Stopped(StopReason::TimeLimit(secs)) => format!(
            "Stopped after {secs} seconds: the program was taking too long. Look for a loop that never ends."
        ),
        Finished::Failed(error) => error.clone(),
    }
}

fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", whole(ms))
    } else {
        format!("{} s", one_decimal(ms / 1000.0))
    }
}

fn error_view(error: PyError) -> impl IntoView {
    view! {
        <div class="py-error" role="alert">
            <p class="py-error-title">{format!("{}: {}", error.kind, error.message)}</p>
            {error.explanation().map(|text| view! { <p class="py-error-explain">{text}</p> })}
            {(!error.traceback.is_empty()).then(|| view! {
                <details>
                    <summary>"Traceback"</summary>
                    <pre class="traceback">{error.traceback.clone()}</pre>
                </details>
            })}
        </div>
    }
}
