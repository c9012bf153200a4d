//! The project functions RunRust operations name (Django's RunPython callables), compiled in
//! beside the migrations. The `migration!` macro wraps each named `async fn(&Connection) ->
//! Result<(), E>` (any `E: Display`) into a [`RunRustFn`], so the executor can call it inside
//! the migration's transaction on the connection that migrates.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;

use crate::db::Connection;

/// What a RunRust function's future resolves to, its error already rendered.
pub type RunRustFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + 'a>>;

/// A RunRust function, called with the connection the migration runs on.
pub type RunRustFn = for<'a> fn(&'a Connection) -> RunRustFuture<'a>;

/// One function a migration names, under the path it is written as.
#[derive(Clone, Copy)]
pub struct RunRust {
    pub path: &'static str,
    pub run: RunRustFn,
}

/// The RunRust functions of one migration.
#[derive(Clone)]
pub struct MigrationCode {
    pub app_label: &'static str,
    pub name: &'static str,
    pub functions: Vec<RunRust>,
}

/// Boxes a user function's future, rendering its error: used by the `migration!` expansion.
pub fn boxed<'a, E: Display>(
    future: impl Future<Output = Result<(), E>> + 'a,
) -> RunRustFuture<'a> {
    Box::pin(async move { future.await.map_err(|e| e.to_string()) })
}

/// The function `path` of migration `app_label.name`, if the project compiled one in.
pub fn find(code: &[MigrationCode], app_label: &str, name: &str, path: &str) -> Option<RunRustFn> {
    code.iter()
        .filter(|m| m.app_label == app_label && m.name == name)
        .flat_map(|m| &m.functions)
        .find(|f| f.path == path)
        .map(|f| f.run)
}
