//! SQL for querysets, per dialect, written as Django's compiler writes it: each lookup is the
//! backend's own operator (Django's `operators` and `pattern_ops` tables), so a lookup answers
//! on each database what Django answers there (SQLite's LIKE ignores ASCII case, MariaDB's
//! default collation ignores case for `=`, PostgreSQL folds non-ASCII case in UPPER).
//! Hand-written rather than through sea-query for that reason: the operators are Django's,
//! not a portable approximation. Values are always bound parameters.

use sea_orm::Value;

use super::lookups::{Lookup, LookupKind, Node, Operand, Transform};
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
        match self.dialect {
            Dialect::Mysql => {
                self.text.push('`');
                self.text.push_str(name);
                self.text.push('`');
            }
            _ => {
                self.text.push('"');
                self.text.push_str(name);
                self.text.push('"');
            }
        }
    }

    pub fn param(&mut self, value: Value) {
        self.values.push(value);
        match self.dialect {
            Dialect::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
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

    /// A WHERE condition.
    pub fn node(&mut self, table: &str, node: &Node) {
        match node {
            Node::Lookup(l) => self.lookup(table, l),
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
                    self.node(table, n);
                }
                self.push(")");
            }
            Node::Not(n) => {
                self.push("NOT (");
                self.node(table, n);
                self.push(")");
            }
        }
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

    fn lookup(&mut self, table: &str, l: &Lookup) {
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
                    self.operand(table, v);
                }
                self.push(")");
            }
            Range => {
                self.lhs(table, l);
                self.push(" BETWEEN ");
                self.operand(table, &l.rhs[0]);
                self.push(" AND ");
                self.operand(table, &l.rhs[1]);
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
                self.operand(table, &l.rhs[0]);
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
                self.operand(table, &l.rhs[0]);
            }
            IExact | Contains | IContains | StartsWith | IStartsWith | EndsWith | IEndsWith => {
                self.pattern(table, l)
            }
        }
    }

    /// The LIKE lookups, with the value's `%`, `_` and `\` escaped as Django escapes them.
    fn pattern(&mut self, table: &str, l: &Lookup) {
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
                self.operand(table, other);
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
