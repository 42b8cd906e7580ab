//! Checks `content/` and writes the compiled course into a build folder; then, once the build
//! is complete, writes its service worker.
//!
//! Usage:
//!   pyroad-content <content-dir> [<build-dir>]   check the course; with a build folder, write it
//!                                                 (and the worker's protocol.js)
//!   pyroad-content precache <build-dir>          write <build-dir>/sw.js listing every file
//!
//! Trunk runs both after each build (see `post_build` in dev.sh).

use pyroad::build::precache::{self, SiteFile};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SW_TEMPLATE: &str = include_str!("../js/sw.js");

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let first = args.next().unwrap_or_else(|| PathBuf::from("content"));
    if first == Path::new("precache") {
        let Some(dir) = args.next() else {
            eprintln!("usage: pyroad-content precache <build-dir>");
            return ExitCode::FAILURE;
        };
        return write_service_worker(&dir);
    }
    let content = first;
    let compiled = match pyroad::build::content::load(&content) {
        Ok(compiled) => compiled,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s) in {}", errors.len(), content.display());
            return ExitCode::FAILURE;
        }
    };
    let Some(out) = args.next() else {
        println!(
            "{}: {} lessons, all fine",
            content.display(),
            compiled.lessons.len()
        );
        return ExitCode::SUCCESS;
    };
    // The constants the Python worker shares with the app, as the module it imports.
    let protocol = std::fs::write(
        out.join("protocol.js"),
        pyroad::worker::protocol::javascript(),
    )
    .map_err(|e| format!("couldn't write protocol.js into {}: {e}", out.display()));
    match pyroad::build::content::write_site(&compiled, &out).and(protocol) {
        Ok(()) => {
            println!(
                "wrote {} lessons into {}",
                compiled.lessons.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn write_service_worker(dir: &Path) -> ExitCode {
    let mut entries = Vec::new();
    if let Err(e) = collect(dir, dir, &mut entries) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let sw = precache::service_worker(SW_TEMPLATE, &entries);
    let path = dir.join(precache::SERVICE_WORKER);
    match std::fs::write(&path, sw) {
        Ok(()) => {
            let files = precache::precached(&entries);
            let bytes: usize = files.iter().map(|e| e.bytes.len()).sum();
            println!(
                "{}: {} files to precache ({} bytes)",
                path.display(),
                files.len(),
                bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn collect(root: &Path, dir: &Path, entries: &mut Vec<SiteFile>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, entries)?;
        } else {
            let relative = path.strip_prefix(root).expect("inside the root");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            entries.push(SiteFile {
                path: name,
                bytes: std::fs::read(&path)?,
            });
        }
    }
    Ok(())
}
