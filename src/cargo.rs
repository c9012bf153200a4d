//! Building the project with cargo and finding the binary it built.
//!
//! The binary's path is read from cargo's own JSON messages rather than guessed from
//! `target/debug/<name>`, so CARGO_TARGET_DIR, `build.target-dir` in a config file and
//! workspaces all work. Diagnostics are rendered by cargo to the inherited stderr, so the user
//! sees exactly what `cargo build` would show.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Failure, Result};

/// How much of cargo's output the user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Cargo's progress and diagnostics (runserver: a rebuild should be visible).
    Normal,
    /// Diagnostics only (`-q`; pass-through commands print their own output).
    Quiet,
}

/// Why a build produced no binary.
#[derive(Debug)]
pub enum BuildError {
    /// Cargo ran and reported errors (already shown to the user on stderr).
    Failed,
    /// Cargo could not be run, or built no binary of the package.
    Other(String),
}

impl From<BuildError> for Failure {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Failed => Failure::new("the build failed; see cargo's errors above."),
            BuildError::Other(message) => Failure::new(message),
        }
    }
}

/// The process id of the cargo build under way, 0 when none. Signalled and cleared under the
/// lock, and cleared before the child is reaped: a pid held here always names our cargo.
static BUILDING: Mutex<u32> = Mutex::new(0);
/// Set once rjango was asked to stop: a build starting after that is stopped at once.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Stops the build under way, if any (rjango was asked to stop: Ctrl-C, SIGTERM, SIGHUP).
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let pid = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    if *pid != 0 {
        crate::child::terminate(*pid);
    }
}

fn set_building(pid: u32) {
    *BUILDING.lock().unwrap_or_else(|e| e.into_inner()) = pid;
}

/// The cargo to run: the one that invoked us if any (`CARGO`), else the one on PATH.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo build` of the project at `root`; the path of its binary on success.
pub fn build(root: &Path, package: &str, verbosity: Verbosity) -> Result<PathBuf, BuildError> {
    let mut cmd = cargo();
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--message-format=json-render-diagnostics")
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if verbosity == Verbosity::Quiet {
        cmd.arg("-q");
    }
    crate::child::dies_with_parent(&mut cmd);
    let mut child = cmd
        .spawn()
        .map_err(|e| BuildError::Other(format!("could not run cargo: {e}")))?;
    set_building(child.id());
    if INTERRUPTED.load(Ordering::SeqCst) {
        // The interrupt came between the spawn and the line above.
        crate::child::terminate(child.id());
    }
    let lines: Vec<String> = match child.stdout.take() {
        Some(stdout) => BufReader::new(stdout)
            .lines()
            .map_while(|l| l.ok())
            .collect(),
        None => Vec::new(),
    };
    // Forget the pid before reaping it, so `interrupt` never signals a reused one.
    crate::child::wait_exited(child.id());
    set_building(0);
    let status = child.wait();
    let status = status.map_err(|e| BuildError::Other(format!("cargo did not finish: {e}")))?;
    if !status.success() {
        return Err(BuildError::Failed);
    }
    executable_from_messages(lines.iter().map(String::as_str), package).ok_or_else(|| {
        BuildError::Other(format!("cargo built no binary for the package '{package}'"))
    })
}

/// The executable of the package's bin target among cargo's JSON messages (one per line).
/// Prefers the bin named after the package (the default `src/main.rs` one), else the last bin.
pub fn executable_from_messages<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    package: &str,
) -> Option<PathBuf> {
    let mut fallback = None;
    for line in lines {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let Some(exe) = msg["executable"].as_str() else {
            continue;
        };
        let is_bin = msg["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "bin"));
        if !is_bin {
            continue;
        }
        if msg["target"]["name"] == package {
            return Some(PathBuf::from(exe));
        }
        fallback = Some(PathBuf::from(exe));
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILD_SCRIPT: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///p#mysite@0.1.0","target":{"kind":["custom-build"],"name":"build-script-build"},"executable":null,"fresh":true}"#;
    const LIB: &str = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"rjango"},"executable":null}"#;
    const BIN: &str = r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"mysite"},"executable":"/t/debug/mysite","fresh":false}"#;
    const OTHER_BIN: &str = r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"tool"},"executable":"/t/debug/tool"}"#;
    const TEST: &str = r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"it"},"executable":"/t/debug/deps/it-123"}"#;
    const FINISHED: &str = r#"{"reason":"build-finished","success":true}"#;

    #[test]
    fn picks_the_package_bin() {
        let lines = [
            BUILD_SCRIPT,
            LIB,
            "not json",
            OTHER_BIN,
            BIN,
            TEST,
            FINISHED,
        ];
        assert_eq!(
            executable_from_messages(lines, "mysite"),
            Some("/t/debug/mysite".into())
        );
    }

    #[test]
    fn falls_back_to_another_bin_and_ignores_tests() {
        assert_eq!(
            executable_from_messages([OTHER_BIN, TEST], "mysite"),
            Some("/t/debug/tool".into())
        );
        assert_eq!(
            executable_from_messages([LIB, TEST, FINISHED], "mysite"),
            None
        );
    }
}
