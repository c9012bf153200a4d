//! Generated model evolutions: property-based sequences of model changes, each made as a user
//! makes it. models.rs is rewritten in a scratch project; makemigrations runs (the code the CLI
//! runs: the models read from models.rs, the migrations from their files, the autodetector,
//! the writer), its questions answered as the change means (a rename is a rename, a one-off
//! default is typed for a new NOT NULL field); the new migration is read back from its file and
//! applied on SQLite, PostgreSQL and MariaDB, each holding rows in every table. After each step:
//!
//! - the schema read back equals the models' state (join tables included);
//! - every row inserted before the step is still there with its values in every column the
//!   step kept, under the renamed table and column, NULLs filled with the one-off default where
//!   a field became NOT NULL, values converted where a type changed (an integer to text);
//!   many-to-many links too;
//! - makemigrations finds nothing more to do (`makemigrations --check`);
//! - on a second database of each backend, `migrate shop zero` and forward again succeed and
//!   give the same schema;
//!
//! and at the end of the case, `migrate shop zero` undoes every step on the databases holding
//! the rows, and forward again gives the same schema.
//!
//! CI runs a fixed seed and a random one it prints; `RJANGO_EVOLUTION_SEED=<n>` reruns one seed
//! alone, `RJANGO_EVOLUTION_CASES` sets how many cases each seed runs (bench/soak runs
//! thousands). A failure is shrunk to the fewest changes and printed as a regression case, to
//! add to `REGRESSIONS` below, which runs on every test run.

mod db;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use db::{DIALECTS, TestDb, expected, introspect};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rjango::db::migrations::executor::{Executor, Target};
use rjango::db::migrations::schema::Value;
use rjango::db::migrations::{Migration, ProjectState, recorder, schema_editor};
use rjango::db::{Connection, Dialect};
use rjango_codegen::migrations::questioner::{NonInteractive, NullAlteration, Questioner, Quit};
use rjango_codegen::migrations::{autodetector, loader::Loader, writer};

const APP: &str = "shop";

/// The seed CI always runs, beside a random one.
const FIXED_SEED: u64 = 0x726a_616e_676f;

/// Cases shrunk from failures: each a sequence of steps, each step the edits' seeds.
/// One edit's seeds: what to do, and two numbers that pick where and how.
type Edit = (u8, u32, u32);

const REGRESSIONS: &[&[&[Edit]]] = &[
    // A model pointing at itself, renamed: makemigrations must see the rename (Django compares
    // fields without their relations' targets), not delete the model and create another.
    &[&[(38, 0, 0), (235, 0, 0)], &[(50, 0, 206228)]],
    // An integer turned to text with a default, undone: PostgreSQL cannot cast the kept
    // default 'once' back to integer with the column, so it is dropped first.
    &[
        &[(0, 788619251, 0)],
        &[(38, 0, 171411906), (88, 0, 4969398)],
        &[(66, 133750928, 3046349997)],
    ],
    // A NOT NULL field without a default given one and removed in one step (bench/soak's
    // seed 1796659540168709359): the migration is the RemoveField alone, whose undoing cannot
    // fill the rows, so `migrate shop zero` is tried on empty tables only.
    &[
        &[(0, 2643269973, 0)],
        &[(248, 77551622, 4202875353), (4, 4284333830, 3974034202)],
    ],
    // A field given a default, made unique, then removed (CI's random seed
    // 1796681057122729671): undoing the RemoveField gives every row the default, which the
    // unique column refuses, so `migrate shop zero` is tried on empty tables only.
    &[
        &[
            (38, 1106281219, 0),
            (123, 142841, 922938386),
            (104, 4202672312, 1900581989),
        ],
        &[(233, 1258189054, 593295099)],
        &[(186, 2301675670, 3140825510), (228, 3085420480, 2304618034)],
    ],
];

/// What the cases of one test covered, printed at its end.
#[derive(Default)]
struct Tally {
    steps: usize,
    /// Operations written by makemigrations, by kind.
    operations: BTreeMap<String, usize>,
    /// Rows (and many-to-many links) read back and compared, per backend and step.
    rows_checked: usize,
    /// Cases that ended with `migrate shop zero` on the databases holding rows.
    zero_with_rows: usize,
    /// Fields declared, by kind (each field once, whatever becomes of it).
    kinds: BTreeMap<String, usize>,
}

thread_local! {
    /// Each test's own: the tests of this file run side by side, a case on its test's thread.
    static TALLY: std::cell::RefCell<Tally> = std::cell::RefCell::default();
}

fn tally(count: impl FnOnce(&mut Tally)) {
    TALLY.with(|t| count(&mut t.borrow_mut()));
}

// ---------------------------------------------------------------------------------------------
// The models a case declares.

/// A field's kind, as models.rs spells it.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Char(u32),
    Text,
    Small,
    Int,
    Big,
    Bool,
    Float,
    Date,
    /// DecimalField(max_digits = 10, decimal_places = 2).
    Decimal,
    Uuid,
    Json,
    DateTime,
    Time,
    Duration,
    Binary,
    /// A ForeignKey to the model of this id: on_delete SetNull when the field is NULL,
    /// Cascade when it is NOT NULL (its rows then hold a one-off key of a row of the target).
    Fk(usize),
    /// A nullable OneToOneField (on_delete SetNull) to the model of this id.
    O2o(usize),
    /// A ManyToManyField to the model of this id (itself too).
    M2m(usize),
}

impl Kind {
    /// The first eight kinds as the first cases drew them when `seed % 16` is below 8 (the
    /// regressions, drawn so, keep their meaning), then the types Django stores in their own
    /// ways on each database.
    fn plain(seed: u32) -> Kind {
        match seed % 16 {
            8 => Kind::Decimal,
            9 => Kind::Uuid,
            10 => Kind::Json,
            11 => Kind::DateTime,
            12 => Kind::Time,
            13 => Kind::Duration,
            14 => Kind::Binary,
            _ => match seed % 8 {
                0 => Kind::Char(8 + seed / 8 % 40),
                1 => Kind::Text,
                2 => Kind::Small,
                3 => Kind::Int,
                4 => Kind::Big,
                5 => Kind::Bool,
                6 => Kind::Float,
                _ => Kind::Date,
            },
        }
    }

    fn is_relation(&self) -> bool {
        matches!(self, Kind::Fk(_) | Kind::O2o(_) | Kind::M2m(_))
    }

    /// A column holding a key of another row: `<name>_id` unless db_column says otherwise.
    fn is_key(&self) -> bool {
        matches!(self, Kind::Fk(_) | Kind::O2o(_))
    }

    fn target(&self) -> Option<usize> {
        match self {
            Kind::Fk(t) | Kind::O2o(t) | Kind::M2m(t) => Some(*t),
            _ => None,
        }
    }

    fn is_integer(&self) -> bool {
        matches!(self, Kind::Small | Kind::Int | Kind::Big)
    }

    /// Unique, indexed, or in unique_together or an index: every row's value is distinct, and
    /// MySQL indexes the column whole (not TEXT, BLOB or JSON).
    fn indexable(&self) -> bool {
        matches!(
            self,
            Kind::Char(_)
                | Kind::Small
                | Kind::Int
                | Kind::Big
                | Kind::Float
                | Kind::Date
                | Kind::Decimal
                | Kind::Uuid
                | Kind::DateTime
                | Kind::Time
                | Kind::Duration
        )
    }

    /// Takes a `default` in models.rs here (a date's default is left out, and the types
    /// added later take only a one-off default).
    fn defaultable(&self) -> bool {
        matches!(
            self,
            Kind::Char(_)
                | Kind::Text
                | Kind::Small
                | Kind::Int
                | Kind::Big
                | Kind::Bool
                | Kind::Float
        )
    }

    /// Row `row`'s value: distinct per row, so a unique field holds.
    fn value(&self, row: u32) -> Val {
        let clock = format!(
            "{:02}:{:02}:{:02}",
            row / 3600 % 24,
            row / 60 % 60,
            row % 60
        );
        match self {
            Kind::Char(_) => Val::Str(format!("v{row}")),
            Kind::Text => Val::Str(format!("text of {row}")),
            Kind::Small => Val::Int(i64::from(row)),
            Kind::Int => Val::Int(i64::from(row) * 3),
            Kind::Big => Val::Int(i64::from(row) * 1_000_003),
            Kind::Bool => Val::Bool(row.is_multiple_of(2)),
            Kind::Float => Val::Float(i64::from(row)),
            Kind::Date => Val::Date(format!(
                "{}-{:02}-{:02}",
                2000 + row / 336,
                row % 12 + 1,
                row / 12 % 28 + 1
            )),
            Kind::Decimal => Val::Dec(format!("{row}.25")),
            Kind::Uuid => Val::Uuid(u64::from(row) * 0x1_0001),
            Kind::Json => Val::Json(format!(r#"{{"n": {row}}}"#)),
            Kind::DateTime => Val::Date(format!("2021-03-04 {clock}")),
            Kind::Time => Val::Date(clock),
            Kind::Duration => Val::Dur(i64::from(row) * 1_000_000),
            Kind::Binary => Val::Bytes(format!("b{row}")),
            Kind::Fk(_) | Kind::O2o(_) | Kind::M2m(_) => {
                unreachable!("a relation's value is a row of its target")
            }
        }
    }

    /// The one-off default typed at makemigrations' question, and a field's `default`. A
    /// ForeignKey's is a row of its target: `Schema::one_off`.
    fn one_off(&self) -> Val {
        match self {
            Kind::Char(_) | Kind::Text => Val::Str("once".into()),
            Kind::Small | Kind::Int | Kind::Big => Val::Int(7),
            Kind::Bool => Val::Bool(true),
            Kind::Float => Val::Float(2),
            Kind::Date => Val::Date("2020-02-02".into()),
            Kind::Decimal => Val::Dec("1.25".into()),
            Kind::Uuid => Val::Uuid(0xabc),
            // A JSON number, typed as `5`.
            Kind::Json => Val::Int(5),
            Kind::DateTime => Val::Date("2020-02-02 02:02:02".into()),
            Kind::Time => Val::Date("02:02:02".into()),
            Kind::Duration => Val::Dur(7_000_000),
            Kind::Binary => Val::Bytes("once".into()),
            Kind::Fk(_) | Kind::O2o(_) | Kind::M2m(_) => {
                unreachable!("a key's one-off default is a row of its target")
            }
        }
    }
}

/// A column's value, as inserted and as read back.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Int(i64),
    Str(String),
    Bool(bool),
    /// n + 0.5: exact in binary, printed alike by every database.
    Float(i64),
    /// A date, a date and time or a time, as text.
    Date(String),
    Dec(String),
    /// A UUID's last 48 bits.
    Uuid(u64),
    Json(String),
    /// A duration in microseconds (PostgreSQL's interval, a bigint elsewhere).
    Dur(i64),
    Bytes(String),
}

impl Val {
    fn sql(&self, d: Dialect) -> String {
        match self {
            Val::Int(i) => i.to_string(),
            Val::Dur(us) if d == Dialect::Postgres => format!("'{us} microseconds'"),
            Val::Dur(us) => us.to_string(),
            Val::Str(s) | Val::Date(s) | Val::Json(s) => format!("'{s}'"),
            Val::Bool(b) if d == Dialect::Postgres => b.to_string(),
            Val::Bool(b) => u8::from(*b).to_string(),
            Val::Float(n) => format!("{n}.5"),
            Val::Dec(s) => s.clone(),
            // Django stores a UUID as 32 hex digits where the database has no uuid type.
            Val::Uuid(_) if d == Dialect::Postgres => format!("'{}'", self.uuid_dashed()),
            Val::Uuid(_) => format!("'{}'", self.text()),
            Val::Bytes(s) => {
                let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                if d == Dialect::Postgres {
                    format!("'\\x{hex}'")
                } else {
                    format!("X'{hex}'")
                }
            }
        }
    }

    fn uuid_dashed(&self) -> String {
        let Val::Uuid(n) = self else {
            unreachable!("not a UUID")
        };
        format!("00000000-0000-4000-8000-{n:012x}")
    }

    /// As `CAST(... AS TEXT/CHAR)` reads it, booleans as 1/0, once `canonical` has made the
    /// databases' spellings one.
    fn text(&self) -> String {
        match self {
            Val::Int(i) | Val::Dur(i) => i.to_string(),
            Val::Str(s) | Val::Date(s) | Val::Dec(s) | Val::Json(s) | Val::Bytes(s) => s.clone(),
            Val::Bool(b) => u8::from(*b).to_string(),
            Val::Float(n) => format!("{n}.5"),
            Val::Uuid(_) => self.uuid_dashed().replace('-', ""),
        }
    }

    /// As the questioner answers it.
    fn value(&self) -> Value {
        match self {
            Val::Int(i) | Val::Dur(i) => Value::Int(*i),
            Val::Str(s) | Val::Date(s) | Val::Json(s) | Val::Bytes(s) => Value::Str(s.clone()),
            Val::Bool(b) => Value::Bool(*b),
            Val::Float(n) => Value::Float(*n as f64 + 0.5),
            Val::Dec(s) => Value::Decimal(s.clone()),
            Val::Uuid(_) => Value::Str(self.uuid_dashed()),
        }
    }

    /// As models.rs writes it in `#[field(default = ...)]`.
    fn rust(&self) -> String {
        match self {
            Val::Int(i) => i.to_string(),
            Val::Str(s) | Val::Date(s) => format!("{s:?}"),
            Val::Bool(b) => b.to_string(),
            Val::Float(n) => format!("{n}.5"),
            other => unreachable!("{other:?} is never a default in models.rs here"),
        }
    }
}

#[derive(Clone, Debug)]
struct Field {
    /// Stable through renames: rows are followed by it.
    id: usize,
    name: String,
    kind: Kind,
    null: bool,
    default: Option<Val>,
    unique: bool,
    db_index: bool,
    /// Filled with one value on existing rows (a default or a one-off): not unique material.
    repeats: bool,
    /// Has been unique (alone or in unique_together): undoing steps may make it unique again.
    was_unique: bool,
    /// `#[field(db_column = ...)]`.
    db_column: Option<String>,
}

impl Field {
    /// The column's name: db_column, else the name (with `_id` for a key).
    fn column(&self) -> String {
        match (&self.db_column, self.kind.is_key()) {
            (Some(c), _) => c.clone(),
            (None, true) => format!("{}_id", self.name),
            (None, false) => self.name.clone(),
        }
    }
}

#[derive(Clone, Debug)]
struct Model {
    id: usize,
    name: String,
    fields: Vec<Field>,
    /// unique_together of two fields, by id.
    together: Option<(usize, usize)>,
    /// An index on one field: (name number, field id).
    index: Option<(usize, usize)>,
    /// CheckConstraint(check = Q(field__gte = 0)): (name number, field id).
    check: Option<(usize, usize)>,
    /// `#[model(db_table = ...)]`.
    db_table: Option<String>,
    /// Its first row, once a step has inserted rows in its table: a NOT NULL ForeignKey to it
    /// takes that row's key as its one-off default.
    first_row: Option<u32>,
}

impl Model {
    fn field(&self, id: usize) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    fn table(&self) -> String {
        self.db_table
            .clone()
            .unwrap_or_else(|| format!("{APP}_{}", self.name.to_ascii_lowercase()))
    }

    /// Whether field `id` is named by an option.
    fn in_option(&self, id: usize) -> bool {
        self.together.is_some_and(|(a, b)| a == id || b == id)
            || self.index.is_some_and(|(_, f)| f == id)
            || self.check.is_some_and(|(_, f)| f == id)
    }
}

#[derive(Clone, Debug, Default)]
struct Schema {
    models: Vec<Model>,
    next: usize,
    /// A step that cannot be undone with rows in the table, in Django either: an integer
    /// column turned to text (the text rows do not convert back) or to bigint (big values do not
    /// fit back), or a NOT NULL field without a default removed (putting it back needs a value
    /// for every row). `migrate shop zero` with rows is then not tried.
    undone_only_empty: bool,
}

/// What a step renamed, for the questioner to answer yes to.
#[derive(Clone, Debug, Default)]
struct Renames {
    models: Vec<(String, String)>,
    /// (model name, old field name, new field name)
    fields: Vec<(String, String, String)>,
}

impl Schema {
    fn fresh(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    fn model(&self, id: usize) -> &Model {
        self.models.iter().find(|m| m.id == id).unwrap()
    }

    /// The one-off default for `kind`: a key of the target's first row for a ForeignKey.
    fn one_off(&self, kind: &Kind) -> Val {
        match kind {
            Kind::Fk(t) => Val::Int(i64::from(
                self.model(*t)
                    .first_row
                    .expect("a NOT NULL ForeignKey points at a model with rows"),
            )),
            k => k.one_off(),
        }
    }

    fn new_field(&mut self, kind: Kind, null: bool, default: Option<Val>) -> Field {
        let id = self.fresh();
        Field {
            id,
            name: format!("f{id}"),
            kind,
            null,
            default,
            unique: false,
            db_index: false,
            repeats: false,
            was_unique: false,
            db_column: None,
        }
    }

    fn add_model(&mut self, seed: u32) {
        let id = self.fresh();
        let mut fields = vec![self.new_field(Kind::plain(seed), seed.is_multiple_of(5), None)];
        if seed.is_multiple_of(3) {
            fields.push(self.new_field(Kind::plain(seed / 7), false, None));
        }
        self.models.push(Model {
            id,
            name: format!("Thing{id}"),
            fields,
            together: None,
            index: None,
            check: None,
            db_table: None,
            first_row: None,
        });
    }

    /// Applies one edit chosen by `seed` to these models; false when it does not apply here.
    /// A rename is recorded in `renames`.
    fn edit(&mut self, (what, a, b): Edit, renames: &mut Renames) -> bool {
        if self.models.is_empty() || what.is_multiple_of(16) {
            self.add_model(a);
            return true;
        }
        let mi = a as usize % self.models.len();
        let model_id = self.models[mi].id;
        let pick = |m: &Model, ok: &dyn Fn(&Field) -> bool| -> Option<usize> {
            let eligible: Vec<usize> = m.fields.iter().filter(|f| ok(f)).map(|f| f.id).collect();
            (!eligible.is_empty()).then(|| eligible[b as usize % eligible.len()])
        };
        match what % 16 {
            1 => {
                // DeleteModel, with every relation to it.
                if self.models.len() < 2 {
                    return false;
                }
                self.models.remove(mi);
                for m in &mut self.models {
                    for f in m
                        .fields
                        .iter()
                        .filter(|f| f.kind.target() == Some(model_id))
                    {
                        // A NOT NULL key comes back without a value for its rows.
                        self.undone_only_empty |= !f.null && !matches!(f.kind, Kind::M2m(_));
                    }
                    m.fields.retain(|f| f.kind.target() != Some(model_id));
                }
                true
            }
            2 if what / 16 % 4 == 1 => {
                // AlterModelTable: db_table set or removed.
                let fresh = self.fresh();
                let m = &mut self.models[mi];
                m.db_table = match m.db_table {
                    Some(_) => None,
                    None => Some(format!("{APP}_tbl{fresh}")),
                };
                true
            }
            2 => {
                let new_name = format!("Renamed{}", self.fresh());
                let m = &mut self.models[mi];
                renames.models.push((m.name.clone(), new_name.clone()));
                m.name = new_name;
                true
            }
            3 => {
                // AddField: a plain field, NULL or not, with a default or not (then a one-off).
                let kind = Kind::plain(b);
                let default = (kind.defaultable() && b.is_multiple_of(3)).then(|| kind.one_off());
                let mut field = self.new_field(kind, b % 4 == 1, default);
                // Existing rows all get the default or the one-off default.
                field.repeats = !field.null || field.default.is_some();
                self.models[mi].fields.push(field);
                true
            }
            4 => {
                let m = &mut self.models[mi];
                if m.fields.len() < 2 {
                    return false;
                }
                let removed = m.fields.remove(b as usize % m.fields.len());
                let id = removed.id;
                self.undone_only_empty |= !removed.null
                    && removed.default.is_none()
                    && !matches!(removed.kind, Kind::M2m(_));
                let m = &mut self.models[mi];
                if m.together.is_some_and(|(x, y)| x == id || y == id) {
                    m.together = None;
                }
                if m.index.is_some_and(|(_, f)| f == id) {
                    m.index = None;
                }
                if m.check.is_some_and(|(_, f)| f == id) {
                    m.check = None;
                }
                true
            }
            5 if what / 16 % 4 == 1 => {
                // db_column set or removed: the column renamed, the field not.
                let fresh = self.fresh();
                let m = &mut self.models[mi];
                let Some(id) = pick(m, &|f| !matches!(f.kind, Kind::M2m(_))) else {
                    return false;
                };
                let f = m.fields.iter_mut().find(|f| f.id == id).unwrap();
                f.db_column = match f.db_column {
                    Some(_) => None,
                    None => Some(format!("c{fresh}")),
                };
                true
            }
            5 => {
                let fresh = self.fresh();
                let m = &mut self.models[mi];
                if m.fields.is_empty() {
                    return false;
                }
                let i = b as usize % m.fields.len();
                let f = &mut m.fields[i];
                let new_name = format!("f{}_{fresh}", f.id);
                renames
                    .fields
                    .push((m.name.clone(), f.name.clone(), new_name.clone()));
                f.name = new_name;
                true
            }
            6 => {
                // A type or max_length change Django converts the values of.
                let m = &mut self.models[mi];
                let Some(id) = pick(m, &|f| !f.kind.is_relation() && f.kind != Kind::Bool) else {
                    return false;
                };
                let in_option = m.in_option(id);
                let in_check = m.check.is_some_and(|(_, f)| f == id);
                let f = m.fields.iter_mut().find(|f| f.id == id).unwrap();
                let plain = !f.unique && !f.db_index && !in_option;
                f.kind = match f.kind {
                    Kind::Small => Kind::Int,
                    Kind::Int | Kind::Big if b.is_multiple_of(2) && !in_check => {
                        self.undone_only_empty = true;
                        // models.rs writes a CharField's default as a string.
                        if let Some(Val::Int(i)) = f.default {
                            f.default = Some(Val::Str(i.to_string()));
                        }
                        Kind::Char(20)
                    }
                    Kind::Int => {
                        // Big rows (row × 1000003) would not fit back into an int or smallint.
                        self.undone_only_empty = true;
                        Kind::Big
                    }
                    Kind::Char(_) if b.is_multiple_of(3) && plain => {
                        // Text rows longer than the old max_length would not fit back.
                        self.undone_only_empty = true;
                        Kind::Text
                    }
                    // Longer or shorter, never shorter than the values the rows hold.
                    Kind::Char(n) if b.is_multiple_of(2) => Kind::Char((n + 1 + b % 30).min(200)),
                    Kind::Char(n) => Kind::Char(n.saturating_sub(1 + b % 10).max(12)),
                    _ => return false,
                };
                true
            }
            7 => {
                // null toggled; NOT NULL fills the NULL rows with a one-off default.
                let m = &mut self.models[mi];
                let Some(id) = pick(m, &|f| !f.kind.is_relation()) else {
                    return false;
                };
                let in_option = m.in_option(id);
                let f = m.fields.iter_mut().find(|f| f.id == id).unwrap();
                if f.null && (f.unique || in_option) {
                    return false;
                }
                // Every NULL row gets the one value; a field made NULL gets NULL rows, which
                // do not go back to NOT NULL.
                self.undone_only_empty |= !f.null || f.was_unique;
                f.repeats |= f.null;
                f.null = !f.null;
                true
            }
            8 => {
                let m = &mut self.models[mi];
                let Some(id) = pick(m, &|f| f.kind.defaultable()) else {
                    return false;
                };
                let f = m.fields.iter_mut().find(|f| f.id == id).unwrap();
                f.default = match f.default {
                    Some(_) => None,
                    None => Some(f.kind.one_off()),
                };
                true
            }
            9 => {
                let m = &mut self.models[mi];
                let Some(id) = pick(m, &|f| f.kind.indexable() && (f.unique || !f.repeats)) else {
                    return false;
                };
                let f = m.fields.iter_mut().find(|f| f.id == id).unwrap();
                f.unique = !f.unique;
                f.was_unique |= f.unique;
                true
            }
            10 => {
                let m = &mut self.models[mi];
                let Some(id) = pick(m, &|f| f.kind.indexable()) else {
                    return false;
                };
                let f = m.fields.iter_mut().find(|f| f.id == id).unwrap();
                f.db_index = !f.db_index;
                true
            }
            11 if what / 16 % 4 == 1 => {
                // A NOT NULL ForeignKey (Cascade) to another model whose table has rows: the
                // rows take a one-off key.
                let targets: Vec<usize> = self
                    .models
                    .iter()
                    .filter(|t| t.id != model_id && t.first_row.is_some())
                    .map(|t| t.id)
                    .collect();
                if targets.is_empty() {
                    return false;
                }
                let target = targets[b as usize % targets.len()];
                let mut field = self.new_field(Kind::Fk(target), false, None);
                field.repeats = true;
                self.models[mi].fields.push(field);
                true
            }
            11 | 12 => {
                // A relation to any model, itself too: a nullable ForeignKey or OneToOneField,
                // or a ManyToManyField.
                let targets: Vec<usize> = self.models.iter().map(|m| m.id).collect();
                let target = targets[b as usize % targets.len()];
                let kind = match (what % 16, what / 16 % 4) {
                    (11, 3) => Kind::O2o(target),
                    (11, _) => Kind::Fk(target),
                    _ => Kind::M2m(target),
                };
                let nullable = kind.is_key();
                let field = self.new_field(kind, nullable, None);
                self.models[mi].fields.push(field);
                true
            }
            13 => {
                let m = &mut self.models[mi];
                if m.together.take().is_some() {
                    return true;
                }
                let eligible: Vec<&Field> =
                    m.fields.iter().filter(|f| f.kind.indexable()).collect();
                if eligible.len() < 2 {
                    return false;
                }
                let x = eligible[b as usize % eligible.len()];
                let y = eligible[(b as usize + 1) % eligible.len()];
                if x.repeats && y.repeats {
                    return false;
                }
                let (x, y) = (x.id, y.id);
                m.together = Some((x, y));
                for f in m.fields.iter_mut().filter(|f| f.id == x || f.id == y) {
                    f.was_unique = true;
                }
                true
            }
            14 => {
                let fresh = self.fresh();
                let m = &mut self.models[mi];
                if m.index.take().is_some() {
                    return true;
                }
                let Some(id) = pick(m, &|f| f.kind.indexable()) else {
                    return false;
                };
                m.index = Some((fresh, id));
                true
            }
            _ => {
                let fresh = self.fresh();
                let m = &mut self.models[mi];
                if m.check.take().is_some() {
                    return true;
                }
                let Some(id) = pick(m, &|f| f.kind.is_integer()) else {
                    return false;
                };
                m.check = Some((fresh, id));
                true
            }
        }
    }

    /// models.rs for these models.
    fn models_rs(&self) -> String {
        let mut out = String::from("use rjango::models::prelude::*;\n");
        for m in &self.models {
            let name = |id: usize| m.field(id).unwrap().name.clone();
            let mut options = Vec::new();
            if let Some(table) = &m.db_table {
                options.push(format!("db_table = {table:?}"));
            }
            if let Some((a, b)) = m.together {
                options.push(format!(
                    "unique_together = [[{:?}, {:?}]]",
                    name(a),
                    name(b)
                ));
            }
            if let Some((n, f)) = m.index {
                options.push(format!(
                    "indexes = [Index(fields = [{:?}], name = \"{APP}_i{n}\")]",
                    name(f)
                ));
            }
            if let Some((n, f)) = m.check {
                options.push(format!(
                    "constraints = [CheckConstraint(check = Q({}__gte = 0), name = \"{APP}_c{n}\")]",
                    name(f)
                ));
            }
            out += &if options.is_empty() {
                "\n#[model]\n".to_owned()
            } else {
                format!("\n#[model({})]\n", options.join(", "))
            };
            out += &format!("pub struct {} {{\n", m.name);
            for f in &m.fields {
                let mut attrs = Vec::new();
                let ty = match &f.kind {
                    Kind::Char(n) => {
                        attrs.push(format!("max_length = {n}"));
                        "CharField".to_owned()
                    }
                    Kind::Text => "TextField".into(),
                    Kind::Small => "SmallIntegerField".into(),
                    Kind::Int => "IntegerField".into(),
                    Kind::Big => "BigIntegerField".into(),
                    Kind::Bool => "BooleanField".into(),
                    Kind::Float => "FloatField".into(),
                    Kind::Date => "DateField".into(),
                    Kind::Decimal => {
                        attrs.push("max_digits = 10, decimal_places = 2".into());
                        "DecimalField".into()
                    }
                    Kind::Uuid => "UUIDField".into(),
                    Kind::Json => "JSONField".into(),
                    Kind::DateTime => "DateTimeField".into(),
                    Kind::Time => "TimeField".into(),
                    Kind::Duration => "DurationField".into(),
                    Kind::Binary => "BinaryField".into(),
                    Kind::Fk(t) | Kind::O2o(t) => {
                        let on_delete = if f.null { "SetNull" } else { "Cascade" };
                        attrs.push(format!("on_delete = {on_delete}"));
                        attrs.push(format!("related_name = \"rel{}\"", f.id));
                        let class = if matches!(f.kind, Kind::Fk(_)) {
                            "ForeignKey"
                        } else {
                            "OneToOneField"
                        };
                        format!("{class}<{}>", self.model(*t).name)
                    }
                    Kind::M2m(t) if *t == m.id => "ManyToManyField<Self>".into(),
                    Kind::M2m(t) => {
                        attrs.push(format!("related_name = \"rel{}\"", f.id));
                        format!("ManyToManyField<{}>", self.model(*t).name)
                    }
                };
                if let Some(column) = &f.db_column {
                    attrs.push(format!("db_column = {column:?}"));
                }
                if f.unique {
                    attrs.push("unique = true".into());
                }
                if f.db_index {
                    attrs.push("db_index = true".into());
                }
                if let Some(d) = &f.default {
                    attrs.push(format!("default = {}", d.rust()));
                }
                if !attrs.is_empty() {
                    out += &format!("    #[field({})]\n", attrs.join(", "));
                }
                let ty = if f.null { format!("Option<{ty}>") } else { ty };
                out += &format!("    pub {}: {ty},\n", f.name);
            }
            out += "}\n";
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// makemigrations, as the CLI runs it, in a scratch project.

/// Answers makemigrations' questions as the step means.
struct Answers<'a> {
    renames: &'a Renames,
    schema: &'a Schema,
}

impl Answers<'_> {
    fn kind(&self, model: &str, field: &str) -> Kind {
        self.schema
            .models
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(model))
            .and_then(|m| m.fields.iter().find(|f| f.name == field))
            .map(|f| f.kind.clone())
            .unwrap_or_else(|| panic!("asked about {model}.{field}, which the models lack"))
    }
}

impl Questioner for Answers<'_> {
    fn ask_rename_model(&mut self, _app: &str, old_name: &str, new_name: &str) -> bool {
        self.renames
            .models
            .iter()
            .any(|(o, n)| o.eq_ignore_ascii_case(old_name) && n.eq_ignore_ascii_case(new_name))
    }

    fn ask_rename(&mut self, model: &str, old_name: &str, new_name: &str, _: &str) -> bool {
        self.renames
            .fields
            .iter()
            .any(|(m, o, n)| m.eq_ignore_ascii_case(model) && o == old_name && n == new_name)
    }

    fn ask_not_null_addition(
        &mut self,
        field: &str,
        model: &str,
        _: &rjango::db::migrations::schema::FieldType,
    ) -> Result<Value, Quit> {
        Ok(self.schema.one_off(&self.kind(model, field)).value())
    }

    fn ask_not_null_alteration(
        &mut self,
        field: &str,
        model: &str,
        _: &rjango::db::migrations::schema::FieldType,
    ) -> Result<NullAlteration, Quit> {
        Ok(NullAlteration::OneOffDefault(
            self.schema.one_off(&self.kind(model, field)).value(),
        ))
    }
}

/// A project directory with app `shop`, for makemigrations to read and write.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/shop/migrations")).unwrap();
        Project { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// makemigrations: models.rs written, the changes detected (questions answered), the new
    /// migration files written; the number written.
    fn makemigrations(&self, schema: &Schema, renames: &Renames) -> Result<usize, String> {
        let root = self.root();
        std::fs::write(root.join("src/shop/models.rs"), schema.models_rs()).unwrap();
        let apps = [APP.to_owned()];
        let loader = Loader::load(root, &apps).map_err(|e| e.to_string())?;
        let from = loader.project_state().map_err(|e| e.to_string())?;
        let to = rjango_codegen::models::parse::project_state(root, &apps)
            .map_err(|e| format!("{e}\nmodels.rs:\n{}", schema.models_rs()))?;
        let mut answers = Answers { renames, schema };
        let planned =
            autodetector::detect(&from, &to, &apps, &mut answers).map_err(|q| q.0.clone())?;
        let written =
            writer::arrange(&loader, planned, None, "20261207_0000").map_err(|e| e.to_string())?;
        for m in &written {
            std::fs::write(root.join(&m.path), m.text("2026-12-07 00:00")).unwrap();
            for op in &m.body.operations {
                let debug = format!("{op:?}");
                let kind = debug.split([' ', '{', '(']).next().unwrap_or_default();
                tally(|t| *t.operations.entry(kind.to_owned()).or_default() += 1);
            }
        }
        Ok(written.len())
    }

    /// `makemigrations --check --noinput`: the operations it would still write.
    fn pending(&self) -> Vec<String> {
        let root = self.root();
        let apps = [APP.to_owned()];
        let loader = Loader::load(root, &apps).unwrap();
        let from = loader.project_state().unwrap();
        let to = rjango_codegen::models::parse::project_state(root, &apps).unwrap();
        autodetector::detect(&from, &to, &apps, &mut NonInteractive)
            .unwrap_or_else(|q| panic!("makemigrations --check asks: {}", q.0))
            .iter()
            .flat_map(|p| p.operations.iter().map(|op| op.describe()))
            .collect()
    }

    /// The migrations, read back from their files, in order.
    fn migrations(&self) -> Vec<Migration> {
        let loader = Loader::load(self.root(), &[APP.to_owned()]).unwrap();
        loader
            .order()
            .unwrap()
            .into_iter()
            .map(|l| l.migration.clone())
            .collect()
    }

    /// Every migration file's text, for a failure's report.
    fn files(&self) -> String {
        let mut out = String::new();
        let mut files: Vec<_> = std::fs::read_dir(self.root().join("src/shop/migrations"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            out += &format!(
                "== {}\n{}\n",
                f.display(),
                std::fs::read_to_string(&f).unwrap()
            );
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Rows, as the databases should hold them.

/// Row values by model id, primary key and field id; and many-to-many links by (model id,
/// field id).
#[derive(Clone, Debug, Default, PartialEq)]
struct Rows {
    values: BTreeMap<usize, BTreeMap<u32, BTreeMap<usize, Option<String>>>>,
    links: BTreeMap<(usize, usize), BTreeSet<(u32, u32)>>,
    next_row: u32,
}

impl Rows {
    /// Two new rows in every table (and a link for each many-to-many field whose target has
    /// rows): their INSERT statements for `d`.
    fn insert(&mut self, schema: &Schema, state: &ProjectState, d: Dialect) -> Vec<String> {
        let before = self.values.clone();
        let first_row = |model: usize| before.get(&model).and_then(|r| r.keys().next().copied());
        let q = |s: &str| d.quote(s);
        let mut statements = Vec::new();
        let mut links = Vec::new();
        for m in &schema.models {
            for _ in 0..2 {
                self.next_row += 1;
                let row = self.next_row;
                let mut columns = vec![q("id")];
                let mut values = vec![row.to_string()];
                let mut kept = BTreeMap::new();
                for f in &m.fields {
                    let v = match &f.kind {
                        Kind::M2m(t) => {
                            if let Some(target) = first_row(*t) {
                                links.push((m.id, f.id, row, target));
                            }
                            continue;
                        }
                        Kind::Fk(t) => first_row(*t).map(|r| Val::Int(i64::from(r))),
                        Kind::O2o(t) => {
                            // One row each: the first of the target's rows no row points at.
                            let taken: BTreeSet<String> = self
                                .values
                                .get(&m.id)
                                .into_iter()
                                .flat_map(|rows| rows.values())
                                .filter_map(|r| r.get(&f.id).cloned().flatten())
                                .collect();
                            before
                                .get(t)
                                .and_then(|rows| {
                                    rows.keys().find(|r| !taken.contains(&r.to_string()))
                                })
                                .map(|r| Val::Int(i64::from(*r)))
                        }
                        _ if f.null && row.is_multiple_of(3) => None,
                        k => Some(k.value(row)),
                    };
                    columns.push(q(&f.column()));
                    values.push(v.as_ref().map_or("NULL".into(), |v| v.sql(d)));
                    kept.insert(f.id, v.map(|v| v.text()));
                }
                statements.push(format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    q(&m.table()),
                    columns.join(", "),
                    values.join(", ")
                ));
                self.values.entry(m.id).or_default().insert(row, kept);
            }
        }
        for (model, field, row, target) in links {
            let m = schema.model(model);
            let name = &m.field(field).unwrap().name;
            let join = schema_editor::join_table(d, state, APP, &m.name, name).unwrap();
            statements.push(format!(
                "INSERT INTO {} ({}, {}) VALUES ({row}, {target})",
                q(&join.table),
                q(&join.from_column),
                q(&join.to_column)
            ));
            self.links
                .entry((model, field))
                .or_default()
                .insert((row, target));
        }
        statements
    }

    /// What the rows become when `before` turns into `after`: dropped with their model or
    /// field, NULLs filled where a field became NOT NULL, new fields filled with their default,
    /// the one-off default or NULL.
    fn evolve(&mut self, before: &Schema, after: &Schema) {
        self.values
            .retain(|id, _| after.models.iter().any(|m| m.id == *id));
        for (model_id, rows) in &mut self.values {
            let old = before.model(*model_id);
            let new = after.model(*model_id);
            for row in rows.values_mut() {
                row.retain(|f, _| {
                    new.field(*f)
                        .is_some_and(|f| !matches!(f.kind, Kind::M2m(_)))
                });
                for f in &new.fields {
                    if matches!(f.kind, Kind::M2m(_)) {
                        continue;
                    }
                    match (old.field(f.id), row.get_mut(&f.id)) {
                        // Filled with the field's default where it has one (no question is
                        // asked then), else with the one-off default typed.
                        (Some(_), Some(v)) if v.is_none() && !f.null => {
                            *v = Some(
                                f.default
                                    .as_ref()
                                    .map_or_else(|| after.one_off(&f.kind).text(), Val::text),
                            );
                        }
                        (Some(_), _) => {}
                        (None, _) => {
                            let v = match (&f.default, f.null) {
                                (Some(d), _) => Some(d.text()),
                                (None, true) => None,
                                (None, false) => Some(after.one_off(&f.kind).text()),
                            };
                            row.insert(f.id, v);
                        }
                    }
                }
            }
        }
        self.links.retain(|(model, field), _| {
            after.models.iter().any(|m| {
                m.id == *model
                    && m.field(*field).is_some_and(
                        |f| matches!(f.kind, Kind::M2m(t) if after.models.iter().any(|t2| t2.id == t)),
                    )
            })
        });
    }

    /// Differences between these rows and what `conn` holds.
    async fn differences(
        &self,
        schema: &Schema,
        state: &ProjectState,
        conn: &Connection,
    ) -> Vec<String> {
        let d = conn.dialect;
        let q = |s: &str| d.quote(s);
        let text = if d == Dialect::Mysql { "CHAR" } else { "TEXT" };
        let mut out = Vec::new();
        for m in &schema.models {
            let fields: Vec<&Field> = m
                .fields
                .iter()
                .filter(|f| !matches!(f.kind, Kind::M2m(_)))
                .collect();
            let mut select = vec![format!("CAST({} AS {text}) AS c_id", q("id"))];
            let mut aliases = vec!["c_id".to_owned()];
            for (i, f) in fields.iter().enumerate() {
                select.push(format!("CAST({} AS {text}) AS c{i}", q(&f.column())));
                aliases.push(format!("c{i}"));
            }
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                select.join(", "),
                q(&m.table()),
                q("id")
            );
            let names: Vec<&str> = aliases.iter().map(String::as_str).collect();
            let got = conn
                .query_strings(&sql, &names)
                .await
                .unwrap_or_else(|e| panic!("{d:?} {sql}: {e}"));
            let mut actual: BTreeMap<u32, BTreeMap<usize, Option<String>>> = BTreeMap::new();
            for r in got {
                let id: u32 = r[0].as_deref().unwrap().parse().unwrap();
                let row = fields
                    .iter()
                    .zip(&r[1..])
                    .map(|(f, v)| (f.id, v.clone().map(|v| canonical(&f.kind, v, d))))
                    .collect();
                actual.insert(id, row);
            }
            let wanted = self.values.get(&m.id).cloned().unwrap_or_default();
            tally(|t| t.rows_checked += actual.len());
            if actual != wanted {
                out.push(format!(
                    "{d:?} {}: rows {actual:?}, wanted {wanted:?}",
                    m.table()
                ));
            }
        }
        for ((model, field), wanted) in &self.links {
            let m = schema.model(*model);
            let name = &m.field(*field).unwrap().name;
            let join = schema_editor::join_table(d, state, APP, &m.name, name).unwrap();
            let sql = format!(
                "SELECT CAST({} AS {text}) AS a, CAST({} AS {text}) AS b FROM {}",
                q(&join.from_column),
                q(&join.to_column),
                q(&join.table)
            );
            let got: BTreeSet<(u32, u32)> = conn
                .query_strings(&sql, &["a", "b"])
                .await
                .unwrap_or_else(|e| panic!("{d:?} {sql}: {e}"))
                .into_iter()
                .map(|r| {
                    (
                        r[0].as_deref().unwrap().parse().unwrap(),
                        r[1].as_deref().unwrap().parse().unwrap(),
                    )
                })
                .collect();
            tally(|t| t.rows_checked += got.len());
            if &got != wanted {
                out.push(format!(
                    "{d:?} {}: links {got:?}, wanted {wanted:?}",
                    join.table
                ));
            }
        }
        out
    }
}

/// A value as read back, in the spelling `Val::text` writes: PostgreSQL's booleans as 1/0,
/// its UUIDs without dashes, its intervals in microseconds and its bytea as the bytes; a
/// number's trailing zeros gone; a time's zero fraction (MySQL's `(6)`) and a timestamp's
/// offset (PostgreSQL's, in the session's time zone it was written in) left out.
fn canonical(kind: &Kind, v: String, d: Dialect) -> String {
    let pg = d == Dialect::Postgres;
    let my = d == Dialect::Mysql;
    match (kind, v.as_str()) {
        (Kind::Bool, "true") => "1".into(),
        (Kind::Bool, "false") => "0".into(),
        (Kind::Float | Kind::Decimal, _) if v.contains('.') => {
            v.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
        // PostgreSQL's uuid prints its dashes; elsewhere the 32 digits are what is stored.
        (Kind::Uuid, _) if pg => v.replace('-', ""),
        // PostgreSQL's offset in the session's time zone, MySQL's `(6)` fraction.
        (Kind::DateTime, _) if pg => v.trim_end_matches("+00").to_owned(),
        (Kind::DateTime | Kind::Time, _) if my => v.trim_end_matches(".000000").to_owned(),
        (Kind::Duration, _) if pg => {
            // PostgreSQL's `HH:MM:SS[.ffffff]` (the rows here stay under a day).
            let (clock, fraction) = v.split_once('.').unwrap_or((&v, "0"));
            let seconds: i64 = clock
                .split(':')
                .fold(0, |acc, part| acc * 60 + part.parse::<i64>().unwrap());
            let micros: i64 = format!("{fraction:0<6}").parse().unwrap();
            (seconds * 1_000_000 + micros).to_string()
        }
        (Kind::Binary, _) if pg => {
            let bytes: Vec<u8> = (2..v.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&v[i..i + 2], 16).unwrap())
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => v,
    }
}

// ---------------------------------------------------------------------------------------------
// One case: a sequence of steps on every database.

/// Two databases of one backend, and the rows one should hold.
struct Backend {
    /// Migrated step by step, with rows.
    db: TestDb,
    rows: Rows,
    /// Migrated to zero and forward again after each step.
    again: TestDb,
}

async fn migrate(
    conn: &Connection,
    migrations: &[Migration],
    target: &Target,
) -> Result<(), String> {
    recorder::ensure_table(conn)
        .await
        .map_err(|e| e.to_string())?;
    let applied = recorder::applied(conn).await.map_err(|e| e.to_string())?;
    let mut executor = Executor::new(migrations, applied).map_err(|e| e.to_string())?;
    for step in executor.plan(target) {
        executor.run(conn, &step, false).await.map_err(|e| {
            format!(
                "{} {}: {e}",
                if step.backwards {
                    "unapplying"
                } else {
                    "applying"
                },
                step.key.1
            )
        })?;
    }
    Ok(())
}

/// Where the schema read back from `conn` parts from the models' `state`.
async fn schema_differences(conn: &Connection, state: &ProjectState) -> Vec<String> {
    let d = conn.dialect;
    let actual = introspect(conn).await;
    let wanted = expected(d, state);
    let mut out = Vec::new();
    for (table, want) in &wanted {
        match actual.get(table) {
            None => out.push(format!("{d:?}: table {table} is missing")),
            Some(got) if got != want => out.push(format!(
                "{d:?}: table {table}:\n  read back {got:?}\n  declared  {want:?}"
            )),
            Some(_) => {}
        }
    }
    let join_tables: BTreeSet<String> = schema_editor::table_names(d, state)
        .unwrap()
        .into_iter()
        .filter(|t| !wanted.contains_key(t))
        .collect();
    for t in &join_tables {
        if !actual.contains_key(t) {
            out.push(format!("{d:?}: join table {t} is missing"));
        }
    }
    for t in actual.keys() {
        if !wanted.contains_key(t) && !join_tables.contains(t) {
            out.push(format!("{d:?}: table {t} is left over"));
        }
    }
    out
}

/// Runs one case: `steps` (each the seeds of its edits) from no models at all, on fresh
/// databases of every configured backend.
async fn run_case(steps: &[Vec<Edit>]) -> Result<(), String> {
    let project = Project::new();
    let mut backends = backends().await;
    let mut schema = Schema::default();
    let mut log = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let before = schema.clone();
        let mut renames = Renames::default();
        let is_rename = |s: &Edit| matches!(s.0 % 16, 2 | 5);
        let edits: Vec<Edit> = match step.iter().find(|s| is_rename(s)) {
            // A rename is a step of its own: with other changes to the same thing, Django
            // would not see a rename either.
            Some(s) if !schema.models.is_empty() => vec![*s],
            _ => step.iter().copied().filter(|s| !is_rename(s)).collect(),
        };
        let applied: Vec<Edit> = edits
            .into_iter()
            .filter(|e| schema.edit(*e, &mut renames))
            .collect();
        log.push(format!("step {n}: edits {applied:?}, {renames:?}"));
        schema.undone_only_empty |= removed_without_value(&before, &schema);
        tally(|t| {
            t.steps += 1;
            for f in schema.models.iter().flat_map(|m| &m.fields) {
                if before.models.iter().all(|m| m.field(f.id).is_none()) {
                    let mut kind = format!("{:?}", f.kind);
                    kind.truncate(kind.find('(').unwrap_or(kind.len()));
                    if f.kind.is_key() && !f.null {
                        kind += " NOT NULL";
                    }
                    *t.kinds.entry(kind).or_default() += 1;
                }
            }
        });
        let fail = |what: String| {
            format!(
                "{what}\n\nsteps:\n{}\n\nmodels.rs:\n{}\n{}",
                log.join("\n"),
                schema.models_rs(),
                project.files()
            )
        };
        project.makemigrations(&schema, &renames).map_err(&fail)?;
        let pending = project.pending();
        if !pending.is_empty() {
            return Err(fail(format!(
                "makemigrations --check after the step still finds {pending:?}"
            )));
        }
        let migrations = project.migrations();
        let state =
            rjango::db::migrations::project_state(&migrations).map_err(|e| fail(e.to_string()))?;
        for backend in &mut backends {
            let d = backend.db.conn.dialect;
            let problems = async {
                let conn = &backend.db.conn;
                migrate(conn, &migrations, &Target::All)
                    .await
                    .map_err(|e| fail(format!("{d:?}: {e}")))?;
                let mut problems = schema_differences(conn, &state).await;
                backend.rows.evolve(&before, &schema);
                problems.extend(backend.rows.differences(&schema, &state, conn).await);
                let again = &backend.again.conn;
                migrate(again, &migrations, &Target::Zero(APP.into()))
                    .await
                    .map_err(|e| fail(format!("{d:?} migrate shop zero: {e}")))?;
                migrate(again, &migrations, &Target::All)
                    .await
                    .map_err(|e| fail(format!("{d:?} migrate forward again: {e}")))?;
                problems.extend(
                    schema_differences(again, &state)
                        .await
                        .into_iter()
                        .map(|p| format!("after zero and forward again: {p}")),
                );
                // Rows for the next step.
                for sql in backend.rows.insert(&schema, &state, d) {
                    conn.execute(&sql)
                        .await
                        .map_err(|e| fail(format!("{d:?} {sql}: {e}")))?;
                }
                Ok::<_, String>(problems)
            }
            .await?;
            if !problems.is_empty() {
                return Err(fail(problems.join("\n")));
            }
        }
        // Every backend inserted the same rows: a NOT NULL ForeignKey added later takes the
        // key of its target's first row.
        if let Some(rows) = backends.first().map(|b| &b.rows) {
            for m in &mut schema.models {
                m.first_row = rows
                    .values
                    .get(&m.id)
                    .and_then(|r| r.keys().next().copied());
            }
        }
    }
    // Last, back to zero on the databases holding rows (each step undone with its rows in
    // place), and forward again.
    if schema.undone_only_empty {
        return Ok(());
    }
    tally(|t| t.zero_with_rows += 1);
    let migrations = project.migrations();
    let state = rjango::db::migrations::project_state(&migrations).map_err(|e| e.to_string())?;
    for backend in &backends {
        let conn = &backend.db.conn;
        let d = conn.dialect;
        let fail = |what: String| {
            format!(
                "{what}\n\nsteps:\n{}\n\n{}",
                log.join("\n"),
                project.files()
            )
        };
        migrate(conn, &migrations, &Target::Zero(APP.into()))
            .await
            .map_err(|e| fail(format!("{d:?} migrate shop zero with rows: {e}")))?;
        migrate(conn, &migrations, &Target::All)
            .await
            .map_err(|e| fail(format!("{d:?} migrate forward after zero: {e}")))?;
        let problems = schema_differences(conn, &state).await;
        if !problems.is_empty() {
            return Err(fail(problems.join("\n")));
        }
    }
    Ok(())
}

/// The databases of every configured backend, two each.
async fn backends() -> Vec<Backend> {
    {
        let mut out = Vec::new();
        for d in DIALECTS {
            let (Some(db), Some(again)) = (TestDb::open(d).await, TestDb::open(d).await) else {
                continue;
            };
            out.push(Backend {
                db,
                rows: Rows::default(),
                again,
            });
        }
        out
    }
}

/// Whether the step removed a field that, as the last migration left it, is NOT NULL and
/// either has no default or has been unique: undoing the RemoveField needs a value for every
/// row, and a default gives every row the same one, which a unique field (now, or once the
/// undoing reaches the step that made it unique) refuses; in Django too. Judged against the
/// step's start, not the field's last state: a default, NULL or unique given to a field and
/// the field removed in one step migrate as the RemoveField alone.
fn removed_without_value(before: &Schema, after: &Schema) -> bool {
    before.models.iter().any(|m| {
        after.models.iter().any(|now| now.id == m.id)
            && m.fields.iter().any(|f| {
                after.model(m.id).field(f.id).is_none()
                    && !f.null
                    && (f.default.is_none() || f.was_unique)
                    && !matches!(f.kind, Kind::M2m(_))
            })
    })
}

fn steps() -> impl Strategy<Value = Vec<Vec<Edit>>> {
    prop::collection::vec(
        prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 1..=4),
        2..=10,
    )
}

/// Runs `cases` generated cases from `seed`; a failure is shrunk and printed as a regression.
fn run_seed(seed: u64, cases: u32) {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        max_shrink_iters: 100,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let ran = std::cell::Cell::new(0u32);
    let started = std::time::Instant::now();
    let result = runner.run(&steps(), |steps| {
        ran.set(ran.get() + 1);
        let outcome = rjango::__private::block_on(run_case(&steps)).map_err(TestCaseError::fail);
        // A long soak says how far it got, so a run cut short still has its figures. Runs past
        // `cases` are proptest shrinking a failure, which the failure's report says.
        if outcome.is_ok() && ran.get() <= cases && ran.get().is_multiple_of(100) {
            let (steps, rows) = TALLY.with(|t| {
                let t = t.borrow();
                (t.steps, t.rows_checked)
            });
            eprintln!(
                "evolutions: seed {seed}: {} of {cases} runs done, {steps} steps, {rows} rows and links compared, {:.0?}",
                ran.get(),
                started.elapsed()
            );
        }
        outcome
    });
    let tally = TALLY.with(|t| std::mem::take(&mut *t.borrow_mut()));
    eprintln!(
        "evolutions: seed {seed}: {} runs, {} steps, {} rows and links compared, {} ended at zero with rows; operations written: {:?}; fields added, by kind: {:?}",
        ran.get(),
        tally.steps,
        tally.rows_checked,
        tally.zero_with_rows,
        tally.operations,
        tally.kinds
    );
    match result {
        Ok(()) => eprintln!("evolutions: seed {seed}: {cases} cases passed"),
        Err(e) => panic!(
            "evolutions: seed {seed} failed (rerun it alone with RJANGO_EVOLUTION_SEED={seed} RJANGO_EVOLUTION_CASES={cases}); shrunk to the case below, which belongs in REGRESSIONS once fixed:\n{e}"
        ),
    }
}

fn cases() -> u32 {
    std::env::var("RJANGO_EVOLUTION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12)
}

/// The fixed seed, or the one `RJANGO_EVOLUTION_SEED` names.
#[test]
fn evolutions_from_the_fixed_seed() {
    let seed = std::env::var("RJANGO_EVOLUTION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FIXED_SEED);
    run_seed(seed, cases());
}

/// A random seed, printed, unless `RJANGO_EVOLUTION_SEED` names one (the other test runs it).
#[test]
fn evolutions_from_a_random_seed() {
    if std::env::var("RJANGO_EVOLUTION_SEED").is_ok() {
        eprintln!("evolutions: RJANGO_EVOLUTION_SEED is set; the fixed-seed test runs it");
        return;
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("evolutions: random seed {seed}");
    run_seed(seed, cases());
}

/// The cases shrunk from earlier failures, each on every backend.
#[test]
fn evolutions_that_once_failed() {
    for case in REGRESSIONS {
        let steps: Vec<Vec<Edit>> = case.iter().map(|s| s.to_vec()).collect();
        if let Err(e) = rjango::__private::block_on(run_case(&steps)) {
            panic!("{e}");
        }
    }
    eprintln!("evolutions: {} regression cases passed", REGRESSIONS.len());
}
