//! Django's SessionStorage for messages (MESSAGE_STORAGE), through the request cycle: kept in
//! the session under `_messages` as Django's MessageEncoder writes them, and shown once.

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

    pub async fn add(request: HttpRequest) -> HttpResponse {
        messages::success(&request, "Saved é.");
        messages::add_message(&request, messages::WARNING, "Check", "highlight");
        HttpResponse::new("added")
    }

    pub async fn stored(request: HttpRequest) -> HttpResponse {
        let raw: Option<String> = request.session().get("_messages").await;
        HttpResponse::new(raw.unwrap_or_default())
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
    path("stored/", views::stored, name = "stored"),
    path("show/", views::show, name = "show"),
];

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "session-messages-secret".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies".into(),
        MESSAGE_STORAGE: "django.contrib.messages.storage.session.SessionStorage".into(),
        MIDDLEWARE: middleware![SessionMiddleware, MessageMiddleware],
        ..Settings::default()
    }
}

fn session_of(r: &HttpResponse) -> Option<String> {
    r.cookies()
        .iter()
        .find(|c| c.name() == "sessionid")
        .map(|c| c.value().to_owned())
}

async fn get(c: &Client, path: &str, session: &str) -> HttpResponse {
    c.request(HttpRequest::builder("GET", path).header("Cookie", &format!("sessionid={session}")))
        .await
}

#[rjango::test]
async fn messages_wait_in_the_session() {
    let c = Client::new(rjango::Project {
        name: "sessionmessages",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    });
    let r = c.get("/add/").await;
    assert!(
        r.cookies().iter().all(|c| c.name() != "messages"),
        "no cookie storage"
    );
    let session = session_of(&r).expect("the session holds them");
    // Django's MessageEncoder: [key, safe, level, message, extra_tags], as JSON text.
    let r = get(&c, "/stored/", &session).await;
    assert_eq!(
        r.text(),
        r#"[["__json_message",0,25,"Saved é.",""],["__json_message",0,30,"Check","highlight"]]"#
    );
    let r = get(&c, "/show/", &session).await;
    assert_eq!(r.text(), "success:Saved é.|highlight warning:Check");
    let session = session_of(&r).expect("saved without them");
    let r = get(&c, "/show/", &session).await;
    assert_eq!(r.text(), "");
}
