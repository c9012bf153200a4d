//! The schema as data: `ProjectState` of `ModelState`s of `FieldState`s, named as Django names
//! them (Django's `ProjectState`, `ModelState`, and a field's `deconstruct()`).

use std::collections::BTreeMap;

/// A literal value: a field default, or a choice.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A Decimal written as text, to keep its digits exactly.
    Decimal(String),
    Null,
    /// Django's `timezone.now`: the date, time or date and time when the migration runs. Only
    /// a one-off default (`preserve_default: false`) for the rows a migration fills; the model
    /// itself keeps literal defaults.
    Now,
}

/// Django's `on_delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnDelete {
    Cascade,
    Protect,
    Restrict,
    SetNull,
    SetDefault,
    DoNothing,
}

impl OnDelete {
    pub const ALL: [(&'static str, OnDelete); 6] = [
        ("Cascade", OnDelete::Cascade),
        ("Protect", OnDelete::Protect),
        ("Restrict", OnDelete::Restrict),
        ("SetNull", OnDelete::SetNull),
        ("SetDefault", OnDelete::SetDefault),
        ("DoNothing", OnDelete::DoNothing),
    ];

    pub fn name(self) -> &'static str {
        OnDelete::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(n, _)| *n)
            .unwrap_or("Cascade")
    }

    pub fn from_name(name: &str) -> Option<Self> {
        OnDelete::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// Django's field classes, with the parameters that shape the column.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    AutoField,
    BigAutoField,
    SmallAutoField,
    CharField {
        max_length: u32,
    },
    TextField,
    SlugField {
        max_length: u32,
    },
    EmailField {
        max_length: u32,
    },
    URLField {
        max_length: u32,
    },
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveBigIntegerField,
    PositiveSmallIntegerField,
    BooleanField,
    FloatField,
    DecimalField {
        max_digits: u32,
        decimal_places: u32,
    },
    DateField {
        auto_now: bool,
        auto_now_add: bool,
    },
    DateTimeField {
        auto_now: bool,
        auto_now_add: bool,
    },
    TimeField {
        auto_now: bool,
        auto_now_add: bool,
    },
    DurationField,
    UUIDField,
    JSONField,
    BinaryField,
    /// `to` is "app.Model" (Django's lazy reference, lower-cased app label, model name as declared).
    ForeignKey {
        to: String,
        on_delete: OnDelete,
        related_name: Option<String>,
    },
    OneToOneField {
        to: String,
        on_delete: OnDelete,
        related_name: Option<String>,
    },
    ManyToManyField {
        to: String,
        related_name: Option<String>,
        db_table: Option<String>,
    },
}

impl FieldType {
    /// Django's class name (`CharField`), as migrations and messages spell it.
    pub fn class_name(&self) -> &'static str {
        match self {
            FieldType::AutoField => "AutoField",
            FieldType::BigAutoField => "BigAutoField",
            FieldType::SmallAutoField => "SmallAutoField",
            FieldType::CharField { .. } => "CharField",
            FieldType::TextField => "TextField",
            FieldType::SlugField { .. } => "SlugField",
            FieldType::EmailField { .. } => "EmailField",
            FieldType::URLField { .. } => "URLField",
            FieldType::IntegerField => "IntegerField",
            FieldType::BigIntegerField => "BigIntegerField",
            FieldType::SmallIntegerField => "SmallIntegerField",
            FieldType::PositiveIntegerField => "PositiveIntegerField",
            FieldType::PositiveBigIntegerField => "PositiveBigIntegerField",
            FieldType::PositiveSmallIntegerField => "PositiveSmallIntegerField",
            FieldType::BooleanField => "BooleanField",
            FieldType::FloatField => "FloatField",
            FieldType::DecimalField { .. } => "DecimalField",
            FieldType::DateField { .. } => "DateField",
            FieldType::DateTimeField { .. } => "DateTimeField",
            FieldType::TimeField { .. } => "TimeField",
            FieldType::DurationField => "DurationField",
            FieldType::UUIDField => "UUIDField",
            FieldType::JSONField => "JSONField",
            FieldType::BinaryField => "BinaryField",
            FieldType::ForeignKey { .. } => "ForeignKey",
            FieldType::OneToOneField { .. } => "OneToOneField",
            FieldType::ManyToManyField { .. } => "ManyToManyField",
        }
    }

    pub fn is_relation(&self) -> bool {
        matches!(
            self,
            FieldType::ForeignKey { .. }
                | FieldType::OneToOneField { .. }
                | FieldType::ManyToManyField { .. }
        )
    }

    /// `(auto_now, auto_now_add)` of a date, datetime or time field.
    pub fn auto_now(&self) -> (bool, bool) {
        match *self {
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
            } => (auto_now, auto_now_add),
            _ => (false, false),
        }
    }

    /// Whether the value is an integer (an auto key, an integer field, or a ForeignKey or
    /// OneToOneField, whose column holds the related model's integer key): what rjango
    /// relates models by, for now.
    pub fn is_integer(&self) -> bool {
        self.is_auto()
            || matches!(
                self,
                FieldType::ForeignKey { .. }
                    | FieldType::OneToOneField { .. }
                    | FieldType::IntegerField
                    | FieldType::BigIntegerField
                    | FieldType::SmallIntegerField
                    | FieldType::PositiveIntegerField
                    | FieldType::PositiveBigIntegerField
                    | FieldType::PositiveSmallIntegerField
            )
    }

    pub fn is_auto(&self) -> bool {
        matches!(
            self,
            FieldType::AutoField | FieldType::BigAutoField | FieldType::SmallAutoField
        )
    }

    /// The related model ("app.Model") of a relation.
    pub fn related_model(&self) -> Option<&str> {
        match self {
            FieldType::ForeignKey { to, .. }
            | FieldType::OneToOneField { to, .. }
            | FieldType::ManyToManyField { to, .. } => Some(to),
            _ => None,
        }
    }

    /// True when the field has a column (a many-to-many has a join table instead).
    pub fn has_column(&self) -> bool {
        !matches!(self, FieldType::ManyToManyField { .. })
    }
}

/// One field of a model, as Django's `deconstruct()` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldState {
    pub field_type: FieldType,
    /// `Option<T>` in the model: NULL allowed.
    pub null: bool,
    pub blank: bool,
    pub default: Option<Value>,
    pub unique: bool,
    pub db_index: bool,
    pub db_column: Option<String>,
    pub primary_key: bool,
    pub choices: Vec<(Value, String)>,
    pub help_text: Option<String>,
    pub verbose_name: Option<String>,
}

impl FieldState {
    pub fn new(field_type: FieldType) -> Self {
        FieldState {
            field_type,
            null: false,
            blank: false,
            default: None,
            unique: false,
            db_index: false,
            db_column: None,
            primary_key: false,
            choices: Vec::new(),
            help_text: None,
            verbose_name: None,
        }
    }

    /// The form field a ModelForm edits this field with (Django's `Field.formfield()`), by
    /// its class name, or None for what forms cannot edit (keys the database sets, auto_now
    /// dates, and the kinds forms lack: date-times, times, durations, decimals, UUIDs, URLs,
    /// JSON, bytes). `#[model_form]` and `rjango generate crud` both decide by it.
    pub fn form_field(&self) -> Option<&'static str> {
        let (auto_now, auto_now_add) = self.field_type.auto_now();
        if self.primary_key || auto_now || auto_now_add {
            return None;
        }
        let string_choices = self.choices.iter().any(|(v, _)| matches!(v, Value::Str(_)));
        Some(match self.field_type {
            FieldType::CharField { .. } if string_choices => "ChoiceField",
            FieldType::CharField { .. } | FieldType::TextField => "CharField",
            FieldType::EmailField { .. } => "EmailField",
            FieldType::SlugField { .. } => "SlugField",
            FieldType::IntegerField
            | FieldType::BigIntegerField
            | FieldType::SmallIntegerField
            | FieldType::PositiveIntegerField
            | FieldType::PositiveSmallIntegerField
            | FieldType::PositiveBigIntegerField => "IntegerField",
            FieldType::FloatField => "FloatField",
            FieldType::BooleanField => "BooleanField",
            FieldType::DateField { .. } => "DateField",
            FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. } => "ModelChoiceField",
            FieldType::ManyToManyField { .. } => "ModelMultipleChoiceField",
            _ => return None,
        })
    }

    /// The column name, as Django names it: `db_column`, else the field name (`author_id`
    /// for a ForeignKey `author`).
    pub fn column(&self, name: &str) -> String {
        if let Some(c) = &self.db_column {
            return c.clone();
        }
        match self.field_type {
            FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. } => format!("{name}_id"),
            _ => name.to_owned(),
        }
    }

    /// Equal for the database: what an AlterField must change. help_text, verbose_name,
    /// blank and choices live only in Rust (Django still writes AlterField for them; so do we,
    /// through `==`), but they need no SQL.
    pub fn same_schema(&self, other: &FieldState) -> bool {
        self.field_type == other.field_type
            && self.null == other.null
            && self.default == other.default
            && self.unique == other.unique
            && self.db_index == other.db_index
            && self.db_column == other.db_column
            && self.primary_key == other.primary_key
    }
}

/// An index in Meta.indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub fields: Vec<String>,
}

/// A constraint in Meta.constraints.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// Django's UniqueConstraint. With a `condition` it is a partial unique index (not on
    /// MySQL/MariaDB, which have none: there Django, and rjango, skip it); `nulls_distinct:
    /// Some(false)` makes NULLs equal (PostgreSQL 15+ only, skipped elsewhere, as Django does).
    Unique {
        name: String,
        fields: Vec<String>,
        condition: Option<Condition>,
        nulls_distinct: Option<bool>,
    },
    /// Django's CheckConstraint.
    Check { name: String, check: Condition },
}

impl Constraint {
    pub fn name(&self) -> &str {
        match self {
            Constraint::Unique { name, .. } | Constraint::Check { name, .. } => name,
        }
    }

    /// A unique constraint on `fields` and nothing more.
    pub fn unique(name: impl Into<String>, fields: Vec<String>) -> Self {
        Constraint::Unique {
            name: name.into(),
            fields,
            condition: None,
            nulls_distinct: None,
        }
    }

    /// Renames a field wherever the constraint names it (RenameField).
    pub fn rename_field(&mut self, old: &str, new: &str) {
        let rename = |f: &mut String| {
            if f == old {
                *f = new.to_owned();
            }
        };
        match self {
            Constraint::Unique {
                fields, condition, ..
            } => {
                fields.iter_mut().for_each(rename);
                if let Some(Condition::Q(q)) = condition {
                    q.rename_field(old, new);
                }
            }
            Constraint::Check {
                check: Condition::Q(q),
                ..
            } => q.rename_field(old, new),
            Constraint::Check { .. } => {}
        }
    }
}

/// What a CheckConstraint checks, or when a UniqueConstraint applies: Django's `Q` over the
/// model's own fields, rendered by each backend, or SQL written by hand (the escape hatch,
/// which names columns and is used as written).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Q(Q),
    Sql(String),
}

/// Django's `Q`: lookups on the model's own fields (`views__gte = 0`), combined with `&`, `|`
/// and `!` (Django's `~`).
#[derive(Debug, Clone, PartialEq)]
pub enum Q {
    /// `field__lookup = value`; `lookup` is `exact` when the path names only the field.
    Lookup {
        field: String,
        lookup: String,
        value: QValue,
    },
    And(Vec<Q>),
    Or(Vec<Q>),
    Not(Box<Q>),
}

/// The right side of a lookup in a `Q`.
#[derive(Debug, Clone, PartialEq)]
pub enum QValue {
    Value(Value),
    /// Several values: `__in = [1, 2]`, `__range = (1, 10)`.
    List(Vec<Value>),
    /// Another field of the row: Django's `F("start")`.
    F(String),
}

/// The lookups a `Q` in a constraint may use, as Django names them.
pub const CONSTRAINT_LOOKUPS: [&str; 15] = [
    "exact",
    "iexact",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "isnull",
    "range",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
];

impl Q {
    /// Every field the condition reads, `F()` references included.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Q::Lookup { field, value, .. } => {
                let mut out = vec![field.as_str()];
                if let QValue::F(other) = value {
                    out.push(other);
                }
                out
            }
            Q::And(items) | Q::Or(items) => items.iter().flat_map(Q::fields).collect(),
            Q::Not(inner) => inner.fields(),
        }
    }

    pub fn rename_field(&mut self, old: &str, new: &str) {
        match self {
            Q::Lookup { field, value, .. } => {
                if field == old {
                    *field = new.to_owned();
                }
                if let QValue::F(other) = value
                    && other == old
                {
                    *other = new.to_owned();
                }
            }
            Q::And(items) | Q::Or(items) => items.iter_mut().for_each(|q| q.rename_field(old, new)),
            Q::Not(inner) => inner.rename_field(old, new),
        }
    }
}

/// A model's Meta.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelOptions {
    pub db_table: Option<String>,
    pub ordering: Vec<String>,
    pub unique_together: Vec<Vec<String>>,
    pub indexes: Vec<Index>,
    pub constraints: Vec<Constraint>,
    pub verbose_name: Option<String>,
}

/// One model: its fields in declaration order (the implicit `id` first).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelState {
    pub app_label: String,
    /// As declared (`Post`); Django compares model names case-insensitively.
    pub name: String,
    pub fields: Vec<(String, FieldState)>,
    pub options: ModelOptions,
}

impl ModelState {
    /// Lower-cased name: Django's `model_name`, the key of a model within its app.
    pub fn name_lower(&self) -> String {
        self.name.to_ascii_lowercase()
    }

    /// The table: `db_table`, else `<app_label>_<model_name>`, as Django names it.
    pub fn db_table(&self) -> String {
        self.options
            .db_table
            .clone()
            .unwrap_or_else(|| format!("{}_{}", self.app_label, self.name_lower()))
    }

    /// Same fields (names and definitions) in any order: field order in a state follows the
    /// migration history (AddField appends), not the declaration, as in Django.
    pub fn same_fields(&self, other: &ModelState) -> bool {
        self.fields.len() == other.fields.len()
            && self.fields.iter().all(|(n, f)| other.field(n) == Some(f))
    }

    /// Equal but for field order.
    pub fn equivalent(&self, other: &ModelState) -> bool {
        self.app_label == other.app_label
            && self.name == other.name
            && self.options == other.options
            && self.same_fields(other)
    }

    pub fn field(&self, name: &str) -> Option<&FieldState> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, f)| f)
    }

    pub fn field_mut(&mut self, name: &str) -> Option<&mut FieldState> {
        self.fields
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
    }
}

/// Every model of every app, keyed by (app_label, model name lower-cased).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectState {
    pub models: BTreeMap<(String, String), ModelState>,
}

impl ProjectState {
    pub fn add(&mut self, model: ModelState) {
        self.models
            .insert((model.app_label.clone(), model.name_lower()), model);
    }

    pub fn get(&self, app: &str, model: &str) -> Option<&ModelState> {
        self.models
            .get(&(app.to_owned(), model.to_ascii_lowercase()))
    }

    pub fn get_mut(&mut self, app: &str, model: &str) -> Option<&mut ModelState> {
        self.models
            .get_mut(&(app.to_owned(), model.to_ascii_lowercase()))
    }

    pub fn remove(&mut self, app: &str, model: &str) -> Option<ModelState> {
        self.models
            .remove(&(app.to_owned(), model.to_ascii_lowercase()))
    }

    /// Equal but for the order of each model's fields.
    pub fn equivalent(&self, other: &ProjectState) -> bool {
        self.models.len() == other.models.len()
            && self
                .models
                .iter()
                .all(|(k, m)| other.models.get(k).is_some_and(|o| m.equivalent(o)))
    }

    /// The models of one app, in name order.
    pub fn app_models<'a>(&'a self, app: &'a str) -> impl Iterator<Item = &'a ModelState> + 'a {
        self.models
            .iter()
            .filter(move |((a, _), _)| a == app)
            .map(|(_, m)| m)
    }
}

impl FieldType {
    /// Whether `value` can be this field's default (Django checks it when the column is
    /// written; rjango when the model is read). Text-backed types also take strings for dates,
    /// times, UUIDs and decimals, as Django's migrations spell them.
    pub fn accepts(&self, value: &Value) -> bool {
        use FieldType as T;
        match value {
            Value::Null => true,
            Value::Bool(_) => matches!(self, T::BooleanField | T::JSONField),
            Value::Int(_) => matches!(
                self,
                T::IntegerField
                    | T::BigIntegerField
                    | T::SmallIntegerField
                    | T::PositiveIntegerField
                    | T::PositiveBigIntegerField
                    | T::PositiveSmallIntegerField
                    | T::FloatField
                    | T::DecimalField { .. }
                    | T::JSONField
                    | T::ForeignKey { .. }
                    | T::OneToOneField { .. }
                    | T::DurationField
            ),
            Value::Float(_) => {
                matches!(self, T::FloatField | T::DecimalField { .. } | T::JSONField)
            }
            Value::Decimal(_) => matches!(self, T::DecimalField { .. }),
            Value::Now => matches!(
                self,
                T::DateField { .. } | T::DateTimeField { .. } | T::TimeField { .. }
            ),
            Value::Str(_) => matches!(
                self,
                T::CharField { .. }
                    | T::TextField
                    | T::SlugField { .. }
                    | T::EmailField { .. }
                    | T::URLField { .. }
                    | T::DateField { .. }
                    | T::DateTimeField { .. }
                    | T::TimeField { .. }
                    | T::UUIDField
                    | T::JSONField
                    | T::DecimalField { .. }
                    | T::BinaryField
            ),
        }
    }
}

impl FieldType {
    /// The field types that take no parameters, by Django's class name (`TextField`), and the
    /// text types whose max_length has Django's default (SlugField 50, EmailField 254,
    /// URLField 200): one table for every parser of field declarations.
    pub fn from_class(class: &str, max_length: Option<u32>) -> Option<FieldType> {
        use FieldType as T;
        Some(match class {
            "AutoField" => T::AutoField,
            "BigAutoField" => T::BigAutoField,
            "SmallAutoField" => T::SmallAutoField,
            "TextField" => T::TextField,
            "SlugField" => T::SlugField {
                max_length: max_length.unwrap_or(50),
            },
            "EmailField" => T::EmailField {
                max_length: max_length.unwrap_or(254),
            },
            "URLField" => T::URLField {
                max_length: max_length.unwrap_or(200),
            },
            "IntegerField" => T::IntegerField,
            "BigIntegerField" => T::BigIntegerField,
            "SmallIntegerField" => T::SmallIntegerField,
            "PositiveIntegerField" => T::PositiveIntegerField,
            "PositiveBigIntegerField" => T::PositiveBigIntegerField,
            "PositiveSmallIntegerField" => T::PositiveSmallIntegerField,
            "BooleanField" => T::BooleanField,
            "FloatField" => T::FloatField,
            "DurationField" => T::DurationField,
            "UUIDField" => T::UUIDField,
            "JSONField" => T::JSONField,
            "BinaryField" => T::BinaryField,
            _ => return None,
        })
    }
}

/// The key type of the tables Django creates for an app by itself (a ManyToManyField's join
/// table): the app's `default_auto_field`. Django's own contrib apps declare `AutoField`
/// (their tables predate BigAutoField), every other app gets startproject's `BigAutoField`.
pub fn default_auto_field(app_label: &str) -> FieldType {
    match app_label {
        "admin" | "auth" | "contenttypes" | "sessions" | "sites" | "flatpages" | "redirects" => {
            FieldType::AutoField
        }
        _ => FieldType::BigAutoField,
    }
}
