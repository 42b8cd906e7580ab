//! Checks `content/` and writes the compiled course into a build folder.
//!
//! Usage: `pyroad-content <content-dir> [<build-dir>]`. Without a build folder it only checks.
//! Trunk runs it after each build with the staging folder (see Trunk.toml).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let content = args.next().unwrap_or_else(|| PathBuf::from("content"));
    let compiled = match pyroad::content::load(&content) {
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
    match pyroad::content::write_site(&compiled, &out) {
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
