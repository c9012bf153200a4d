//! SQL for querysets, per dialect, written as Django's compiler writes it: each lookup is the
//! backend's own operator (Django's `operators` and `pattern_ops` tables), so a lookup answers
//! on each database what Django answers there (SQLite's LIKE ignores ASCII case, MariaDB's
//! default collation ignores case for `=`, PostgreSQL folds non-ASCII case in UPPER).
//! Hand-written rather than through sea-query for that reason: the operators are Django's,
//! not a portable approximation. Values are always bound parameters.

use sea_orm::Value;

use super::FieldInfo;
use super::aggregates::{AggregateExpr, Cast, Function};
use super::lookups::{Join, Lookup, LookupKind, Node, Operand, Transform};
use crate::db::Dialect;

/// SQL text with its parameters, numbered for PostgreSQL (`$1`) and `?` elsewhere.
#[derive(Debug)]
pub struct Sql {
    pub dialect: Dialect,
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Self {
        Sql {
            dialect,
            text: String::with_capacity(128),
            values: Vec::new(),
        }
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    pub fn quote(&mut self, name: &str) {
        self.dialect.quote_into(&mut self.text, name);
    }

    pub fn param(&mut self, value: Value) {
        self.values.push(self.dialect.prepare(value));
        match self.dialect {
            Dialect::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
    }

    /// A DurationField's value: microseconds, which PostgreSQL turns into its `interval`.
    pub fn duration(&mut self, microseconds: Option<i64>) {
        if self.dialect == Dialect::Postgres {
            self.push("(");
            self.param(Value::BigInt(microseconds));
            self.push(" * INTERVAL '1 microsecond')");
        } else {
            self.param(Value::BigInt(microseconds));
        }
    }

    /// The value of the column `field` in an INSERT or UPDATE.
    pub fn field_value(&mut self, field: &FieldInfo, value: Value) {
        self.operand("", &field_operand(field, value));
    }

    /// ` IN ($1, $2, ...)` of integer keys.
    pub fn in_keys(&mut self, keys: &[i64]) {
        self.push(" IN (");
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(Value::BigInt(Some(*key)));
        }
        self.push(")");
    }

    /// A qualified column: `"blog_post"."title"`.
    pub fn column(&mut self, table: &str, column: &str) {
        self.quote(table);
        self.text.push('.');
        self.quote(column);
    }

    pub fn operand(&mut self, table: &str, operand: &Operand) {
        match operand {
            Operand::Value(v) => self.param(v.clone()),
            Operand::Duration(us) => self.duration(*us),
            Operand::ByKey { key, values } => {
                self.push("CASE");
                for (k, v) in values {
                    self.push(" WHEN ");
                    self.column(table, key);
                    self.push(" = ");
                    self.param(k.clone());
                    self.push(" THEN ");
                    self.operand(table, v);
                }
                self.push(" END");
            }
            Operand::Column(c) => self.column(table, c),
            Operand::Binary(l, op, r) => {
                self.push("(");
                self.operand(table, l);
                self.text.push(' ');
                self.text.push(*op);
                self.text.push(' ');
                self.operand(table, r);
                self.push(")");
            }
        }
    }

    /// An aggregate over `table`'s column, cast so the driver reads the type Django returns.
    pub fn aggregate(&mut self, table: &str, a: &AggregateExpr) {
        let d = self.dialect;
        let cast = match (a.cast, d) {
            (Cast::Integer, Dialect::Postgres) => Some("BIGINT"),
            (Cast::Integer, Dialect::Mysql) => Some("SIGNED"),
            (Cast::Float, Dialect::Postgres) => Some("DOUBLE PRECISION"),
            (Cast::Float, Dialect::Mysql) => Some("DOUBLE"),
            _ => None,
        };
        if cast.is_some() {
            self.push("CAST(");
        }
        self.push(match a.function {
            Function::Count => "COUNT(",
            Function::Sum => "SUM(",
            Function::Avg => "AVG(",
            Function::Min => "MIN(",
            Function::Max => "MAX(",
        });
        if a.distinct {
            self.push("DISTINCT ");
        }
        match a.column {
            Some(c) => self.column(table, c),
            None => self.push("*"),
        }
        self.push(")");
        if let Some(ty) = cast {
            self.push(" AS ");
            self.push(ty);
            self.push(")");
        }
    }

    /// A WHERE condition of one `filter()`/`exclude()` call (`scope.group`).
    pub fn node(&mut self, scope: &Scope, node: &Node) {
        self.node_in(scope, node, false)
    }

    fn node_in(&mut self, scope: &Scope, node: &Node, negated: bool) {
        match node {
            Node::Lookup(l) => self.lookup_in(scope, l, negated),
            Node::And(nodes) | Node::Or(nodes) => {
                let joiner = if matches!(node, Node::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                self.push("(");
                for (i, n) in nodes.iter().enumerate() {
                    if i > 0 {
                        self.push(joiner);
                    }
                    self.node_in(scope, n, negated);
                }
                self.push(")");
            }
            Node::Not(n) => {
                self.push("NOT (");
                self.node_in(scope, n, !negated);
                self.push(")");
            }
        }
    }

    /// One lookup where it stands: a negated lookup across a multi-valued relation is "no
    /// related row matches" (a subquery), and a negated lookup that may meet NULL keeps the
    /// NULL rows, as Django's `exclude` does.
    fn lookup_in(&mut self, scope: &Scope, l: &Lookup, negated: bool) {
        if negated && as_subquery(l) {
            return self.no_related_row(scope, l);
        }
        let at = scope.alias_of(l);
        let guard = negated && l.kind != LookupKind::IsNull && (l.nullable || !l.path.is_empty());
        if guard {
            self.push("(");
        }
        self.lookup(at, scope.base, l);
        if guard {
            self.push(" AND ");
            self.column(at, l.column);
            self.push(" IS NOT NULL)");
        }
    }

    /// `base.col IN (SELECT ... FROM related ... WHERE lookup)`: the positive side of an
    /// `exclude` across a multi-valued relation, so that NOT of it means "no related row
    /// matches", not "some related row does not match".
    fn no_related_row(&mut self, scope: &Scope, l: &Lookup) {
        let first = l.path[0];
        self.push("(");
        self.column(scope.base, first.from_column);
        self.push(" IS NOT NULL AND ");
        self.column(scope.base, first.from_column);
        self.push(" IN (SELECT ");
        self.column("u0", first.to_column);
        self.push(" FROM ");
        self.quote((first.table)());
        self.push(" ");
        self.quote("u0");
        for (i, j) in l.path.iter().enumerate().skip(1) {
            let (parent, alias) = (format!("u{}", i - 1), format!("u{i}"));
            self.push(" LEFT OUTER JOIN ");
            self.quote((j.table)());
            self.push(" ");
            self.quote(&alias);
            self.push(" ON (");
            self.column(&parent, j.from_column);
            self.push(" = ");
            self.column(&alias, j.to_column);
            self.push(")");
        }
        self.push(" WHERE ");
        let last = format!("u{}", l.path.len() - 1);
        self.lookup(&last, scope.base, l);
        self.push(" AND ");
        self.column("u0", first.to_column);
        self.push(" IS NOT NULL))");
    }

    /// The left-hand side of a lookup: the column, through its transform.
    fn lhs(&mut self, table: &str, l: &Lookup) {
        let Some((transform, aware)) = l.transform else {
            return self.column(table, l.column);
        };
        let d = self.dialect;
        // PostgreSQL reads an aware timestamp's parts in the session's zone; Django sets it
        // to UTC, so read them in UTC whatever the server's zone.
        let col = |s: &mut Sql| {
            if aware && d == Dialect::Postgres {
                s.push("(");
                s.column(table, l.column);
                s.push(" AT TIME ZONE 'UTC')");
            } else {
                s.column(table, l.column);
            }
        };
        match (d, transform) {
            (Dialect::Sqlite, Transform::Date) => {
                self.push("date(");
                col(self);
                self.push(")");
            }
            (Dialect::Sqlite, part) => {
                let (fmt, plus) = match part {
                    Transform::Year => ("%Y", ""),
                    Transform::Month => ("%m", ""),
                    Transform::Day => ("%d", ""),
                    _ => ("%w", " + 1"),
                };
                self.push("(CAST(strftime('");
                self.push(fmt);
                self.push("', ");
                col(self);
                self.push(") AS INTEGER)");
                self.push(plus);
                self.push(")");
            }
            (Dialect::Postgres, Transform::Date) => {
                self.push("(");
                col(self);
                self.push(")::date");
            }
            (Dialect::Postgres, Transform::WeekDay) => {
                self.push("(EXTRACT(DOW FROM ");
                col(self);
                self.push(")::integer + 1)");
            }
            (Dialect::Postgres, part) => {
                self.push("EXTRACT(");
                self.push(match part {
                    Transform::Year => "YEAR",
                    Transform::Month => "MONTH",
                    _ => "DAY",
                });
                self.push(" FROM ");
                col(self);
                self.push(")::integer");
            }
            (Dialect::Mysql, part) => {
                self.push(match part {
                    Transform::Year => "YEAR(",
                    Transform::Month => "MONTH(",
                    Transform::Day => "DAY(",
                    Transform::WeekDay => "DAYOFWEEK(",
                    Transform::Date => "DATE(",
                });
                col(self);
                self.push(")");
            }
        }
    }

    fn lookup(&mut self, table: &str, base: &str, l: &Lookup) {
        use LookupKind::*;
        let d = self.dialect;
        match l.kind {
            IsNull => {
                self.lhs(table, l);
                let null = matches!(l.rhs.first(), Some(Operand::Value(Value::Bool(Some(true)))));
                self.push(if null { " IS NULL" } else { " IS NOT NULL" });
            }
            In => {
                if l.rhs.is_empty() {
                    // Django raises EmptyResultSet: the condition matches nothing.
                    self.push("1 = 0");
                    return;
                }
                self.lhs(table, l);
                self.push(" IN (");
                for (i, v) in l.rhs.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.operand(base, v);
                }
                self.push(")");
            }
            Range => {
                self.lhs(table, l);
                self.push(" BETWEEN ");
                self.operand(base, &l.rhs[0]);
                self.push(" AND ");
                self.operand(base, &l.rhs[1]);
            }
            Exact | Gt | Gte | Lt | Lte => {
                self.lhs(table, l);
                self.push(match l.kind {
                    Exact => " = ",
                    Gt => " > ",
                    Gte => " >= ",
                    Lt => " < ",
                    _ => " <= ",
                });
                self.operand(base, &l.rhs[0]);
            }
            Regex | IRegex => {
                let insensitive = l.kind == IRegex;
                self.lhs(table, l);
                match d {
                    Dialect::Postgres => self.push(if insensitive { " ~* " } else { " ~ " }),
                    Dialect::Mysql => self.push(if insensitive {
                        " REGEXP "
                    } else {
                        " REGEXP BINARY "
                    }),
                    Dialect::Sqlite => self.push(" REGEXP "),
                }
                if insensitive && d == Dialect::Sqlite {
                    self.push("'(?i)' || ");
                }
                self.operand(base, &l.rhs[0]);
            }
            IExact | Contains | IContains | StartsWith | IStartsWith | EndsWith | IEndsWith => {
                self.pattern(table, base, l)
            }
        }
    }

    /// The LIKE lookups, with the value's `%`, `_` and `\` escaped as Django escapes them.
    fn pattern(&mut self, table: &str, base: &str, l: &Lookup) {
        use LookupKind::*;
        let d = self.dialect;
        let insensitive = matches!(l.kind, IExact | IContains | IStartsWith | IEndsWith);
        let (before, after) = match l.kind {
            IExact => ("", ""),
            Contains | IContains => ("%", "%"),
            StartsWith | IStartsWith => ("", "%"),
            _ => ("%", ""),
        };
        let rhs = &l.rhs[0];
        let upper = insensitive && d == Dialect::Postgres;
        if upper {
            self.push("UPPER(");
        }
        self.lhs(table, l);
        if upper {
            self.push(")");
        }
        self.push(match (d, insensitive) {
            (Dialect::Postgres, true) => " LIKE UPPER(",
            (Dialect::Postgres, false) => " LIKE ",
            (Dialect::Mysql, false) => " LIKE BINARY ",
            _ => " LIKE ",
        });
        match rhs {
            Operand::Value(Value::String(Some(s))) => self.param(Value::String(Some(format!(
                "{before}{}{after}",
                escape_like(s)
            )))),
            other => {
                // A pattern from another column (F): escaped by the database, as Django does.
                let (open, close) = match d {
                    Dialect::Mysql => ("CONCAT(", ")"),
                    _ => ("(", ")"),
                };
                let cat = |s: &mut Sql, part: &str| {
                    if !part.is_empty() {
                        s.push(if d == Dialect::Mysql { ", '" } else { " || '" });
                        s.push(part);
                        s.push("'");
                    }
                };
                self.push(open);
                if !before.is_empty() {
                    self.push("'%'");
                    self.push(if d == Dialect::Mysql { ", " } else { " || " });
                }
                self.push("REPLACE(REPLACE(REPLACE(");
                self.operand(base, other);
                self.push(if d == Dialect::Mysql {
                    ", '\\\\', '\\\\\\\\'), '%', '\\\\%'), '_', '\\\\_')"
                } else {
                    ", '\\', '\\\\'), '%', '\\%'), '_', '\\_')"
                });
                cat(self, after);
                self.push(close);
            }
        }
        if upper {
            self.push(")");
        }
        if d == Dialect::Sqlite {
            self.push(" ESCAPE '\\'");
        }
    }
}

/// A negated lookup across a multi-valued relation is written as a subquery.
fn as_subquery(l: &Lookup) -> bool {
    l.path.iter().any(|j| j.multi)
}

/// The tables a query joins, each under its own alias: a path of single-valued relations is
/// joined once for the whole query, one through a multi-valued relation once per `filter()`
/// call (Django's rule: conditions in one `filter()` must hold for the same related row,
/// conditions in two may hold for different ones).
#[derive(Debug, Default)]
pub struct Joins {
    entries: Vec<JoinEntry>,
}

#[derive(Debug)]
struct JoinEntry {
    group: Option<usize>,
    path: Vec<Join>,
    alias: String,
}

impl Joins {
    /// Registers the joins every lookup of `node` (in `filter()` call `group`) needs.
    pub fn collect(&mut self, group: usize, node: &Node) {
        self.collect_in(group, node, false)
    }

    fn collect_in(&mut self, group: usize, node: &Node, negated: bool) {
        match node {
            Node::Lookup(l) => {
                if !(negated && as_subquery(l)) {
                    self.add(Some(group), &l.path);
                }
            }
            Node::And(nodes) | Node::Or(nodes) => {
                for n in nodes {
                    self.collect_in(group, n, negated);
                }
            }
            Node::Not(n) => self.collect_in(group, n, !negated),
        }
    }

    fn key(group: Option<usize>, path: &[Join]) -> Option<usize> {
        if path.iter().any(|j| j.multi) {
            group
        } else {
            None
        }
    }

    /// Joins `path` (and each of its prefixes) unless already joined in `group`.
    pub fn add(&mut self, group: Option<usize>, path: &[Join]) {
        let key = Self::key(group, path);
        for n in 1..=path.len() {
            let prefix = &path[..n];
            if !self
                .entries
                .iter()
                .any(|e| e.group == key && e.path == prefix)
            {
                self.entries.push(JoinEntry {
                    group: key,
                    path: prefix.to_vec(),
                    alias: format!("j{}", self.entries.len() + 1),
                });
            }
        }
    }

    /// The alias `path` was joined under in `group`. With no group (an annotation or an
    /// ordering), a multi-valued path is looked up in any group, so an annotation counts the
    /// rows the `filter()` before it joined, as Django's does.
    pub fn find(&self, group: Option<usize>, path: &[Join]) -> Option<&str> {
        let key = Self::key(group, path);
        self.entries
            .iter()
            .find(|e| e.path == path && (e.group == key || group.is_none()))
            .map(|e| e.alias.as_str())
    }

    /// ` LEFT OUTER JOIN "table" "j1" ON (...)` for each join, in the order they were added.
    /// LEFT OUTER rather than Django's INNER for non-NULL paths: the rows are the same (a
    /// condition on a missing row is never true), and `isnull` across a relation needs it.
    pub fn write(&self, sql: &mut Sql, base: &str) {
        for e in &self.entries {
            let last = e.path[e.path.len() - 1];
            let parent = if e.path.len() == 1 {
                base
            } else {
                self.entries
                    .iter()
                    .find(|p| p.group == e.group && p.path[..] == e.path[..e.path.len() - 1])
                    .map_or(base, |p| p.alias.as_str())
            };
            sql.push(" LEFT OUTER JOIN ");
            sql.quote((last.table)());
            sql.push(" ");
            sql.quote(&e.alias);
            sql.push(" ON (");
            sql.column(parent, last.from_column);
            sql.push(" = ");
            sql.column(&e.alias, last.to_column);
            sql.push(")");
        }
    }
}

/// A column's value as an operand: a DurationField's stays a duration (an interval on
/// PostgreSQL).
pub fn field_operand(field: &FieldInfo, value: Value) -> Operand {
    match value {
        Value::BigInt(us) if field.duration => Operand::Duration(us),
        v => Operand::Value(v),
    }
}

/// Where a condition is written: the base table, its joins, and which `filter()` call it is.
pub struct Scope<'a> {
    pub base: &'a str,
    pub joins: &'a Joins,
    pub group: usize,
}

impl Scope<'_> {
    fn alias_of(&self, l: &Lookup) -> &str {
        if l.path.is_empty() {
            return self.base;
        }
        self.joins
            .find(Some(self.group), &l.path)
            .unwrap_or(self.base)
    }
}

/// Django's `prep_for_like_query`: the value's own wildcards match literally.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_off\"), r"50\%\_off\\");
    }
}
