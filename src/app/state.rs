//! The state the pages share, provided as contexts: the learner's progress (a signal, saved
//! on every change, followed across tabs, or kept by the host page), what to tell them about
//! where it is kept, their theme, and their code for each exercise.

use crate::app::platform::dom::{now_millis, run_after, window};
use crate::app::platform::embed;
use crate::app::platform::storage::{back_up, key, local, requested_storage, use_storage};
use leptos::prelude::*;
use pyroad::learner::action::Action;
use pyroad::learner::progress::{self, Progress};
use pyroad::learner::transfer::{self, ImportMode};
use pyroad::model::course::Course;
use pyroad::web::embed::Event;
use pyroad::web::theme::Theme;

/// Something the learner should know about where their progress is kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Storage is disabled or blocked (e.g. a third-party iframe).
    Unavailable,
    /// Stored progress couldn't be read; the raw value was kept under `backup_key`.
    Recovered { reason: String, backup_key: String },
    /// Writing failed (storage full, or revoked while open).
    SaveFailed,
    /// The progress the host page keeps (`store=host`) couldn't be read.
    HostRejected { reason: String },
}

impl Notice {
    pub fn message(&self) -> String {
        match self {
            Self::Unavailable => {
                "This browser isn't letting PyRoad save anything here, so your progress \
                 will last only until you close this tab."
                    .to_owned()
            }
            Self::Recovered { reason, backup_key } => format!(
                "Your saved progress couldn't be read: {reason}. It is kept unchanged in this \
                 browser's storage under “{backup_key}”, and PyRoad has started a fresh record."
            ),
            Self::SaveFailed => {
                "Your latest progress couldn't be saved (the browser's storage is full \
                 or blocked). It is kept until you close this tab."
                    .to_owned()
            }
            Self::HostRejected { reason } => format!(
                "The progress this course site keeps for you couldn't be read: {reason} \
                 Nothing was changed, and PyRoad won't overwrite it: what you do now lasts \
                 until you close this tab."
            ),
        }
    }
}

#[derive(Clone, Copy)]
pub struct ProgressStore {
    pub progress: RwSignal<Progress>,
    pub notice: RwSignal<Option<Notice>>,
    /// `store=host`: whether the host page has answered with the progress it keeps (only
    /// then is progress sent to it, so an early change can't overwrite what it has).
    host: RwSignal<HostAnswer>,
    course: &'static Course,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum HostAnswer {
    Awaited,
    Taken,
    Rejected,
}

/// How long the host page has to answer `load-progress` before the learner is told that
/// nothing keeps their progress.
const HOST_ANSWER_MS: i32 = 3000;

/// Reads stored progress; a value that can't be read is kept under a backup key and the
/// learner is told.
fn read_progress(storage: &web_sys::Storage, course: &Course) -> (Progress, Option<Notice>) {
    let Some(raw) = storage.get_item(&key("progress")).ok().flatten() else {
        return (Progress::default(), None);
    };
    match progress::decode(&raw, &course.history) {
        Ok(p) => (p, None),
        Err(e) => (
            Progress::default(),
            Some(match back_up(storage, &raw) {
                Some(backup_key) => Notice::Recovered {
                    reason: e.reason,
                    backup_key,
                },
                None => Notice::SaveFailed,
            }),
        ),
    }
}

impl ProgressStore {
    pub fn load(course: &'static Course) -> Self {
        let storage = local();
        let available = storage.is_some();
        let on_host = crate::app::platform::embed::stores_on_host();
        if available {
            saved_code::bring_up_to_date(&course.history);
        }
        let (progress, notice) = match &storage {
            Some(storage) => read_progress(storage, course),
            None => (
                Progress::default(),
                (!on_host).then_some(Notice::Unavailable),
            ),
        };
        let store = Self {
            progress: RwSignal::new(progress),
            notice: RwSignal::new(notice),
            host: RwSignal::new(HostAnswer::Awaited),
            course,
        };
        if available {
            store.follow_other_tabs();
        }
        if on_host && !available {
            run_after(HOST_ANSWER_MS, move || {
                if store.host.get_untracked() == HostAnswer::Awaited {
                    store.notice.set(Some(Notice::Unavailable));
                }
            });
        }
        store
    }

    /// Whether progress may be sent to the host page (it has answered, with data PyRoad read).
    pub fn host_answered(self) -> bool {
        self.host.get() == HostAnswer::Taken
    }

    /// The host's answer to `load-progress`: a progress file, checked exactly like an import
    /// and merged with what this page has; or `None` when it keeps nothing yet. Anything else
    /// changes nothing. Only the first answer counts.
    pub fn take_from_host(self, file: Option<&str>) {
        if self.host.get_untracked() != HostAnswer::Awaited {
            return;
        }
        let incoming = file.map(|text| transfer::parse_import(text, self.course));
        match incoming {
            Some(Err(error)) => {
                self.host.set(HostAnswer::Rejected);
                self.notice.set(Some(Notice::HostRejected {
                    reason: error.message,
                }));
                return;
            }
            Some(Ok(incoming)) => {
                let current = self.progress.get_untracked();
                self.replace(transfer::apply(&current, incoming, ImportMode::Merge));
            }
            None => {}
        }
        if self.notice.get_untracked() == Some(Notice::Unavailable) {
            self.notice.set(None);
        }
        self.host.set(HostAnswer::Taken);
    }

    /// Another tab saved progress: show it here too.
    fn follow_other_tabs(self) {
        // For the page's life: dropping the handle leaves the listener in place.
        let _ = window_event_listener(leptos::ev::storage, move |event| {
            if event.key() != Some(key("progress")) {
                return;
            }
            let Some(raw) = event.new_value() else {
                self.progress.set(Progress::default());
                return;
            };
            // A value this tab can't read is left alone: the tab that wrote it owns it.
            if let Ok(p) = progress::decode(&raw, &self.course.history) {
                self.progress.set(p);
            }
        });
    }

    /// Applies the learner's action to their progress and saves it (any change also marks
    /// today as an active day); tells the host page, if framed.
    pub fn apply(self, action: Action) {
        let event = Event::of(&action);
        let now = now_millis();
        let mut changed = false;
        self.progress.update(|p| {
            changed = p.apply(action, now);
            if changed {
                p.mark_active(now, utc_offset_minutes());
            }
        });
        if changed {
            self.save();
        }
        if let Some(event) = event {
            embed::emit(event);
        }
    }

    /// Questions due for review now, as (lesson id, question id), soonest first.
    pub fn due_now(self) -> Vec<(String, String)> {
        let now = now_millis();
        self.progress.with(|p| {
            p.due_reviews(now)
                .into_iter()
                .map(|(l, q)| (l.to_owned(), q.to_owned()))
                .collect()
        })
    }

    /// Replaces all progress (import, reset) and saves it.
    pub fn replace(self, progress: Progress) {
        self.progress.set(progress);
        self.save();
    }

    /// Asks the browser for storage (a frame of another site, where it is blocked). Once
    /// granted, what was stored there and what this visit did are merged and saved; returns
    /// whether it was granted.
    pub async fn request_storage(self) -> bool {
        let Some(storage) = requested_storage().await else {
            return false;
        };
        use_storage(storage.clone());
        let (stored, notice) = read_progress(&storage, self.course);
        let current = self.progress.get_untracked();
        self.notice.set(notice);
        self.replace(transfer::apply(&stored, current, ImportMode::Merge));
        true
    }

    fn save(self) {
        let Some(storage) = local() else {
            return;
        };
        let raw = self.progress.with_untracked(Progress::encode);
        if storage.set_item(&key("progress"), &raw).is_err() {
            self.notice.set(Some(Notice::SaveFailed));
        } else if self.notice.get_untracked() == Some(Notice::SaveFailed) {
            self.notice.set(None);
        }
    }
}

/// The local time zone's offset from UTC in minutes, east positive.
pub fn utc_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// The learner's code for one exercise (or one file of it), saved on every edit under its
/// own key.
#[derive(Clone)]
pub struct SavedCode {
    key: String,
}

impl SavedCode {
    pub fn new(lesson: &str, exercise: &str, file: Option<&str>) -> Self {
        Self {
            key: key(&pyroad::learner::saved_code::key(lesson, exercise, file)),
        }
    }

    pub fn load(&self) -> Option<String> {
        local()?.get_item(&self.key).ok().flatten()
    }

    /// Saves; on failure the learner is told (their code stays in the editor).
    pub fn save(&self, code: &str, store: ProgressStore) {
        if local().is_some_and(|s| s.set_item(&self.key, code).is_err()) {
            store.notice.set(Some(Notice::SaveFailed));
        }
    }

    pub fn clear(&self) {
        if let Some(storage) = local() {
            let _ = storage.remove_item(&self.key);
        }
    }
}

/// All the learner's saved code at once, for export and import.
pub mod saved_code {
    use super::{Notice, ProgressStore};
    use crate::app::platform::storage::{key, local};
    use leptos::prelude::Set;
    use pyroad::learner::saved_code::STORAGE_PREFIX;
    use pyroad::learner::transfer::SavedCode;
    use pyroad::model::course::History;

    /// Every exercise's (and file's) code this browser keeps.
    pub fn all() -> SavedCode {
        let Some(storage) = local() else {
            return SavedCode::new();
        };
        let prefix = key(STORAGE_PREFIX);
        (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter_map(|k| {
                let entry = k.strip_prefix(&prefix)?.to_owned();
                Some((entry, storage.get_item(&k).ok().flatten()?))
            })
            .collect()
    }

    /// Moves code saved under a lesson's old id, or under the lesson an exercise has moved
    /// out of, to where the exercise is now. Each move writes before it removes, so a full
    /// storage loses nothing (the code stays where it was).
    pub fn bring_up_to_date(history: &History) {
        let Some(storage) = local() else { return };
        let before = all();
        let mut after = before.clone();
        history.rekey(&mut after);
        let prefix = key(STORAGE_PREFIX);
        for (entry, text) in after.iter().filter(|(e, _)| !before.contains_key(*e)) {
            if storage.set_item(&format!("{prefix}{entry}"), text).is_err() {
                return;
            }
        }
        for entry in before.keys().filter(|e| !after.contains_key(*e)) {
            let _ = storage.remove_item(&format!("{prefix}{entry}"));
        }
    }

    /// Saves imported code; on failure the learner is told.
    pub fn write(code: SavedCode, store: ProgressStore) {
        let Some(storage) = local() else { return };
        let prefix = key(STORAGE_PREFIX);
        if code
            .iter()
            .any(|(entry, text)| storage.set_item(&format!("{prefix}{entry}"), text).is_err())
        {
            store.notice.set(Some(Notice::SaveFailed));
        }
    }
}

/// The learner's saved theme, if they chose one.
pub fn saved_theme() -> Option<Theme> {
    // Stored as a JSON string, as gloo-storage wrote it.
    let raw = local()?.get_item(&key("theme")).ok()??;
    Theme::parse(&serde_json::from_str::<String>(&raw).ok()?)
}

pub fn save_theme(theme: Theme) {
    if let Some(storage) = local() {
        let _ = storage.set_item(&key("theme"), &format!("\"{}\"", theme.name()));
    }
}

/// Sets `data-theme` on `<html>`; the stylesheet does the rest.
pub fn apply_theme(theme: Theme) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme.name());
    }
}
