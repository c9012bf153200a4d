//! Django's auth views through the request cycle, with rjango's default templates
//! (runtime/templates/registration/): the login page and its refusal, a safe and an unsafe
//! `next`, logout by POST only, and a password change refused by the validators, then made.

use rjango::conf::Settings;
use rjango::contrib::auth::AuthenticationMiddleware;
use rjango::contrib::auth::models::{User, user};
use rjango::contrib::auth::password_validation::Validator;
use rjango::contrib::messages::MessageMiddleware;
use rjango::contrib::sessions::SessionMiddleware;
use rjango::middleware::csrf::CsrfViewMiddleware;
use rjango::middleware::middleware;
use rjango::models::prelude::*;
use rjango::prelude::*;
use rjango::test::Client;

mod pages {
    rjango::auth_templates!();
}

use pages::{LoginView, LogoutView, PasswordChangeDoneView, PasswordChangeView};

async fn home(request: HttpRequest) -> HttpResponse {
    HttpResponse::new(format!("home of {}", request.user().await.username()))
}

urlpatterns![
    path("accounts/login/", LoginView::as_view(), name = "login"),
    path("accounts/logout/", LogoutView::as_view(), name = "logout"),
    path(
        "accounts/password_change/",
        PasswordChangeView::as_view(),
        name = "password_change"
    ),
    path(
        "accounts/password_change/done/",
        PasswordChangeDoneView::as_view(),
        name = "password_change_done"
    ),
    path("accounts/profile/", home, name = "profile"),
];

#[path = "support/contrib_apps.rs"]
mod contrib_apps;
use contrib_apps::{APPS, MODELS};

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "auth-views-test-secret-key".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        INSTALLED_APPS: APPS.iter().map(|a| a.name).collect(),
        MIDDLEWARE: middleware![
            SessionMiddleware,
            CsrfViewMiddleware,
            AuthenticationMiddleware,
            MessageMiddleware
        ],
        AUTH_PASSWORD_VALIDATORS: Validator::defaults(),
        ..Settings::default()
    }
}

fn project() -> rjango::Project {
    rjango::Project {
        name: "authviews",
        settings,
        root_urlconf: urlpatterns,
        apps: APPS,
        models: MODELS,
        migrations: contrib_apps::migrations,
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

#[rjango::test(db, project = project)]
async fn login_page_refusal_and_redirects() {
    User::objects()
        .create_user("ada", "", Some("correct horse"))
        .await
        .unwrap();
    let c = Client::new(project());

    let page = c.get("/accounts/login/?next=/accounts/profile/").await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(html.contains("<title>Log in</title>"), "{html}");
    assert!(html.contains(r#"name="csrfmiddlewaretoken""#), "{html}");
    assert!(
        html.contains(r#"<input type="text" name="username" autofocus autocapitalize="none" autocomplete="username" maxlength="150" required id="id_username">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<input type="password" name="password" autocomplete="current-password" required id="id_password">"#),
        "{html}"
    );
    assert!(html.contains(r#"<input type="hidden" name="next" value="/accounts/profile/">"#));
    assert!(page.header("cache-control").unwrap().contains("no-store"));

    // A wrong password: the form again, with Django's message and the username kept.
    let r = c
        .post_form(
            "/accounts/login/",
            &[("username", "ada"), ("password", "wrong")],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    let html = r.text();
    assert!(html.contains(
        "<ul class=\"errorlist nonfield\"><li>Please enter a correct username and password. Note that both fields may be case-sensitive.</li></ul>"
    ), "{html}");
    assert!(html.contains(r#"name="username" value="ada""#), "{html}");
    assert!(!html.contains("wrong"), "a password is never sent back");

    // An unsafe next is ignored: LOGIN_REDIRECT_URL instead.
    let r = c
        .post_form(
            "/accounts/login/",
            &[
                ("username", "ada"),
                ("password", "correct horse"),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(
        (r.status_code(), r.header("location")),
        (302, Some("/accounts/profile/"))
    );
    assert_eq!(c.get("/accounts/profile/").await.text(), "home of ada");

    // A safe one is followed.
    let r = c
        .post_form(
            "/accounts/login/?next=/accounts/password_change/",
            &[("username", "ada"), ("password", "correct horse")],
        )
        .await;
    assert_eq!(r.header("location"), Some("/accounts/password_change/"));

    // Logout is POST only (Django 5), then the logged-out page.
    let r = c.get("/accounts/logout/").await;
    assert_eq!(r.status_code(), 405);
    assert_eq!(r.header("allow"), Some("POST, OPTIONS"));
    assert_eq!(c.get("/accounts/profile/").await.text(), "home of ada");
    let r = c.post_form("/accounts/logout/", &[]).await;
    assert_eq!(r.status_code(), 200);
    assert!(r.text().contains("<h1>Logged out</h1>"), "{}", r.text());
    assert_eq!(c.get("/accounts/profile/").await.text(), "home of ");
}

#[rjango::test(db, project = project)]
async fn a_password_change_is_checked_then_made() {
    User::objects()
        .create_user("grace", "grace@example.com", Some("first password"))
        .await
        .unwrap();
    let c = Client::new(project());

    // Login required.
    let r = c.get("/accounts/password_change/").await;
    assert_eq!(
        r.header("location"),
        Some("/accounts/login/?next=/accounts/password_change/")
    );
    assert!(c.login("grace", "first password").await);

    let html = c.get("/accounts/password_change/").await.text();
    assert!(
        html.contains("<li>Your password must contain at least 8 characters.</li>"),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-describedby="id_new_password1_helptext""#),
        "{html}"
    );

    let change = |old: &'static str, new1: &'static str, new2: &'static str| {
        let c = &c;
        async move {
            c.post_form(
                "/accounts/password_change/",
                &[
                    ("old_password", old),
                    ("new_password1", new1),
                    ("new_password2", new2),
                ],
            )
            .await
        }
    };
    let html = change("nope", "a fine new one", "a fine new one")
        .await
        .text();
    assert!(
        html.contains("Your old password was entered incorrectly. Please enter it again."),
        "{html}"
    );
    let html = change("first password", "a fine new one", "another")
        .await
        .text();
    assert!(
        html.contains("The two password fields didn’t match."),
        "{html}"
    );
    let html = change("first password", "12345", "12345").await.text();
    for message in [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ] {
        assert!(html.contains(message), "{message}: {html}");
    }

    let r = change("first password", "a fine new one", "a fine new one").await;
    assert_eq!(
        r.header("location"),
        Some("/accounts/password_change/done/")
    );
    // This session stays signed in; the new password is the one that works.
    let done = c.get("/accounts/password_change/done/").await;
    assert!(
        done.text().contains("Your password was changed."),
        "{}",
        done.text()
    );
    let grace = User::objects()
        .get(user::username.eq("grace"))
        .await
        .unwrap();
    let mut grace2 = grace.clone();
    assert!(grace2.check_password("a fine new one").await.unwrap());
    assert!(
        !Client::new(project())
            .login("grace", "first password")
            .await
    );
}
