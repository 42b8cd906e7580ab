//! Progress and preferences kept in local storage, and what to tell the learner when storage
//! can't be used. All reading and writing of storage goes through here.

use super::dom::{now_millis, window};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use pyroad::course::Course;
use pyroad::progress::{self, Progress};
use pyroad::transfer::{self, ImportMode};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

thread_local! {
    // `pyroad/`, or `pyroad/<namespace>/` for a course embedded with `ns=` (see embed.rs).
    static PREFIX: std::cell::RefCell<String> = std::cell::RefCell::new("pyroad/".to_owned());
}

/// Keeps every storage key of this page under `prefix`; called once, before anything is read.
pub fn set_prefix(prefix: String) {
    PREFIX.with_borrow_mut(|p| *p = prefix);
}

fn key(name: &str) -> String {
    PREFIX.with_borrow(|p| format!("{p}{name}"))
}

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
    available: bool,
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

/// Local storage, if this page may use it. Accessing it can throw (blocked third-party
/// storage, sandboxed frames), and writing can fail (full, or disabled), so probe both.
fn storage_available() -> bool {
    let Ok(Some(storage)) = window().local_storage() else {
        return false;
    };
    let ok = storage.set_item(&key("probe"), "1").is_ok();
    let _ = storage.remove_item(&key("probe"));
    ok
}

impl ProgressStore {
    pub fn load(course: &'static Course) -> Self {
        let available = storage_available();
        let on_host = super::frame::stores_on_host();
        let mut notice = (!available && !on_host).then_some(Notice::Unavailable);
        let mut progress = Progress::default();
        if available {
            let raw = LocalStorage::raw()
                .get_item(&key("progress"))
                .ok()
                .flatten();
            if let Some(raw) = raw {
                match progress::decode(&raw, &course.renamed) {
                    Ok(p) => progress = p,
                    Err(e) => {
                        notice = Some(match back_up(&raw) {
                            Some(backup_key) => Notice::Recovered {
                                reason: e.reason,
                                backup_key,
                            },
                            None => Notice::SaveFailed,
                        });
                    }
                }
            }
        }
        let store = Self {
            progress: RwSignal::new(progress),
            notice: RwSignal::new(notice),
            available,
            host: RwSignal::new(HostAnswer::Awaited),
            course,
        };
        if available {
            store.follow_other_tabs();
        }
        if on_host && !available {
            let late = Closure::once_into_js(move || {
                if store.host.get_untracked() == HostAnswer::Awaited {
                    store.notice.set(Some(Notice::Unavailable));
                }
            });
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
                late.unchecked_ref(),
                HOST_ANSWER_MS,
            );
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
        let handle = window_event_listener(leptos::ev::storage, move |event| {
            if event.key() != Some(key("progress")) {
                return;
            }
            let Some(raw) = event.new_value() else {
                self.progress.set(Progress::default());
                return;
            };
            // A value this tab can't read is left alone: the tab that wrote it owns it.
            if let Ok(p) = progress::decode(&raw, &self.course.renamed) {
                self.progress.set(p);
            }
        });
        // Lives as long as the page.
        std::mem::forget(handle);
    }

    /// Changes progress and saves it; any change also marks today as an active day.
    pub fn update(self, change: impl FnOnce(&mut Progress, u64) -> bool) {
        let now = now_millis();
        let mut changed = false;
        self.progress.update(|p| {
            changed = change(p, now);
            if changed {
                p.mark_active(now, utc_offset_minutes());
            }
        });
        if changed {
            self.save();
        }
    }

    /// Replaces all progress (import, reset) and saves it.
    pub fn replace(self, progress: Progress) {
        self.progress.set(progress);
        self.save();
    }

    fn save(self) {
        if !self.available {
            return;
        }
        let raw = self.progress.with_untracked(Progress::encode);
        if LocalStorage::raw()
            .set_item(&key("progress"), &raw)
            .is_err()
        {
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

/// Keeps an unreadable value under a backup key that doesn't overwrite an earlier backup.
fn back_up(raw: &str) -> Option<String> {
    let storage = LocalStorage::raw();
    let backup = key("progress.backup");
    let key = match storage.get_item(&backup).ok().flatten() {
        None => backup,
        Some(existing) if existing == raw => return Some(backup),
        Some(_) => format!("{backup}.{}", now_millis()),
    };
    storage.set_item(&key, raw).ok().map(|()| key)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn name(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The learner's saved choice, if any.
    pub fn saved() -> Option<Self> {
        if !storage_available() {
            return None;
        }
        match LocalStorage::get::<String>(key("theme")).ok()?.as_str() {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    pub fn save(self) {
        if storage_available() {
            let _ = LocalStorage::set(key("theme"), self.name());
        }
    }

    /// Sets `data-theme` on `<html>`; the stylesheet does the rest.
    pub fn apply(self) {
        if let Some(root) = window().document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-theme", self.name());
        }
    }
}

/// The learner's code for one exercise, saved on every edit under its own key.
pub struct SavedCode {
    key: String,
}

impl SavedCode {
    pub fn new(lesson: &str, exercise: &str) -> Self {
        Self {
            key: key(&format!("code/{lesson}/{exercise}")),
        }
    }

    pub fn load(&self) -> Option<String> {
        storage_available()
            .then(|| LocalStorage::raw().get_item(&self.key).ok().flatten())
            .flatten()
    }

    /// Saves; on failure the learner is told (their code stays in the editor).
    pub fn save(&self, code: &str, store: ProgressStore) {
        if store.available && LocalStorage::raw().set_item(&self.key, code).is_err() {
            store.notice.set(Some(Notice::SaveFailed));
        }
    }

    pub fn clear(&self) {
        if storage_available() {
            let _ = LocalStorage::raw().remove_item(&self.key);
        }
    }
}
