//! The syntax of a migration file, shared by the `migration!` macro (which compiles it into
//! the project) and the loader (which reads it back to replay the schema), and its printer.
//!
//! ```text
//! rjango::migration! {
//!     dependencies: [("blog", "0001_initial")],
//!     operations: [
//!         AddField { model_name: "post", name: "views", field: IntegerField { default: 0 } },
//!         RunSql { sql: "UPDATE blog_post SET views = 1", reverse_sql: "" },
//!     ],
//! }
//! ```
//!
//! Fields are written as in models.rs, by Django's class name with their parameters (omitted
//! parameters take Django's defaults), so a migration reads like Django's.

use std::fmt::Write;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, ExprStruct, Lit, Member};

use rjango_schema::{
    Condition, Constraint, FieldState, FieldType, Index, ModelOptions, OnDelete, Operation, Value,
};

use crate::models::condition::{parse_q, q_text, q_tokens};

/// A parsed migration body: everything but the app and name, which come from the file's place.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationBody {
    pub initial: bool,
    /// `atomic: false` (Django's `atomic = False`); true when the file does not say.
    pub atomic: bool,
    pub dependencies: Vec<(String, String)>,
    pub operations: Vec<Operation>,
    /// A squashed migration's `replaces`.
    pub replaces: Vec<(String, String)>,
    /// `accepted: "why"`: the safety lint's warnings judged safe by whoever wrote the reason.
    pub accepted: Option<String>,
}

type R<T> = syn::Result<T>;

fn err<T>(span: Span, message: impl Into<String>) -> R<T> {
    Err(syn::Error::new(span, message.into()))
}

/// Parses the tokens inside `migration! { ... }`.
pub fn parse_body(tokens: TokenStream) -> R<MigrationBody> {
    let wrapped: ExprStruct = syn::parse2(quote!(Migration { #tokens }))?;
    let mut body = MigrationBody {
        initial: false,
        atomic: true,
        dependencies: Vec::new(),
        operations: Vec::new(),
        replaces: Vec::new(),
        accepted: None,
    };
    let pairs = |e: &Expr| -> R<Vec<(String, String)>> {
        list(e)?
            .into_iter()
            .map(|dep| {
                let Expr::Tuple(t) = dep else {
                    return err(dep.span(), "a migration is named (\"app\", \"0001_name\")");
                };
                if t.elems.len() != 2 {
                    return err(t.span(), "a migration is named (\"app\", \"0001_name\")");
                }
                Ok((string(&t.elems[0])?, string(&t.elems[1])?))
            })
            .collect()
    };
    for fv in &wrapped.fields {
        match member(fv)?.as_str() {
            "initial" => body.initial = bool_of(&fv.expr)?,
            "atomic" => body.atomic = bool_of(&fv.expr)?,
            "dependencies" => body.dependencies = pairs(&fv.expr)?,
            "replaces" => body.replaces = pairs(&fv.expr)?,
            "accepted" => {
                let why = string(&fv.expr)?;
                if why.trim().is_empty() {
                    return err(
                        fv.expr.span(),
                        "`accepted` says why the migration is safe to run on a serving database: write the reason",
                    );
                }
                body.accepted = Some(why);
            }
            "operations" => {
                for op in list(&fv.expr)? {
                    body.operations.push(operation(op)?);
                }
            }
            other => {
                return err(
                    fv.member.span(),
                    format!(
                        "unknown migration key `{other}`: expected initial, atomic, accepted, replaces, dependencies or operations"
                    ),
                );
            }
        }
    }
    Ok(body)
}

fn member(fv: &syn::FieldValue) -> R<String> {
    match &fv.member {
        Member::Named(i) => Ok(i.to_string()),
        Member::Unnamed(i) => err(i.span(), "expected a named key"),
    }
}

fn list(e: &Expr) -> R<Vec<&Expr>> {
    match e {
        Expr::Array(a) => Ok(a.elems.iter().collect()),
        other => err(other.span(), "expected a list `[...]`"),
    }
}

fn string(e: &Expr) -> R<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Ok(s.value()),
            other => err(other.span(), "expected a string"),
        },
        other => err(other.span(), "expected a string"),
    }
}

fn strings(e: &Expr) -> R<Vec<String>> {
    list(e)?.into_iter().map(string).collect()
}

fn bool_of(e: &Expr) -> R<bool> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Bool(b) => Ok(b.value),
            other => err(other.span(), "expected true or false"),
        },
        other => err(other.span(), "expected true or false"),
    }
}

fn uint(e: &Expr) -> R<u32> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse(),
            other => err(other.span(), "expected a whole number"),
        },
        other => err(other.span(), "expected a whole number"),
    }
}

fn path_name(e: &Expr) -> R<String> {
    match e {
        Expr::Path(p) => Ok(quote!(#p).to_string().replace(' ', "")),
        other => err(other.span(), "expected a name"),
    }
}

/// A literal value: a string, a number, true/false, None, or Decimal("1.50").
pub(crate) fn value(e: &Expr) -> R<Value> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Ok(Value::Str(s.value())),
            Lit::Int(i) => Ok(Value::Int(i.base10_parse()?)),
            Lit::Float(f) => Ok(Value::Float(f.base10_parse()?)),
            Lit::Bool(b) => Ok(Value::Bool(b.value)),
            other => err(other.span(), "expected a string, number or bool"),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match value(&u.expr)? {
            Value::Int(i) => Ok(Value::Int(-i)),
            Value::Float(f) => Ok(Value::Float(-f)),
            _ => err(u.span(), "only numbers can be negative"),
        },
        Expr::Path(p) if p.path.is_ident("None") => Ok(Value::Null),
        Expr::Path(p) if is_timezone_now(&p.path) => Ok(Value::Now),
        Expr::Call(c)
            if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Decimal"))
                && c.args.len() == 1 =>
        {
            Ok(Value::Decimal(string(&c.args[0])?))
        }
        other => err(other.span(), "expected a literal value"),
    }
}

/// `timezone::now` (Django's `django.utils.timezone.now`), with or without its module path
/// (`rjango::utils::timezone::now`).
fn is_timezone_now(path: &syn::Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.len() >= 2 && segments[segments.len() - 2..] == ["timezone", "now"]
}

/// `Name { key: value, ... }` (or a bare `Name`) as (name, key-value pairs).
fn struct_parts(e: &Expr) -> R<(String, Vec<(String, &Expr)>)> {
    match e {
        Expr::Struct(s) => {
            let name = s
                .path
                .segments
                .last()
                .map(|x| x.ident.to_string())
                .unwrap_or_default();
            let pairs = s
                .fields
                .iter()
                .map(|fv| Ok((member(fv)?, &fv.expr)))
                .collect::<R<Vec<_>>>()?;
            Ok((name, pairs))
        }
        Expr::Path(p) => Ok((
            p.path
                .segments
                .last()
                .map(|x| x.ident.to_string())
                .unwrap_or_default(),
            Vec::new(),
        )),
        other => err(other.span(), "expected `Name { key: value, ... }`"),
    }
}

/// A field in Django's spelling: `CharField { max_length: 200, null: true }`.
pub fn field(e: &Expr) -> R<FieldState> {
    let (class, pairs) = struct_parts(e)?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    let flag = |k: &str| get(k).map(bool_of).transpose().map(|v| v.unwrap_or(false));
    let related = || -> R<(String, Option<String>)> {
        let to = get("to").ok_or_else(|| {
            syn::Error::new(e.span(), format!("{class} needs `to: \"app.Model\"`"))
        })?;
        Ok((string(to)?, get("related_name").map(string).transpose()?))
    };
    let on_delete = || -> R<OnDelete> {
        let v = get("on_delete")
            .ok_or_else(|| syn::Error::new(e.span(), format!("{class} needs `on_delete`")))?;
        let name = path_name(v)?;
        OnDelete::from_name(&name)
            .ok_or_else(|| syn::Error::new(v.span(), format!("unknown on_delete `{name}`")))
    };
    let field_type = match class.as_str() {
        "CharField" => FieldType::CharField {
            max_length: uint(
                get("max_length")
                    .ok_or_else(|| syn::Error::new(e.span(), "CharField needs max_length"))?,
            )?,
        },
        "DecimalField" => FieldType::DecimalField {
            max_digits: uint(
                get("max_digits")
                    .ok_or_else(|| syn::Error::new(e.span(), "DecimalField needs max_digits"))?,
            )?,
            decimal_places: uint(
                get("decimal_places").ok_or_else(|| {
                    syn::Error::new(e.span(), "DecimalField needs decimal_places")
                })?,
            )?,
        },
        "DateField" => FieldType::DateField {
            auto_now: flag("auto_now")?,
            auto_now_add: flag("auto_now_add")?,
        },
        "DateTimeField" => FieldType::DateTimeField {
            auto_now: flag("auto_now")?,
            auto_now_add: flag("auto_now_add")?,
        },
        "TimeField" => FieldType::TimeField {
            auto_now: flag("auto_now")?,
            auto_now_add: flag("auto_now_add")?,
        },
        "ForeignKey" => {
            let (to, related_name) = related()?;
            FieldType::ForeignKey {
                to,
                on_delete: on_delete()?,
                related_name,
            }
        }
        "OneToOneField" => {
            let (to, related_name) = related()?;
            FieldType::OneToOneField {
                to,
                on_delete: on_delete()?,
                related_name,
            }
        }
        "ManyToManyField" => {
            let (to, related_name) = related()?;
            FieldType::ManyToManyField {
                to,
                related_name,
                db_table: get("db_table").map(string).transpose()?,
            }
        }
        other => match FieldType::from_class(other, get("max_length").map(uint).transpose()?) {
            Some(t) => t,
            None => return err(e.span(), format!("unknown field type `{other}`")),
        },
    };
    let mut f = FieldState::new(field_type);
    for (key, v) in &pairs {
        match key.as_str() {
            "null" => f.null = bool_of(v)?,
            "blank" => f.blank = bool_of(v)?,
            "default" => f.default = Some(value(v)?),
            "unique" => f.unique = bool_of(v)?,
            "db_index" => f.db_index = bool_of(v)?,
            "db_column" => f.db_column = Some(string(v)?),
            "primary_key" => f.primary_key = bool_of(v)?,
            "help_text" => f.help_text = Some(string(v)?),
            "verbose_name" => f.verbose_name = Some(string(v)?),
            "choices" => {
                for c in list(v)? {
                    let Expr::Tuple(t) = c else {
                        return err(c.span(), "a choice is (value, \"label\")");
                    };
                    if t.elems.len() != 2 {
                        return err(t.span(), "a choice is (value, \"label\")");
                    }
                    f.choices.push((value(&t.elems[0])?, string(&t.elems[1])?));
                }
            }
            "max_length" | "max_digits" | "decimal_places" | "auto_now" | "auto_now_add" | "to"
            | "on_delete" | "related_name" | "db_table" => {}
            other => return err(v.span(), format!("unknown field parameter `{other}`")),
        }
    }
    Ok(f)
}

fn options(e: &Expr) -> R<ModelOptions> {
    let (_, pairs) = struct_parts(e)?;
    let mut o = ModelOptions::default();
    for (key, v) in pairs {
        match key.as_str() {
            "db_table" => o.db_table = Some(string(v)?),
            "ordering" => o.ordering = strings(v)?,
            "verbose_name" => o.verbose_name = Some(string(v)?),
            "unique_together" => {
                o.unique_together = list(v)?.into_iter().map(strings).collect::<R<_>>()?
            }
            "indexes" => o.indexes = list(v)?.into_iter().map(index).collect::<R<_>>()?,
            "constraints" => {
                o.constraints = list(v)?.into_iter().map(constraint).collect::<R<_>>()?
            }
            other => return err(v.span(), format!("unknown option `{other}`")),
        }
    }
    Ok(o)
}

fn index(e: &Expr) -> R<Index> {
    let (_, pairs) = struct_parts(e)?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| *v)
            .ok_or_else(|| syn::Error::new(e.span(), format!("Index needs `{k}`")))
    };
    Ok(Index {
        name: string(get("name")?)?,
        fields: strings(get("fields")?)?,
    })
}

fn constraint(e: &Expr) -> R<Constraint> {
    let (class, pairs) = struct_parts(e)?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| *v)
            .ok_or_else(|| syn::Error::new(e.span(), format!("{class} needs `{k}`")))
    };
    let optional = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    match class.as_str() {
        "UniqueConstraint" => Ok(Constraint::Unique {
            name: string(get("name")?)?,
            fields: strings(get("fields")?)?,
            condition: optional("condition")
                .map(|e| parse_q(e).map(Condition::Q))
                .transpose()?,
            nulls_distinct: optional("nulls_distinct").map(bool_of).transpose()?,
        }),
        "CheckConstraint" => Ok(Constraint::Check {
            name: string(get("name")?)?,
            // A typed condition, or SQL written by hand (`check: "views >= 0"`).
            check: match optional("condition") {
                Some(e) => Condition::Q(parse_q(e)?),
                None => Condition::Sql(string(get("check")?)?),
            },
        }),
        other => err(
            e.span(),
            format!("unknown constraint `{other}`: UniqueConstraint or CheckConstraint"),
        ),
    }
}

fn operation(e: &Expr) -> R<Operation> {
    let (class, pairs) = struct_parts(e)?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    let need =
        |k: &str| get(k).ok_or_else(|| syn::Error::new(e.span(), format!("{class} needs `{k}`")));
    let s = |k: &str| need(k).and_then(string);
    let preserve = || {
        get("preserve_default")
            .map(bool_of)
            .transpose()
            .map(|v| v.unwrap_or(true))
    };
    Ok(match class.as_str() {
        "CreateModel" => Operation::CreateModel {
            name: s("name")?,
            fields: list(need("fields")?)?
                .into_iter()
                .map(|f| {
                    let Expr::Tuple(t) = f else {
                        return err(f.span(), "a field is (\"name\", FieldType { ... })");
                    };
                    if t.elems.len() != 2 {
                        return err(t.span(), "a field is (\"name\", FieldType { ... })");
                    }
                    Ok((string(&t.elems[0])?, field(&t.elems[1])?))
                })
                .collect::<R<_>>()?,
            options: get("options").map(options).transpose()?.unwrap_or_default(),
        },
        "DeleteModel" => Operation::DeleteModel { name: s("name")? },
        "RenameModel" => Operation::RenameModel {
            old_name: s("old_name")?,
            new_name: s("new_name")?,
        },
        "AlterModelTable" => Operation::AlterModelTable {
            name: s("name")?,
            table: match need("table")? {
                Expr::Path(p) if p.path.is_ident("None") => None,
                other => Some(string(other)?),
            },
        },
        "AlterModelOptions" => Operation::AlterModelOptions {
            name: s("name")?,
            options: options(need("options")?)?,
        },
        "AlterUniqueTogether" => Operation::AlterUniqueTogether {
            name: s("name")?,
            unique_together: list(need("unique_together")?)?
                .into_iter()
                .map(strings)
                .collect::<R<_>>()?,
        },
        "AddField" => Operation::AddField {
            model_name: s("model_name")?,
            name: s("name")?,
            field: field(need("field")?)?,
            preserve_default: preserve()?,
        },
        "RemoveField" => Operation::RemoveField {
            model_name: s("model_name")?,
            name: s("name")?,
        },
        "AlterField" => Operation::AlterField {
            model_name: s("model_name")?,
            name: s("name")?,
            field: field(need("field")?)?,
            preserve_default: preserve()?,
        },
        "RenameField" => Operation::RenameField {
            model_name: s("model_name")?,
            old_name: s("old_name")?,
            new_name: s("new_name")?,
        },
        "AddIndex" => Operation::AddIndex {
            model_name: s("model_name")?,
            index: index(need("index")?)?,
        },
        "AddIndexConcurrently" => Operation::AddIndexConcurrently {
            model_name: s("model_name")?,
            index: index(need("index")?)?,
        },
        "RemoveIndexConcurrently" => Operation::RemoveIndexConcurrently {
            model_name: s("model_name")?,
            name: s("name")?,
        },
        "RemoveIndex" => Operation::RemoveIndex {
            model_name: s("model_name")?,
            name: s("name")?,
        },
        "AddConstraint" => Operation::AddConstraint {
            model_name: s("model_name")?,
            constraint: constraint(need("constraint")?)?,
        },
        "RemoveConstraint" => Operation::RemoveConstraint {
            model_name: s("model_name")?,
            name: s("name")?,
        },
        "RunSql" => Operation::RunSql {
            sql: s("sql")?,
            reverse_sql: get("reverse_sql").map(string).transpose()?,
        },
        "RunRust" => Operation::RunRust {
            code: path_name(need("code")?)?,
            reverse_code: get("reverse_code").map(path_name).transpose()?,
        },
        other => return err(e.span(), format!("unknown operation `{other}`")),
    })
}

// ---------------------------------------------------------------------------------------
// Printing

fn lit(s: &str) -> String {
    format!("{s:?}")
}

pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::Str(s) => lit(s),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => {
            let t = f.to_string();
            if t.contains(['.', 'e', 'E']) || !f.is_finite() {
                t
            } else {
                format!("{t}.0")
            }
        }
        Value::Bool(b) => b.to_string(),
        Value::Decimal(d) => format!("Decimal({})", lit(d)),
        Value::Null => "None".to_owned(),
        Value::Now => "timezone::now".to_owned(),
    }
}

fn list_text(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ")
    )
}

/// A field in one line: `CharField { max_length: 200, null: true }`.
pub fn field_text(f: &FieldState) -> String {
    let mut params: Vec<String> = Vec::new();
    match &f.field_type {
        FieldType::CharField { max_length } => params.push(format!("max_length: {max_length}")),
        FieldType::SlugField { max_length } if *max_length != 50 => {
            params.push(format!("max_length: {max_length}"))
        }
        FieldType::EmailField { max_length } if *max_length != 254 => {
            params.push(format!("max_length: {max_length}"))
        }
        FieldType::URLField { max_length } if *max_length != 200 => {
            params.push(format!("max_length: {max_length}"))
        }
        FieldType::DecimalField {
            max_digits,
            decimal_places,
        } => {
            params.push(format!("max_digits: {max_digits}"));
            params.push(format!("decimal_places: {decimal_places}"));
        }
        FieldType::DateField {
            auto_now,
            auto_now_add,
        }
        | FieldType::DateTimeField {
            auto_now,
            auto_now_add,
        }
        | FieldType::TimeField {
            auto_now,
            auto_now_add,
        } => {
            if *auto_now {
                params.push("auto_now: true".into());
            }
            if *auto_now_add {
                params.push("auto_now_add: true".into());
            }
        }
        FieldType::ForeignKey {
            to,
            on_delete,
            related_name,
        }
        | FieldType::OneToOneField {
            to,
            on_delete,
            related_name,
        } => {
            params.push(format!("to: {}", lit(to)));
            params.push(format!("on_delete: {}", on_delete.name()));
            if let Some(r) = related_name {
                params.push(format!("related_name: {}", lit(r)));
            }
        }
        FieldType::ManyToManyField {
            to,
            related_name,
            db_table,
        } => {
            params.push(format!("to: {}", lit(to)));
            if let Some(r) = related_name {
                params.push(format!("related_name: {}", lit(r)));
            }
            if let Some(t) = db_table {
                params.push(format!("db_table: {}", lit(t)));
            }
        }
        _ => {}
    }
    let flags = [
        ("primary_key", f.primary_key),
        ("null", f.null),
        ("blank", f.blank),
        ("unique", f.unique),
        ("db_index", f.db_index),
    ];
    params.extend(
        flags
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| format!("{k}: true")),
    );
    if let Some(d) = &f.default {
        params.push(format!("default: {}", value_text(d)));
    }
    if let Some(c) = &f.db_column {
        params.push(format!("db_column: {}", lit(c)));
    }
    if !f.choices.is_empty() {
        let items: Vec<String> = f
            .choices
            .iter()
            .map(|(v, l)| format!("({}, {})", value_text(v), lit(l)))
            .collect();
        params.push(format!("choices: [{}]", items.join(", ")));
    }
    if let Some(h) = &f.help_text {
        params.push(format!("help_text: {}", lit(h)));
    }
    if let Some(v) = &f.verbose_name {
        params.push(format!("verbose_name: {}", lit(v)));
    }
    let class = f.field_type.class_name();
    if params.is_empty() {
        class.to_owned()
    } else {
        format!("{class} {{ {} }}", params.join(", "))
    }
}

fn options_text(o: &ModelOptions) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(t) = &o.db_table {
        parts.push(format!("db_table: {}", lit(t)));
    }
    if !o.ordering.is_empty() {
        parts.push(format!("ordering: {}", list_text(&o.ordering)));
    }
    if let Some(v) = &o.verbose_name {
        parts.push(format!("verbose_name: {}", lit(v)));
    }
    if !o.unique_together.is_empty() {
        let items: Vec<String> = o.unique_together.iter().map(|u| list_text(u)).collect();
        parts.push(format!("unique_together: [{}]", items.join(", ")));
    }
    if !o.indexes.is_empty() {
        let items: Vec<String> = o.indexes.iter().map(index_text).collect();
        parts.push(format!("indexes: [{}]", items.join(", ")));
    }
    if !o.constraints.is_empty() {
        let items: Vec<String> = o.constraints.iter().map(constraint_text).collect();
        parts.push(format!("constraints: [{}]", items.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("Options {{ {} }}", parts.join(", ")))
}

fn index_text(i: &Index) -> String {
    format!(
        "Index {{ name: {}, fields: {} }}",
        lit(&i.name),
        list_text(&i.fields)
    )
}

fn constraint_text(c: &Constraint) -> String {
    match c {
        Constraint::Unique {
            name,
            fields,
            condition,
            nulls_distinct,
        } => {
            let mut text = format!(
                "UniqueConstraint {{ name: {}, fields: {}",
                lit(name),
                list_text(fields)
            );
            if let Some(Condition::Q(q)) = condition {
                write!(text, ", condition: {}", q_text(q)).ok();
            }
            if let Some(distinct) = nulls_distinct {
                write!(text, ", nulls_distinct: {distinct}").ok();
            }
            text + " }"
        }
        Constraint::Check {
            name,
            check: Condition::Q(q),
        } => format!(
            "CheckConstraint {{ name: {}, condition: {} }}",
            lit(name),
            q_text(q)
        ),
        Constraint::Check {
            name,
            check: Condition::Sql(sql),
        } => format!(
            "CheckConstraint {{ name: {}, check: {} }}",
            lit(name),
            lit(sql)
        ),
    }
}

/// An operation, indented by `indent` spaces, over several lines where it is long.
fn operation_text(op: &Operation, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let inner = " ".repeat(indent + 4);
    let block = |class: &str, lines: Vec<String>| {
        let mut out = format!("{pad}{class} {{\n");
        for l in lines {
            let _ = writeln!(out, "{inner}{l},");
        }
        let _ = write!(out, "{pad}}}");
        out
    };
    let preserve = |p: &bool| (!p).then(|| "preserve_default: false".to_owned());
    match op {
        Operation::CreateModel {
            name,
            fields,
            options,
        } => {
            let mut out = format!(
                "{pad}CreateModel {{\n{inner}name: {},\n{inner}fields: [\n",
                lit(name)
            );
            for (n, f) in fields {
                let _ = writeln!(out, "{inner}    ({}, {}),", lit(n), field_text(f));
            }
            let _ = writeln!(out, "{inner}],");
            if let Some(o) = options_text(options) {
                let _ = writeln!(out, "{inner}options: {o},");
            }
            let _ = write!(out, "{pad}}}");
            out
        }
        Operation::DeleteModel { name } => {
            block("DeleteModel", vec![format!("name: {}", lit(name))])
        }
        Operation::RenameModel { old_name, new_name } => block(
            "RenameModel",
            vec![
                format!("old_name: {}", lit(old_name)),
                format!("new_name: {}", lit(new_name)),
            ],
        ),
        Operation::AlterModelTable { name, table } => block(
            "AlterModelTable",
            vec![
                format!("name: {}", lit(name)),
                format!(
                    "table: {}",
                    table.as_deref().map(lit).unwrap_or_else(|| "None".into())
                ),
            ],
        ),
        Operation::AlterModelOptions { name, options } => block(
            "AlterModelOptions",
            vec![
                format!("name: {}", lit(name)),
                format!(
                    "options: {}",
                    options_text(options).unwrap_or_else(|| "Options {}".into())
                ),
            ],
        ),
        Operation::AlterUniqueTogether {
            name,
            unique_together,
        } => {
            let items: Vec<String> = unique_together.iter().map(|u| list_text(u)).collect();
            block(
                "AlterUniqueTogether",
                vec![
                    format!("name: {}", lit(name)),
                    format!("unique_together: [{}]", items.join(", ")),
                ],
            )
        }
        Operation::AddField {
            model_name,
            name,
            field,
            preserve_default,
        }
        | Operation::AlterField {
            model_name,
            name,
            field,
            preserve_default,
        } => {
            let class = if matches!(op, Operation::AddField { .. }) {
                "AddField"
            } else {
                "AlterField"
            };
            let mut lines = vec![
                format!("model_name: {}", lit(model_name)),
                format!("name: {}", lit(name)),
                format!("field: {}", field_text(field)),
            ];
            lines.extend(preserve(preserve_default));
            block(class, lines)
        }
        Operation::RemoveField { model_name, name } => block(
            "RemoveField",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("name: {}", lit(name)),
            ],
        ),
        Operation::RenameField {
            model_name,
            old_name,
            new_name,
        } => block(
            "RenameField",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("old_name: {}", lit(old_name)),
                format!("new_name: {}", lit(new_name)),
            ],
        ),
        Operation::AddIndex { model_name, index } => block(
            "AddIndex",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("index: {}", index_text(index)),
            ],
        ),
        Operation::RemoveIndex { model_name, name } => block(
            "RemoveIndex",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("name: {}", lit(name)),
            ],
        ),
        Operation::AddIndexConcurrently { model_name, index } => block(
            "AddIndexConcurrently",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("index: {}", index_text(index)),
            ],
        ),
        Operation::RemoveIndexConcurrently { model_name, name } => block(
            "RemoveIndexConcurrently",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("name: {}", lit(name)),
            ],
        ),
        Operation::AddConstraint {
            model_name,
            constraint,
        } => block(
            "AddConstraint",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("constraint: {}", constraint_text(constraint)),
            ],
        ),
        Operation::RemoveConstraint { model_name, name } => block(
            "RemoveConstraint",
            vec![
                format!("model_name: {}", lit(model_name)),
                format!("name: {}", lit(name)),
            ],
        ),
        Operation::RunSql { sql, reverse_sql } => {
            let mut lines = vec![format!("sql: {}", lit(sql))];
            lines.extend(
                reverse_sql
                    .as_deref()
                    .map(|r| format!("reverse_sql: {}", lit(r))),
            );
            block("RunSql", lines)
        }
        Operation::RunRust { code, reverse_code } => {
            let mut lines = vec![format!("code: {code}")];
            lines.extend(
                reverse_code
                    .as_deref()
                    .map(|r| format!("reverse_code: {r}")),
            );
            block("RunRust", lines)
        }
    }
}

/// The `migration! { ... }` invocation of a migration, formatted.
pub fn migration_text(body: &MigrationBody) -> String {
    let mut out = String::from("rjango::migration! {\n");
    if body.initial {
        out.push_str("    initial: true,\n");
    }
    if !body.atomic {
        out.push_str("    atomic: false,\n");
    }
    if let Some(why) = &body.accepted {
        let _ = writeln!(out, "    accepted: {},", lit(why));
    }
    if !body.replaces.is_empty() {
        out.push_str("    replaces: [\n");
        for (a, n) in &body.replaces {
            let _ = writeln!(out, "        ({}, {}),", lit(a), lit(n));
        }
        out.push_str("    ],\n");
    }
    let deps: Vec<String> = body
        .dependencies
        .iter()
        .map(|(a, n)| format!("({}, {})", lit(a), lit(n)))
        .collect();
    let _ = writeln!(out, "    dependencies: [{}],", deps.join(", "));
    if body.operations.is_empty() {
        out.push_str("    operations: [],\n");
    } else {
        out.push_str("    operations: [\n");
        for op in &body.operations {
            let _ = writeln!(out, "{},", operation_text(op, 8));
        }
        out.push_str("    ],\n");
    }
    out.push_str("}\n");
    out
}

// ---------------------------------------------------------------------------------------
// Construction: what `migration!` expands to (the same values, built by the compiled project)

fn s_tokens(s: &str) -> TokenStream {
    quote!(::std::string::String::from(#s))
}

fn opt_s(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => {
            let t = s_tokens(s);
            quote!(::core::option::Option::Some(#t))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn strings_tokens(v: &[String]) -> TokenStream {
    let items = v.iter().map(|s| s_tokens(s));
    quote!(::std::vec![#(#items),*])
}

pub(crate) fn value_tokens(v: &Value) -> TokenStream {
    match v {
        Value::Str(s) => {
            let t = s_tokens(s);
            quote!(S::Value::Str(#t))
        }
        Value::Int(i) => quote!(S::Value::Int(#i)),
        Value::Float(f) => quote!(S::Value::Float(#f)),
        Value::Bool(b) => quote!(S::Value::Bool(#b)),
        Value::Decimal(d) => {
            let t = s_tokens(d);
            quote!(S::Value::Decimal(#t))
        }
        Value::Null => quote!(S::Value::Null),
        Value::Now => quote!(S::Value::Now),
    }
}

fn field_type_tokens(t: &FieldType) -> TokenStream {
    let ident = syn::Ident::new(t.class_name(), Span::call_site());
    match t {
        FieldType::CharField { max_length }
        | FieldType::SlugField { max_length }
        | FieldType::EmailField { max_length }
        | FieldType::URLField { max_length } => {
            quote!(S::FieldType::#ident { max_length: #max_length })
        }
        FieldType::DecimalField {
            max_digits,
            decimal_places,
        } => {
            quote!(S::FieldType::DecimalField { max_digits: #max_digits, decimal_places: #decimal_places })
        }
        FieldType::DateField {
            auto_now,
            auto_now_add,
        }
        | FieldType::DateTimeField {
            auto_now,
            auto_now_add,
        }
        | FieldType::TimeField {
            auto_now,
            auto_now_add,
        } => {
            quote!(S::FieldType::#ident { auto_now: #auto_now, auto_now_add: #auto_now_add })
        }
        FieldType::ForeignKey {
            to,
            on_delete,
            related_name,
        }
        | FieldType::OneToOneField {
            to,
            on_delete,
            related_name,
        } => {
            let to = s_tokens(to);
            let od = syn::Ident::new(on_delete.name(), Span::call_site());
            let rn = opt_s(related_name);
            quote!(S::FieldType::#ident { to: #to, on_delete: S::OnDelete::#od, related_name: #rn })
        }
        FieldType::ManyToManyField {
            to,
            related_name,
            db_table,
        } => {
            let to = s_tokens(to);
            let rn = opt_s(related_name);
            let dt = opt_s(db_table);
            quote!(S::FieldType::ManyToManyField { to: #to, related_name: #rn, db_table: #dt })
        }
        _ => quote!(S::FieldType::#ident),
    }
}

fn field_tokens(f: &FieldState) -> TokenStream {
    let ft = field_type_tokens(&f.field_type);
    let (null, blank, unique, db_index, pk) =
        (f.null, f.blank, f.unique, f.db_index, f.primary_key);
    let default = match &f.default {
        Some(v) => {
            let v = value_tokens(v);
            quote!(::core::option::Option::Some(#v))
        }
        None => quote!(::core::option::Option::None),
    };
    let db_column = opt_s(&f.db_column);
    let help = opt_s(&f.help_text);
    let verbose = opt_s(&f.verbose_name);
    let choices = f.choices.iter().map(|(v, l)| {
        let v = value_tokens(v);
        let l = s_tokens(l);
        quote!((#v, #l))
    });
    quote!(S::FieldState {
        field_type: #ft,
        null: #null,
        blank: #blank,
        default: #default,
        unique: #unique,
        db_index: #db_index,
        db_column: #db_column,
        primary_key: #pk,
        choices: ::std::vec![#(#choices),*],
        help_text: #help,
        verbose_name: #verbose,
    })
}

fn index_tokens(i: &Index) -> TokenStream {
    let name = s_tokens(&i.name);
    let fields = strings_tokens(&i.fields);
    quote!(S::Index { name: #name, fields: #fields })
}

fn condition_tokens(c: &Condition) -> TokenStream {
    match c {
        Condition::Q(q) => {
            let q = q_tokens(q);
            quote!(S::Condition::Q(#q))
        }
        Condition::Sql(sql) => {
            let sql = s_tokens(sql);
            quote!(S::Condition::Sql(#sql))
        }
    }
}

fn constraint_tokens(c: &Constraint) -> TokenStream {
    match c {
        Constraint::Unique {
            name,
            fields,
            condition,
            nulls_distinct,
        } => {
            let name = s_tokens(name);
            let fields = strings_tokens(fields);
            let condition = match condition {
                Some(c) => {
                    let c = condition_tokens(c);
                    quote!(::std::option::Option::Some(#c))
                }
                None => quote!(::std::option::Option::None),
            };
            let nulls_distinct = match nulls_distinct {
                Some(b) => quote!(::std::option::Option::Some(#b)),
                None => quote!(::std::option::Option::None),
            };
            quote!(S::Constraint::Unique {
                name: #name,
                fields: #fields,
                condition: #condition,
                nulls_distinct: #nulls_distinct,
            })
        }
        Constraint::Check { name, check } => {
            let name = s_tokens(name);
            let check = condition_tokens(check);
            quote!(S::Constraint::Check { name: #name, check: #check })
        }
    }
}

fn options_tokens(o: &ModelOptions) -> TokenStream {
    let db_table = opt_s(&o.db_table);
    let ordering = strings_tokens(&o.ordering);
    let ut = o.unique_together.iter().map(|u| strings_tokens(u));
    let indexes = o.indexes.iter().map(index_tokens);
    let constraints = o.constraints.iter().map(constraint_tokens);
    let verbose = opt_s(&o.verbose_name);
    quote!(S::ModelOptions {
        db_table: #db_table,
        ordering: #ordering,
        unique_together: ::std::vec![#(#ut),*],
        indexes: ::std::vec![#(#indexes),*],
        constraints: ::std::vec![#(#constraints),*],
        verbose_name: #verbose,
    })
}

fn operation_tokens(op: &Operation) -> TokenStream {
    let s = |x: &String| s_tokens(x);
    match op {
        Operation::CreateModel {
            name,
            fields,
            options,
        } => {
            let name = s(name);
            let fields = fields.iter().map(|(n, f)| {
                let n = s(n);
                let f = field_tokens(f);
                quote!((#n, #f))
            });
            let options = options_tokens(options);
            quote!(S::Operation::CreateModel { name: #name, fields: ::std::vec![#(#fields),*], options: #options })
        }
        Operation::DeleteModel { name } => {
            let name = s(name);
            quote!(S::Operation::DeleteModel { name: #name })
        }
        Operation::RenameModel { old_name, new_name } => {
            let (o, n) = (s(old_name), s(new_name));
            quote!(S::Operation::RenameModel { old_name: #o, new_name: #n })
        }
        Operation::AlterModelTable { name, table } => {
            let (name, table) = (s(name), opt_s(table));
            quote!(S::Operation::AlterModelTable { name: #name, table: #table })
        }
        Operation::AlterModelOptions { name, options } => {
            let (name, options) = (s(name), options_tokens(options));
            quote!(S::Operation::AlterModelOptions { name: #name, options: #options })
        }
        Operation::AlterUniqueTogether {
            name,
            unique_together,
        } => {
            let name = s(name);
            let ut = unique_together.iter().map(|u| strings_tokens(u));
            quote!(S::Operation::AlterUniqueTogether { name: #name, unique_together: ::std::vec![#(#ut),*] })
        }
        Operation::AddField {
            model_name,
            name,
            field,
            preserve_default,
        } => {
            let (m, n, f) = (s(model_name), s(name), field_tokens(field));
            quote!(S::Operation::AddField { model_name: #m, name: #n, field: #f, preserve_default: #preserve_default })
        }
        Operation::AlterField {
            model_name,
            name,
            field,
            preserve_default,
        } => {
            let (m, n, f) = (s(model_name), s(name), field_tokens(field));
            quote!(S::Operation::AlterField { model_name: #m, name: #n, field: #f, preserve_default: #preserve_default })
        }
        Operation::RemoveField { model_name, name } => {
            let (m, n) = (s(model_name), s(name));
            quote!(S::Operation::RemoveField { model_name: #m, name: #n })
        }
        Operation::RenameField {
            model_name,
            old_name,
            new_name,
        } => {
            let (m, o, n) = (s(model_name), s(old_name), s(new_name));
            quote!(S::Operation::RenameField { model_name: #m, old_name: #o, new_name: #n })
        }
        Operation::AddIndex { model_name, index } => {
            let (m, i) = (s(model_name), index_tokens(index));
            quote!(S::Operation::AddIndex { model_name: #m, index: #i })
        }
        Operation::RemoveIndex { model_name, name } => {
            let (m, n) = (s(model_name), s(name));
            quote!(S::Operation::RemoveIndex { model_name: #m, name: #n })
        }
        Operation::AddIndexConcurrently { model_name, index } => {
            let (m, i) = (s(model_name), index_tokens(index));
            quote!(S::Operation::AddIndexConcurrently { model_name: #m, index: #i })
        }
        Operation::RemoveIndexConcurrently { model_name, name } => {
            let (m, n) = (s(model_name), s(name));
            quote!(S::Operation::RemoveIndexConcurrently { model_name: #m, name: #n })
        }
        Operation::AddConstraint {
            model_name,
            constraint,
        } => {
            let (m, c) = (s(model_name), constraint_tokens(constraint));
            quote!(S::Operation::AddConstraint { model_name: #m, constraint: #c })
        }
        Operation::RemoveConstraint { model_name, name } => {
            let (m, n) = (s(model_name), s(name));
            quote!(S::Operation::RemoveConstraint { model_name: #m, name: #n })
        }
        Operation::RunSql { sql, reverse_sql } => {
            let (sql, rev) = (s(sql), opt_s(reverse_sql));
            quote!(S::Operation::RunSql { sql: #sql, reverse_sql: #rev })
        }
        Operation::RunRust { code, reverse_code } => {
            let (c, r) = (s(code), opt_s(reverse_code));
            quote!(S::Operation::RunRust { code: #c, reverse_code: #r })
        }
    }
}

/// The expansion of `migration! { ... }`: `pub fn migration(app_label, name) -> Migration`,
/// and `pub fn code(app_label, name) -> MigrationCode` holding each RunRust function it names
/// (so a wrong path fails to compile, and the executor can call the right one).
pub fn construct(body: &MigrationBody) -> TokenStream {
    let initial = body.initial;
    let atomic = body.atomic;
    let accepted = match &body.accepted {
        Some(why) => {
            let why = s_tokens(why);
            quote!(::std::option::Option::Some(#why))
        }
        None => quote!(::std::option::Option::None),
    };
    let deps = body.dependencies.iter().map(|(a, n)| {
        let (a, n) = (s_tokens(a), s_tokens(n));
        quote!((#a, #n))
    });
    let ops = body.operations.iter().map(operation_tokens);
    let replaces = body.replaces.iter().map(|(a, n)| {
        let (a, n) = (s_tokens(a), s_tokens(n));
        quote!((#a, #n))
    });
    let code_paths: Vec<&String> = body
        .operations
        .iter()
        .filter_map(|op| match op {
            Operation::RunRust { code, reverse_code } => Some([Some(code), reverse_code.as_ref()]),
            _ => None,
        })
        .flatten()
        .flatten()
        .collect();
    let unique: Vec<&String> = code_paths
        .iter()
        .enumerate()
        .filter(|(i, p)| !code_paths[..*i].contains(p))
        .map(|(_, p)| *p)
        .collect();
    let functions = unique.iter().enumerate().filter_map(|(i, text)| {
        let path: syn::Path = syn::parse_str(text).ok()?;
        let wrapper = quote::format_ident!("__run_rust_{i}");
        Some(quote! {{
            fn #wrapper<'a>(
                connection: &'a ::rjango::db::Connection,
            ) -> ::rjango::db::migrations::code::RunRustFuture<'a> {
                ::rjango::db::migrations::code::boxed(#path(connection))
            }
            ::rjango::db::migrations::RunRust { path: #text, run: #wrapper }
        }})
    });
    quote! {
        /// The RunRust functions this migration names.
        pub fn code(
            app_label: &'static str,
            name: &'static str,
        ) -> ::rjango::db::migrations::MigrationCode {
            ::rjango::db::migrations::MigrationCode {
                app_label,
                name,
                functions: ::std::vec![#(#functions),*],
            }
        }

        /// This migration, for the app and name its file gives it.
        pub fn migration(app_label: &str, name: &str) -> ::rjango::db::migrations::Migration {
            use ::rjango::db::migrations::schema as S;

            S::Migration {
                app_label: ::std::string::String::from(app_label),
                name: ::std::string::String::from(name),
                initial: #initial,
                atomic: #atomic,
                dependencies: ::std::vec![#(#deps),*],
                operations: ::std::vec![#(#ops),*],
                replaces: ::std::vec![#(#replaces),*],
                accepted: #accepted,
            }
        }
    }
}
