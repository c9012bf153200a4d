//! A migration: an app's numbered step, its dependencies and its operations.

use crate::operations::{Operation, StateError};
use crate::state::ProjectState;

#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The app it belongs to (`blog`).
    pub app_label: String,
    /// Django's migration name: `0002_post_views`.
    pub name: String,
    pub initial: bool,
    /// Django's `atomic`: the whole migration in one transaction where the database can roll
    /// DDL back (SQLite, PostgreSQL). `atomic: false` runs each operation on its own, for
    /// what PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY).
    pub atomic: bool,
    /// (app_label, migration name) pairs that must be applied first.
    pub dependencies: Vec<(String, String)>,
    pub operations: Vec<Operation>,
    /// The migrations a squashed migration stands for (Django's `replaces`), empty otherwise.
    pub replaces: Vec<(String, String)>,
    /// `accepted: "why"`: the safety lint's warnings on this migration were read and judged
    /// safe (a small table, a column no release reads), so `migrate --check-safety` passes
    /// it, as `--accept app.migration` does; the reason is printed beside it.
    pub accepted: Option<String>,
}

impl Migration {
    /// Applies every operation to `state`.
    pub fn state_forwards(&self, state: &mut ProjectState) -> Result<(), StateError> {
        for op in &self.operations {
            op.state_forwards(&self.app_label, state)
                .map_err(|e| StateError(format!("{}.{}: {e}", self.app_label, self.name)))?;
        }
        Ok(())
    }

    /// The number in the name (`2` for `0002_post_views`), when it has one. A squashed
    /// migration counts as the last one it replaces (`4` for `0001_squashed_0004_x`), as in
    /// Django, so the next migration after it is numbered on from there.
    pub fn number(&self) -> Option<u32> {
        migration_number(&self.name)
    }
}

/// The number a migration's name gives it (see [`Migration::number`]).
pub fn migration_number(name: &str) -> Option<u32> {
    let mut parts = name.split('_');
    let first = parts.next()?.parse().ok()?;
    match (parts.next(), parts.next()) {
        (Some("squashed"), Some(end)) => end.parse().ok().or(Some(first)),
        _ => Some(first),
    }
}
