//! A Plotly figure from a program's output, drawn by plotly.js in a sandboxed frame: the figure
//! is the learner's data, and its text may hold markup, so it never touches the page. The frame
//! runs scripts but has an opaque origin: no storage, no access to the page, no navigation.

use crate::app::platform::dom::run_after;
use crate::app::platform::fetch::fetch_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pyroad::worker::protocol::CHART_LIBRARY;
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// The frame's document. It can't fetch from the page's service worker (an opaque origin
/// isn't controlled by it), so the page hands it plotly.js as text, which works offline.
const FRAME: &str = r#"<!doctype html><html lang="en"><meta charset="utf-8">
<style>html,body{margin:0;height:100%;font:14px system-ui,sans-serif}#chart{height:100%}</style>
<div id="chart"></div>
<script>
onmessage = (event) => {
  if (event.source !== parent) return;
  const [library, figure] = event.data;
  const chart = document.getElementById("chart");
  try {
    if (!self.Plotly) (0, eval)(library);
    const { data = [], layout = {} } = JSON.parse(figure);
    Plotly.newPlot(chart, data, layout, { responsive: true, displaylogo: false });
  } catch (error) {
    chart.textContent = "This chart could not be drawn: " + error.message;
  }
  parent.postMessage("drawn", "*");
};
</script>"#;

thread_local! {
    /// plotly.js, fetched once a page's first chart needs it.
    static LIBRARY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

async fn library() -> Result<JsValue, String> {
    if let Some(text) = LIBRARY.with_borrow(Clone::clone) {
        return Ok(text);
    }
    let text = JsValue::from_str(&fetch_text(CHART_LIBRARY).await?);
    LIBRARY.set(Some(text.clone()));
    Ok(text)
}

/// How long the frame has to draw once it has plotly.js: far more than evaluating it takes on
/// a slow laptop, so silence means the frame's script can't run.
const DRAW_WITHIN_MS: i32 = 15_000;

/// The chart's frame, named by `alt` (the figure's title).
pub fn chart(figure: String, alt: String) -> impl IntoView {
    let frame = NodeRef::<leptos::html::Iframe>::new();
    let problem = RwSignal::new(None::<String>);
    let drawn = RwSignal::new(false);
    let frame_window = move || frame.get_untracked().and_then(|f| f.content_window());
    let listener = window_event_listener(leptos::ev::message, move |event| {
        let from_frame = frame_window()
            .zip(event.source())
            .is_some_and(|(frame, source)| JsValue::from(frame) == JsValue::from(source));
        if from_frame {
            drawn.set(true);
        }
    });
    on_cleanup(move || listener.remove());
    let draw = move |_| {
        let figure = figure.clone();
        spawn_local(async move {
            match library().await {
                // Gone if the learner ran again or left meanwhile.
                Ok(library) => {
                    if let Some(target) = frame_window() {
                        let message = js_sys::Array::of2(&library, &JsValue::from_str(&figure));
                        let _ = target.post_message(&message, "*");
                        run_after(DRAW_WITHIN_MS, move || {
                            if drawn.try_get_untracked() == Some(false) {
                                problem.set(Some(
                                    "The chart wasn't drawn: this site's Content-Security-Policy \
                                     doesn't let the chart's frame run plotly.js."
                                        .into(),
                                ));
                            }
                        });
                    }
                }
                Err(why) => {
                    let _ = problem.try_set(Some(format!(
                        "The chart can't be drawn: plotly.js didn't load ({why})."
                    )));
                }
            }
        });
    };
    view! {
        <iframe class="chart" node_ref=frame sandbox="allow-scripts" title=alt srcdoc=FRAME on:load=draw></iframe>
        {move || problem.get().map(|text| view! { <span class="stderr">{text}"\n"</span> })}
    }
}
