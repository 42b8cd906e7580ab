//! The offline copy of a build: the service worker gets the list of every file in the build and
//! a version that changes whenever any file does (so each deploy is installed whole).

use crate::build::fnv1a;
use std::fmt::Write;

pub const SERVICE_WORKER: &str = "sw.js";

/// Where the groups of shipped Python packages live: cached when a program first imports one
/// (by the service worker, named by their content), not at install, so a first visit doesn't
/// download them all.
pub const ON_DEMAND: &str = "python-packages/";

/// One file of the build, by its path relative to the build folder (with `/` separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Copies of files the build compresses for the host to send; the browser asks for the files.
const COMPRESSED_COPIES: [&str; 2] = [".br", ".gz"];

/// The files the service worker downloads at install, in path order.
pub fn precached(entries: &[SiteFile]) -> Vec<&SiteFile> {
    let mut files: Vec<&SiteFile> = entries
        .iter()
        .filter(|e| e.path != SERVICE_WORKER && !e.path.starts_with(ON_DEMAND))
        .filter(|e| !COMPRESSED_COPIES.iter().any(|end| e.path.ends_with(end)))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The service worker for a build: `template` (src/js/sw.js) preceded by the version and the
/// list of files to precache with their sizes.
pub fn service_worker(template: &str, entries: &[SiteFile]) -> String {
    let files = precached(entries);
    let mut fingerprint = String::new();
    let mut list = Vec::new();
    for file in &files {
        let _ = writeln!(fingerprint, "{} {:016x}", file.path, fnv1a(&file.bytes));
        list.push(serde_json::json!([file.path, file.bytes.len()]));
    }
    format!(
        "const VERSION = \"{:016x}\";\nconst PRECACHE = {};\nconst SYNC_PATH = \"{}\";\nconst ON_DEMAND = \"{ON_DEMAND}\";\n\n{template}",
        fnv1a(fingerprint.as_bytes()),
        serde_json::Value::Array(list),
        crate::worker::protocol::SYNC_PATH,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, bytes: &str) -> SiteFile {
        SiteFile {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    #[test]
    fn lists_every_file_but_itself_and_package_groups_and_versions_by_content() {
        let build = [
            entry("index.html", "<html>"),
            entry("index.html.br", "compressed"),
            entry("index.html.gz", "compressed"),
            entry("sw.js", "old"),
            entry("lessons/a.json", "{}"),
            entry("python-packages/testing-0123456789abcdef.zip", "PK"),
        ];
        let sw = service_worker("// template", &build);
        assert!(
            sw.contains(r#"const PRECACHE = [["index.html",6],["lessons/a.json",2]];"#),
            "{sw}"
        );
        assert!(sw.ends_with("// template"));
        let version = |sw: &str| sw.lines().next().unwrap().to_owned();
        let same = service_worker(
            "// template",
            &[entry("lessons/a.json", "{}"), entry("index.html", "<html>")],
        );
        assert_eq!(version(&sw), version(&same), "order doesn't matter");
        let changed = service_worker(
            "// template",
            &[
                entry("index.html", "<html>"),
                entry("lessons/a.json", "{ }"),
            ],
        );
        assert_ne!(
            version(&sw),
            version(&changed),
            "any changed byte is a new version"
        );
    }
}
