//! Django's auth through the request cycle, on the test database (the contrib apps migrated,
//! post_migrate's permissions made): authenticate, login (a new session key, the user in the
//! session, last_login), request.user() read once per request, logout, a password change
//! signing the other sessions out, login_required and permission_required (own, group and
//! superuser permissions, 403 with raise_exception), a weaker stored hash upgraded at login, and
//! a login for a username nobody has taking a password hash's time too.

use rjango::conf::Settings;
use rjango::contrib::auth::models::{Group, Permission, User, permission, user};
use rjango::contrib::auth::{AuthenticationMiddleware, login_required, permission_required};
use rjango::contrib::sessions::SessionMiddleware;
use rjango::http::HttpRequest;
use rjango::middleware::middleware;
use rjango::models::prelude::*;
use rjango::prelude::*;
use rjango::test::Client;

mod views {
    use rjango::contrib::auth;
    use rjango::prelude::*;

    pub async fn sign_in(request: HttpRequest) -> Result<HttpResponse, ViewError> {
        let form = request.POST();
        let (username, password) = (
            form.get("username").unwrap_or_default().to_owned(),
            form.get("password").unwrap_or_default().to_owned(),
        );
        match auth::authenticate(&request, &username, &password).await? {
            Some(user) => {
                auth::login(&request, &user).await?;
                // The request's user is the one just signed in.
                Ok(HttpResponse::new(format!(
                    "welcome {}",
                    request.user().await.username()
                )))
            }
            None => Ok(HttpResponse::new(
                "Please enter a correct username and password.",
            )),
        }
    }

    pub async fn whoami(request: HttpRequest) -> HttpResponse {
        let user = request.user().await;
        // A second read in the same request costs no query.
        let again = request.user().await;
        assert_eq!(user.pk(), again.pk());
        if user.is_authenticated() {
            HttpResponse::new(format!("user {}", user.username()))
        } else {
            HttpResponse::new("anonymous")
        }
    }

    pub async fn sign_out(request: HttpRequest) -> HttpResponse {
        auth::logout(&request).await;
        HttpResponse::new(format!(
            "bye, now {}",
            if request.user().await.is_anonymous() {
                "anonymous"
            } else {
                "?"
            }
        ))
    }
}

urlpatterns![
    path("login/", views::sign_in, name = "login"),
    path("whoami/", views::whoami, name = "whoami"),
    path("logout/", views::sign_out, name = "logout"),
    path("secret/", login_required(views::whoami), name = "secret"),
    path(
        "edit/",
        permission_required(&["auth.change_user"], views::whoami),
        name = "edit"
    ),
    path(
        "edit-or-403/",
        permission_required(&["auth.change_user"], views::whoami).raise_exception(),
        name = "edit-403"
    ),
];

#[path = "support/contrib_apps.rs"]
mod contrib_apps;
use contrib_apps::{APPS, MODELS};

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "auth-test-secret-key".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        INSTALLED_APPS: APPS.iter().map(|a| a.name).collect(),
        MIDDLEWARE: middleware![SessionMiddleware, AuthenticationMiddleware],
        ..Settings::default()
    }
}

fn project() -> rjango::Project {
    rjango::Project {
        name: "authtest",
        settings,
        root_urlconf: urlpatterns,
        apps: APPS,
        models: MODELS,
        migrations: contrib_apps::migrations,
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

/// The `sessionid` a response sets ("" when it deletes it).
fn session_id(r: &HttpResponse) -> Option<String> {
    r.cookies()
        .iter()
        .find(|c| c.name() == "sessionid")
        .map(|c| c.value().to_owned())
}

async fn get(c: &Client, path: &str, session: Option<&str>) -> HttpResponse {
    let mut builder = HttpRequest::builder("GET", path);
    if let Some(key) = session {
        builder = builder.header("Cookie", &format!("sessionid={key}"));
    }
    c.request(builder).await
}

async fn sign_in(
    c: &Client,
    username: &str,
    password: &str,
    session: Option<&str>,
) -> HttpResponse {
    let mut builder = HttpRequest::builder("POST", "/login/")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("username={username}&password={password}"));
    if let Some(key) = session {
        builder = builder.header("Cookie", &format!("sessionid={key}"));
    }
    c.request(builder).await
}

#[rjango::test(db, project = project)]
async fn login_and_logout_through_the_session() {
    let c = Client::new(project());
    User::objects()
        .create_user("ada", "ada@EXAMPLE.com", Some("correct horse"))
        .await
        .unwrap();
    let ada = User::objects().get(user::username.eq("ada")).await.unwrap();
    assert_eq!(ada.email, "ada@example.com", "the domain is normalized");
    assert!(ada.password.starts_with("pbkdf2_sha256$1000000$"));
    assert!(ada.last_login.is_none());

    // A wrong password: refused, nobody signed in.
    let r = sign_in(&c, "ada", "wrong", None).await;
    assert_eq!(r.text(), "Please enter a correct username and password.");
    assert_eq!(get(&c, "/whoami/", None).await.text(), "anonymous");

    // A visit before login gives a session; login keeps nothing of its key.
    let before = session_id(&sign_in(&c, "nobody", "x", None).await);
    let r = sign_in(&c, "ada", "correct horse", before.as_deref()).await;
    assert_eq!(r.text(), "welcome ada");
    let key = session_id(&r).expect("a session cookie");
    assert_eq!(key.len(), 32);
    assert_ne!(Some(&key), before.as_ref());
    let ada = User::objects().get(user::username.eq("ada")).await.unwrap();
    assert!(ada.last_login.is_some(), "login records last_login");

    // The session says who it is, on every request: the cookie sent by hand, or kept by the
    // client, as Django's client keeps it.
    assert_eq!(get(&c, "/whoami/", Some(&key)).await.text(), "user ada");
    assert_eq!(get(&c, "/secret/", Some(&key)).await.text(), "user ada");
    assert_eq!(c.get("/secret/").await.text(), "user ada");

    // login_required: another visitor gets the login page, with the page in `next`.
    let r = Client::new(project()).get("/secret/?tab=2").await;
    assert_eq!(r.status_code(), 302);
    assert_eq!(
        r.header("location"),
        Some("/accounts/login/?next=/secret/%3Ftab%3D2")
    );

    // Logout: the session is gone, its cookie deleted, the old key worth nothing.
    let r = get(&c, "/logout/", Some(&key)).await;
    assert_eq!(r.text(), "bye, now anonymous");
    assert_eq!(session_id(&r).as_deref(), Some(""));
    assert_eq!(get(&c, "/whoami/", Some(&key)).await.text(), "anonymous");
}

#[rjango::test(db, project = project)]
async fn a_password_change_signs_the_other_sessions_out() {
    let c = Client::new(project());
    User::objects()
        .create_user("grace", "", Some("first password"))
        .await
        .unwrap();
    let key = session_id(&sign_in(&c, "grace", "first%20password", None).await).unwrap();
    assert_eq!(get(&c, "/whoami/", Some(&key)).await.text(), "user grace");

    let mut grace = User::objects()
        .get(user::username.eq("grace"))
        .await
        .unwrap();
    grace.set_password("second password").await;
    grace.save().await.unwrap();
    assert_eq!(get(&c, "/whoami/", Some(&key)).await.text(), "anonymous");

    // An inactive user is nobody, even with a valid session.
    let key = session_id(&sign_in(&c, "grace", "second%20password", None).await).unwrap();
    assert_eq!(get(&c, "/whoami/", Some(&key)).await.text(), "user grace");
    User::objects()
        .filter(user::username.eq("grace"))
        .update([user::is_active.set(false)])
        .await
        .unwrap();
    assert_eq!(get(&c, "/whoami/", Some(&key)).await.text(), "anonymous");
    let r = sign_in(&c, "grace", "second%20password", None).await;
    assert_eq!(r.text(), "Please enter a correct username and password.");
}

#[rjango::test(db, project = project)]
async fn permissions_of_the_user_its_groups_and_superusers() {
    let c = Client::new(project());
    let linus = User::objects()
        .create_user("linus", "", Some("pw"))
        .await
        .unwrap();
    let key = session_id(&sign_in(&c, "linus", "pw", None).await).unwrap();

    // No permission: the login page, or 403 when asked.
    let r = get(&c, "/edit/", Some(&key)).await;
    assert_eq!(
        (r.status_code(), r.header("location")),
        (302, Some("/accounts/login/?next=/edit/"))
    );
    assert_eq!(
        get(&c, "/edit-or-403/", Some(&key)).await.status_code(),
        403
    );

    // post_migrate made Django's four permissions of each model.
    let change_user = Permission::objects()
        .get(permission::codename.eq("change_user"))
        .await
        .unwrap();
    assert_eq!(change_user.name, "Can change user");
    assert_eq!(Permission::objects().count().await.unwrap(), 20);

    // Through a group.
    let editors = Group::objects()
        .create(Group {
            id: 0,
            name: "editors".into(),
            permissions: Default::default(),
        })
        .await
        .unwrap();
    editors.permissions().add([&change_user]).await.unwrap();
    linus.groups().add([&editors]).await.unwrap();
    assert_eq!(get(&c, "/edit/", Some(&key)).await.text(), "user linus");
    let user = rjango::contrib::auth::AuthUser::from(linus.clone());
    assert!(user.has_perm("auth.change_user").await.unwrap());
    assert!(!user.has_perm("auth.delete_user").await.unwrap());
    assert!(user.has_module_perms("auth").await.unwrap());
    assert!(!user.has_module_perms("sessions").await.unwrap());

    // Given to the user itself.
    linus.groups().clear().await.unwrap();
    let fresh = rjango::contrib::auth::AuthUser::from(linus.clone());
    assert!(!fresh.has_perm("auth.change_user").await.unwrap());
    linus.user_permissions().add([&change_user]).await.unwrap();
    let fresh = rjango::contrib::auth::AuthUser::from(linus.clone());
    assert_eq!(
        fresh
            .get_all_permissions()
            .await
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        ["auth.change_user"]
    );

    // A superuser has them all; an inactive one none; the anonymous user none.
    let root = User::objects()
        .create_superuser("root", "", Some("pw"))
        .await
        .unwrap();
    let root = rjango::contrib::auth::AuthUser::from(root);
    assert!(root.has_perm("sessions.delete_session").await.unwrap());
    assert_eq!(root.get_all_permissions().await.unwrap().len(), 20);
    let mut idle = linus.clone();
    idle.is_active = false;
    assert!(
        !rjango::contrib::auth::AuthUser::from(idle)
            .has_perm("auth.change_user")
            .await
            .unwrap()
    );
    assert!(
        !rjango::contrib::auth::AuthUser::anonymous()
            .has_perm("auth.change_user")
            .await
            .unwrap()
    );
}

#[rjango::test(db, project = project)]
async fn a_weaker_hash_is_upgraded_at_login_and_unknown_users_cost_a_hash() {
    use rjango::contrib::auth::hashers::{PBKDF2PasswordHasher, PasswordHasher};
    let sha1 = PBKDF2PasswordHasher {
        sha1: true,
        ..Default::default()
    };
    let mut old = User::new("margaret");
    old.password = sha1.encode("apollo", &sha1.salt());
    User::objects().create(old).await.unwrap();
    let request = HttpRequest::builder("GET", "/").build();
    let found = rjango::contrib::auth::authenticate(&request, "margaret", "apollo")
        .await
        .unwrap();
    assert!(found.is_some());
    let stored = User::objects()
        .get(user::username.eq("margaret"))
        .await
        .unwrap()
        .password;
    assert!(
        stored.starts_with("pbkdf2_sha256$1000000$"),
        "upgraded: {stored}"
    );

    // A username nobody has takes about as long as a wrong password: one hash each.
    let timed = |name: &'static str| {
        let request = request.clone();
        async move {
            let start = std::time::Instant::now();
            let found = rjango::contrib::auth::authenticate(&request, name, "wrong")
                .await
                .unwrap();
            assert!(found.is_none());
            start.elapsed()
        }
    };
    let known = timed("margaret").await;
    let unknown = timed("nobody-by-this-name").await;
    assert!(
        unknown * 2 > known,
        "an unknown user took {unknown:?}, a known one {known:?}"
    );
}

/// Django's test client helpers: `force_login(user)`, `login(username, password)` and
/// `logout()`, through the client's own cookies.
#[rjango::test(db, project = project)]
async fn the_test_client_logs_in_as_djangos_does() {
    let c = Client::new(project());
    let ada = User::objects()
        .create_user("ada", "", Some("pw"))
        .await
        .unwrap();
    assert_eq!(c.get("/secret/").await.status_code(), 302);
    c.force_login(&ada).await;
    assert_eq!(c.get("/secret/").await.text(), "user ada");
    c.logout().await;
    assert_eq!(c.get("/whoami/").await.text(), "anonymous");
    assert!(c.cookies().is_empty());

    assert!(!c.login("ada", "wrong").await);
    assert_eq!(c.get("/whoami/").await.text(), "anonymous");
    assert!(c.login("ada", "pw").await);
    assert_eq!(c.get("/whoami/").await.text(), "user ada");
    // A view's logout deletes the cookie in the client too.
    assert_eq!(c.get("/logout/").await.text(), "bye, now anonymous");
    assert_eq!(c.get("/whoami/").await.text(), "anonymous");
}
