//! Parts of a long page that go on it one task each, once what comes first has been painted: a
//! slow phone answers taps between them and paints the first screen sooner.

use crate::app::platform::dom::{after_paint, run_after};
use leptos::prelude::*;

/// Renders each part in a task of its own, in order, starting after the next paint. Parts not
/// yet rendered when the learner leaves the page never are. The signal says whether parts are
/// still to come, for the container's `aria-busy`.
pub fn in_turn<P: FnOnce() -> AnyView + 'static>(
    parts: impl IntoIterator<Item = P>,
) -> (impl IntoView, Signal<bool>) {
    let parts: Vec<_> = parts
        .into_iter()
        .map(|part| (RwSignal::new(false), StoredValue::new_local(Some(part))))
        .collect();
    let shown: Vec<_> = parts.iter().map(|(shown, _)| *shown).collect();
    let last = shown.last().copied();
    let busy = Signal::derive(move || last.is_some_and(|shown| !shown.get()));
    after_paint(move || show_next(shown.into_iter()));
    let view = parts
        .into_iter()
        .map(|(shown, part)| {
            move || {
                shown.get().then(|| {
                    part.try_update_value(Option::take)
                        .flatten()
                        .map(|render| render())
                })
            }
        })
        .collect_view();
    (view, busy)
}

/// `aria-busy` while parts are still to come; absent after.
pub fn busy_attr(busy: Signal<bool>) -> impl Fn() -> Option<&'static str> {
    move || busy.get().then_some("true")
}

/// Shows the next part, then the one after in a new task, until all are shown or the page is
/// gone (its signals with it).
fn show_next(mut parts: impl Iterator<Item = RwSignal<bool>> + 'static) {
    if let Some(shown) = parts.next()
        && shown.try_set(true).is_none()
    {
        run_after(0, move || show_next(parts));
    }
}
