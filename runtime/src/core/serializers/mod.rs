//! Django's `django.core.serializers` for the JSON fixture format of `dumpdata` and
//! `loaddata`, so a fixture dumped by Django loads into rjango and the other way round:
//!
//! ```text
//! [{"model": "blog.post", "pk": 1, "fields": {"author": 1, "title": "Hello", "tags": [2, 3]}}]
//! ```
//!
//! Like Django's loaddata and dumpdata, it works from the schema the migrations build (not from
//! the compiled models): every installed app's tables, whatever code declares them.

pub mod fields;

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Map, Value as Json};

use crate::db::migrations::schema::{FieldState, FieldType, ModelState, ProjectState};
use crate::db::migrations::schema_editor::join_table;
use crate::db::{Connection, Dialect};
use crate::models::sql::Sql;

/// A model of the project as fixtures name it (`blog.post`), in dump order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelKey {
    pub app: String,
    /// Lower case, as in a fixture's "model".
    pub name: String,
}

/// The project's models in Django's dump order: apps in INSTALLED_APPS order, each app's models
/// in the order models.rs declares them (`declared`, Django's registration order), then any
/// the migrations have that the code no longer declares, in the order they were created.
pub fn dump_order(
    installed: &[&str],
    declared: &[(&str, &str)],
    migrations: &[crate::db::migrations::Migration],
    state: &ProjectState,
) -> Vec<ModelKey> {
    use crate::db::migrations::Operation;
    let mut created: Vec<(String, String)> = declared
        .iter()
        .map(|(a, m)| ((*a).to_owned(), (*m).to_owned()))
        .collect();
    let executor = crate::db::migrations::executor::Executor::new(migrations, Default::default());
    if let Ok(executor) = executor {
        for step in executor.plan(&crate::db::migrations::executor::Target::All) {
            let Some(m) = executor.graph.get(&step.key) else {
                continue;
            };
            for op in &m.operations {
                match op {
                    Operation::CreateModel { name, .. } => {
                        created.push((m.app_label.clone(), name.to_ascii_lowercase()))
                    }
                    Operation::RenameModel { old_name, new_name } => {
                        for c in created.iter_mut() {
                            if c.0 == m.app_label && c.1 == old_name.to_ascii_lowercase() {
                                c.1 = new_name.to_ascii_lowercase();
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut out = Vec::new();
    for app in installed {
        let app = crate::apps::label(app);
        for (a, name) in &created {
            if a == app
                && state.get(a, name).is_some()
                && !out
                    .iter()
                    .any(|k: &ModelKey| k.app == *a && k.name == *name)
            {
                out.push(ModelKey {
                    app: a.clone(),
                    name: name.clone(),
                });
            }
        }
    }
    out
}

/// Picks the models `labels` name (`app` or `app.Model`, Django's dumpdata arguments), minus
/// `exclude`; all of them when `labels` is empty. Errors are Django's.
pub fn select(
    order: &[ModelKey],
    labels: &[String],
    exclude: &[String],
) -> Result<Vec<ModelKey>, String> {
    let matches = |label: &str, k: &ModelKey| -> Result<bool, String> {
        match label.split_once('.') {
            Some((app, model)) => {
                if !order.iter().any(|o| o.app == app) {
                    return Err(format!("No installed app with label '{app}'."));
                }
                if !order
                    .iter()
                    .any(|o| o.app == app && o.name == model.to_ascii_lowercase())
                {
                    return Err(format!("Unknown model: {label}"));
                }
                Ok(k.app == app && k.name == model.to_ascii_lowercase())
            }
            None => {
                if !order.iter().any(|o| o.app == label) {
                    return Err(format!("No installed app with label '{label}'."));
                }
                Ok(k.app == label)
            }
        }
    };
    let mut out = Vec::new();
    for k in order {
        let mut keep = labels.is_empty();
        for l in labels {
            keep |= matches(l, k)?;
        }
        for e in exclude {
            keep &= !matches(e, k)?;
        }
        if keep {
            out.push(k.clone());
        }
    }
    Ok(out)
}

/// The primary key field of a model.
fn pk(model: &ModelState) -> Result<(&str, &FieldState), String> {
    model
        .fields
        .iter()
        .find(|(_, f)| f.primary_key)
        .map(|(n, f)| (n.as_str(), f))
        .ok_or_else(|| format!("{}.{} has no primary key", model.app_label, model.name))
}

/// The columns of a model, with their fields, in field order.
fn columns(model: &ModelState) -> Vec<(&str, &FieldState)> {
    model
        .fields
        .iter()
        .filter(|(_, f)| f.field_type.has_column())
        .map(|(n, f)| (n.as_str(), f))
        .collect()
}

/// Every row of the `models`, as fixture objects (Django's python serializer), rows by key.
pub async fn dump_objects(
    conn: &Connection,
    state: &ProjectState,
    models: &[ModelKey],
    pks: Option<&[String]>,
) -> Result<Vec<Json>, String> {
    let d = conn.dialect;
    let mut out = Vec::new();
    for key in models {
        let model = state
            .get(&key.app, &key.name)
            .ok_or_else(|| format!("Unknown model: {}.{}", key.app, key.name))?;
        let (pk_name, pk_field) = pk(model)?;
        let cols = columns(model);
        let mut sql = Sql::new(d);
        sql.push("SELECT ");
        for (i, (name, f)) in cols.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.quote(&f.column(name));
        }
        sql.push(" FROM ");
        sql.quote(&model.db_table());
        if let Some(pks) = pks {
            sql.push(" WHERE ");
            sql.quote(&pk_field.column(pk_name));
            sql.push(" IN (");
            for (i, p) in pks.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.param(fields::from_json(pk_field, &pk_json(pk_field, p))?);
            }
            sql.push(")");
        }
        sql.push(" ORDER BY ");
        sql.quote(&pk_field.column(pk_name));
        let rows = conn
            .fetch(&sql.text, sql.values)
            .await
            .map_err(|e| e.to_string())?;
        let many = many_to_many(conn, state, model).await?;
        for row in &rows {
            let mut object = Map::new();
            let mut values = Map::new();
            let mut pk_value = Json::Null;
            for (i, (name, f)) in cols.iter().enumerate() {
                let v = fields::to_json(f, row, i)
                    .map_err(|e| format!("{}.{}.{name}: {e}", model.app_label, model.name))?;
                if *name == pk_name {
                    pk_value = v;
                } else {
                    values.insert((*name).to_owned(), v);
                }
            }
            for (field, links) in &many {
                let related = links
                    .get(&pk_value.to_string())
                    .cloned()
                    .unwrap_or_default();
                values.insert(field.clone(), Json::Array(related));
            }
            object.insert(
                "model".into(),
                Json::String(format!("{}.{}", key.app, key.name)),
            );
            object.insert("pk".into(), pk_value);
            object.insert("fields".into(), Json::Object(values));
            out.push(Json::Object(object));
        }
    }
    Ok(out)
}

/// A `--pks` value as the key's JSON (a number for an integer key).
fn pk_json(pk_field: &FieldState, text: &str) -> Json {
    match (&pk_field.field_type, text.parse::<i64>()) {
        (
            FieldType::AutoField
            | FieldType::BigAutoField
            | FieldType::SmallAutoField
            | FieldType::IntegerField
            | FieldType::BigIntegerField,
            Ok(n),
        ) => Json::from(n),
        _ => Json::String(text.to_owned()),
    }
}

/// Each many-to-many field of `model`: row key (as JSON text) -> the related keys, in the
/// related model's Meta.ordering as Django's related manager gives them.
async fn many_to_many(
    conn: &Connection,
    state: &ProjectState,
    model: &ModelState,
) -> Result<Vec<(String, BTreeMap<String, Vec<Json>>)>, String> {
    let d = conn.dialect;
    let mut out = Vec::new();
    for (name, f) in &model.fields {
        let FieldType::ManyToManyField { to, .. } = &f.field_type else {
            continue;
        };
        let join =
            join_table(d, state, &model.app_label, &model.name, name).map_err(|e| e.to_string())?;
        let (to_app, to_model) = to.split_once('.').unwrap_or((&model.app_label, to));
        let target = state
            .get(to_app, &to_model.to_ascii_lowercase())
            .ok_or_else(|| format!("the related model {to} does not exist"))?;
        let (target_pk, target_pk_field) = pk(target)?;
        let mut sql = Sql::new(d);
        sql.push("SELECT j.");
        sql.quote(&join.from_column);
        sql.push(", j.");
        sql.quote(&join.to_column);
        sql.push(" FROM ");
        sql.quote(&join.table);
        sql.push(" j JOIN ");
        sql.quote(&target.db_table());
        sql.push(" r ON r.");
        sql.quote(&target_pk_field.column(target_pk));
        sql.push(" = j.");
        sql.quote(&join.to_column);
        sql.push(" ORDER BY j.");
        sql.quote(&join.from_column);
        for o in &target.options.ordering {
            let (field, desc) = o
                .strip_prefix('-')
                .map_or((o.as_str(), false), |f| (f, true));
            if let Some(tf) = target.field(field)
                && tf.field_type.has_column()
            {
                sql.push(", r.");
                sql.quote(&tf.column(field));
                if desc {
                    sql.push(" DESC");
                }
            }
        }
        sql.push(", j.");
        sql.quote("id");
        let rows = conn
            .fetch(&sql.text, sql.values)
            .await
            .map_err(|e| e.to_string())?;
        let key = FieldState::new(FieldType::BigAutoField);
        let mut links: BTreeMap<String, Vec<Json>> = BTreeMap::new();
        for row in &rows {
            let own = fields::to_json(&key, row, 0)?;
            let other = fields::to_json(&key, row, 1)?;
            links.entry(own.to_string()).or_default().push(other);
        }
        out.push((name.clone(), links));
    }
    Ok(out)
}

/// A JSON formatter with Python's separators: `", "` and `": "` on one line (json.dumps'
/// defaults), `","` and `": "` with an indent (Django's); non-ASCII written as is
/// (`ensure_ascii=False`, the serializers') or escaped (`ensure_ascii=True`, JsonResponse's).
pub(crate) struct PythonFormatter {
    indent: Option<Vec<u8>>,
    level: usize,
    has_value: bool,
    ensure_ascii: bool,
}

impl PythonFormatter {
    /// What `json.dumps(value)` writes: one line, non-ASCII as `\uXXXX`.
    pub(crate) fn dumps() -> Self {
        PythonFormatter {
            indent: None,
            level: 0,
            has_value: false,
            ensure_ascii: true,
        }
    }
}

impl PythonFormatter {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        if let Some(indent) = &self.indent {
            w.write_all(b"\n")?;
            for _ in 0..self.level {
                w.write_all(indent)?;
            }
        }
        Ok(())
    }
}

impl PythonFormatter {
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    /// Before an array's value or an object's key: Python's item separator (`", "`, or `","`
    /// with an indent, the newline following).
    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(if self.indent.is_some() { b"," } else { b", " })?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    /// A float as Python's `repr` writes it (what json.dumps writes): the shortest digits
    /// that read back the same, positional from 1e-4 up to 1e16 with `.0` on whole numbers
    /// (`3.0`, `0.0001`), in exponent form outside with a sign and two digits at least
    /// (`1e-05`, `1.5e+16`).
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        w.write_all(python_float_repr(value).as_bytes())
    }
    /// An f32 by its own shortest digits (`0.1f32` is 0.1, not 0.10000000149011612), laid
    /// out as Python lays out a float.
    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        let shortest: f64 = value.to_string().parse().unwrap_or(f64::from(value));
        w.write_all(python_float_repr(shortest).as_bytes())
    }
    /// With `ensure_ascii`, what Python escapes beyond JSON's own: every character outside
    /// printable ASCII (DEL included), as `\u` and four lower-case hex digits, a surrogate
    /// pair past U+FFFF.
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !self.ensure_ascii || fragment.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return w.write_all(fragment.as_bytes());
        }
        let mut units = [0u16; 2];
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                w.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Python's `repr(float)` of a finite float.
fn python_float_repr(value: f64) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as Python's repr: `d.ddde±x`.
    let exp_form = format!("{:e}", value.abs());
    let (mantissa, exponent) = exp_form.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("an integer exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if value < 0.0 { "-" } else { "" };
    // Python's decpt: the value is 0.DIGITS x 10^decpt.
    let decpt = exponent + 1;
    let n = digits.len() as i32;
    if decpt <= -4 || decpt > 16 {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let e = decpt - 1;
        return format!(
            "{sign}{first}{dot}e{}{:02}",
            if e < 0 { '-' } else { '+' },
            e.abs()
        );
    }
    if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt < n {
        let (whole, fraction) = digits.split_at(decpt as usize);
        format!("{sign}{whole}.{fraction}")
    } else {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
    }
}

/// One value as Python's `json.dump` writes it.
fn python_json(value: &Json, indent: Option<usize>) -> String {
    let mut out = Vec::new();
    let formatter = PythonFormatter {
        indent: indent.map(|n| vec![b' '; n]),
        level: 0,
        has_value: false,
        ensure_ascii: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut ser).expect("JSON values serialize");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The fixture text of `objects`, byte for byte as Django's json serializer writes it.
pub fn to_fixture(objects: &[Json], indent: Option<usize>) -> String {
    let indent = indent.filter(|n| *n > 0);
    let mut out = String::from("[");
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            out.push(',');
            if indent.is_none() {
                out.push(' ');
            }
        }
        if indent.is_some() {
            out.push('\n');
        }
        out.push_str(&python_json(o, indent));
    }
    if indent.is_some() {
        out.push('\n');
    }
    out.push(']');
    if indent.is_some() {
        out.push('\n');
    }
    out
}

/// What a load did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Objects saved.
    pub saved: usize,
    /// Objects in the fixtures (saved or excluded).
    pub found: usize,
    /// The models written to, for the sequence reset.
    pub models: Vec<ModelKey>,
}

/// Saves the objects of one fixture through `tx` (Django's `save_base(raw=True)`: update by key,
/// insert when no row has it; an object without a key is a new row the database numbers;
/// many-to-many lists replace the links). `exclude` is Django's `--exclude`; with `ignore`
/// unknown models and fields are skipped, as `--ignorenonexistent`.
pub async fn load_objects<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    state: &ProjectState,
    objects: &[Json],
    exclude: &[String],
    ignore: bool,
    loaded: &mut Loaded,
) -> Result<(), String> {
    for object in objects {
        loaded.found += 1;
        let label = object["model"].as_str().ok_or_else(|| {
            "Error deserializing object: each object needs a \"model\"".to_owned()
        })?;
        let (app, name) = label.split_once('.').unwrap_or(("", label));
        let name = name.to_ascii_lowercase();
        let Some(model) = state.get(app, &name) else {
            if ignore {
                continue;
            }
            return Err(format!("Invalid model identifier: {label}"));
        };
        if exclude
            .iter()
            .any(|e| e == app || e.eq_ignore_ascii_case(label))
        {
            continue;
        }
        let (pk_name, pk_field) = pk(model)?;
        let fields_json = object["fields"].as_object().cloned().unwrap_or_default();
        for key in fields_json.keys() {
            if model.field(key).is_none() && !ignore {
                return Err(format!(
                    "Error deserializing object: {} has no field named '{key}'",
                    model.name
                ));
            }
        }
        let pk_value = object.get("pk").cloned().unwrap_or(Json::Null);
        let at = |e: String| format!("{e}: ({label}:pk={pk_value}) field_value was '{pk_value}'");
        let mut assigned: Vec<(&str, &FieldState, sea_orm::Value)> = Vec::new();
        for (n, f) in columns(model) {
            if n == pk_name {
                continue;
            }
            let Some(v) = fields_json.get(n) else {
                continue;
            };
            let value = fields::from_json(f, v).map_err(|e| {
                format!(
                    "{e}: ({label}:pk={pk_value}) field_value was '{}'",
                    v.as_str().map_or(v.to_string(), str::to_owned)
                )
            })?;
            assigned.push((n, f, value));
        }
        // An object without a key (Django allows one in a fixture) is a new row: the database
        // numbers it, and its many-to-many links go to that number.
        let key = if pk_value.is_null() && pk_field.field_type.is_auto() {
            insert_numbered(tx, d, model, pk_name, pk_field, &assigned)
                .await
                .map_err(|e| format!("Could not load {label}(pk=None): {e}"))?
        } else {
            let key = fields::from_json(pk_field, &pk_value).map_err(at)?;
            save_by_key(tx, d, model, pk_name, pk_field, &assigned, key.clone())
                .await
                .map_err(|e| format!("Could not load {label}(pk={pk_value}): {e}"))?;
            key
        };
        // Many-to-many lists replace the row's links.
        for (n, f) in &model.fields {
            if !matches!(f.field_type, FieldType::ManyToManyField { .. }) {
                continue;
            }
            let Some(list) = fields_json.get(n).and_then(Json::as_array) else {
                continue;
            };
            let join = join_table(d, state, &model.app_label, &model.name, n)
                .map_err(|e| e.to_string())?;
            let mut delete = Sql::new(d);
            delete.push("DELETE FROM ");
            delete.quote(&join.table);
            delete.push(" WHERE ");
            delete.quote(&join.from_column);
            delete.push(" = ");
            delete.param(key.clone());
            tx.execute_raw(Statement::from_sql_and_values(
                d.backend(),
                &delete.text,
                delete.values,
            ))
            .await
            .map_err(|e| format!("Could not load {label}(pk={pk_value}): {e}"))?;
            for other in list {
                let other = fields::from_json(&FieldState::new(FieldType::BigAutoField), other)
                    .map_err(at)?;
                let mut insert = Sql::new(d);
                insert.push("INSERT INTO ");
                insert.quote(&join.table);
                insert.push(" (");
                insert.quote(&join.from_column);
                insert.push(", ");
                insert.quote(&join.to_column);
                insert.push(") VALUES (");
                insert.param(key.clone());
                insert.push(", ");
                insert.param(other);
                insert.push(")");
                tx.execute_raw(Statement::from_sql_and_values(
                    d.backend(),
                    &insert.text,
                    insert.values,
                ))
                .await
                .map_err(|e| format!("Could not load {label}(pk={pk_value}): {e}"))?;
            }
        }
        loaded.saved += 1;
        let key = ModelKey {
            app: app.to_owned(),
            name: name.clone(),
        };
        if !loaded.models.contains(&key) {
            loaded.models.push(key);
        }
    }
    Ok(())
}

/// Django's `save_base(raw=True)` for an object with a key: UPDATE by it, INSERT when no row
/// has it.
async fn save_by_key<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    model: &ModelState,
    pk_name: &str,
    pk_field: &FieldState,
    assigned: &[(&str, &FieldState, sea_orm::Value)],
    key: sea_orm::Value,
) -> Result<(), String> {
    let changed = if assigned.is_empty() {
        let mut exists = Sql::new(d);
        exists.push("SELECT 1 FROM ");
        exists.quote(&model.db_table());
        exists.push(" WHERE ");
        exists.quote(&pk_field.column(pk_name));
        exists.push(" = ");
        exists.param(key.clone());
        !tx.query_all_raw(Statement::from_sql_and_values(
            d.backend(),
            &exists.text,
            exists.values,
        ))
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    } else {
        let mut update = Sql::new(d);
        update.push("UPDATE ");
        update.quote(&model.db_table());
        update.push(" SET ");
        for (i, (n, f, v)) in assigned.iter().enumerate() {
            if i > 0 {
                update.push(", ");
            }
            update.quote(&f.column(n));
            update.push(" = ");
            bind(&mut update, f, v.clone());
        }
        update.push(" WHERE ");
        update.quote(&pk_field.column(pk_name));
        update.push(" = ");
        update.param(key.clone());
        tx.execute_raw(Statement::from_sql_and_values(
            d.backend(),
            &update.text,
            update.values,
        ))
        .await
        .map_err(|e| e.to_string())?
        .rows_affected()
            > 0
    };
    if !changed {
        insert(tx, d, model, Some((pk_name, pk_field, key)), assigned).await?;
    }
    Ok(())
}

/// INSERT of a new row the database numbers; its key.
async fn insert_numbered<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    model: &ModelState,
    pk_name: &str,
    pk_field: &FieldState,
    assigned: &[(&str, &FieldState, sea_orm::Value)],
) -> Result<sea_orm::Value, String> {
    if d == Dialect::Postgres {
        // Rows loaded with their keys (earlier in this fixture, say) do not move the sequence.
        reset_sequence(tx, model).await?;
        let mut sql = insert_sql(d, model, None, assigned);
        sql.push(" RETURNING ");
        sql.quote(&pk_field.column(pk_name));
        let row = tx
            .query_one_raw(Statement::from_sql_and_values(
                d.backend(),
                &sql.text,
                sql.values,
            ))
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the INSERT returned no key")?;
        let id: i64 = row
            .try_get_by_index::<i64>(0)
            .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
            .or_else(|_| row.try_get_by_index::<i16>(0).map(i64::from))
            .map_err(|e| e.to_string())?;
        return Ok(sea_orm::Value::BigInt(Some(id)));
    }
    let id = insert(tx, d, model, None, assigned)
        .await?
        .ok_or("the INSERT returned no key")?;
    let id = i64::try_from(id).map_err(|e| e.to_string())?;
    Ok(sea_orm::Value::BigInt(Some(id)))
}

/// INSERT of a row, with its key or without (then the database's LAST_INSERT_ID / rowid is
/// returned; PostgreSQL has none, see [`insert_numbered`]).
async fn insert<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    model: &ModelState,
    key: Option<(&str, &FieldState, sea_orm::Value)>,
    assigned: &[(&str, &FieldState, sea_orm::Value)],
) -> Result<Option<u64>, String> {
    let numbered = key.is_none() && d != Dialect::Postgres;
    let sql = insert_sql(d, model, key, assigned);
    let done = tx
        .execute_raw(Statement::from_sql_and_values(
            d.backend(),
            &sql.text,
            sql.values,
        ))
        .await
        .map_err(|e| e.to_string())?;
    Ok(numbered.then(|| done.last_insert_id()))
}

fn insert_sql(
    d: Dialect,
    model: &ModelState,
    key: Option<(&str, &FieldState, sea_orm::Value)>,
    assigned: &[(&str, &FieldState, sea_orm::Value)],
) -> Sql {
    let mut columns: Vec<(String, &FieldState, sea_orm::Value)> = Vec::new();
    if let Some((pk_name, pk_field, value)) = key {
        columns.push((pk_field.column(pk_name), pk_field, value));
    }
    columns.extend(
        assigned
            .iter()
            .map(|(n, f, v)| (f.column(n), *f, v.clone())),
    );
    let mut sql = Sql::new(d);
    sql.push("INSERT INTO ");
    sql.quote(&model.db_table());
    if columns.is_empty() {
        // A row of defaults only.
        sql.push(if d == Dialect::Mysql {
            " () VALUES ()"
        } else {
            " DEFAULT VALUES"
        });
        return sql;
    }
    sql.push(" (");
    for (i, (column, _, _)) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.quote(column);
    }
    sql.push(") VALUES (");
    for (i, (_, field, value)) in columns.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        bind(&mut sql, field, value);
    }
    sql.push(")");
    sql
}

/// A value bound for its column (a duration becomes PostgreSQL's interval).
fn bind(sql: &mut Sql, field: &FieldState, value: sea_orm::Value) {
    match (&field.field_type, value) {
        (FieldType::DurationField, sea_orm::Value::BigInt(us)) => sql.duration(us),
        (_, value) => sql.param(value),
    }
}

/// Loads fixtures (each a parsed JSON array) in one transaction: all or nothing, as Django's
/// loaddata. On PostgreSQL the identity sequences of the models written to are reset after, so
/// the next row created gets a key past the loaded ones (Django's `sequence_reset_sql`).
///
/// Rows may point at rows later in the fixtures: SQLite and PostgreSQL check foreign keys at
/// the commit (they are deferred); MySQL cannot defer them, so, as Django, the checks are off
/// while loading and every foreign key written to is checked before the commit.
pub async fn load(
    conn: &Connection,
    state: &ProjectState,
    fixtures: &[(String, Vec<Json>)],
    exclude: &[String],
    ignore: bool,
) -> Result<Loaded, String> {
    let d = conn.dialect;
    let tx = conn.sea_orm().begin().await.map_err(|e| e.to_string())?;
    if d == Dialect::Mysql {
        tx.execute_unprepared("SET FOREIGN_KEY_CHECKS = 0")
            .await
            .map_err(|e| e.to_string())?;
    }
    let outcome = load_in(&tx, d, state, fixtures, exclude, ignore).await;
    if d == Dialect::Mysql {
        // Back on before anything else, failure or not: the connection returns to the pool.
        let on = tx.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1").await;
        if let (Ok(_), Err(e)) = (&outcome, on) {
            return Err(e.to_string());
        }
    }
    let loaded = outcome?;
    tx.commit()
        .await
        .map_err(|e| format!("Problem installing fixtures: {e}"))?;
    Ok(loaded)
}

async fn load_in<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    state: &ProjectState,
    fixtures: &[(String, Vec<Json>)],
    exclude: &[String],
    ignore: bool,
) -> Result<Loaded, String> {
    let mut loaded = Loaded::default();
    for (path, objects) in fixtures {
        load_objects(tx, d, state, objects, exclude, ignore, &mut loaded)
            .await
            .map_err(|e| format!("Problem installing fixture '{path}': {e}"))?;
    }
    if d == Dialect::Mysql {
        check_foreign_keys(tx, d, state, &loaded.models)
            .await
            .map_err(|e| format!("Problem installing fixtures: {e}"))?;
    }
    if d == Dialect::Postgres {
        for key in &loaded.models {
            let Some(model) = state.get(&key.app, &key.name) else {
                continue;
            };
            reset_sequence(tx, model).await?;
        }
    }
    Ok(loaded)
}

/// PostgreSQL's identity sequence of `model` moved past its largest key (Django's
/// `sequence_reset_sql`), so the next row numbered by the database does not take a loaded one's.
async fn reset_sequence<C: ConnectionTrait>(tx: &C, model: &ModelState) -> Result<(), String> {
    let d = Dialect::Postgres;
    let (pk_name, pk_field) = pk(model)?;
    if !pk_field.field_type.is_auto() {
        return Ok(());
    }
    let (table, column) = (
        d.quote(&model.db_table()),
        d.quote(&pk_field.column(pk_name)),
    );
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('{}', '{}'), coalesce(max({column}), 1), max({column}) IS NOT null) FROM {table}",
        table.replace('\'', "''"),
        pk_field.column(pk_name).replace('\'', "''")
    );
    tx.execute_unprepared(&sql)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Django's `check_constraints` for the tables written to: the first row whose foreign key
/// points at no row, in Django's words. The join tables of many-to-many fields are checked too
/// (Django's loaddata leaves them out; a dangling link would stay on MySQL alone).
async fn check_foreign_keys<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    state: &ProjectState,
    models: &[ModelKey],
) -> Result<(), String> {
    let target_key = |to: &str| -> Result<Option<(String, String)>, String> {
        let (to_app, to_model) = to.split_once('.').unwrap_or(("", to));
        let Some(target) = state.get(to_app, &to_model.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let (name, field) = pk(target)?;
        Ok(Some((target.db_table(), field.column(name))))
    };
    for key in models {
        let Some(model) = state.get(&key.app, &key.name) else {
            continue;
        };
        let (pk_name, pk_field) = pk(model)?;
        let (table, pk_column) = (model.db_table(), pk_field.column(pk_name));
        for (name, field) in &model.fields {
            match &field.field_type {
                FieldType::ForeignKey { to, .. } | FieldType::OneToOneField { to, .. } => {
                    if let Some(target) = target_key(to)? {
                        let reference = (table.as_str(), pk_column.as_str(), field.column(name));
                        dangling(tx, d, reference, target).await?;
                    }
                }
                FieldType::ManyToManyField { to, .. } => {
                    let join = join_table(d, state, &model.app_label, &model.name, name)
                        .map_err(|e| e.to_string())?;
                    let ends = [
                        (
                            join.from_column.clone(),
                            Some((table.clone(), pk_column.clone())),
                        ),
                        (join.to_column.clone(), target_key(to)?),
                    ];
                    for (column, target) in ends {
                        if let Some(target) = target {
                            dangling(tx, d, (join.table.as_str(), "id", column), target).await?;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The first row of `table` (its key, `pk_column`) whose `column` names no row of `target`
/// (table, column), as Django's message about it.
async fn dangling<C: ConnectionTrait>(
    tx: &C,
    d: Dialect,
    (table, pk_column, column): (&str, &str, String),
    (target_table, target_column): (String, String),
) -> Result<(), String> {
    let q = |s: &str| d.quote(s);
    let sql = format!(
        "SELECT r.{pk}, r.{fk} FROM {table_q} r LEFT JOIN {target} t ON r.{fk} = t.{tpk} \
         WHERE r.{fk} IS NOT NULL AND t.{tpk} IS NULL LIMIT 1",
        pk = q(pk_column),
        fk = q(&column),
        table_q = q(table),
        target = q(&target_table),
        tpk = q(&target_column),
    );
    let rows = tx
        .query_all_raw(Statement::from_string(d.backend(), sql))
        .await
        .map_err(|e| e.to_string())?;
    let Some(row) = rows.first() else {
        return Ok(());
    };
    let text = |i: usize| {
        row.try_get_by_index::<Option<String>>(i)
            .ok()
            .flatten()
            .or_else(|| {
                row.try_get_by_index::<Option<i64>>(i)
                    .ok()
                    .flatten()
                    .map(|v| v.to_string())
            })
            .unwrap_or_default()
    };
    Err(format!(
        "The row in table '{table}' with primary key '{}' has an invalid foreign key: {table}.{column} contains a value '{}' that does not have a corresponding value in {target_table}.{target_column}.",
        text(0),
        text(1)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_python_writes_them() {
        // Each pair checked against CPython 3.11's repr().
        for (value, python) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (3.0, "3.0"),
            (2.5, "2.5"),
            (-1.25, "-1.25"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (1.5e-10, "1.5e-10"),
            (123456.789, "123456.789"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (1.0 / 3.0, "0.3333333333333333"),
        ] {
            assert_eq!(python_float_repr(value), python, "{value:e}");
        }
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter::dumps());
        serde::Serialize::serialize(&[0.1f32, 1e-7, 1e16], &mut ser).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[0.1, 1e-07, 1e+16]");
    }

    #[test]
    fn fixture_text_is_djangos() {
        let objects = vec![
            serde_json::json!({"model": "shop.tag", "pk": 1, "fields": {"name": "a", "links": []}}),
            serde_json::json!({"model": "shop.tag", "pk": 2, "fields": {"name": "é", "links": [1, 2]}}),
        ];
        assert_eq!(
            to_fixture(&objects, None),
            r#"[{"model": "shop.tag", "pk": 1, "fields": {"name": "a", "links": []}}, {"model": "shop.tag", "pk": 2, "fields": {"name": "é", "links": [1, 2]}}]"#
        );
        assert_eq!(
            to_fixture(&objects[..1], Some(2)),
            "[\n{\n  \"model\": \"shop.tag\",\n  \"pk\": 1,\n  \"fields\": {\n    \"name\": \"a\",\n    \"links\": []\n  }\n}\n]\n"
        );
        assert_eq!(to_fixture(&[], Some(2)), "[\n]\n");
        assert_eq!(to_fixture(&[], None), "[]");
    }
}
