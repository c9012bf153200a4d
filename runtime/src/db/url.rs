//! A database URL (Django's `DATABASES` entry, spelled as one URL): its parts, its database's
//! name, the same server with another database, and a form safe to show.

/// The parts of a server URL: `scheme://user:password@host:port/name?options`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UrlParts {
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub name: Option<String>,
}

pub fn parts(url: &str) -> UrlParts {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let Some((_, rest)) = url.split_once("://") else {
        return UrlParts::default();
    };
    let rest = rest.split('?').next().unwrap_or(rest);
    let (authority, name) = match rest.split_once('/') {
        Some((a, n)) => (a, (!n.is_empty()).then(|| decode(n))),
        None => (rest, None),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (user, password) =
        match userinfo.map(|u| u.split_once(':').map_or((u, None), |(a, b)| (a, Some(b)))) {
            Some((u, p)) => ((!u.is_empty()).then(|| decode(u)), p.map(decode)),
            None => (None, None),
        };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p))
            if !h.ends_with(']')
                || hostport.starts_with('[') && p.chars().all(|c| c.is_ascii_digit()) =>
        {
            (h.to_owned(), Some(p.to_owned()))
        }
        _ => (hostport.to_owned(), None),
    };
    UrlParts {
        user,
        password,
        host: (!host.is_empty()).then_some(host),
        port,
        name,
    }
}

/// The database's name, as Django's `settings.DATABASES[alias]["NAME"]`: a server database's
/// name (`mysite` of `postgres://u@h/mysite`) or the SQLite file (`db.sqlite3` of
/// `sqlite://db.sqlite3?mode=rwc`). None when the URL names none.
pub fn name(url: &str) -> Option<String> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        return (!path.is_empty()).then(|| path.to_owned());
    }
    parts(url).name
}

/// `url` with its database name replaced by `name` (the path of a server URL).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map(|(b, q)| (b, format!("?{q}")))
        .unwrap_or((url, String::new()));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    // A name is a path segment: what a URL cannot hold as it is gets percent-encoded.
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'_')
        .remove(b'-')
        .remove(b'.');
    let name = percent_encoding::utf8_percent_encode(name, SEGMENT);
    format!("{}/{name}{query}", &base[..path_start])
}

/// The database name of a server URL (`mysite` of `postgres://u@h/mysite`).
pub fn database_name(url: &str) -> Option<String> {
    let base = url.split('?').next()?;
    let rest = &base[base.find("://")? + 3..];
    let name = rest.split_once('/')?.1;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The URL without its password.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            with_database(
                "postgres://u:p@h:5432/mysite?sslmode=disable",
                "test_mysite"
            ),
            "postgres://u:p@h:5432/test_mysite?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "test_x"),
            "mysql://root@127.0.0.1:3306/test_x"
        );
        assert_eq!(name("postgres://u@h/mysite?x=1").as_deref(), Some("mysite"));
        let spaced = with_database("postgres://u@h/x", "test_my site");
        assert_eq!(spaced, "postgres://u@h/test_my%20site");
        assert_eq!(name(&spaced).as_deref(), Some("test_my site"));
        assert_eq!(name("postgres://u@h/my%20site").as_deref(), Some("my site"));
        assert_eq!(name("mysql://root@127.0.0.1:3306"), None);
        assert_eq!(
            name("sqlite://db.sqlite3?mode=rwc").as_deref(),
            Some("db.sqlite3")
        );
        assert_eq!(name("sqlite::memory:").as_deref(), Some(":memory:"));
    }

    #[test]
    fn parts_of_a_server_url() {
        assert_eq!(
            parts("postgres://ada:s%40cret@db.example:6543/shop?sslmode=require"),
            UrlParts {
                user: Some("ada".into()),
                password: Some("s@cret".into()),
                host: Some("db.example".into()),
                port: Some("6543".into()),
                name: Some("shop".into()),
            }
        );
        assert_eq!(parts("postgres://h/db").host.as_deref(), Some("h"));
        assert_eq!(parts("mysql://[::1]:3306/x").host.as_deref(), Some("[::1]"));
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("mysql://root@h/db"), "mysql://root@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
