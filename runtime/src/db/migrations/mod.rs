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
    // Through the graph, as Django's loader builds it for an empty database: a squashed
    // migration stands in for the ones it replaces, which are not applied twice.
    let graph = graph::Graph::new(migrations, &std::collections::BTreeSet::new())
        .map_err(schema::StateError)?;
    let mut state = ProjectState::default();
    let mut done = std::collections::BTreeSet::new();
    for app in graph.apps() {
        for leaf in graph.leaves(app) {
            for key in graph.forwards_plan(&leaf) {
                if done.insert(key.clone())
                    && let Some(m) = graph.get(&key)
                {
                    m.state_forwards(&mut state)?;
                }
            }
        }
    }
    Ok(state)
}

/// The state the `applied` migrations describe: what the database's tables are after a
/// `migrate` that may have stopped short of the leaves (Django's post-migrate state).
pub fn applied_state(
    migrations: &[Migration],
    applied: &std::collections::BTreeSet<(String, String)>,
) -> Result<ProjectState, schema::StateError> {
    let graph = graph::Graph::new(migrations, applied).map_err(schema::StateError)?;
    let mut state = ProjectState::default();
    let mut done = std::collections::BTreeSet::new();
    for app in graph.apps() {
        for leaf in graph.leaves(app) {
            for key in graph.forwards_plan(&leaf) {
                if applied.contains(&key)
                    && done.insert(key.clone())
                    && let Some(m) = graph.get(&key)
                {
                    m.state_forwards(&mut state)?;
                }
            }
        }
    }
    Ok(state)
}
