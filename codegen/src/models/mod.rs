//! Model declarations: the schema state every step shares (DESIGN.md, "The flow of data").
//! The parser produces it from models.rs, migrations replay it, the autodetector diffs two of
//! them, and (later) the schema editor and entity writer render from it.

pub mod checks;
pub mod condition;
pub mod discover;
pub mod parse;
pub mod state;

pub use state::{
    Condition, Constraint, FieldState, FieldType, Index, ModelOptions, ModelState, OnDelete,
    ProjectState, Q, QValue, Value,
};
