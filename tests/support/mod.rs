//! Helpers shared by the end-to-end tests.

#[allow(dead_code)]
pub mod browser;
pub mod databases;
pub mod http;
pub mod load;
pub mod project;
pub mod proxy;
#[allow(dead_code)]
#[path = "../../runtime/src/test/skip.rs"]
pub mod skip;
