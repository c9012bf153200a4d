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
    // `[::1]:5432` and `[::1]`: an IPv6 address is bracketed, and handed on without its
    // brackets, as the clients take it.
    let (host, port) = match hostport.strip_prefix('[').and_then(|h| h.split_once(']')) {
        Some((h, rest)) => (h.to_owned(), rest.strip_prefix(':').map(str::to_owned)),
        None => match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p.to_owned())),
            None => (hostport.to_owned(), None),
        },
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

/// The URL without its password (in its user information, and a `password=` option).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (rest, query) = rest
        .split_once('?')
        .map_or((rest, None), |(r, q)| (r, Some(q)));
    let (authority, path) = rest
        .find('/')
        .map_or((rest, ""), |i| (&rest[..i], &rest[i..]));
    // The host follows the last `@`: a password may hold one unencoded.
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let query = query.map(|q| {
        let options: Vec<String> = q
            .split('&')
            .map(|option| match option.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => option.to_owned(),
            })
            .collect();
        format!("?{}", options.join("&"))
    });
    format!("{scheme}://{authority}{path}{}", query.unwrap_or_default())
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
        let v6 = parts("mysql://[::1]:3306/x");
        assert_eq!(
            (v6.host.as_deref(), v6.port.as_deref()),
            (Some("::1"), Some("3306"))
        );
        let v6 = parts("postgres://[::1]/db");
        assert_eq!((v6.host.as_deref(), v6.port), (Some("::1"), None));
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("mysql://root@h/db"), "mysql://root@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
        assert_eq!(
            redact("postgres://u:p@ss@h/db?sslmode=require&password=x"),
            "postgres://u:***@h/db?sslmode=require&password=***"
        );
    }
}
