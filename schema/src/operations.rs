//! Migration operations: Django's `django.db.migrations.operations`, as data. Each knows how
//! it changes the project state (`state_forwards`), how Django describes it, and the fragment
//! it gives a migration's name.

use std::fmt;

use crate::state::{
    Constraint, FieldState, FieldType, Index, ModelOptions, ModelState, ProjectState,
};

/// One schema change, DB-agnostic. Model names are as declared in `CreateModel`/`RenameModel`
/// and lower-cased elsewhere (`model_name`), as Django writes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    CreateModel {
        name: String,
        fields: Vec<(String, FieldState)>,
        options: ModelOptions,
    },
    DeleteModel {
        name: String,
    },
    RenameModel {
        old_name: String,
        new_name: String,
    },
    AlterModelTable {
        name: String,
        table: Option<String>,
    },
    /// Options that need no SQL: ordering, verbose_name.
    AlterModelOptions {
        name: String,
        options: ModelOptions,
    },
    AlterUniqueTogether {
        name: String,
        unique_together: Vec<Vec<String>>,
    },
    AddField {
        model_name: String,
        name: String,
        field: FieldState,
        preserve_default: bool,
    },
    RemoveField {
        model_name: String,
        name: String,
    },
    AlterField {
        model_name: String,
        name: String,
        field: FieldState,
        preserve_default: bool,
    },
    RenameField {
        model_name: String,
        old_name: String,
        new_name: String,
    },
    AddIndex {
        model_name: String,
        index: Index,
    },
    RemoveIndex {
        model_name: String,
        name: String,
    },
    /// Django's `django.contrib.postgres.operations.AddIndexConcurrently`: the index built
    /// without blocking writes (PostgreSQL's CREATE INDEX CONCURRENTLY; a plain CREATE INDEX
    /// elsewhere). PostgreSQL refuses it inside a transaction, so its migration must say
    /// `atomic: false`.
    AddIndexConcurrently {
        model_name: String,
        index: Index,
    },
    /// `RemoveIndexConcurrently`: DROP INDEX CONCURRENTLY on PostgreSQL.
    RemoveIndexConcurrently {
        model_name: String,
        name: String,
    },
    AddConstraint {
        model_name: String,
        constraint: Constraint,
    },
    RemoveConstraint {
        model_name: String,
        name: String,
    },
    /// Raw SQL, with the SQL that undoes it (None: irreversible).
    RunSql {
        sql: String,
        reverse_sql: Option<String>,
    },
    /// A function of the project (Django's RunPython), by path; no state change.
    RunRust {
        code: String,
        reverse_code: Option<String>,
    },
}

/// An operation that does not fit the state it is applied to (a migration edited by hand into
/// an inconsistent history, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError(pub String);

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StateError {}

fn missing_model(app: &str, name: &str) -> StateError {
    StateError(format!(
        "model {app}.{name} does not exist at this point of the migrations"
    ))
}

fn model_mut<'a>(
    state: &'a mut ProjectState,
    app: &str,
    name: &str,
) -> Result<&'a mut ModelState, StateError> {
    state
        .get_mut(app, name)
        .ok_or_else(|| missing_model(app, name))
}

impl Operation {
    /// Django's `state_forwards`: applies this operation to `state`, for a migration of `app`.
    pub fn state_forwards(&self, app: &str, state: &mut ProjectState) -> Result<(), StateError> {
        match self {
            Operation::CreateModel {
                name,
                fields,
                options,
            } => {
                if state.get(app, name).is_some() {
                    return Err(StateError(format!("model {app}.{name} is created twice")));
                }
                state.add(ModelState {
                    app_label: app.to_owned(),
                    name: name.clone(),
                    fields: fields.clone(),
                    options: options.clone(),
                });
            }
            Operation::DeleteModel { name } => {
                state
                    .remove(app, name)
                    .ok_or_else(|| missing_model(app, name))?;
            }
            Operation::RenameModel { old_name, new_name } => {
                let mut model = state
                    .remove(app, old_name)
                    .ok_or_else(|| missing_model(app, old_name))?;
                model.name = new_name.clone();
                let old_ref = format!("{app}.{}", old_name.to_ascii_lowercase());
                let new_ref = format!("{app}.{new_name}");
                state.add(model);
                // Relations that pointed at the old name now point at the new one.
                for m in state.models.values_mut() {
                    for (_, f) in &mut m.fields {
                        if let Some(to) = relation_target_mut(&mut f.field_type)
                            && to.to_ascii_lowercase() == old_ref
                        {
                            *to = new_ref.clone();
                        }
                    }
                }
            }
            Operation::AlterModelTable { name, table } => {
                model_mut(state, app, name)?.options.db_table = table.clone();
            }
            Operation::AlterModelOptions { name, options } => {
                let model = model_mut(state, app, name)?;
                model.options.ordering = options.ordering.clone();
                model.options.verbose_name = options.verbose_name.clone();
            }
            Operation::AlterUniqueTogether {
                name,
                unique_together,
            } => {
                model_mut(state, app, name)?.options.unique_together = unique_together.clone();
            }
            Operation::AddField {
                model_name,
                name,
                field,
                preserve_default,
            } => {
                let model = model_mut(state, app, model_name)?;
                if model.field(name).is_some() {
                    return Err(StateError(format!(
                        "{app}.{model_name}.{name} is added twice"
                    )));
                }
                model
                    .fields
                    .push((name.clone(), stated(field, *preserve_default)));
            }
            Operation::RemoveField { model_name, name } => {
                let model = model_mut(state, app, model_name)?;
                let before = model.fields.len();
                model.fields.retain(|(n, _)| n != name);
                if model.fields.len() == before {
                    return Err(StateError(format!(
                        "{app}.{model_name} has no field {name} to remove"
                    )));
                }
            }
            Operation::AlterField {
                model_name,
                name,
                field,
                preserve_default,
            } => {
                let model = model_mut(state, app, model_name)?;
                let slot = model.field_mut(name).ok_or_else(|| {
                    StateError(format!("{app}.{model_name} has no field {name} to alter"))
                })?;
                *slot = stated(field, *preserve_default);
            }
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => {
                let model = model_mut(state, app, model_name)?;
                let slot = model
                    .fields
                    .iter_mut()
                    .find(|(n, _)| n == old_name)
                    .ok_or_else(|| {
                        StateError(format!(
                            "{app}.{model_name} has no field {old_name} to rename"
                        ))
                    })?;
                slot.0 = new_name.clone();
                let rename = |list: &mut Vec<String>| {
                    for f in list.iter_mut() {
                        if f == old_name {
                            *f = new_name.clone();
                        } else if f.strip_prefix('-') == Some(old_name) {
                            *f = format!("-{new_name}");
                        }
                    }
                };
                rename(&mut model.options.ordering);
                model.options.unique_together.iter_mut().for_each(rename);
                model
                    .options
                    .indexes
                    .iter_mut()
                    .for_each(|i| rename(&mut i.fields));
                for c in &mut model.options.constraints {
                    c.rename_field(old_name, new_name);
                }
            }
            Operation::AddIndex { model_name, index }
            | Operation::AddIndexConcurrently { model_name, index } => {
                model_mut(state, app, model_name)?
                    .options
                    .indexes
                    .push(index.clone());
            }
            Operation::RemoveIndex { model_name, name }
            | Operation::RemoveIndexConcurrently { model_name, name } => {
                model_mut(state, app, model_name)?
                    .options
                    .indexes
                    .retain(|i| &i.name != name);
            }
            Operation::AddConstraint {
                model_name,
                constraint,
            } => {
                model_mut(state, app, model_name)?
                    .options
                    .constraints
                    .push(constraint.clone());
            }
            Operation::RemoveConstraint { model_name, name } => {
                model_mut(state, app, model_name)?
                    .options
                    .constraints
                    .retain(|c| c.name() != name);
            }
            Operation::RunSql { .. } | Operation::RunRust { .. } => {}
        }
        Ok(())
    }

    /// The model the operation is about, as the operation names it (its old name for a
    /// RenameModel); None for RunSql and RunRust.
    pub fn model_name(&self) -> Option<&str> {
        Some(match self {
            Operation::CreateModel { name, .. }
            | Operation::DeleteModel { name }
            | Operation::AlterModelTable { name, .. }
            | Operation::AlterModelOptions { name, .. }
            | Operation::AlterUniqueTogether { name, .. } => name,
            Operation::RenameModel { old_name, .. } => old_name,
            Operation::AddField { model_name, .. }
            | Operation::RemoveField { model_name, .. }
            | Operation::AlterField { model_name, .. }
            | Operation::RenameField { model_name, .. }
            | Operation::AddIndex { model_name, .. }
            | Operation::RemoveIndex { model_name, .. }
            | Operation::AddIndexConcurrently { model_name, .. }
            | Operation::RemoveIndexConcurrently { model_name, .. }
            | Operation::AddConstraint { model_name, .. }
            | Operation::RemoveConstraint { model_name, .. } => model_name,
            Operation::RunSql { .. } | Operation::RunRust { .. } => return None,
        })
    }

    /// Django's `describe()`: the line makemigrations prints for the operation.
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel { name, .. } => format!("Create model {name}"),
            Operation::DeleteModel { name } => format!("Delete model {name}"),
            Operation::RenameModel { old_name, new_name } => {
                format!("Rename model {old_name} to {new_name}")
            }
            Operation::AlterModelTable { name, table } => {
                format!(
                    "Rename table for {name} to {}",
                    table.as_deref().unwrap_or("(default)")
                )
            }
            Operation::AlterModelOptions { name, .. } => format!("Change Meta options on {name}"),
            Operation::AlterUniqueTogether {
                name,
                unique_together,
            } => {
                format!(
                    "Alter unique_together for {name} ({} constraint(s))",
                    unique_together.len()
                )
            }
            Operation::AddField {
                model_name, name, ..
            } => format!("Add field {name} to {model_name}"),
            Operation::RemoveField { model_name, name } => {
                format!("Remove field {name} from {model_name}")
            }
            Operation::AlterField {
                model_name, name, ..
            } => format!("Alter field {name} on {model_name}"),
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => {
                format!("Rename field {old_name} on {model_name} to {new_name}")
            }
            Operation::AddIndex { model_name, index } => {
                format!(
                    "Create index {} on field(s) {} of model {model_name}",
                    index.name,
                    index.fields.join(", ")
                )
            }
            Operation::RemoveIndex { model_name, name } => {
                format!("Remove index {name} from {model_name}")
            }
            Operation::AddIndexConcurrently { model_name, index } => {
                format!(
                    "Concurrently create index {} on field(s) {} of model {model_name}",
                    index.name,
                    index.fields.join(", ")
                )
            }
            Operation::RemoveIndexConcurrently { model_name, name } => {
                format!("Concurrently remove index {name} from {model_name}")
            }
            Operation::AddConstraint {
                model_name,
                constraint,
            } => {
                format!(
                    "Create constraint {} on model {model_name}",
                    constraint.name()
                )
            }
            Operation::RemoveConstraint { model_name, name } => {
                format!("Remove constraint {name} from model {model_name}")
            }
            Operation::RunSql { .. } => "Raw SQL operation".to_owned(),
            Operation::RunRust { .. } => "Raw Rust operation".to_owned(),
        }
    }

    /// Django's `migration_name_fragment`: `post_views` for AddField views to post.
    pub fn migration_name_fragment(&self) -> Option<String> {
        let lower = |s: &str| s.to_ascii_lowercase();
        Some(match self {
            Operation::CreateModel { name, .. } => lower(name),
            Operation::DeleteModel { name } => format!("delete_{}", lower(name)),
            Operation::RenameModel { old_name, new_name } => {
                format!("rename_{}_{}", lower(old_name), lower(new_name))
            }
            Operation::AlterModelTable { name, .. } => format!("alter_{}_table", lower(name)),
            Operation::AlterModelOptions { name, .. } => format!("alter_{}_options", lower(name)),
            Operation::AlterUniqueTogether { name, .. } => {
                format!("alter_{}_unique_together", lower(name))
            }
            Operation::AddField {
                model_name, name, ..
            } => format!("{}_{}", lower(model_name), lower(name)),
            Operation::RemoveField { model_name, name } => {
                format!("remove_{}_{}", lower(model_name), lower(name))
            }
            Operation::AlterField {
                model_name, name, ..
            } => format!("alter_{}_{}", lower(model_name), lower(name)),
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => {
                format!(
                    "rename_{}_{}_{}",
                    lower(old_name),
                    lower(model_name),
                    lower(new_name)
                )
            }
            Operation::AddIndex { model_name, index }
            | Operation::AddIndexConcurrently { model_name, index } => {
                format!("{}_{}", lower(model_name), lower(&index.name))
            }
            Operation::RemoveIndex { model_name, name }
            | Operation::RemoveIndexConcurrently { model_name, name } => {
                format!("remove_{}_{}", lower(model_name), lower(name))
            }
            Operation::AddConstraint {
                model_name,
                constraint,
            } => {
                format!("{}_{}", lower(model_name), lower(constraint.name()))
            }
            Operation::RemoveConstraint { model_name, name } => {
                format!("remove_{}_{}", lower(model_name), lower(name))
            }
            Operation::RunSql { .. } | Operation::RunRust { .. } => return None,
        })
    }

    /// The operation that undoes the state change (for the questioner's and tests' use);
    /// None for operations whose inverse needs the state before them.
    pub fn is_reversible(&self) -> bool {
        match self {
            Operation::RunSql { reverse_sql, .. } => reverse_sql.is_some(),
            Operation::RunRust { reverse_code, .. } => reverse_code.is_some(),
            _ => true,
        }
    }
}

/// The field as the state keeps it: a one-off default (`preserve_default: false`) fills the
/// existing rows once and is not part of the model, as in Django.
fn stated(field: &FieldState, preserve_default: bool) -> FieldState {
    let mut f = field.clone();
    if !preserve_default {
        f.default = None;
    }
    f
}

fn relation_target_mut(t: &mut FieldType) -> Option<&mut String> {
    match t {
        FieldType::ForeignKey { to, .. }
        | FieldType::OneToOneField { to, .. }
        | FieldType::ManyToManyField { to, .. } => Some(to),
        _ => None,
    }
}
