//! The one model of the schema every step of rjango shares (DESIGN.md, "The flow of data"):
//! the parser of models.rs produces a `ProjectState`, migrations replay their `Operation`s
//! onto one, the autodetector diffs two, and the runtime's schema editor renders SQL from an
//! operation and the state before it. Plain data with no dependencies, so both the code
//! generator and a project's binary can use it.

pub mod clock;
pub mod migration;
pub mod operations;
pub mod safety;
pub mod state;
pub mod suggest;

pub use migration::{Migration, migration_number};
pub use operations::{Operation, StateError};
pub use state::{
    CONSTRAINT_LOOKUPS, Condition, Constraint, FieldState, FieldType, Index, ModelOptions,
    ModelState, OnDelete, ProjectState, Q, QValue, Value, default_auto_field,
};
