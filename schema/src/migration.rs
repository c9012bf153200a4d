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
    /// (app_label, migration name) pairs that must be applied first.
    pub dependencies: Vec<(String, String)>,
    pub operations: Vec<Operation>,
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

    /// The number in the name (`2` for `0002_post_views`), when it has one.
    pub fn number(&self) -> Option<u32> {
        self.name.split('_').next()?.parse().ok()
    }
}
