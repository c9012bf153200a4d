//! The operations that undo an operation, from the state before it (Django's
//! `database_backwards`, which renders the forward change of the state after it back).

use rjango_schema::{Operation, ProjectState};

use super::SchemaError;

fn model<'a>(
    state: &'a ProjectState,
    app: &str,
    name: &str,
) -> Result<&'a rjango_schema::ModelState, SchemaError> {
    state
        .get(app, name)
        .ok_or_else(|| SchemaError::State(format!("model {app}.{name} does not exist")))
}

/// The index `name` of a model in `state`, as a RemoveIndex finds it to put it back.
fn index_named(
    state: &ProjectState,
    app: &str,
    model_name: &str,
    name: &str,
) -> Result<rjango_schema::Index, SchemaError> {
    model(state, app, model_name)?
        .options
        .indexes
        .iter()
        .find(|i| i.name == name)
        .cloned()
        .ok_or_else(|| SchemaError::State(format!("{app}.{model_name} has no index {name}")))
}

/// The operations that take the state after `op` back to `before`, in order. None for the
/// operations that need no SQL either way.
pub(crate) fn inverse(
    app: &str,
    op: &Operation,
    before: &ProjectState,
) -> Result<Vec<Operation>, SchemaError> {
    let field = |model_name: &str, name: &str| {
        model(before, app, model_name)?
            .field(name)
            .cloned()
            .ok_or_else(|| SchemaError::State(format!("{app}.{model_name} has no field {name}")))
    };
    Ok(match op {
        Operation::CreateModel { name, .. } => vec![Operation::DeleteModel { name: name.clone() }],
        Operation::DeleteModel { name } => {
            let m = model(before, app, name)?;
            vec![Operation::CreateModel {
                name: m.name.clone(),
                fields: m.fields.clone(),
                options: m.options.clone(),
            }]
        }
        Operation::RenameModel { old_name, new_name } => vec![Operation::RenameModel {
            old_name: new_name.clone(),
            new_name: model(before, app, old_name)?.name.clone(),
        }],
        Operation::AlterModelTable { name, .. } => vec![Operation::AlterModelTable {
            name: name.clone(),
            table: model(before, app, name)?.options.db_table.clone(),
        }],
        Operation::AlterModelOptions { .. } => vec![],
        Operation::AlterUniqueTogether { name, .. } => vec![Operation::AlterUniqueTogether {
            name: name.clone(),
            unique_together: model(before, app, name)?.options.unique_together.clone(),
        }],
        Operation::AddField {
            model_name, name, ..
        } => vec![Operation::RemoveField {
            model_name: model_name.clone(),
            name: name.clone(),
        }],
        Operation::RemoveField { model_name, name } => vec![Operation::AddField {
            model_name: model_name.clone(),
            name: name.clone(),
            field: field(model_name, name)?,
            preserve_default: true,
        }],
        Operation::AlterField {
            model_name, name, ..
        } => vec![Operation::AlterField {
            model_name: model_name.clone(),
            name: name.clone(),
            field: field(model_name, name)?,
            preserve_default: true,
        }],
        Operation::RenameField {
            model_name,
            old_name,
            new_name,
        } => vec![Operation::RenameField {
            model_name: model_name.clone(),
            old_name: new_name.clone(),
            new_name: old_name.clone(),
        }],
        Operation::AddIndex { model_name, index } => vec![Operation::RemoveIndex {
            model_name: model_name.clone(),
            name: index.name.clone(),
        }],
        Operation::AddIndexConcurrently { model_name, index } => {
            vec![Operation::RemoveIndexConcurrently {
                model_name: model_name.clone(),
                name: index.name.clone(),
            }]
        }
        Operation::RemoveIndexConcurrently { model_name, name } => {
            let index = index_named(before, app, model_name, name)?;
            vec![Operation::AddIndexConcurrently {
                model_name: model_name.clone(),
                index,
            }]
        }
        Operation::RemoveIndex { model_name, name } => {
            let index = index_named(before, app, model_name, name)?;
            vec![Operation::AddIndex {
                model_name: model_name.clone(),
                index,
            }]
        }
        Operation::AddConstraint {
            model_name,
            constraint,
        } => vec![Operation::RemoveConstraint {
            model_name: model_name.clone(),
            name: constraint.name().to_owned(),
        }],
        Operation::RemoveConstraint { model_name, name } => {
            let constraint = model(before, app, model_name)?
                .options
                .constraints
                .iter()
                .find(|c| c.name() == name)
                .cloned()
                .ok_or_else(|| {
                    SchemaError::State(format!("{app}.{model_name} has no constraint {name}"))
                })?;
            vec![Operation::AddConstraint {
                model_name: model_name.clone(),
                constraint,
            }]
        }
        Operation::RunSql { sql, reverse_sql } => match reverse_sql {
            Some(r) => vec![Operation::RunSql {
                sql: r.clone(),
                reverse_sql: Some(sql.clone()),
            }],
            None => {
                return Err(SchemaError::Irreversible(format!(
                    "RunSql has no reverse_sql: {sql}"
                )));
            }
        },
        Operation::RunRust { code, reverse_code } => match reverse_code {
            Some(r) => vec![Operation::RunRust {
                code: r.clone(),
                reverse_code: Some(code.clone()),
            }],
            None => {
                return Err(SchemaError::Irreversible(format!(
                    "RunRust {code} has no reverse_code"
                )));
            }
        },
    })
}
