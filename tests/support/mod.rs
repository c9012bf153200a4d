//! Helpers shared by the end-to-end tests.

pub mod http;
pub mod project;
#[allow(dead_code)]
#[path = "../../runtime/src/test/skip.rs"]
pub mod skip;
