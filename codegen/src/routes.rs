//! Django's `path()` route syntax: literal text with `<converter:name>` captures.

use std::fmt;

/// The converters of Django's `path()`, with the Rust type each passes to the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    Int,
    Str,
    Slug,
    Uuid,
    Path,
}

impl Converter {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "int" => Self::Int,
            "str" => Self::Str,
            "slug" => Self::Slug,
            "uuid" => Self::Uuid,
            "path" => Self::Path,
            _ => return None,
        })
    }
}

/// One piece of a route: text to match literally, or a typed capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Capture { converter: Converter, name: String },
}

/// Why a route string is not valid Django `path()` syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteError(pub String);

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a `path()` route as Django does: `<int:pk>`, `<slug>` (str by default).
pub fn parse_route(route: &str) -> Result<Vec<Segment>, RouteError> {
    if route.starts_with('/') {
        return Err(RouteError(format!(
            "route {route:?} starts with '/': Django's routes are relative (write {:?})",
            route.trim_start_matches('/')
        )));
    }
    if route.chars().any(char::is_whitespace) {
        return Err(RouteError(format!(
            "route {route:?} contains whitespace, which a URL path never matches"
        )));
    }
    let mut segments = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut rest = route;
    while let Some(open) = rest.find('<') {
        if open > 0 {
            segments.push(Segment::Literal(rest[..open].to_owned()));
        }
        let after = &rest[open + 1..];
        let close = after.find('>').ok_or_else(|| {
            RouteError(format!("route {route:?} has a '<' without its closing '>'"))
        })?;
        let inner = &after[..close];
        let (converter, name) = match inner.split_once(':') {
            Some((conv, name)) => {
                let converter = Converter::from_name(conv).ok_or_else(|| {
                    RouteError(format!(
                        "unknown converter {conv:?} in route {route:?}: the converters are int, str, slug, uuid and path"
                    ))
                })?;
                (converter, name)
            }
            None => (Converter::Str, inner),
        };
        if !is_identifier(name) {
            return Err(RouteError(format!(
                "{name:?} in route {route:?} is not a valid parameter name: use a Rust identifier"
            )));
        }
        if names.iter().any(|n| n == name) {
            return Err(RouteError(format!(
                "route {route:?} captures {name:?} twice: each parameter needs its own name"
            )));
        }
        names.push(name.to_owned());
        segments.push(Segment::Capture {
            converter,
            name: name.to_owned(),
        });
        rest = &after[close + 1..];
    }
    if rest.contains('>') {
        return Err(RouteError(format!(
            "route {route:?} has a '>' without an opening '<'"
        )));
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest.to_owned()));
    }
    Ok(segments)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_captures_and_literals() {
        let segs = parse_route("items/<int:item_id>/<slug>/").unwrap();
        assert_eq!(
            segs,
            vec![
                Segment::Literal("items/".into()),
                Segment::Capture {
                    converter: Converter::Int,
                    name: "item_id".into()
                },
                Segment::Literal("/".into()),
                Segment::Capture {
                    converter: Converter::Str,
                    name: "slug".into()
                },
                Segment::Literal("/".into()),
            ]
        );
        assert_eq!(parse_route("").unwrap(), vec![]);
    }

    #[test]
    fn rejects_what_django_rejects() {
        for bad in [
            "<float:x>/",
            "<int:1x>/",
            "<int:a>/<int:a>/",
            "/x/",
            "a b/",
            "<int:a/",
            "a>/",
        ] {
            assert!(parse_route(bad).is_err(), "{bad} should be rejected");
        }
    }
}
