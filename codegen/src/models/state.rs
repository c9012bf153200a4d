//! The schema state lives in `rjango-schema`, shared with the runtime that executes migrations;
//! re-exported here so codegen code reads `crate::models::state::...`.

pub use rjango_schema::state::*;
