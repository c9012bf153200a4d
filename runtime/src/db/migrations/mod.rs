//! Django's `django.db.migrations`: the operations, state and migrations of a project, shared
//! with rjango's code generator through `rjango-schema` (one model of the schema for every
//! step). Each app's migration files are compiled in by `src/generated/migrations.rs`.

pub mod code;
pub mod executor;
pub mod graph;
pub mod recorder;
pub mod schema_editor;

pub use code::{MigrationCode, RunRust, RunRustFn};
pub use rjango_macros::migration;
pub use rjango_schema as schema;
pub use rjango_schema::{Migration, Operation, ProjectState};

/// The state every migration of `migrations` describes, replayed in dependency order.
pub fn project_state(migrations: &[Migration]) -> Result<ProjectState, schema::StateError> {
    let mut state = ProjectState::default();
    let mut done: Vec<(&str, &str)> = Vec::new();
    while done.len() < migrations.len() {
        let next = migrations.iter().find(|m| {
            !done.contains(&(m.app_label.as_str(), m.name.as_str()))
                && m.dependencies
                    .iter()
                    .all(|(a, n)| done.contains(&(a.as_str(), n.as_str())))
        });
        let Some(m) = next else {
            return Err(schema::StateError(
                "the migrations' dependencies cannot all be met".into(),
            ));
        };
        m.state_forwards(&mut state)?;
        done.push((&m.app_label, &m.name));
    }
    Ok(state)
}
