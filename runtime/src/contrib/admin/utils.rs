//! Fields reached across a foreign key (Django's `author__name` in `list_display`,
//! `search_fields` and `ordering`; Django's `admin/utils.py` follows such paths). The
//! `#[admin::register]` macro sees only the model's own fields, so the related model's are
//! found by name in its `Model::FIELDS`: checked when the project compiles (a const
//! assertion, [`has_field`]) and read from the row `select_related` put in the foreign key.

use super::display::EMPTY_VALUE_DISPLAY;
use super::options::Cell;
use crate::models::lookups::{Lookup, LookupKind, Node, Operand, OrderBy, Relation, Term};
use crate::models::{FieldInfo, Model, Q};

/// Whether `M` has a field `name`: a const fn, so a misspelled `author__nmae` fails to compile.
pub const fn has_field<M: Model>(name: &str) -> bool {
    let fields = M::FIELDS;
    let mut i = 0;
    while i < fields.len() {
        if same(fields[i].name, name) {
            return true;
        }
        i += 1;
    }
    false
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

fn field<M: Model>(name: &str) -> (usize, &'static FieldInfo) {
    M::FIELDS
        .iter()
        .enumerate()
        .find(|(_, f)| f.name == name)
        .unwrap_or_else(|| {
            panic!(
                "{} has no field `{name}` (checked when it compiled)",
                M::NAME
            )
        })
}

/// The column header of a related field: its name made readable ("Name").
pub fn related_label<M: Model>(name: &str) -> String {
    let (_, f) = field::<M>(name);
    super::display::capfirst(&f.name.replace('_', " "))
}

/// The cell of a related field: the related row's value, or "-" when there is no row.
pub fn related_cell<M: Model>(row: Option<&M>, name: &str) -> Cell {
    let Some(row) = row else {
        return Cell::Text(EMPTY_VALUE_DISPLAY.into());
    };
    let (index, _) = field::<M>(name);
    row.values().get(index).map_or(
        Cell::Text(EMPTY_VALUE_DISPLAY.into()),
        super::display::value_cell,
    )
}

/// Ordering by a field of the row a foreign key reaches (Django's `order_by("author__name")`).
pub fn related_order<R: Relation>(name: &str, descending: bool) -> OrderBy<R::From> {
    let (_, f) = field::<R::To>(name);
    OrderBy::new(
        Term::Column {
            path: R::joins(),
            column: f.column,
        },
        descending,
    )
}

/// A search word on a field of the related row, with Django's prefixes: `^` starts with,
/// `=` is exactly, else contains; case-insensitive.
pub fn related_search<R: Relation>(name: &str, prefix: Option<char>, word: &str) -> Q<R::From> {
    let (_, f) = field::<R::To>(name);
    let kind = match prefix {
        Some('^') => LookupKind::IStartsWith,
        Some('=') => LookupKind::IExact,
        _ => LookupKind::IContains,
    };
    Q::new(Node::Lookup(Lookup {
        path: R::joins(),
        lhs: None,
        column: f.column,
        nullable: true,
        transform: None,
        kind,
        rhs: vec![Operand::Value(sea_orm::Value::String(Some(
            word.to_owned(),
        )))],
    }))
}
