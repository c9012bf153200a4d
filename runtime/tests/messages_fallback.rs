//! Django's default message storage, FallbackStorage, through the request cycle: messages that
//! fit stay in the cookie and the session is not touched; more than the cookie's 2 kB hold go
//! to the session, the newest ones, and the next page shows them all, in order, once. Then
//! SessionStorage alone, by MESSAGE_STORAGE (its own test binary: settings are per process).

use rjango::conf::Settings;
use rjango::contrib::messages::MessageMiddleware;
use rjango::contrib::sessions::SessionMiddleware;
use rjango::http::HttpRequest;
use rjango::middleware::middleware;
use rjango::prelude::*;
use rjango::test::Client;

mod views {
    use rjango::contrib::messages;
    use rjango::prelude::*;

    pub async fn add(request: HttpRequest, n: i64) -> HttpResponse {
        // Text that does not compress, so many messages cannot fit in 2 kB.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..n {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            messages::info(
                &request,
                &format!("m{i} {x:016x}{:016x}", x.rotate_left(17)),
            );
        }
        HttpResponse::new("added")
    }

    pub async fn show(request: HttpRequest) -> HttpResponse {
        let shown: Vec<String> = messages::get_messages(&request)
            .iter()
            .map(|m| m.message.split(' ').next().unwrap_or_default().to_owned())
            .collect();
        HttpResponse::new(shown.join(","))
    }
}

urlpatterns![
    path("add/<int:n>/", views::add, name = "add"),
    path("show/", views::show, name = "show"),
];

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "fallback-messages-secret".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies".into(),
        MIDDLEWARE: middleware![SessionMiddleware, MessageMiddleware],
        ..Settings::default()
    }
}

fn client() -> Client {
    Client::new(rjango::Project {
        name: "fallbacktest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

/// The value of a cookie a response sets.
fn cookie(r: &HttpResponse, name: &str) -> Option<String> {
    r.cookies()
        .iter()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

async fn get(c: &Client, path: &str, cookies: &[(&str, &str)]) -> HttpResponse {
    let mut builder = HttpRequest::builder("GET", path);
    if !cookies.is_empty() {
        let header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        builder = builder.header("Cookie", &header.join("; "));
    }
    c.request(builder).await
}

#[rjango::test]
async fn messages_overflow_from_the_cookie_to_the_session() {
    let c = client();
    // A few: the cookie alone, no session.
    let r = get(&c, "/add/3/", &[]).await;
    let messages = cookie(&r, "messages").expect("the messages cookie");
    assert!(
        cookie(&r, "sessionid").is_none(),
        "the session is not touched"
    );
    let r = get(&c, "/show/", &[("messages", &messages)]).await;
    assert_eq!(r.text(), "m0,m1,m2");

    // Many: the oldest in the cookie (with Django's not-finished mark), the newest in the
    // session; the next page shows all of them, in order.
    let r = get(&c, "/add/150/", &[]).await;
    let messages = cookie(&r, "messages").expect("the messages cookie");
    let session = cookie(&r, "sessionid").expect("the rest in the session");
    assert!(messages.len() <= 2048, "{}", messages.len());
    let in_cookie = rjango::contrib::messages::decode_cookie(&messages)
        .unwrap()
        .len();
    assert!(
        in_cookie > 0 && in_cookie < 150,
        "{in_cookie} in the cookie"
    );
    let r = get(
        &c,
        "/show/",
        &[("messages", &messages), ("sessionid", &session)],
    )
    .await;
    let expected: Vec<String> = (0..150).map(|i| format!("m{i}")).collect();
    assert_eq!(r.text(), expected.join(","));
    // Shown once: the cookie deleted, the session's messages removed.
    assert_eq!(cookie(&r, "messages").as_deref(), Some(""));
    let session = cookie(&r, "sessionid").expect("the session saved without them");
    let r = get(&c, "/show/", &[("sessionid", &session)]).await;
    assert_eq!(r.text(), "");
}
