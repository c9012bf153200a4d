//! Django's `MigrationOptimizer`, for squashmigrations: folds an operation into an earlier one
//! where the pair has a shorter equivalent (a model created and then given a field is a model
//! created with it; a field added then removed is nothing), also across the operations between
//! them when none of those touches what the pair does. RunSql and RunRust are barriers.
//!
//! A model creation absorbs a later change by replaying that change on the model's state, so
//! the folded CreateModel is what the schema would be after both.

use rjango_schema::{ModelState, Operation, ProjectState};

/// The operations of `app`, optimized until nothing more folds.
pub fn optimize(app: &str, operations: Vec<Operation>) -> Vec<Operation> {
    let mut ops = operations;
    loop {
        match optimize_once(app, &ops) {
            Some(next) => ops = next,
            None => return ops,
        }
    }
}

/// One reduction, if any applies.
fn optimize_once(app: &str, ops: &[Operation]) -> Option<Vec<Operation>> {
    for i in 0..ops.len() {
        for j in i + 1..ops.len() {
            if let Some(folded) = reduce(app, &ops[i], &ops[j]) {
                let between = &ops[i + 1..j];
                let crossable = between.iter().all(|o| can_cross(app, o, &ops[j]))
                    && between.iter().all(|o| can_cross(app, o, &ops[i]));
                if crossable {
                    let mut out = Vec::with_capacity(ops.len());
                    out.extend_from_slice(&ops[..i]);
                    out.extend(folded);
                    out.extend_from_slice(between);
                    out.extend_from_slice(&ops[j + 1..]);
                    return Some(out);
                }
            }
            if !can_cross(app, &ops[j], &ops[i]) {
                break;
            }
        }
    }
    None
}

/// The model (lower case) an operation is about.
fn model_of(op: &Operation) -> Option<String> {
    op.model_name().map(str::to_ascii_lowercase)
}

/// Whether `op` names `model` of `app` at all: as its own model, a new name, or the target of
/// a relation it declares. (Django's `references_model`.)
fn references_model(app: &str, op: &Operation, model: &str) -> bool {
    let relates = |f: &rjango_schema::FieldState| {
        f.field_type.related_model().is_some_and(|to| {
            let (a, m) = to.split_once('.').unwrap_or((app, to));
            a == app && m.eq_ignore_ascii_case(model)
        })
    };
    if model_of(op).is_some_and(|m| m == model) {
        return true;
    }
    match op {
        Operation::RenameModel { new_name, .. } => new_name.eq_ignore_ascii_case(model),
        Operation::CreateModel { fields, .. } => fields.iter().any(|(_, f)| relates(f)),
        Operation::AddField { field, .. } | Operation::AlterField { field, .. } => relates(field),
        _ => false,
    }
}

/// Whether `other` may move across `op` (they touch different things); RunSql and RunRust
/// let nothing across.
fn can_cross(app: &str, op: &Operation, other: &Operation) -> bool {
    if matches!(op, Operation::RunSql { .. } | Operation::RunRust { .. })
        || matches!(other, Operation::RunSql { .. } | Operation::RunRust { .. })
    {
        return false;
    }
    let (Some(a), Some(b)) = (model_of(op), model_of(other)) else {
        return false;
    };
    !references_model(app, other, &a) && !references_model(app, op, &b)
}

/// The operations that do what `first` then `second` do, when shorter.
fn reduce(app: &str, first: &Operation, second: &Operation) -> Option<Vec<Operation>> {
    use Operation as O;
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match (first, second) {
        (O::CreateModel { name, .. }, O::DeleteModel { name: deleted }) if same(name, deleted) => {
            Some(Vec::new())
        }
        (O::CreateModel { name, .. }, O::RenameModel { old_name, new_name })
            if same(name, old_name) =>
        {
            let O::CreateModel {
                fields, options, ..
            } = first
            else {
                return None;
            };
            Some(vec![O::CreateModel {
                name: new_name.clone(),
                fields: fields.clone(),
                options: options.clone(),
            }])
        }
        (O::CreateModel { name, .. }, _)
            if model_of(second).is_some_and(|m| same(&m, name))
                && !matches!(second, O::DeleteModel { .. } | O::RenameModel { .. }) =>
        {
            fold_into_create(app, first, second).map(|c| vec![c])
        }
        (
            O::AddField {
                model_name, name, ..
            },
            O::AlterField {
                model_name: m2,
                name: n2,
                field,
                ..
            },
        ) if same(model_name, m2) && name == n2 => Some(vec![O::AddField {
            model_name: model_name.clone(),
            name: name.clone(),
            field: field.clone(),
            preserve_default: true,
        }]),
        (
            O::AddField {
                model_name, name, ..
            },
            O::RemoveField {
                model_name: m2,
                name: n2,
            },
        ) if same(model_name, m2) && name == n2 => Some(Vec::new()),
        (
            O::AddField {
                model_name,
                name,
                field,
                preserve_default,
            },
            O::RenameField {
                model_name: m2,
                old_name,
                new_name,
            },
        ) if same(model_name, m2) && name == old_name => Some(vec![O::AddField {
            model_name: model_name.clone(),
            name: new_name.clone(),
            field: field.clone(),
            preserve_default: *preserve_default,
        }]),
        (
            O::AlterField {
                model_name, name, ..
            },
            O::AlterField {
                model_name: m2,
                name: n2,
                ..
            }
            | O::RemoveField {
                model_name: m2,
                name: n2,
            },
        ) if same(model_name, m2) && name == n2 => Some(vec![second.clone()]),
        (
            O::RenameField {
                model_name,
                old_name,
                new_name,
            },
            O::RenameField {
                model_name: m2,
                old_name: o2,
                new_name: n2,
            },
        ) if same(model_name, m2) && new_name == o2 => {
            if old_name == n2 {
                Some(Vec::new())
            } else {
                Some(vec![O::RenameField {
                    model_name: model_name.clone(),
                    old_name: old_name.clone(),
                    new_name: n2.clone(),
                }])
            }
        }
        (
            O::AddIndex { model_name, index },
            O::RemoveIndex {
                model_name: m2,
                name,
            },
        ) if same(model_name, m2) && index.name == *name => Some(Vec::new()),
        (
            O::AddConstraint {
                model_name,
                constraint,
            },
            O::RemoveConstraint {
                model_name: m2,
                name,
            },
        ) if same(model_name, m2) && constraint.name() == name => Some(Vec::new()),
        (O::RemoveField { model_name, .. }, O::DeleteModel { name }) if same(model_name, name) => {
            Some(vec![second.clone()])
        }
        _ => None,
    }
}

/// `create` with `change` (an operation on the same model) replayed on it.
fn fold_into_create(app: &str, create: &Operation, change: &Operation) -> Option<Operation> {
    let Operation::CreateModel {
        name,
        fields,
        options,
    } = create
    else {
        return None;
    };
    let mut state = ProjectState::default();
    state.add(ModelState {
        app_label: app.to_owned(),
        name: name.clone(),
        fields: fields.clone(),
        options: options.clone(),
    });
    change.state_forwards(app, &mut state).ok()?;
    let model = state.get(app, &name.to_ascii_lowercase())?;
    Some(Operation::CreateModel {
        name: model.name.clone(),
        fields: model.fields.clone(),
        options: model.options.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rjango_schema::{FieldState, FieldType, Index, ModelOptions, OnDelete};

    fn field(t: FieldType) -> FieldState {
        FieldState::new(t)
    }

    fn create(name: &str, fields: &[(&str, FieldType)]) -> Operation {
        Operation::CreateModel {
            name: name.into(),
            fields: fields
                .iter()
                .map(|(n, t)| ((*n).to_owned(), field(t.clone())))
                .collect(),
            options: ModelOptions::default(),
        }
    }

    fn add(model: &str, name: &str, t: FieldType) -> Operation {
        Operation::AddField {
            model_name: model.into(),
            name: name.into(),
            field: field(t),
            preserve_default: true,
        }
    }

    fn fk(to: &str) -> FieldType {
        FieldType::ForeignKey {
            to: to.into(),
            on_delete: OnDelete::Cascade,
            related_name: None,
        }
    }

    #[test]
    fn a_created_model_absorbs_its_changes() {
        let ops = vec![
            create("Post", &[("id", FieldType::BigAutoField)]),
            add("post", "title", FieldType::CharField { max_length: 50 }),
            Operation::AlterField {
                model_name: "post".into(),
                name: "title".into(),
                field: field(FieldType::CharField { max_length: 200 }),
                preserve_default: true,
            },
            Operation::RenameField {
                model_name: "post".into(),
                old_name: "title".into(),
                new_name: "headline".into(),
            },
            Operation::AddIndex {
                model_name: "post".into(),
                index: Index {
                    name: "post_headline_idx".into(),
                    fields: vec!["headline".into()],
                },
            },
        ];
        let out = optimize("blog", ops);
        assert_eq!(out.len(), 1, "{out:?}");
        let Operation::CreateModel {
            fields, options, ..
        } = &out[0]
        else {
            panic!("{out:?}")
        };
        assert_eq!(fields[1].0, "headline");
        assert_eq!(
            fields[1].1.field_type,
            FieldType::CharField { max_length: 200 }
        );
        assert_eq!(options.indexes[0].fields, ["headline"]);
    }

    #[test]
    fn what_is_undone_disappears() {
        let ops = vec![
            create("Draft", &[("id", FieldType::BigAutoField)]),
            create("Post", &[("id", FieldType::BigAutoField)]),
            Operation::DeleteModel {
                name: "Draft".into(),
            },
            add("post", "tmp", FieldType::IntegerField),
            Operation::RemoveField {
                model_name: "post".into(),
                name: "tmp".into(),
            },
        ];
        assert_eq!(
            optimize("blog", ops),
            vec![create("Post", &[("id", FieldType::BigAutoField)])]
        );
    }

    #[test]
    fn barriers_and_references_stop_folding() {
        // A field pointing at a model created in between cannot move into the first CreateModel.
        let ops = vec![
            create("A", &[("id", FieldType::BigAutoField)]),
            create("B", &[("id", FieldType::BigAutoField), ("a", fk("blog.A"))]),
            add("a", "b", fk("blog.B")),
        ];
        assert_eq!(optimize("blog", ops.clone()), ops);
        // Nothing moves across RunSql.
        let ops = vec![
            create("A", &[("id", FieldType::BigAutoField)]),
            Operation::RunSql {
                sql: "SELECT 1".into(),
                reverse_sql: None,
            },
            add("a", "n", FieldType::IntegerField),
        ];
        assert_eq!(optimize("blog", ops.clone()), ops);
    }
}
