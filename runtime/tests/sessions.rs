//! Django's SessionMiddleware and `request.session()` on the signed-cookie backend, through
//! the whole request cycle: the cookie's attributes (Django's defaults), values kept between
//! requests, a forged cookie read as an empty session, flush deleting the cookie, cycle_key
//! keeping the data under a new key, set_expiry(0), and Vary: Cookie only when read.

use rjango::conf::Settings;
use rjango::contrib::sessions::{Expiry, SessionMiddleware};
use rjango::http::Cookie;
use rjango::http::HttpRequest;
use rjango::http::SameSite;
use rjango::middleware::middleware;
use rjango::prelude::*;
use rjango::test::Client;

mod views {
    use rjango::contrib::sessions::Expiry;
    use rjango::prelude::*;

    pub async fn visit(request: HttpRequest) -> HttpResponse {
        let session = request.session();
        let visits: i64 = session.get("visits").await.unwrap_or(0) + 1;
        session.set("visits", visits).await;
        HttpResponse::new(format!("visit {visits}"))
    }

    pub async fn peek(request: HttpRequest) -> HttpResponse {
        let visits: Option<i64> = request.session().get("visits").await;
        HttpResponse::new(format!("{visits:?}"))
    }

    pub async fn plain(_request: HttpRequest) -> HttpResponse {
        HttpResponse::new("no session here")
    }

    pub async fn logout(request: HttpRequest) -> HttpResponse {
        request.session().flush().await;
        HttpResponse::new("bye")
    }

    pub async fn login(request: HttpRequest) -> HttpResponse {
        let session = request.session();
        session.cycle_key().await;
        session.set("user", "ada").await;
        HttpResponse::new("in")
    }

    pub async fn until_close(request: HttpRequest) -> HttpResponse {
        let session = request.session();
        session.set_expiry(Expiry::AtBrowserClose).await;
        session.set("short", true).await;
        HttpResponse::new("ok")
    }
}

urlpatterns![
    path("visit/", views::visit, name = "visit"),
    path("peek/", views::peek, name = "peek"),
    path("plain/", views::plain, name = "plain"),
    path("logout/", views::logout, name = "logout"),
    path("login/", views::login, name = "login"),
    path("close/", views::until_close, name = "close"),
];

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "sessions-test-secret".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies".into(),
        MIDDLEWARE: middleware![SessionMiddleware],
        ..Settings::default()
    }
}

fn client() -> Client {
    Client::new(rjango::Project {
        name: "sessiontest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

/// The `sessionid` cookie a response sets, if any.
fn session_cookie(r: &HttpResponse) -> Option<Cookie<'static>> {
    r.cookies()
        .iter()
        .find(|c| c.name() == "sessionid")
        .cloned()
}

async fn get(c: &Client, path: &str, cookie: Option<&str>) -> HttpResponse {
    let mut builder = HttpRequest::builder("GET", path);
    if let Some(value) = cookie {
        builder = builder.header("Cookie", &format!("sessionid={value}"));
    }
    c.request(builder).await
}

#[rjango::test]
async fn a_session_lives_in_its_signed_cookie() {
    let c = client();
    let r = get(&c, "/visit/", None).await;
    assert_eq!(r.text(), "visit 1");
    let cookie = session_cookie(&r).expect("a session cookie");
    // Django's defaults: two weeks, HttpOnly, SameSite=Lax, path /, not Secure.
    assert_eq!(cookie.max_age().map(|d| d.whole_seconds()), Some(1_209_600));
    assert!(cookie.expires().is_some());
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.secure(), None);
    assert_eq!(r.header("vary"), Some("Cookie"));

    let r = get(&c, "/visit/", Some(cookie.value())).await;
    assert_eq!(r.text(), "visit 2");
    let second = session_cookie(&r).unwrap();
    let r = get(&c, "/peek/", Some(second.value())).await;
    assert_eq!(r.text(), "Some(2)");
    assert!(
        session_cookie(&r).is_none(),
        "read, not changed: no new cookie"
    );
    assert_eq!(r.header("vary"), Some("Cookie"));

    // A view that does not touch the session: no cookie, no Vary.
    let r = get(&c, "/plain/", Some(second.value())).await;
    assert!(session_cookie(&r).is_none());
    assert_eq!(r.header("vary"), None);

    // A changed cookie is no session at all, and is replaced.
    let forged = second.value().replacen(':', ":x", 1);
    let r = get(&c, "/visit/", Some(&forged)).await;
    assert_eq!(r.text(), "visit 1");
    assert!(session_cookie(&r).is_some());
}

#[rjango::test]
async fn flush_deletes_and_cycle_key_renews() {
    let c = client();
    let first = session_cookie(&get(&c, "/visit/", None).await).unwrap();

    // login: the data stays, under a new key.
    let r = get(&c, "/login/", Some(first.value())).await;
    let renewed = session_cookie(&r).unwrap();
    assert_ne!(renewed.value(), first.value());
    let r = get(&c, "/peek/", Some(renewed.value())).await;
    assert_eq!(r.text(), "Some(1)");

    // logout: the cookie is deleted.
    let r = get(&c, "/logout/", Some(renewed.value())).await;
    let gone = session_cookie(&r).expect("a deleting cookie");
    assert_eq!(gone.value(), "");
    assert_eq!(gone.max_age().map(|d| d.whole_seconds()), Some(0));
    assert_eq!(r.header("vary"), Some("Cookie"));

    // set_expiry(0): a cookie that ends with the browser.
    let r = get(&c, "/close/", None).await;
    let short = session_cookie(&r).unwrap();
    assert_eq!(short.max_age(), None);
    assert_eq!(short.expires(), None);
    let _ = Expiry::Default;
}
