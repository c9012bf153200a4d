//! Django's `Q` in a constraint, as models.rs and migration files write it:
//! `Q(views__gte = 0)`, `Q(status = "draft") | Q(published__isnull = false)`,
//! `!Q(end__lt = F("start"))` (Django's `~Q`), `Q(a = 1, b = 2)` (both). One parser and one
//! printer, shared by the models parser and the migration syntax, so a condition read from
//! models.rs is written to a migration and read back the same.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, UnOp};

use rjango_schema::{CONSTRAINT_LOOKUPS, Q, QValue, Value};

use crate::migrations::syntax::{value, value_text, value_tokens};

type R<T> = syn::Result<T>;

fn err<T>(span: Span, message: impl Into<String>) -> R<T> {
    Err(syn::Error::new(span, message.into()))
}

/// `Q(field__lookup = value, ...)` combined with `&`, `|`, `!` and parentheses.
pub fn parse_q(e: &Expr) -> R<Q> {
    match e {
        Expr::Paren(p) => parse_q(&p.expr),
        Expr::Group(g) => parse_q(&g.expr),
        Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => Ok(Q::Not(Box::new(parse_q(&u.expr)?))),
        Expr::Binary(b) if matches!(b.op, BinOp::BitAnd(_)) => {
            Ok(join(parse_q(&b.left)?, parse_q(&b.right)?, true))
        }
        Expr::Binary(b) if matches!(b.op, BinOp::BitOr(_)) => {
            Ok(join(parse_q(&b.left)?, parse_q(&b.right)?, false))
        }
        Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Q")) =>
        {
            let mut lookups = Vec::new();
            for arg in &c.args {
                let Expr::Assign(a) = arg else {
                    return err(
                        arg.span(),
                        "a Q takes lookups as `field__lookup = value`, e.g. Q(views__gte = 0)",
                    );
                };
                let Expr::Path(p) = &*a.left else {
                    return err(a.left.span(), "expected a field name, e.g. views__gte");
                };
                let Some(path) = p.path.get_ident() else {
                    return err(p.span(), "expected a field name, e.g. views__gte");
                };
                let path = path.to_string();
                let path = path.trim_start_matches("r#");
                lookups.push(lookup(path, &a.right, a.left.span())?);
            }
            match lookups.len() {
                0 => err(c.span(), "an empty Q() checks nothing: give it a lookup"),
                1 => Ok(lookups.remove(0)),
                _ => Ok(Q::And(lookups)),
            }
        }
        other => err(
            other.span(),
            "expected a Q: Q(views__gte = 0), combined with &, | and ! (Django's ~)",
        ),
    }
}

/// `a & b` (or `a | b`), flattening a chain of the same operator.
fn join(left: Q, right: Q, and: bool) -> Q {
    let mut items = Vec::new();
    for q in [left, right] {
        match (q, and) {
            (Q::And(inner), true) | (Q::Or(inner), false) => items.extend(inner),
            (q, _) => items.push(q),
        }
    }
    if and { Q::And(items) } else { Q::Or(items) }
}

/// One `field__lookup = value`.
fn lookup(path: &str, right: &Expr, span: Span) -> R<Q> {
    let (field, lookup) = match path.rsplit_once("__") {
        Some((field, lookup)) if CONSTRAINT_LOOKUPS.contains(&lookup) => (field, lookup),
        _ => (path, "exact"),
    };
    if field.contains("__") {
        return err(
            span,
            format!(
                "`{path}`: a constraint checks the row's own fields; joined field references are not permitted (Django's `{field}` would cross a relation), and a lookup must be one of {}",
                CONSTRAINT_LOOKUPS.join(", ")
            ),
        );
    }
    let value = match right {
        Expr::Call(c)
            if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("F")) && c.args.len() == 1 =>
        {
            match c.args.first() {
                Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                })) => QValue::F(s.value()),
                _ => return err(c.span(), "F takes a field name: F(\"start\")"),
            }
        }
        Expr::Array(a) => QValue::List(a.elems.iter().map(value).collect::<R<_>>()?),
        Expr::Tuple(t) => QValue::List(t.elems.iter().map(value).collect::<R<_>>()?),
        other => QValue::Value(value(other)?),
    };
    Ok(Q::Lookup {
        field: field.to_owned(),
        lookup: lookup.to_owned(),
        value,
    })
}

/// The Q as models.rs and migration files spell it.
pub fn q_text(q: &Q) -> String {
    fn inner(q: &Q, nested: bool) -> String {
        match q {
            Q::Lookup {
                field,
                lookup,
                value,
            } => {
                let path = if lookup == "exact" {
                    field.clone()
                } else {
                    format!("{field}__{lookup}")
                };
                let value = match value {
                    QValue::Value(v) => value_text(v),
                    QValue::List(items) => format!(
                        "[{}]",
                        items.iter().map(value_text).collect::<Vec<_>>().join(", ")
                    ),
                    QValue::F(f) => format!("F({f:?})"),
                };
                format!("Q({path} = {value})")
            }
            Q::And(items) | Q::Or(items) => {
                let op = if matches!(q, Q::And(_)) { " & " } else { " | " };
                let text = items
                    .iter()
                    .map(|i| inner(i, true))
                    .collect::<Vec<_>>()
                    .join(op);
                if nested { format!("({text})") } else { text }
            }
            Q::Not(q) => format!("!{}", inner(q, true)),
        }
    }
    inner(q, false)
}

/// The Q as the value the `migration!` macro compiles in (`S` is `rjango_schema`).
pub fn q_tokens(q: &Q) -> TokenStream {
    match q {
        Q::Lookup {
            field,
            lookup,
            value,
        } => {
            let value = match value {
                QValue::Value(v) => {
                    let v = value_tokens(v);
                    quote!(S::QValue::Value(#v))
                }
                QValue::List(items) => {
                    let items = items.iter().map(value_tokens);
                    quote!(S::QValue::List(::std::vec![#(#items),*]))
                }
                QValue::F(f) => quote!(S::QValue::F(::std::string::String::from(#f))),
            };
            quote!(S::Q::Lookup {
                field: ::std::string::String::from(#field),
                lookup: ::std::string::String::from(#lookup),
                value: #value,
            })
        }
        Q::And(items) => {
            let items = items.iter().map(q_tokens);
            quote!(S::Q::And(::std::vec![#(#items),*]))
        }
        Q::Or(items) => {
            let items = items.iter().map(q_tokens);
            quote!(S::Q::Or(::std::vec![#(#items),*]))
        }
        Q::Not(q) => {
            let q = q_tokens(q);
            quote!(S::Q::Not(::std::boxed::Box::new(#q)))
        }
    }
}

/// Whether `value` can be compared with a field that accepts `accepts` by `lookup`: the
/// values a lookup needs (a list for `in`, two for `range`, a bool for `isnull`, text for the
/// text lookups), each of the field's type.
pub fn value_fits(
    lookup: &str,
    value: &QValue,
    accepts: impl Fn(&Value) -> bool,
    text: bool,
) -> Result<(), String> {
    match (lookup, value) {
        ("exact" | "iexact" | "gt" | "gte" | "lt" | "lte", QValue::F(_)) => Ok(()),
        // Django takes F() there too; rjango's constraints do not render it yet.
        (_, QValue::F(_)) => Err(format!(
            "{lookup} in a constraint compares with a value, not another field (F)"
        )),
        ("exact" | "iexact", QValue::Value(Value::Null)) => Ok(()),
        (_, QValue::Value(Value::Null)) => Err(
            "Cannot use None as a query value (Django's words): write `field__isnull = true`"
                .into(),
        ),
        ("isnull", QValue::Value(Value::Bool(_))) => Ok(()),
        ("isnull", _) => Err("isnull takes true or false".into()),
        ("in", QValue::List(items)) if !items.is_empty() && items.iter().all(&accepts) => Ok(()),
        ("in", _) => Err("in takes a list of the field's values: [1, 2]".into()),
        ("range", QValue::List(items)) if items.len() == 2 && items.iter().all(&accepts) => Ok(()),
        ("range", _) => Err("range takes two of the field's values: (1, 10)".into()),
        (
            "iexact" | "contains" | "icontains" | "startswith" | "istartswith" | "endswith"
            | "iendswith",
            QValue::Value(Value::Str(_)),
        ) if text => Ok(()),
        (
            "iexact" | "contains" | "icontains" | "startswith" | "istartswith" | "endswith"
            | "iendswith",
            _,
        ) => Err(format!(
            "{lookup} compares text: it needs a text field and a string"
        )),
        (_, QValue::Value(v)) if *v != Value::Now && accepts(v) => Ok(()),
        _ => Err("the value does not fit the field's type".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Q {
        parse_q(&syn::parse_str(text).unwrap()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn round_trips() {
        for text in [
            "Q(views__gte = 0)",
            "Q(status = \"draft\")",
            "Q(views__gte = 0) & Q(likes__gte = 0)",
            "Q(a = 1) | (Q(b__lt = 2) & Q(c__isnull = false))",
            "!Q(end__lt = F(\"start\"))",
            "Q(kind__in = [\"a\", \"b\"])",
            "Q(score__range = [1, 10])",
            "Q(price__gt = Decimal(\"1.50\"))",
        ] {
            assert_eq!(q_text(&q(text)), text);
        }
        assert_eq!(q_text(&q("Q(a = 1, b = 2)")), "Q(a = 1) & Q(b = 2)");
        assert_eq!(q_text(&q("Q(r = (1, 2))")), "Q(r = [1, 2])");
    }

    #[test]
    fn refusals() {
        let e = |text: &str| {
            parse_q(&syn::parse_str(text).unwrap())
                .unwrap_err()
                .to_string()
        };
        assert!(e("Q()").contains("empty Q()"));
        assert!(e("Q(author__name = \"x\")").contains("joined field references are not permitted"));
        assert!(e("views >= 0").contains("expected a Q"));
        assert!(e("Q(1)").contains("field__lookup = value"));
    }

    /// Django's refusal of None but for exact and iexact (both `IS NULL`); F only where rjango
    /// renders two columns compared.
    #[test]
    fn values_a_lookup_takes() {
        let fits = |lookup: &str, text: &str| {
            let value = match q(&format!("Q(x__{lookup} = {text})")) {
                Q::Lookup { value, .. } => value,
                other => panic!("{other:?}"),
            };
            value_fits(lookup, &value, |_| true, true)
        };
        assert_eq!(fits("exact", "None"), Ok(()));
        assert!(
            fits("gt", "None")
                .unwrap_err()
                .contains("Cannot use None as a query value")
        );
        assert_eq!(fits("iexact", "None"), Ok(()));
        assert_eq!(fits("lt", "F(\"y\")"), Ok(()));
        assert!(
            fits("contains", "F(\"y\")")
                .unwrap_err()
                .contains("not another field")
        );
        assert!(fits("in", "F(\"y\")").is_err());
        assert_eq!(fits("contains", "\"a\""), Ok(()));
    }
}
