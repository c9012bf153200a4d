//! URL resolution and reversing over a compiled URLconf tree, installed once per process.
//!
//! Matching follows Django's `URLResolver`: entries in order, first match wins; an include
//! matches its prefix and resolves the rest in the included patterns; every miss is recorded
//! for the DEBUG 404 page.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use regex_lite::Regex;

use super::conf::{Converter, Entry, ErrorHandlers, Segment, UrlConf};
use super::handler::ErasedView;
use crate::http::ResolverMatch;

enum Matcher {
    /// A route with no converters: compared as text, no regex needed.
    Literal(&'static str),
    /// A route whose captures can be matched by hand, each taking the longest run of
    /// characters its converter allows: that is the regex's match whenever what follows a
    /// capture cannot start inside such a run (`<int:pk>/`, `<slug:s>/`, a UUID). A regex
    /// costs an allocation and a few hundred instructions per route tried, on every request.
    Segments(Vec<Segment>),
    /// The rest (a `<path:...>`, or a capture followed by text its converter could take),
    /// matched by a regex as Django does; `prefix` is its leading text, checked first.
    Pattern(Regex, Vec<(Converter, &'static str)>, &'static str),
}

impl Matcher {
    fn new(segments: &[Segment], endpoint: bool) -> Self {
        if let [Segment::Literal(text)] = segments {
            return Matcher::Literal(text);
        }
        if segments.is_empty() {
            return Matcher::Literal("");
        }
        if by_hand(segments) {
            return Matcher::Segments(segments.to_vec());
        }
        Matcher::regex(segments, endpoint)
    }

    fn regex(segments: &[Segment], endpoint: bool) -> Self {
        let prefix = match segments.first() {
            Some(Segment::Literal(text)) => *text,
            _ => "",
        };
        let mut re = String::from("^");
        let mut captures = Vec::new();
        for seg in segments {
            match seg {
                Segment::Literal(text) => re.push_str(&regex_lite::escape(text)),
                Segment::Capture(conv, name) => {
                    re.push('(');
                    re.push_str(conv.regex());
                    re.push(')');
                    captures.push((*conv, *name));
                }
            }
        }
        if endpoint {
            re.push_str("\\z");
        }
        let regex = Regex::new(&re).expect("urlpatterns! produces valid patterns");
        Matcher::Pattern(regex, captures, prefix)
    }

    /// The length matched and the captured values, or None.
    fn matches(
        &self,
        path: &str,
        endpoint: bool,
        out: &mut Vec<(String, String)>,
    ) -> Option<usize> {
        match self {
            Matcher::Literal(text) => {
                let hit = if endpoint {
                    path == *text
                } else {
                    path.starts_with(text)
                };
                hit.then_some(text.len())
            }
            Matcher::Segments(segments) => match_segments(segments, path, endpoint, out),
            Matcher::Pattern(regex, convs, prefix) => {
                if !path.starts_with(prefix) {
                    return None;
                }
                let caps = regex.captures(path)?;
                let start = out.len();
                for (i, (conv, name)) in convs.iter().enumerate() {
                    let value = caps.get(i + 1)?.as_str();
                    if !conv.accepts(value) {
                        out.truncate(start);
                        return None;
                    }
                    out.push(((*name).to_owned(), value.to_owned()));
                }
                Some(caps.get(0)?.end())
            }
        }
    }
}

/// Whether `segments` can be matched by hand (see `Matcher::Segments`).
fn by_hand(segments: &[Segment]) -> bool {
    segments.iter().enumerate().all(|(i, seg)| match seg {
        Segment::Literal(_) => true,
        Segment::Capture(Converter::Path, _) => false,
        // Fixed length: nothing after it changes where it ends.
        Segment::Capture(Converter::Uuid, _) => true,
        Segment::Capture(conv, _) => match segments.get(i + 1) {
            None => true,
            Some(Segment::Literal(text)) => text.bytes().next().is_some_and(|b| !takes(*conv, b)),
            Some(Segment::Capture(..)) => false,
        },
    })
}

/// Whether a run of `conv` may hold the byte `b` (its regex's character class).
fn takes(conv: Converter, b: u8) -> bool {
    match conv {
        Converter::Int => b.is_ascii_digit(),
        Converter::Str | Converter::Path => b != b'/',
        Converter::Slug => b.is_ascii_alphanumeric() || b == b'-' || b == b'_',
        Converter::Uuid => b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-',
    }
}

/// The length of `path` the segments match from its start (all of it for an `endpoint`),
/// their captures pushed to `out`; None (and `out` as it was) when they do not match.
fn match_segments(
    segments: &[Segment],
    path: &str,
    endpoint: bool,
    out: &mut Vec<(String, String)>,
) -> Option<usize> {
    let start = out.len();
    let mut at = 0;
    for seg in segments {
        let rest = &path[at..];
        let len = match seg {
            Segment::Literal(text) => rest.starts_with(text).then_some(text.len()),
            Segment::Capture(Converter::Uuid, name) => {
                let value = rest.get(..36).filter(|v| Converter::Uuid.matches_whole(v));
                value.map(|v| {
                    out.push(((*name).to_owned(), v.to_owned()));
                    36
                })
            }
            Segment::Capture(conv, name) => {
                let n = rest.bytes().take_while(|b| takes(*conv, *b)).count();
                // The run ends at an ASCII byte or the end: a character boundary.
                let value = &rest[..n];
                (n > 0 && conv.accepts(value)).then(|| {
                    out.push(((*name).to_owned(), value.to_owned()));
                    n
                })
            }
        };
        match len {
            Some(len) => at += len,
            None => {
                out.truncate(start);
                return None;
            }
        }
    }
    if endpoint && at != path.len() {
        out.truncate(start);
        return None;
    }
    Some(at)
}

enum Node {
    Route {
        matcher: Matcher,
        route: &'static str,
        name: Option<&'static str>,
        view: ErasedView,
        csrf_exempt: bool,
        /// How the DEBUG 404 page lists it: `blog/ [namespace='blog'] <int:pk>/ [name='x']`.
        label: String,
    },
    Include {
        matcher: Matcher,
        prefix: &'static str,
        namespace: Option<&'static str>,
        children: Vec<Node>,
        label: String,
    },
}

/// A matched route: the view to call and what Django's `request.resolver_match` holds.
pub(crate) struct Found<'r> {
    /// Borrowed from the resolver, which lives as long as the server: no reference count
    /// is taken and dropped per request.
    pub view: &'r ErasedView,
    pub args: Vec<String>,
    pub resolver_match: ResolverMatch,
    /// The view is `csrf_exempt`.
    pub csrf_exempt: bool,
}

pub(crate) enum Resolved<'r> {
    Match(Found<'r>),
    /// No route matched; the patterns tried, one line each, for the DEBUG 404 page.
    NotFound(Vec<String>),
}

/// The compiled root URLconf with its error handlers and reverse table.
pub(crate) struct Resolver {
    module: &'static str,
    nodes: Vec<Node>,
    pub handlers: ErrorHandlers,
    reverse: HashMap<String, Vec<Vec<Segment>>>,
}

static INSTALLED: OnceLock<Arc<Resolver>> = OnceLock::new();

/// The resolver of this process, if one was installed.
pub(crate) fn installed() -> Option<&'static Arc<Resolver>> {
    INSTALLED.get()
}

impl Resolver {
    /// Compiles the root URLconf and installs it for the process (the first one installed
    /// stays: a process serves one project). Returns the installed resolver.
    pub fn install(root: UrlConf) -> &'static Arc<Resolver> {
        INSTALLED.get_or_init(|| Arc::new(Resolver::compile(root)))
    }

    pub fn compile(root: UrlConf) -> Resolver {
        let mut reverse = HashMap::new();
        let module = root.module;
        let handlers = root.handlers.clone();
        let nodes = compile_entries(root.entries, &[], &[], "", &mut reverse);
        Resolver {
            module,
            nodes,
            handlers,
            reverse,
        }
    }

    /// The module of the root URLconf, for the DEBUG 404 page.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// True when the root URLconf declares no patterns at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// True when the root URLconf holds only what startproject wrote (the admin at `admin/`
    /// and the auth pages under `accounts/`): DEBUG then shows the welcome page at `/`, as
    /// Django does for its admin-only URLconf.
    pub fn is_startproject_default(&self) -> bool {
        const DEFAULT: &[&str] = &["login", "logout", "password_change", "password_change_done"];
        !self.nodes.is_empty()
            && self.nodes.iter().all(|n| match n {
                Node::Route {
                    route,
                    name: Some(name),
                    ..
                } => route.starts_with("accounts/") && DEFAULT.contains(name),
                Node::Include {
                    prefix, namespace, ..
                } => *prefix == "admin/" && *namespace == Some("admin"),
                _ => false,
            })
    }

    /// Resolves a request path (with its leading `/`). The patterns tried are collected only
    /// when `collect_tried` (the DEBUG 404 page needs them; production does not pay for them).
    pub fn resolve(&self, path: &str, collect_tried: bool) -> Resolved<'_> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let mut tried_list = Vec::new();
        let mut tried = collect_tried.then_some(&mut tried_list);
        let mut kwargs = Vec::new();
        let mut namespaces = Vec::new();
        let mut prefixes = String::new();
        let found = resolve_in(
            &self.nodes,
            path,
            &mut kwargs,
            &mut namespaces,
            &mut prefixes,
            &mut tried,
        );
        match found {
            Some((view, name, csrf_exempt, route)) => {
                let args = kwargs.iter().map(|(_, v)| v.clone()).collect();
                // The route as declared, unless includes' prefixes come before it: most
                // requests then build no string for it.
                let route = if prefixes.is_empty() {
                    Cow::Borrowed(route)
                } else {
                    prefixes.push_str(route);
                    Cow::Owned(prefixes)
                };
                Resolved::Match(Found {
                    view,
                    csrf_exempt,
                    args,
                    resolver_match: ResolverMatch {
                        route,
                        url_name: name,
                        namespaces,
                        kwargs,
                    },
                })
            }
            None => Resolved::NotFound(tried_list),
        }
    }

    /// The URL of a named route (`"blog:post-detail"`) with positional arguments.
    pub fn reverse(
        &self,
        name: &str,
        args: &[&dyn fmt::Display],
    ) -> Result<String, NoReverseMatch> {
        let candidates = self.reverse.get(name).ok_or_else(|| NoReverseMatch {
            message: format!("Reverse for {name:?} not found: no route has that name."),
        })?;
        let values: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        'candidates: for segments in candidates.iter().rev() {
            let captures: Vec<_> = segments
                .iter()
                .filter_map(|s| match s {
                    Segment::Capture(c, _) => Some(*c),
                    Segment::Literal(_) => None,
                })
                .collect();
            if captures.len() != values.len() {
                continue;
            }
            let mut url = String::from("/");
            let mut vi = 0;
            for seg in segments {
                match seg {
                    Segment::Literal(t) => url.push_str(&super::escape_path(t)),
                    Segment::Capture(conv, _) => {
                        let v = &values[vi];
                        vi += 1;
                        if !conv.matches_whole(v) {
                            continue 'candidates;
                        }
                        url.push_str(&if *conv == Converter::Path {
                            super::escape_path(v)
                        } else {
                            super::escape_segment(v)
                        });
                    }
                }
            }
            return Ok(super::escape_leading_slashes(url));
        }
        Err(NoReverseMatch {
            message: format!(
                "Reverse for {name:?} with arguments {values:?} not found: no pattern of that name accepts them."
            ),
        })
    }
}

fn compile_entries(
    entries: Vec<Entry>,
    prefix: &[Segment],
    namespaces: &[&'static str],
    shown_prefix: &str,
    reverse: &mut HashMap<String, Vec<Vec<Segment>>>,
) -> Vec<Node> {
    entries
        .into_iter()
        .map(|entry| match entry {
            Entry::Route(r) => {
                if let Some(name) = r.name {
                    let key = namespaces
                        .iter()
                        .copied()
                        .chain([name])
                        .collect::<Vec<_>>()
                        .join(":");
                    let mut full = prefix.to_vec();
                    full.extend_from_slice(r.segments);
                    reverse.entry(key).or_default().push(full);
                }
                let named = r.name.map(|n| format!(" [name='{n}']")).unwrap_or_default();
                Node::Route {
                    matcher: Matcher::new(r.segments, true),
                    route: r.route,
                    name: r.name,
                    view: r.view,
                    csrf_exempt: r.csrf_exempt,
                    label: format!("{shown_prefix}{}{named}", r.route),
                }
            }
            Entry::Include(inc) => {
                let mut full = prefix.to_vec();
                full.extend_from_slice(inc.segments);
                let mut ns = namespaces.to_vec();
                ns.extend(inc.namespace);
                let label = match inc.namespace {
                    Some(n) => format!("{shown_prefix}{} [namespace='{n}']", inc.prefix),
                    None => format!("{shown_prefix}{}", inc.prefix),
                };
                let children =
                    compile_entries(inc.conf.entries, &full, &ns, &format!("{label} "), reverse);
                Node::Include {
                    matcher: Matcher::new(inc.segments, false),
                    prefix: inc.prefix,
                    namespace: inc.namespace,
                    children,
                    label,
                }
            }
        })
        .collect()
}

/// Where resolution collects the patterns it tried: only for the DEBUG 404 page.
type Tried<'a> = Option<&'a mut Vec<String>>;

fn resolve_in<'r>(
    nodes: &'r [Node],
    path: &str,
    kwargs: &mut Vec<(String, String)>,
    namespaces: &mut Vec<&'static str>,
    route_out: &mut String,
    tried: &mut Tried<'_>,
) -> Option<(&'r ErasedView, Option<&'static str>, bool, &'static str)> {
    for node in nodes {
        match node {
            Node::Route {
                matcher,
                route,
                name,
                view,
                csrf_exempt,
                label,
            } => {
                let mark = kwargs.len();
                if matcher.matches(path, true, kwargs).is_some() {
                    return Some((view, *name, *csrf_exempt, route));
                }
                kwargs.truncate(mark);
                if let Some(t) = tried.as_deref_mut() {
                    t.push(label.clone());
                }
            }
            Node::Include {
                matcher,
                prefix,
                namespace,
                children,
                label,
            } => {
                let mark = kwargs.len();
                if let Some(len) = matcher.matches(path, false, kwargs) {
                    namespaces.extend(namespace);
                    let before = route_out.len();
                    route_out.push_str(prefix);
                    if let Some(found) =
                        resolve_in(children, &path[len..], kwargs, namespaces, route_out, tried)
                    {
                        return Some(found);
                    }
                    route_out.truncate(before);
                    if namespace.is_some() {
                        namespaces.pop();
                    }
                } else if let Some(t) = tried.as_deref_mut() {
                    // As Django: an include whose prefix did not match is listed by itself.
                    t.push(label.clone());
                }
                kwargs.truncate(mark);
            }
        }
    }
    None
}

/// Django's `NoReverseMatch`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("NoReverseMatch: {message}")]
pub struct NoReverseMatch {
    message: String,
}

/// The URL of a named route: `reverse("blog:post-detail", &[&42])` → `/blog/posts/42/`.
/// The generated `crate::generated::reverse` functions do the same, checked at compile time.
pub fn reverse(name: &str, args: &[&dyn fmt::Display]) -> Result<String, NoReverseMatch> {
    let resolver = installed().ok_or_else(|| NoReverseMatch {
        message: "no URLconf is installed yet (reverse is available once the project starts)"
            .into(),
    })?;
    resolver.reverse(name, args)
}

#[cfg(test)]
mod tests {
    use super::Resolver;
    use crate::urls::conf::{Segment, UrlConf};

    async fn view(_: crate::http::HttpRequest) -> &'static str {
        ""
    }

    /// startproject's URLconf: the admin included at `admin/`, the auth pages under
    /// `accounts/`; DEBUG shows the welcome page at `/` for it, and for no other.
    #[test]
    fn startprojects_urlconf_is_the_default() {
        let admin = || {
            UrlConf::new("mysite::generated::admin").path(
                crate::urls::__private::route::<(), (), _>("", &[], Some("index"), view),
            )
        };
        let login = || {
            crate::urls::__private::route::<(), (), _>(
                "accounts/login/",
                &[Segment::Literal("accounts/login/")],
                Some("login"),
                view,
            )
        };
        let root = UrlConf::new("mysite::urls")
            .include(
                "admin/",
                &[Segment::Literal("admin/")],
                Some("admin"),
                admin(),
            )
            .path(login());
        assert!(Resolver::compile(root).is_startproject_default());
        let other = UrlConf::new("mysite::urls")
            .include("blog/", &[Segment::Literal("blog/")], Some("blog"), admin())
            .path(login());
        assert!(!Resolver::compile(other).is_startproject_default());
    }

    /// Django's `request.resolver_match`: the route with the prefixes of its includes, the
    /// name, the namespaces outermost first, and `view_name`.
    #[test]
    fn the_resolver_match_names_the_route_through_its_includes() {
        let posts =
            UrlConf::new("site::blog::urls").path(crate::urls::__private::route::<(), (), _>(
                "posts/",
                &[Segment::Literal("posts/")],
                Some("post-list"),
                view,
            ));
        let root = UrlConf::new("site::urls")
            .path(crate::urls::__private::route::<(), (), _>(
                "about/",
                &[Segment::Literal("about/")],
                Some("about"),
                view,
            ))
            .include("blog/", &[Segment::Literal("blog/")], Some("blog"), posts);
        let resolver = Resolver::compile(root);
        let matched = |path| match resolver.resolve(path, false) {
            super::Resolved::Match(found) => found.resolver_match,
            super::Resolved::NotFound(_) => panic!("{path} did not resolve"),
        };
        let m = matched("/blog/posts/");
        assert_eq!(m.route, "blog/posts/");
        assert_eq!(m.url_name, Some("post-list"));
        assert_eq!(m.namespaces, ["blog"]);
        assert_eq!(m.view_name().as_deref(), Some("blog:post-list"));
        let m = matched("/about/");
        assert_eq!(m.route, "about/");
        assert!(m.namespaces.is_empty());
        assert_eq!(m.view_name().as_deref(), Some("about"));
    }
}

#[cfg(test)]
mod matcher_tests {
    use super::{Matcher, by_hand};
    use crate::urls::conf::{Converter, Segment};

    /// The hand matcher gives the regex's answer (length and captures), at the end of a route
    /// and as an include's prefix, for every route it takes.
    #[test]
    fn segments_by_hand_agree_with_the_regex() {
        use Converter::*;
        use Segment::{Capture as C, Literal as L};
        let routes: &[&[Segment]] = &[
            &[L("items/"), C(Int, "a"), L("/")],
            &[C(Slug, "s"), L("/")],
            &[L("a/"), C(Str, "x"), L("/b/")],
            &[C(Int, "a"), L("-"), C(Slug, "b"), L("/")],
            &[L("u/"), C(Uuid, "u"), L("/")],
            &[L("u/"), C(Uuid, "u")],
            &[C(Str, "x")],
            &[L("p/"), C(Int, "y"), L("."), C(Str, "fmt")],
        ];
        let paths = [
            "",
            "items/",
            "items/42/",
            "items/42",
            "items/42/x",
            "items/-1/",
            "items/4a/",
            "items/99999999999999999999/",
            "items/9223372036854775807/",
            "héllo/",
            "a-b_c/",
            "a-b c/",
            "a/x/b/",
            "a/x/y/b/",
            "a/é/b/",
            "a//b/",
            "12-ab/",
            "12-/",
            "-ab/",
            "u/12345678-1234-1234-1234-123456789abc/",
            "u/12345678-1234-1234-1234-123456789abc",
            "u/12345678-1234-1234-1234-123456789ABC/",
            "u/12345678-1234-1234-1234-123456789abcd",
            "x",
            "x/y",
            "p/3.json",
            "p/3.",
            "p/.json",
            "p/33.a/b",
        ];
        for route in routes {
            assert!(by_hand(route), "{route:?} is matched by hand");
            for endpoint in [true, false] {
                let regex = Matcher::regex(route, endpoint);
                let hand = Matcher::new(route, endpoint);
                assert!(matches!(hand, Matcher::Segments(_)));
                for path in paths {
                    let (mut a, mut b) = (vec![("k".to_owned(), "v".to_owned())], Vec::new());
                    b.push(("k".to_owned(), "v".to_owned()));
                    let (x, y) = (
                        regex.matches(path, endpoint, &mut a),
                        hand.matches(path, endpoint, &mut b),
                    );
                    assert_eq!(
                        (x, &a),
                        (y, &b),
                        "{route:?} on {path:?}, endpoint {endpoint}"
                    );
                }
            }
        }
        // What the regex must still match: a path converter, a capture that could take the
        // text after it.
        assert!(!by_hand(&[L("f/"), C(Path, "p")]));
        assert!(!by_hand(&[C(Slug, "a"), L("-"), C(Int, "b")]));
        assert!(!by_hand(&[C(Int, "a"), C(Int, "b")]));
    }
}
