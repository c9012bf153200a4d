//! SQL for querysets, per dialect, written as Django's compiler writes it: each lookup is the
//! backend's own operator (Django's `operators` and `pattern_ops` tables), so a lookup answers
//! on each database what Django answers there (SQLite's LIKE ignores ASCII case, MariaDB's
//! default collation ignores case for `=`, PostgreSQL folds non-ASCII case in UPPER).
//! Hand-written rather than through sea-query for that reason: the operators are Django's,
//! not a portable approximation. Values are always bound parameters.

use sea_orm::Value;

use super::FieldInfo;
use super::aggregates::{AggregateExpr, Cast, Function};
use super::functions::{DateKind, DateTimeKind, DbFunction};
use super::lookups::{Join, Lookup, LookupKind, Node, Operand, Transform};
use crate::db::Dialect;

/// SQL text with its parameters, numbered for PostgreSQL (`$1`) and `?` elsewhere.
#[derive(Debug)]
pub struct Sql {
    pub dialect: Dialect,
    pub text: String,
    pub values: Vec<Value>,
    /// The SELECTs being written, outermost first: each one's model table and the name its
    /// columns are qualified by (the table, or a subquery's alias). `OuterRef` reads them.
    pub(crate) frames: Vec<(&'static str, String)>,
    /// Name every selected item `col1`, `col2`...: a SELECT that is a derived table (counted,
    /// combined) may select two columns of one name, which MariaDB refuses there.
    pub(crate) col_aliases: bool,
    aliased: usize,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Self {
        Sql {
            dialect,
            text: String::with_capacity(128),
            values: Vec::new(),
            frames: Vec::new(),
            col_aliases: false,
            aliased: 0,
        }
    }

    /// ` AS "colN"` after a selected item of the outermost SELECT, when asked for.
    pub(crate) fn item_alias(&mut self) {
        if self.col_aliases && self.frames.len() == 1 {
            self.aliased += 1;
            let name = format!("col{}", self.aliased);
            self.push(" AS ");
            self.quote(&name);
        }
    }

    /// The name the columns of a SELECT of `table` are qualified by: the table itself at the
    /// top, an alias of its own in a subquery (the same table may be read inside and out).
    pub(crate) fn enter(&mut self, table: &'static str) -> String {
        let name = if self.frames.is_empty() {
            table.to_owned()
        } else {
            format!("s{}", self.frames.len())
        };
        self.frames.push((table, name.clone()));
        name
    }

    pub(crate) fn leave(&mut self) {
        self.frames.pop();
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
        self.operand(&Scope::plain(""), &field_operand(field, value));
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

    fn list(&mut self, scope: &Scope, operands: &[Operand]) {
        for (i, o) in operands.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.operand(scope, o);
        }
    }

    /// A value, a column or an expression, where `scope` says what its columns are read from.
    pub fn operand(&mut self, scope: &Scope, operand: &Operand) {
        match operand {
            Operand::Value(v) => self.param(v.clone()),
            Operand::Duration(us) => self.duration(*us),
            Operand::ByKey { key, values } => {
                self.push("CASE");
                for (k, v) in values {
                    self.push(" WHEN ");
                    self.column(scope.base, key);
                    self.push(" = ");
                    self.param(k.clone());
                    self.push(" THEN ");
                    self.operand(scope, v);
                }
                self.push(" END");
            }
            Operand::Column(c) => self.column(scope.base, c),
            Operand::Path(path, c) => self.column(scope.at(path), c),
            Operand::Binary(l, op, r) => {
                self.push("(");
                self.operand(scope, l);
                self.text.push(' ');
                self.text.push(*op);
                self.text.push(' ');
                self.operand(scope, r);
                self.push(")");
            }
            Operand::Func(f, args) => self.function(scope, *f, args),
            Operand::Case(whens, default) => {
                self.push("CASE");
                for (condition, value) in whens {
                    self.push(" WHEN ");
                    self.node(&scope.joined(), condition);
                    self.push(" THEN ");
                    self.operand(scope, value);
                }
                self.push(" ELSE ");
                self.operand(scope, default);
                self.push(" END");
            }
            Operand::Aggregate(a) => self.aggregate(scope, a),
            Operand::Subquery(q) => {
                self.push("(");
                q.write(self);
                self.push(")");
            }
            Operand::Exists(q) => {
                self.push("EXISTS(");
                q.write(self);
                self.push(")");
            }
            Operand::OuterRef(table, column) => {
                let table = *table;
                // The nearest enclosing SELECT of the field's model; else the one just
                // around the subquery (the model's table by name at the top).
                let enclosing = &self.frames[..self.frames.len().saturating_sub(1)];
                // No enclosing SELECT of that model: the table's own name, which the database
                // then reports as an unknown column rather than reading another model's.
                let name = enclosing
                    .iter()
                    .rev()
                    .find(|(t, _)| *t == table)
                    .map_or_else(|| table.to_owned(), |(_, n)| n.clone());
                self.column(&name, column);
            }
            Operand::Not(o) => {
                self.push("NOT (");
                self.operand(scope, o);
                self.push(")");
            }
        }
    }

    /// A database function, in the backend's own SQL (Django's `as_<vendor>`).
    fn function(&mut self, scope: &Scope, f: DbFunction, args: &[Operand]) {
        let d = self.dialect;
        match f {
            DbFunction::Lower | DbFunction::Upper | DbFunction::Coalesce => {
                self.push(match f {
                    DbFunction::Lower => "LOWER(",
                    DbFunction::Upper => "UPPER(",
                    _ => "COALESCE(",
                });
                self.list(scope, args);
                self.push(")");
            }
            DbFunction::Length => {
                self.push(if d == Dialect::Mysql {
                    "CHAR_LENGTH("
                } else {
                    "LENGTH("
                });
                self.list(scope, args);
                self.push(")");
            }
            DbFunction::Substr => {
                self.push(if d == Dialect::Sqlite {
                    "SUBSTR("
                } else {
                    "SUBSTRING("
                });
                self.list(scope, args);
                self.push(")");
            }
            DbFunction::Concat => {
                if d == Dialect::Mysql {
                    // CONCAT is NULL when a piece is; CONCAT_WS skips NULLs, as Django's
                    // Concat reads them (empty).
                    self.push("CONCAT_WS('', ");
                    self.list(scope, args);
                    self.push(")");
                } else {
                    self.push("(");
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            self.push(" || ");
                        }
                        self.push("COALESCE(");
                        self.operand(scope, a);
                        self.push(", '')");
                    }
                    self.push(")");
                }
            }
            DbFunction::Now => self.push(match d {
                Dialect::Postgres => "STATEMENT_TIMESTAMP()",
                // In UTC whatever the session's zone, as Django's connections are.
                Dialect::Mysql => "UTC_TIMESTAMP(6)",
                // Django's own text form of a datetime, which is how SQLite compares them.
                Dialect::Sqlite => "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')",
            }),
            DbFunction::Extract(part, aware) => {
                let arg = &args[0];
                self.part(part, aware, &|s: &mut Sql| s.operand(scope, arg));
            }
            DbFunction::Cast(types) => {
                self.push("CAST(");
                self.operand(scope, &args[0]);
                self.push(" AS ");
                self.push(match d {
                    Dialect::Postgres => types[0],
                    Dialect::Mysql => types[1],
                    Dialect::Sqlite => types[2],
                });
                self.push(")");
            }
            DbFunction::Trunc(kind, aware) => self.trunc(scope, kind, aware, &args[0]),
            DbFunction::TruncDateTime(kind) => self.trunc_datetime(scope, kind, &args[0]),
        }
    }

    /// An aware datetime truncated to a datetime, in UTC (Django's `Trunc*` of a
    /// DateTimeField, `datetimes()`). SQLite and MySQL give Django's own text form back.
    fn trunc_datetime(&mut self, scope: &Scope, kind: DateTimeKind, arg: &Operand) {
        use DateTimeKind::*;
        match self.dialect {
            Dialect::Postgres => {
                self.push("(DATE_TRUNC('");
                self.push(match kind {
                    Year => "year",
                    Month => "month",
                    Week => "week",
                    Day => "day",
                    Hour => "hour",
                    Minute => "minute",
                    Second => "second",
                });
                self.push("', ");
                self.operand(scope, arg);
                self.push(" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')");
            }
            Dialect::Sqlite => {
                self.push("STRFTIME('");
                self.push(match kind {
                    Year => "%Y-01-01 00:00:00",
                    Month => "%Y-%m-01 00:00:00",
                    Week | Day => "%Y-%m-%d 00:00:00",
                    Hour => "%Y-%m-%d %H:00:00",
                    Minute => "%Y-%m-%d %H:%M:00",
                    Second => "%Y-%m-%d %H:%M:%S",
                });
                self.push("', ");
                self.operand(scope, arg);
                if kind == Week {
                    self.push(", '-6 days', 'weekday 1'");
                }
                self.push(")");
            }
            Dialect::Mysql => {
                self.push("CAST(DATE_FORMAT(");
                if kind == Week {
                    self.push("DATE_SUB(");
                    self.operand(scope, arg);
                    self.push(", INTERVAL WEEKDAY(");
                    self.operand(scope, arg);
                    self.push(") DAY)");
                } else {
                    self.operand(scope, arg);
                }
                self.push(", '");
                self.push(match kind {
                    Year => "%Y-01-01 00:00:00",
                    Month => "%Y-%m-01 00:00:00",
                    Week | Day => "%Y-%m-%d 00:00:00",
                    Hour => "%Y-%m-%d %H:00:00",
                    Minute => "%Y-%m-%d %H:%i:00",
                    Second => "%Y-%m-%d %H:%i:%s",
                });
                self.push("') AS DATETIME(6))");
            }
        }
    }

    /// A date or datetime truncated to a date (a datetime's in UTC), as Django's `dates()`.
    fn trunc(&mut self, scope: &Scope, kind: DateKind, aware: bool, arg: &Operand) {
        let d = self.dialect;
        match d {
            Dialect::Postgres => {
                self.push("DATE_TRUNC('");
                self.push(match kind {
                    DateKind::Year => "year",
                    DateKind::Month => "month",
                    DateKind::Week => "week",
                    DateKind::Day => "day",
                });
                self.push("', ");
                self.operand(scope, arg);
                if aware {
                    self.push(" AT TIME ZONE 'UTC'");
                }
                self.push(")::date");
            }
            Dialect::Sqlite => {
                self.push("date(");
                self.operand(scope, arg);
                self.push(match kind {
                    DateKind::Year => ", 'start of year')",
                    DateKind::Month => ", 'start of month')",
                    DateKind::Week => ", '-6 days', 'weekday 1')",
                    DateKind::Day => ")",
                });
            }
            Dialect::Mysql => match kind {
                DateKind::Year => {
                    self.push("MAKEDATE(YEAR(");
                    self.operand(scope, arg);
                    self.push("), 1)");
                }
                DateKind::Month => {
                    self.push("CAST(DATE_FORMAT(");
                    self.operand(scope, arg);
                    self.push(", '%Y-%m-01') AS DATE)");
                }
                DateKind::Week => {
                    self.push("DATE_SUB(DATE(");
                    self.operand(scope, arg);
                    self.push("), INTERVAL WEEKDAY(");
                    self.operand(scope, arg);
                    self.push(") DAY)");
                }
                DateKind::Day => {
                    self.push("DATE(");
                    self.operand(scope, arg);
                    self.push(")");
                }
            },
        }
    }

    /// An aggregate, cast so the driver reads the type Django returns; with `filter=` as
    /// `FILTER (WHERE ...)` (a CASE inside it on MySQL, as Django writes it), with
    /// `default=` inside COALESCE.
    pub fn aggregate(&mut self, scope: &Scope, a: &AggregateExpr) {
        let d = self.dialect;
        let table = scope.at(&a.path).to_owned();
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
        if a.default.is_some() {
            self.push("COALESCE(");
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
        let case = a.filter.as_ref().filter(|_| d == Dialect::Mysql);
        if let Some(condition) = case {
            self.push("CASE WHEN ");
            self.node(&scope.joined(), condition);
            self.push(" THEN ");
        }
        match a.column {
            Some(c) => self.column(&table, c),
            None if case.is_some() => self.push("1"),
            None => self.push("*"),
        }
        if case.is_some() {
            self.push(" ELSE NULL END");
        }
        self.push(")");
        if let Some(condition) = a.filter.as_ref().filter(|_| d != Dialect::Mysql) {
            self.push(" FILTER (WHERE ");
            self.node(&scope.joined(), condition);
            self.push(")");
        }
        if let Some(default) = &a.default {
            self.push(", ");
            self.operand(scope, default);
            self.push(")");
        }
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
            Node::Expr(o) => self.operand(scope, o),
        }
    }

    /// One lookup where it stands: a negated lookup across a multi-valued relation is "no
    /// related row matches" (a subquery), and a negated lookup that may meet NULL keeps the
    /// NULL rows, as Django's `exclude` does.
    fn lookup_in(&mut self, scope: &Scope, l: &Lookup, negated: bool) {
        if negated && scope.split && as_subquery(l) {
            return self.no_related_row(scope, l);
        }
        let at = scope.alias_of(l);
        let guard = negated
            && l.lhs.is_none()
            && l.kind != LookupKind::IsNull
            && (l.nullable || !l.path.is_empty());
        if guard {
            self.push("(");
        }
        self.lookup(scope, at, l);
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
        self.lookup(scope, &last, l);
        self.push(" AND ");
        self.column("u0", first.to_column);
        self.push(" IS NOT NULL))");
    }

    /// The left-hand side of a lookup: the column (or the expression), through its
    /// transform.
    fn lhs(&mut self, scope: &Scope, table: &str, l: &Lookup) {
        if let Some(expr) = &l.lhs {
            return self.operand(scope, expr);
        }
        let Some((transform, aware)) = l.transform else {
            return self.column(table, l.column);
        };
        self.part(transform, aware, &|s: &mut Sql| s.column(table, l.column));
    }

    /// A date part of what `value` writes (a column, an expression), as Django's transforms
    /// and `Extract` read it.
    fn part(&mut self, transform: Transform, aware: bool, value: &dyn Fn(&mut Sql)) {
        let d = self.dialect;
        // PostgreSQL reads an aware timestamp's parts in the session's zone; Django sets it
        // to UTC, so read them in UTC whatever the server's zone.
        let col = |s: &mut Sql| {
            if aware && d == Dialect::Postgres {
                s.push("(");
                value(s);
                s.push(" AT TIME ZONE 'UTC')");
            } else {
                value(s);
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

    fn lookup(&mut self, scope: &Scope, table: &str, l: &Lookup) {
        use LookupKind::*;
        let d = self.dialect;
        match l.kind {
            IsNull => {
                self.lhs(scope, table, l);
                let null = matches!(l.rhs.first(), Some(Operand::Value(Value::Bool(Some(true)))));
                self.push(if null { " IS NULL" } else { " IS NOT NULL" });
            }
            In => {
                if l.rhs.is_empty() {
                    // Django raises EmptyResultSet: the condition matches nothing.
                    self.push("1 = 0");
                    return;
                }
                self.lhs(scope, table, l);
                self.push(" IN (");
                for (i, v) in l.rhs.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.operand(scope, v);
                }
                self.push(")");
            }
            Range => {
                self.lhs(scope, table, l);
                self.push(" BETWEEN ");
                self.operand(scope, &l.rhs[0]);
                self.push(" AND ");
                self.operand(scope, &l.rhs[1]);
            }
            Exact | Gt | Gte | Lt | Lte => {
                self.lhs(scope, table, l);
                self.push(match l.kind {
                    Exact => " = ",
                    Gt => " > ",
                    Gte => " >= ",
                    Lt => " < ",
                    _ => " <= ",
                });
                self.operand(scope, &l.rhs[0]);
            }
            Regex | IRegex => {
                let insensitive = l.kind == IRegex;
                self.lhs(scope, table, l);
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
                self.operand(scope, &l.rhs[0]);
            }
            IExact | Contains | IContains | StartsWith | IStartsWith | EndsWith | IEndsWith => {
                self.pattern(scope, table, l)
            }
        }
    }

    /// The LIKE lookups, with the value's `%`, `_` and `\` escaped as Django escapes them.
    fn pattern(&mut self, scope: &Scope, table: &str, l: &Lookup) {
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
        self.lhs(scope, table, l);
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
                self.operand(scope, other);
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
                let mut paths = Vec::new();
                if let Some(lhs) = &l.lhs {
                    lhs.paths(&mut paths);
                }
                l.rhs.iter().for_each(|r| r.paths(&mut paths));
                for path in paths {
                    self.add(Some(group), path);
                }
            }
            Node::And(nodes) | Node::Or(nodes) => {
                for n in nodes {
                    self.collect_in(group, n, negated);
                }
            }
            Node::Not(n) => self.collect_in(group, n, !negated),
            Node::Expr(o) => {
                let mut paths = Vec::new();
                o.paths(&mut paths);
                for path in paths {
                    self.add(Some(group), path);
                }
            }
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
        if path.is_empty() {
            return;
        }
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

    /// ` INNER JOIN "table" "j1" ON (...)` for each join along NOT NULL foreign keys, as
    /// Django writes it, and ` LEFT OUTER JOIN` for the rest (a NULL-able key, a reverse or
    /// many-to-many relation), where a row may find none; in the order they were added.
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
            sql.push(if e.path.iter().all(|j| j.always) {
                " INNER JOIN "
            } else {
                " LEFT OUTER JOIN "
            });
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

/// Where a condition or an expression is written: the base table (or its alias), its joins,
/// and which `filter()` call it is (None: an annotation, an ordering, a HAVING).
pub struct Scope<'a> {
    pub base: &'a str,
    pub joins: &'a Joins,
    pub group: Option<usize>,
    /// Whether a negated condition across a multi-valued relation becomes "no related row
    /// matches" (a subquery): true in WHERE, false inside `When(...)` and an aggregate's
    /// `filter=`, where Django applies the condition to the joined row (`split_subq=False`).
    pub split: bool,
}

/// No joins: an UPDATE's or an INSERT's values, which read the row's own columns only.
static NO_JOINS: Joins = Joins {
    entries: Vec::new(),
};

impl<'a> Scope<'a> {
    /// The row's own columns only.
    pub fn plain(base: &'a str) -> Scope<'a> {
        Scope {
            base,
            joins: &NO_JOINS,
            group: None,
            split: true,
        }
    }

    /// The alias the table at the end of `path` is read from.
    pub fn at(&self, path: &[Join]) -> &'a str {
        if path.is_empty() {
            return self.base;
        }
        self.joins.find(self.group, path).unwrap_or(self.base)
    }

    fn alias_of(&self, l: &Lookup) -> &'a str {
        self.at(&l.path)
    }

    /// The same scope, conditions applying to the joined rows (`When`, `filter=`).
    fn joined(&self) -> Scope<'a> {
        Scope {
            base: self.base,
            joins: self.joins,
            group: self.group,
            split: false,
        }
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
