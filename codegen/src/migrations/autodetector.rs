//! Django's `MigrationAutodetector`: the operations that take the state the migrations
//! describe to the state the models declare, per app, in an order that applies cleanly, with
//! the dependencies between apps, asking the questioner where Django asks.

use std::collections::{BTreeMap, BTreeSet};

use rjango_schema::{FieldState, FieldType, ModelState, Operation, ProjectState};

use super::questioner::{NullAlteration, Questioner, Quit};

/// One new migration to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub app: String,
    pub operations: Vec<Operation>,
    /// Apps whose latest migration (after this run) this one depends on.
    pub depends_on_apps: BTreeSet<String>,
    /// Other planned migrations of the same app this one follows (when a cycle was split).
    pub after_own: usize,
}

/// The changes from `from` to `to` for `apps`, in the order to write them.
pub fn detect(
    from: &ProjectState,
    to: &ProjectState,
    apps: &[String],
    q: &mut dyn Questioner,
) -> Result<Vec<Planned>, Quit> {
    // Model renames first, applied to the old state, so relations to a renamed model compare
    // equal afterwards (no spurious AlterField), as Django's autodetector does.
    let mut renamed = from.clone();
    let mut renames: BTreeMap<&String, Vec<Operation>> = BTreeMap::new();
    for app in apps {
        let ops = model_renames(app, &renamed, to, q);
        for op in &ops {
            op.state_forwards(app, &mut renamed)
                .map_err(|e| Quit(e.to_string()))?;
        }
        renames.insert(app, ops);
    }
    let mut planned = Vec::new();
    for app in apps {
        let mut ops = renames.remove(app).unwrap_or_default();
        ops.extend(app_operations(app, &renamed, to, q)?);
        let from = &renamed;
        if ops.is_empty() {
            continue;
        }
        let mut depends_on_apps = BTreeSet::new();
        for op in &ops {
            for target in referenced_models(op) {
                if let Some((other, _)) = target.split_once('.')
                    && other != app
                {
                    depends_on_apps.insert(other.to_owned());
                }
            }
            // Deleting a model another app pointed at: that app drops its relation first.
            if let Operation::DeleteModel { name } = op {
                let target = format!("{app}.{}", name.to_ascii_lowercase());
                for m in from.models.values().filter(|m| &m.app_label != app) {
                    if m.fields.iter().any(|(_, f)| {
                        f.field_type
                            .related_model()
                            .is_some_and(|t| t.to_ascii_lowercase() == target)
                    }) {
                        depends_on_apps.insert(m.app_label.clone());
                    }
                }
            }
        }
        planned.push(Planned {
            app: app.clone(),
            operations: ops,
            depends_on_apps,
            after_own: 0,
        });
    }
    split_cycles(&mut planned);
    Ok(planned)
}

/// Models ("app.Model") an operation's fields point at.
fn referenced_models(op: &Operation) -> Vec<String> {
    let fields: Vec<&FieldState> = match op {
        Operation::CreateModel { fields, .. } => fields.iter().map(|(_, f)| f).collect(),
        Operation::AddField { field, .. } | Operation::AlterField { field, .. } => vec![field],
        _ => Vec::new(),
    };
    fields
        .iter()
        .filter_map(|f| f.field_type.related_model().map(str::to_owned))
        .collect()
}

/// Renamed models: an added model with exactly a removed one's fields, confirmed.
fn model_renames(
    app: &str,
    from: &ProjectState,
    to: &ProjectState,
    q: &mut dyn Questioner,
) -> Vec<Operation> {
    let old: BTreeMap<String, &ModelState> =
        from.app_models(app).map(|m| (m.name_lower(), m)).collect();
    let new: BTreeMap<String, &ModelState> =
        to.app_models(app).map(|m| (m.name_lower(), m)).collect();
    let mut removed: Vec<&ModelState> = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(_, m)| *m)
        .collect();
    let mut renames = Vec::new();
    for candidate in new
        .iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|(_, m)| *m)
    {
        let found = removed.iter().position(|r| {
            same_fields(r, candidate) && q.ask_rename_model(app, &r.name, &candidate.name)
        });
        if let Some(j) = found {
            let r = removed.remove(j);
            renames.push(Operation::RenameModel {
                old_name: r.name.clone(),
                new_name: candidate.name.clone(),
            });
        }
    }
    renames
}

fn app_operations(
    app: &str,
    from: &ProjectState,
    to: &ProjectState,
    q: &mut dyn Questioner,
) -> Result<Vec<Operation>, Quit> {
    let old: BTreeMap<String, &ModelState> =
        from.app_models(app).map(|m| (m.name_lower(), m)).collect();
    let new: BTreeMap<String, &ModelState> =
        to.app_models(app).map(|m| (m.name_lower(), m)).collect();
    let removed: Vec<&ModelState> = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(_, m)| *m)
        .collect();
    let added: Vec<&ModelState> = new
        .iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|(_, m)| *m)
        .collect();
    let kept: Vec<(&ModelState, &ModelState)> = old
        .iter()
        .filter_map(|(k, m)| new.get(k).map(|n| (*m, *n)))
        .collect();

    let mut ops = create_models(app, &added);

    let mut rename_fields = Vec::new();
    let mut remove_indexes = Vec::new();
    let mut early_unique = Vec::new();
    let mut remove_fields = Vec::new();
    let mut add_fields = Vec::new();
    let mut alter_fields = Vec::new();
    let mut late_unique = Vec::new();
    let mut add_indexes = Vec::new();
    let mut alter_options = Vec::new();
    for (old_m, new_m) in kept {
        let model = new_m.name_lower();
        let mut gone: Vec<(&String, &FieldState)> = old_m
            .fields
            .iter()
            .filter(|(n, _)| new_m.field(n).is_none())
            .map(|(n, f)| (n, f))
            .collect();
        let mut fresh: Vec<(&String, &FieldState)> = new_m
            .fields
            .iter()
            .filter(|(n, _)| old_m.field(n).is_none())
            .map(|(n, f)| (n, f))
            .collect();
        // Renamed fields: same definition under a new name, confirmed.
        let mut k = 0;
        while k < fresh.len() {
            let (new_name, new_f) = fresh[k];
            let class = new_f.field_type.class_name();
            let found = gone.iter().position(|(old_name, old_f)| {
                *old_f == new_f && q.ask_rename(&model, old_name, new_name, class)
            });
            match found {
                Some(j) => {
                    let (old_name, _) = gone.remove(j);
                    rename_fields.push(Operation::RenameField {
                        model_name: model.clone(),
                        old_name: old_name.clone(),
                        new_name: new_name.clone(),
                    });
                    fresh.remove(k);
                }
                None => k += 1,
            }
        }
        let removed_names: BTreeSet<&String> = gone.iter().map(|(n, _)| *n).collect();
        for (name, _) in &gone {
            remove_fields.push(Operation::RemoveField {
                model_name: model.clone(),
                name: (*name).clone(),
            });
        }
        for (name, field) in fresh {
            let needs_default = !field.null
                && field.default.is_none()
                && !field.field_type.is_auto()
                && field.field_type.has_column()
                && !matches!(
                    field.field_type,
                    FieldType::DateField { auto_now: true, .. }
                        | FieldType::DateTimeField { auto_now: true, .. }
                        | FieldType::TimeField { auto_now: true, .. }
                );
            if needs_default {
                let value = q.ask_not_null_addition(name, &model, &field.field_type)?;
                let mut with_default = field.clone();
                with_default.default = Some(value);
                add_fields.push(Operation::AddField {
                    model_name: model.clone(),
                    name: name.clone(),
                    field: with_default,
                    preserve_default: false,
                });
            } else {
                add_fields.push(Operation::AddField {
                    model_name: model.clone(),
                    name: name.clone(),
                    field: field.clone(),
                    preserve_default: true,
                });
            }
        }
        for (name, new_f) in &new_m.fields {
            let Some(old_f) = old_m.field(name) else {
                continue;
            };
            if old_f == new_f {
                continue;
            }
            if old_f.null && !new_f.null && new_f.default.is_none() && new_f.field_type.has_column()
            {
                match q.ask_not_null_alteration(name, &model, &new_f.field_type)? {
                    NullAlteration::OneOffDefault(v) => {
                        let mut f = new_f.clone();
                        f.default = Some(v);
                        alter_fields.push(Operation::AlterField {
                            model_name: model.clone(),
                            name: name.clone(),
                            field: f,
                            preserve_default: false,
                        });
                    }
                    NullAlteration::Ignore => {
                        alter_fields.push(Operation::AlterField {
                            model_name: model.clone(),
                            name: name.clone(),
                            field: new_f.clone(),
                            preserve_default: true,
                        });
                    }
                }
            } else {
                alter_fields.push(Operation::AlterField {
                    model_name: model.clone(),
                    name: name.clone(),
                    field: new_f.clone(),
                    preserve_default: true,
                });
            }
        }
        let (o, n) = (&old_m.options, &new_m.options);
        if o.unique_together != n.unique_together {
            let op = Operation::AlterUniqueTogether {
                name: model.clone(),
                unique_together: n.unique_together.clone(),
            };
            // A unique_together naming a removed field must go before the field does.
            if o.unique_together
                .iter()
                .flatten()
                .any(|f| removed_names.contains(f))
            {
                early_unique.push(op);
            } else {
                late_unique.push(op);
            }
        }
        for idx in &o.indexes {
            if !n.indexes.contains(idx) {
                remove_indexes.push(Operation::RemoveIndex {
                    model_name: model.clone(),
                    name: idx.name.clone(),
                });
            }
        }
        for c in &o.constraints {
            if !n.constraints.contains(c) {
                remove_indexes.push(Operation::RemoveConstraint {
                    model_name: model.clone(),
                    name: c.name().to_owned(),
                });
            }
        }
        for idx in &n.indexes {
            if !o.indexes.contains(idx) {
                add_indexes.push(Operation::AddIndex {
                    model_name: model.clone(),
                    index: idx.clone(),
                });
            }
        }
        for c in &n.constraints {
            if !o.constraints.contains(c) {
                add_indexes.push(Operation::AddConstraint {
                    model_name: model.clone(),
                    constraint: c.clone(),
                });
            }
        }
        if o.db_table != n.db_table {
            alter_options.push(Operation::AlterModelTable {
                name: model.clone(),
                table: n.db_table.clone(),
            });
        }
        if o.ordering != n.ordering || o.verbose_name != n.verbose_name {
            alter_options.push(Operation::AlterModelOptions {
                name: model.clone(),
                options: n.clone(),
            });
        }
    }
    ops.extend(rename_fields);
    ops.extend(remove_indexes);
    ops.extend(early_unique);
    ops.extend(remove_fields);
    ops.extend(add_fields);
    ops.extend(alter_fields);
    ops.extend(late_unique);
    ops.extend(add_indexes);
    ops.extend(alter_options);
    for r in removed {
        ops.push(Operation::DeleteModel {
            name: r.name.clone(),
        });
    }
    Ok(ops)
}

/// Whether `b` may be `a` renamed: the same fields (any order), compared as Django's
/// `only_relation_agnostic_fields` compares them, with each relation's target left out (a
/// model pointing at itself points at its new name in `b`). Options are not compared: a
/// changed ordering follows the rename as AlterModelOptions, as in Django.
fn same_fields(a: &ModelState, b: &ModelState) -> bool {
    a.fields.len() == b.fields.len()
        && a.fields.iter().all(|(name, f)| {
            b.field(name)
                .is_some_and(|g| relation_agnostic(f) == relation_agnostic(g))
        })
}

fn relation_agnostic(f: &FieldState) -> FieldState {
    let mut f = f.clone();
    if let FieldType::ForeignKey { to, .. }
    | FieldType::OneToOneField { to, .. }
    | FieldType::ManyToManyField { to, .. } = &mut f.field_type
    {
        to.clear();
    }
    f
}

/// CreateModel operations for new models, ordered so a model comes after the models it points
/// at; relations that close a circle within the app are added afterwards with AddField, as
/// Django does.
fn create_models(app: &str, added: &[&ModelState]) -> Vec<Operation> {
    let names: BTreeSet<String> = added.iter().map(|m| m.name_lower()).collect();
    let local_target = |f: &FieldState| -> Option<String> {
        let to = f.field_type.related_model()?;
        let (a, m) = to.split_once('.')?;
        (a == app && names.contains(&m.to_ascii_lowercase())).then(|| m.to_ascii_lowercase())
    };
    let mut created: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<&ModelState> = added.to_vec();
    let mut ops = Vec::new();
    let mut deferred = Vec::new();
    while !pending.is_empty() {
        // The first model whose local targets all exist already (or are itself).
        let ready = pending.iter().position(|m| {
            m.fields.iter().all(|(_, f)| {
                local_target(f).is_none_or(|t| t == m.name_lower() || created.contains(&t))
            })
        });
        let (index, defer_cycles) = match ready {
            Some(i) => (i, false),
            None => (0, true),
        };
        let m = pending.remove(index);
        let mut fields = Vec::new();
        for (n, f) in &m.fields {
            let blocked =
                local_target(f).is_some_and(|t| t != m.name_lower() && !created.contains(&t));
            if defer_cycles && blocked {
                deferred.push(Operation::AddField {
                    model_name: m.name_lower(),
                    name: n.clone(),
                    field: f.clone(),
                    preserve_default: true,
                });
            } else {
                fields.push((n.clone(), f.clone()));
            }
        }
        created.insert(m.name_lower());
        ops.push(Operation::CreateModel {
            name: m.name.clone(),
            fields,
            options: m.options.clone(),
        });
    }
    ops.extend(deferred);
    ops
}

/// Breaks circles between apps' new migrations, as Django does: the first app in a circle
/// gets a second migration holding its relations into the circle, so its first one depends
/// on nothing in it.
fn split_cycles(planned: &mut Vec<Planned>) {
    while let Some(cycle) = find_cycle(planned) {
        let app = cycle.iter().min().cloned().unwrap_or_default();
        let Some(pos) = planned
            .iter()
            .position(|p| p.app == app && p.after_own == 0)
        else {
            return;
        };
        let others: BTreeSet<String> = cycle.into_iter().filter(|a| *a != app).collect();
        let points_into = |f: &FieldState| {
            f.field_type
                .related_model()
                .and_then(|t| t.split_once('.'))
                .is_some_and(|(a, _)| others.contains(a))
        };
        let mut moved = Vec::new();
        for op in &mut planned[pos].operations {
            match op {
                Operation::CreateModel { name, fields, .. } => {
                    let model = name.to_ascii_lowercase();
                    fields.retain(|(n, f)| {
                        if points_into(f) {
                            moved.push(Operation::AddField {
                                model_name: model.clone(),
                                name: n.clone(),
                                field: f.clone(),
                                preserve_default: true,
                            });
                            false
                        } else {
                            true
                        }
                    });
                }
                Operation::AddField { field, .. } | Operation::AlterField { field, .. }
                    if points_into(field) =>
                {
                    moved.push(op.clone());
                    *op = Operation::RunSql {
                        sql: String::new(),
                        reverse_sql: Some(String::new()),
                    };
                }
                _ => {}
            }
        }
        planned[pos]
            .operations
            .retain(|op| !matches!(op, Operation::RunSql { sql, .. } if sql.is_empty()));
        planned[pos].depends_on_apps.retain(|a| !others.contains(a));
        let split = Planned {
            app: app.clone(),
            operations: moved,
            depends_on_apps: others,
            after_own: 1,
        };
        planned.insert(pos + 1, split);
    }
}

/// Apps whose first new migrations depend on each other in a circle, if any.
fn find_cycle(planned: &[Planned]) -> Option<Vec<String>> {
    let firsts: BTreeMap<&str, &Planned> = planned
        .iter()
        .filter(|p| p.after_own == 0)
        .map(|p| (p.app.as_str(), p))
        .collect();
    fn visit<'a>(
        app: &'a str,
        firsts: &BTreeMap<&'a str, &'a Planned>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|a| *a == app) {
            return Some(path[i..].iter().map(|s| s.to_string()).collect());
        }
        let p = firsts.get(app)?;
        path.push(app);
        for dep in &p.depends_on_apps {
            if let Some(c) = visit(dep, firsts, path) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    firsts
        .keys()
        .find_map(|app| visit(app, &firsts, &mut Vec::new()))
}
