//! Django's messages on its cookie storage through the request cycle: added by one view,
//! shown once by the next page, levels under MESSAGE_LEVEL dropped, a forged cookie dropped,
//! and the oldest messages dropped while the cookie is over 2 kB.

use rjango::conf::Settings;
use rjango::contrib::messages::MessageMiddleware;
use rjango::http::HttpRequest;
use rjango::middleware::middleware;
use rjango::prelude::*;
use rjango::test::Client;

mod views {
    use rjango::contrib::messages;
    use rjango::prelude::*;

    pub async fn add(request: HttpRequest) -> HttpResponse {
        messages::debug(&request, "not kept");
        messages::success(&request, "Saved é.");
        messages::add_message(&request, messages::INFO, "Hi", "extra");
        redirect("/show/")
    }

    pub async fn many(request: HttpRequest) -> HttpResponse {
        // Text that does not compress, so 100 messages cannot fit in 2 kB.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..100 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            messages::info(
                &request,
                &format!("message number {i} {x:016x}{:016x}", x.rotate_left(17)),
            );
        }
        HttpResponse::new("many")
    }

    pub async fn show(request: HttpRequest) -> HttpResponse {
        let shown: Vec<String> = messages::get_messages(&request)
            .iter()
            .map(|m| format!("{}:{}", m.tags(), m.message))
            .collect();
        HttpResponse::new(shown.join("|"))
    }
}

urlpatterns![
    path("add/", views::add, name = "add"),
    path("many/", views::many, name = "many"),
    path("show/", views::show, name = "show"),
];

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "messages-test-secret".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        MIDDLEWARE: middleware![MessageMiddleware],
        MESSAGE_STORAGE: "django.contrib.messages.storage.cookie.CookieStorage".into(),
        ..Settings::default()
    }
}

fn client() -> Client {
    Client::new(rjango::Project {
        name: "messagestest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

fn cookie(r: &HttpResponse) -> Option<String> {
    r.cookies()
        .iter()
        .find(|c| c.name() == "messages")
        .map(|c| c.value().to_owned())
}

async fn show(c: &Client, value: &str) -> HttpResponse {
    c.request(HttpRequest::builder("GET", "/show/").header("Cookie", &format!("messages={value}")))
        .await
}

#[rjango::test]
async fn a_message_is_shown_once_on_the_next_page() {
    let c = client();
    let r = c.get("/add/").await;
    assert_eq!(r.status_code(), 302);
    let stored = cookie(&r).expect("a messages cookie");
    let r = show(&c, &stored).await;
    assert_eq!(r.text(), "success:Saved é.|extra info:Hi");
    // Shown: the cookie is deleted.
    assert_eq!(cookie(&r).as_deref(), Some(""));
    // A page that does not read them keeps them.
    let r = c
        .request(
            HttpRequest::builder("GET", "/add/").header("Cookie", &format!("messages={stored}")),
        )
        .await;
    let both = cookie(&r).unwrap();
    assert_eq!(show(&c, &both).await.text().matches("Saved").count(), 2);
    // A forged cookie shows nothing and is deleted.
    let forged = stored.replacen(':', ":x", 1);
    let r = show(&c, &forged).await;
    assert_eq!(r.text(), "");
    assert_eq!(cookie(&r).as_deref(), Some(""));
}

#[rjango::test]
async fn the_cookie_keeps_under_two_kilobytes() {
    let c = client();
    let r = c.get("/many/").await;
    let stored = cookie(&r).unwrap();
    assert!(stored.len() <= 2048, "{}", stored.len());
    let shown = show(&c, &stored).await.text();
    // The newest messages are kept, the oldest dropped.
    assert!(shown.contains("message number 99 "), "{shown}");
    assert!(!shown.contains("message number 0 "), "{shown}");
}

/// MESSAGE_TAGS replaces a level's tag (Bootstrap's `danger` for errors), as Django's does.
#[rjango::test]
async fn message_tags_rename_a_level() {
    use rjango::contrib::messages::{ERROR, Message, SUCCESS};
    client();
    let error = Message {
        level: ERROR,
        message: "No.".into(),
        extra_tags: "big".into(),
    };
    assert_eq!(error.tags(), "big error");
    rjango::conf::override_settings(|s| s.MESSAGE_TAGS = vec![(ERROR, "danger".into())], async {
        assert_eq!(error.tags(), "big danger");
        let ok = Message {
            level: SUCCESS,
            message: "Yes.".into(),
            extra_tags: String::new(),
        };
        assert_eq!(ok.level_tag(), "success");
    })
    .await;
}
