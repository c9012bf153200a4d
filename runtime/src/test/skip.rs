//! Skipping part of a test, visibly. Rust's test harness has no runtime skip (Django's
//! `skipTest`), and what a passing test prints is captured and thrown away, so a test that
//! returns early for want of a server would count as passed and say nothing. This says it on
//! the terminal past the capture, and under `CI=true` refuses to skip at all: CI must never
//! pass by not running something. Plain std, so the CLI's own tests include this file too.

use std::io::Write;

/// Reports that a test skips `what` because `why`, then returns so the caller can stop; under
/// `CI=true` it panics instead, failing the test.
///
/// ```text
/// let Ok(url) = std::env::var("RJANGO_TEST_POSTGRES") else {
///     return rjango::test::skip("the PostgreSQL part", "RJANGO_TEST_POSTGRES is not set");
/// };
/// ```
pub fn skip(what: &str, why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("CI=true, so {what} may not be skipped: {why}");
    }
    // Straight to the process's stderr: `eprintln!` in a test is captured and dropped.
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {what}: {why}");
}
