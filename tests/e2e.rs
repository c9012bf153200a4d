//! End to end: `rjango startproject` + `startapp`, the seed's Django examples written as views,
//! `cargo build` (one shared target dir for every generated project), then real HTTP over
//! loopback against the project binary, with DEBUG on and off.

mod support;

#[path = "e2e/bank.rs"]
mod bank;
#[path = "e2e/hostile.rs"]
mod hostile;
#[path = "e2e/stalled.rs"]
mod stalled;

use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

use support::databases::{Server, TempDatabase};
use support::http::{Request, get};
use support::project::{self, Running};

struct Built {
    _dir: tempfile::TempDir,
    root: PathBuf,
    binary: PathBuf,
}

/// A migrated SQLite database of its own, in a temporary directory, for one test.
struct Database {
    dir: tempfile::TempDir,
    url: String,
}

impl Built {
    /// A fresh SQLite database with every migration of the project applied.
    fn migrated_database(&self) -> Database {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite3", dir.path().display());
        self.manage(&url, &["migrate"], &[]);
        Database { dir, url }
    }

    /// The project binary serving `database` with DEBUG on, on a free port.
    fn serve(&self, database: &Database) -> Running {
        Running::server(
            &self.binary,
            &[("DEBUG", "true"), ("DATABASE_URL", database.url.as_str())],
        )
    }

    /// Runs one of the project binary's commands (DEBUG on) on the database at `database`,
    /// asserting it succeeds.
    fn manage(&self, database: &str, args: &[&str], env: &[(&str, &str)]) {
        let out = std::process::Command::new(&self.binary)
            .args(args)
            .current_dir(&self.root)
            .env("DEBUG", "true")
            .env("DATABASE_URL", database)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The database servers, which the outage test stops: a test that uses one holds this for
/// reading, the outage test for writing, so that they never overlap.
static SERVERS: RwLock<()> = RwLock::new(());

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/e2e");
const CRUD_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/crud");
const PROD: &[(&str, &str)] = &[
    ("DEBUG", "false"),
    ("SECRET_KEY", "a-real-production-secret-for-the-test"),
    ("ALLOWED_HOSTS", "127.0.0.1,localhost"),
];

/// The production settings with `extra` variables added.
fn prod_with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    PROD.iter().chain(extra).copied().collect()
}

/// `rjango migrate` of the project at `root` onto the database at `url`, which must succeed.
fn migrate_to(root: &Path, url: &str) {
    let out = project::rjango()
        .args(["migrate"])
        .current_dir(root)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} lacks {from:?}:\n{text}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A project of `rjango generate crud`'s code, generated and built once per test run: two
/// related models (library: Author, and Book with `--api`), which the browser and API tests
/// drive, and a model with every field kind (catalog: Product, with `--api`), so the build
/// proves that what it writes compiles without a warning.
fn crud_project() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = project::startproject(dir.path(), "crudsite");
        for (app, models) in [
            ("library", "library_models.rs"),
            ("catalog", "catalog_models.rs"),
        ] {
            project::run_rjango(&root, &["startapp", app]);
            std::fs::copy(
                Path::new(CRUD_FIXTURES).join(models),
                root.join("src").join(app).join("models.rs"),
            )
            .unwrap();
        }
        project::run_rjango(&root, &["generate", "crud", "library", "Author"]);
        project::run_rjango(&root, &["generate", "crud", "library", "Book", "--api"]);
        project::run_rjango(
            &root,
            &["generate", "crud", "library", "BookReview", "--api"],
        );
        project::run_rjango(&root, &["generate", "crud", "catalog", "Product", "--api"]);
        project::run_rjango(&root, &["makemigrations", "--noinput"]);
        let binary = project::build(&root, "crudsite");
        Built {
            _dir: dir,
            root,
            binary,
        }
    })
}

/// The seed project, generated and built once per test run.
fn seed_project() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = project::startproject(dir.path(), "seedsite");
        // It is served on PostgreSQL and MySQL too (DATABASE_URL): every driver compiled in.
        edit(&root.join("Cargo.toml"), r#"features = ["sqlite"]"#, r#"features = ["sqlite", "postgres", "mysql"]"#);
        project::run_rjango(&root, &["startapp", "blog"]);
        for file in ["views.rs", "middleware.rs", "urls.rs"] {
            std::fs::copy(Path::new(FIXTURES).join(file), root.join("src").join(file)).unwrap();
        }
        for template in ["home.html", "post_list.html", "contact.html"] {
            std::fs::copy(Path::new(FIXTURES).join(template), root.join("templates").join(template)).unwrap();
        }
        // The project overrides one of the auth views' pages with its own file.
        std::fs::create_dir_all(root.join("templates/registration")).unwrap();
        std::fs::copy(
            Path::new(FIXTURES).join("logged_out.html"),
            root.join("templates/registration/logged_out.html"),
        )
        .unwrap();
        std::fs::copy(Path::new(FIXTURES).join("models.rs"), root.join("src/blog/models.rs")).unwrap();
        std::fs::copy(Path::new(FIXTURES).join("admin.rs"), root.join("src/blog/admin.rs")).unwrap();
        let made = project::run_rjango(&root, &["makemigrations", "--noinput"]);
        assert!(made.contains("0001_initial.rs"), "{made}");
        // A hand-written data migration (RunRust) after the generated one.
        std::fs::copy(Path::new(FIXTURES).join("data.rs"), root.join("src/blog/data.rs")).unwrap();
        std::fs::copy(
            Path::new(FIXTURES).join("0002_seed_authors.rs"),
            root.join("src/blog/migrations/0002_seed_authors.rs"),
        )
        .unwrap();
        edit(&root.join("src/blog/mod.rs"), "pub mod admin;", "pub mod admin;\npub mod data;");
        edit(&root.join("src/main.rs"), "mod generated;", "mod generated;\nmod middleware;\nmod views;");
        edit(
            &root.join("src/settings.rs"),
            "middleware::clickjacking::XFrameOptionsMiddleware,",
            "middleware::clickjacking::XFrameOptionsMiddleware,\n            crate::middleware::RequestIDMiddleware,",
        );
        // The session engine and the cache from the environment, for the two-process test.
        edit(
            &root.join("src/settings.rs"),
            "        ..Settings::default()",
            "        SESSION_ENGINE: env::string(\"SESSION_ENGINE\").unwrap_or_else(|| \"django.contrib.sessions.backends.db\".into()),\n        CACHES: rjango::core::cache::Caches::new().with(\"default\", env::string(\"CACHE_URL\").unwrap_or_else(|| \"locmem://\".into())),\n        ..Settings::default()",
        );
        let binary = project::build(&root, "seedsite");
        Built { _dir: dir, root, binary }
    })
}

/// The seed project built for serving (`cargo build --release`), once per test run: what the
/// hostile HTTP test attacks.
fn seed_release_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| project::build_release(&seed_project().root, "seedsite"))
}

/// A new project compiles SQLite's driver alone; a DATABASE_URL naming another database is
/// one clear line that says which feature to add.
#[test]
fn a_driver_left_out_names_the_feature_to_add() {
    let built = crud_project();
    let out = std::process::Command::new(&built.binary)
        .arg("migrate")
        .current_dir(&built.root)
        .env("DEBUG", "true")
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is PostgreSQL, but this project was built without its driver: add \"postgres\" to the features of rjango in Cargo.toml"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn seed_examples_over_http() {
    let server = Running::server(&seed_project().binary, &[("DEBUG", "true")]);
    let port = server.port;

    let r = get(port, "/hello/");
    assert_eq!((r.status, r.text().as_str()), (200, "Hello, world"));
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));

    // Class-based view: GET answers, POST is 405 with Allow.
    assert_eq!(get(port, "/ping/").text(), "pong");
    let r = Request::new("POST", "/ping/").send(port);
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
    let r = Request::new("HEAD", "/ping/").send(port);
    assert_eq!((r.status, r.body.len()), (200, 0));

    // <int:item_id>
    let r = get(port, "/items/42/");
    assert_eq!(
        (r.status, r.json()),
        (200, serde_json::json!({ "item_id": 42 }))
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(get(port, "/items/abc/").status, 404);
    assert_eq!(
        get(port, "/items/99999999999999999999/").status,
        404,
        "past i64 is no match, as Django"
    );

    // create_item
    let r = Request::new("POST", "/items/").send(port);
    assert_eq!((r.status, r.text().as_str()), (201, "created"));
    assert_eq!(get(port, "/items/").status, 405);

    // search: params, defaults, and a bad page is a 400 with a message
    assert_eq!(
        get(port, "/search/?q=abc&page=2").json(),
        serde_json::json!({ "q": "abc", "page": 2 })
    );
    assert_eq!(
        get(port, "/search/").json(),
        serde_json::json!({ "q": "", "page": 1 })
    );
    let r = get(port, "/search/?page=x");
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "page must be an integer")
    );

    // parse_json: content type, malformed JSON, invalid UTF-8, valid
    let r = Request::new("POST", "/parse-json/")
        .header("Content-Type", "text/plain")
        .body("{}")
        .send(port);
    assert_eq!(
        (r.status, r.json()),
        (
            415,
            serde_json::json!({ "error": "expected application/json" })
        )
    );
    let json = |body: Vec<u8>| {
        Request::new("POST", "/parse-json/")
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body)
            .send(port)
    };
    assert_eq!(json(b"{not json".to_vec()).status, 400);
    assert_eq!(json(vec![b'"', 0xff, 0xfe, b'"']).status, 400);
    let r = json(br#"{"a": [1, 2, {"b": null}]}"#.to_vec());
    assert_eq!(
        (r.status, r.json()),
        (
            200,
            serde_json::json!({ "received": { "a": [1, 2, { "b": null }] } })
        )
    );

    // A JsonResponse with a header of its own.
    let r = get(port, "/json-ok/");
    assert_eq!(
        (r.json(), r.header("x-custom-id")),
        (serde_json::json!({ "ok": true }), Some("example"))
    );

    // RequestIDMiddleware, enabled through MIDDLEWARE, on every response (404s too).
    let r = Request::new("GET", "/hello/")
        .header("X-Request-ID", "abc-123")
        .send(port);
    assert_eq!(r.header("x-request-id"), Some("abc-123"));
    assert_eq!(get(port, "/hello/").header("x-request-id"), Some("missing"));
    assert_eq!(get(port, "/nope/").header("x-request-id"), Some("missing"));
    // The built-in middleware of the default MIDDLEWARE.
    let r = get(port, "/hello/");
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    // CSRF is on by default: a POST without a token to a view that is not csrf_exempt is a
    // 403 with Django's reason (DEBUG is on here).
    let r = Request::new("POST", "/hello/").send(port);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("CSRF cookie not set."), "{}", r.text());

    // Redirects to named routes with arguments: typed reverse, and reverse by name.
    let r = get(port, "/go/42/");
    assert_eq!((r.status, r.header("location")), (302, Some("/items/42/")));
    let r = get(port, "/go-by-name/hello-world/");
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("/blog/?from=hello-world"))
    );

    // render(): an askama template extending the project's base.html, escaped.
    let r = get(port, "/home/");
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains("<title>seedsite</title>"), "{page}");
    assert!(page.contains("<h1>Home</h1>"), "{page}");
    assert!(
        page.contains("<li>Tom &amp; Jerry</li><li>&lt;script&gt;</li>"),
        "escaped as Django does: {page}"
    );

    // include() with a namespace: the app's own index.
    let r = get(port, "/blog/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("The blog app works"), "{}", r.text());

    // APPEND_SLASH: /hello → /hello/ (CommonMiddleware).
    let r = get(port, "/hello?x=1");
    assert_eq!((r.status, r.header("location")), (301, Some("/hello/?x=1")));

    // DEBUG 404: the patterns tried, in order, like Django's page.
    let r = get(port, "/nope/");
    assert_eq!(r.status, 404);
    let page = r.text();
    for expected in [
        "Page not found",
        "seedsite::urls",
        "hello/ [name=&#x27;hello&#x27;]",
        "items/&lt;int:item_id&gt;/ [name=&#x27;item-detail&#x27;]",
        "blog/ [namespace=&#x27;blog&#x27;]",
        "The current path, <code>nope/</code>, didn’t match any of these.",
    ] {
        assert!(
            page.contains(expected),
            "{expected:?} missing from the debug 404:\n{page}"
        );
    }

    // A view that panics: a 500 with the panic shown (DEBUG), and the server goes on.
    let r = get(port, "/boom/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("boom: a view that panics"));
    assert_eq!(get(port, "/hello/").status, 200);

    // Hosts outside ALLOWED_HOSTS (DEBUG allows only localhost names) are refused.
    let r = Request::new("GET", "/hello/")
        .header("Host", "evil.example")
        .send(port);
    assert_eq!(r.status, 400);
    // A body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is refused with 413.
    let r = Request::new("POST", "/items/")
        .body(vec![b'x'; 3 * 1024 * 1024])
        .send(port);
    assert_eq!(r.status, 413);
    assert_eq!(get(port, "/hello/").status, 200);
}

/// The tests.rs startapp writes pass, through the in-process test client.
#[test]
fn generated_app_tests_pass() {
    let out = project::cargo_test(&seed_project().root);
    assert!(
        out.contains("test blog::tests::index_answers ... ok"),
        "{out}"
    );
}

/// migrate, showmigrations and sqlmigrate through `rjango`, as a user types them, on the
/// project's default SQLite database.
#[test]
fn migrate_commands_on_sqlite() {
    let root = &seed_project().root;
    let run = |args: &[&str]| {
        let out = project::rjango()
            .args(args)
            .current_dir(root)
            .env("DEBUG", "true")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = run(&["showmigrations"]);
    assert_eq!(
        (code, text.as_str()),
        (
            Some(0),
            "admin\n [ ] 0001_squashed_0003_logentry_add_action_flag_choices (3 squashed migrations)\nauth\n [ ] 0001_squashed_0012_alter_user_first_name_max_length (12 squashed migrations)\nblog\n [ ] 0001_initial\n [ ] 0002_seed_authors\ncontenttypes\n [ ] 0001_squashed_0002_remove_content_type_name (2 squashed migrations)\nsessions\n [ ] 0001_initial\n"
        )
    );
    let (_, text) = run(&["migrate", "--plan"]);
    assert!(
        text.starts_with("Planned operations:\ncontenttypes.0001_squashed_0002_remove_content_type_name\n    Create model ContentType\nauth.0001_squashed_0012_alter_user_first_name_max_length\n    Create model Permission\n    Create model Group\n    Create model User\n"),
        "{text}"
    );
    assert!(
        text.contains("blog.0001_initial\n    Create model Account\n    Create model Author\n    Create model Post\n    Create model Widget\nblog.0002_seed_authors\n    Raw Rust operation\n"),
        "{text}"
    );
    let (_, text) = run(&["sqlmigrate", "blog", "0002"]);
    assert_eq!(
        text,
        "BEGIN;\n--\n-- Raw Rust operation\n--\n-- THIS OPERATION CANNOT BE WRITTEN AS SQL (crate::blog::data::seed_authors)\nCOMMIT;\n"
    );
    let (_, text) = run(&["sqlmigrate", "blog", "0001"]);
    assert!(
        text.starts_with("BEGIN;\n--\n-- Create model Account\n--\nCREATE TABLE \"blog_account\""),
        "{text}"
    );
    assert!(
        text.contains("--\n-- Create model Author\n--\nCREATE TABLE \"blog_author\""),
        "{text}"
    );
    assert!(text.contains("\"author_id\" bigint NOT NULL REFERENCES \"blog_author\" (\"id\") DEFERRABLE INITIALLY DEFERRED"), "{text}");
    assert!(text.trim_end().ends_with("COMMIT;"), "{text}");
    let (code, text) = run(&["migrate"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Operations to perform:\n  Apply all migrations: admin, auth, blog, contenttypes, sessions\nRunning migrations:\n"), "{text}");
    assert!(
        text.contains(
            "  Applying blog.0001_initial... OK\n  Applying blog.0002_seed_authors... OK"
        ),
        "{text}"
    );
    assert!(
        text.contains("  Applying auth.0001_squashed_0012_alter_user_first_name_max_length... OK"),
        "{text}"
    );
    // post_migrate: each model's content type and Django's four permissions.
    assert_eq!(
        sqlite(
            root,
            "SELECT app_label || '.' || model FROM django_content_type ORDER BY id"
        ),
        "admin.logentry,auth.permission,auth.group,auth.user,contenttypes.contenttype,sessions.session,blog.author,blog.post,blog.widget,blog.account",
        "apps in INSTALLED_APPS order, each app's models as models.rs declares them"
    );
    assert_eq!(
        sqlite(
            root,
            "SELECT codename FROM auth_permission WHERE content_type_id = 8 ORDER BY id"
        ),
        "add_post,change_post,delete_post,view_post"
    );
    assert!(
        root.join("db.sqlite3").exists(),
        "the default database is BASE_DIR/db.sqlite3"
    );
    assert_eq!(authors(root), "Ada,Grace", "the RunRust function ran");
    let (_, text) = run(&["showmigrations", "blog"]);
    assert_eq!(text, "blog\n [X] 0001_initial\n [X] 0002_seed_authors\n");
    let (_, text) = run(&["migrate"]);
    assert!(text.contains("No migrations to apply."), "{text}");
    let (code, text) = run(&["migrate", "blog", "0001"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Unapplying blog.0002_seed_authors... OK"),
        "{text}"
    );
    assert_eq!(authors(root), "", "its reverse_code ran");
    let (code, text) = run(&["migrate", "blog", "zero"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Unapplying blog.0001_initial... OK"),
        "{text}"
    );
    assert!(!text.contains("0002"), "{text}");
    let (_, text) = run(&["migrate", "blog", "0001", "--fake"]);
    assert!(
        text.contains("Applying blog.0001_initial... FAKED"),
        "{text}"
    );
    let (_, text) = run(&["migrate", "blog", "zero", "--fake"]);
    assert!(
        text.contains("Unapplying blog.0001_initial... FAKED"),
        "{text}"
    );
    let (code, text) = run(&["migrate", "shop"]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("App 'shop' does not have migrations."),
        "{text}"
    );
    let (code, text) = run(&["sqlmigrate", "blog", "0009"]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("Cannot find a migration matching '0009' from app 'blog'"),
        "{text}"
    );

    // A database that cannot be reached: one clear line, exit 1.
    let out = project::rjango()
        .args(["migrate"])
        .current_dir(root)
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "could not connect to the database 'default' (postgres://postgres@127.0.0.1:1/nowhere)"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

/// The ORM over real HTTP in the generated project, on its own SQLite database: the seed's
/// widget_detail (get_object_or_404 and the JSON handler404), a create, and a filtered list
/// of the authors the RunRust data migration seeded.
#[test]
fn orm_over_http() {
    let built = seed_project();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/orm.sqlite3", dir.path().display());
    migrate_to(&built.root, &url);
    let env = prod_with(&[("DATABASE_URL", url.as_str())]);
    let server = Running::server(&built.binary, &env);
    let port = server.port;

    let r = get(port, "/authors/");
    assert_eq!(
        (r.status, r.json()),
        (200, serde_json::json!({ "authors": ["Ada", "Grace"] }))
    );
    assert_eq!(
        get(port, "/authors/?q=RAC").json(),
        serde_json::json!({ "authors": ["Grace"] }),
        "icontains"
    );
    assert_eq!(
        get(port, "/authors/?q=%25").json(),
        serde_json::json!({ "authors": [] }),
        "a % in the value matches only a %"
    );

    let r = get(port, "/widgets/1/");
    assert_eq!(
        (r.status, r.json()),
        (404, serde_json::json!({ "error": "not found" })),
        "get_object_or_404 answers through handler404"
    );
    let r = Request::new("POST", "/widgets/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Sprocket")
        .send(port);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let r = get(port, &format!("/widgets/{id}/"));
    assert_eq!(
        (r.status, r.json()),
        (200, serde_json::json!({ "id": id, "name": "Sprocket" }))
    );

    // The JSON post API: 12 posts, alternating between the two seeded authors.
    let post_form = |port: u16, body: String| {
        Request::new("POST", "/api/posts/")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send(port)
    };
    for i in 1..=12 {
        let r = post_form(port, format!("author={}&title=Post+{i}", 2 - i % 2));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let r = get(port, "/api/posts/");
    let posts = r.json()["posts"].as_array().unwrap().clone();
    assert_eq!(posts.len(), 12);
    assert_eq!(
        posts[0],
        serde_json::json!({ "id": 1, "title": "Post 1", "views": 0, "author": { "id": 1, "name": "Ada" } })
    );
    assert_eq!(posts[1]["author"]["name"], "Grace");
    let r = get(port, "/api/posts/2/");
    assert_eq!(
        (r.status, r.json()["author"]["name"].clone()),
        (200, serde_json::json!("Grace"))
    );
    let r = get(port, "/api/posts/99/");
    assert_eq!(
        (r.status, r.json()),
        (404, serde_json::json!({ "error": "not found" })),
        "a missing post is handler404's answer"
    );

    // Transfers: the debit and the credit commit together or not at all.
    let form = |path: &'static str, body: &str| {
        Request::new("POST", path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send(port)
    };
    assert_eq!(form("/accounts/", "owner=alice&balance=100").status, 201);
    assert_eq!(form("/accounts/", "owner=bob&balance=0").status, 201);
    let r = form("/transfer/", "from=1&to=2&amount=30");
    assert_eq!(
        (r.status, r.json()["balances"].clone()),
        (200, serde_json::json!([["alice", 70], ["bob", 30]])),
        "{}",
        r.text()
    );
    let r = form("/transfer/", "from=1&to=99&amount=50");
    assert_eq!(
        (r.status, r.json()),
        (400, serde_json::json!({ "error": "no such account" }))
    );
    let r = form("/transfer/", "from=2&to=1&amount=31");
    assert_eq!(
        (r.status, r.json()),
        (400, serde_json::json!({ "error": "insufficient funds" }))
    );
    let r = form("/transfer/", "from=2&to=1&amount=0");
    assert_eq!(
        r.json()["balances"],
        serde_json::json!([["alice", 70], ["bob", 30]]),
        "the failed transfers left both balances untouched"
    );
    drop(server);

    // With DEBUG on, each response carries its statement count: every page of the list
    // takes the same number (COUNT, then the page with its authors), however many posts.
    let server = Running::server(
        &built.binary,
        &[("DEBUG", "true"), ("DATABASE_URL", url.as_str())],
    );
    let port = server.port;
    for page in ["1", "2", "3"] {
        let r = get(port, &format!("/posts/?page={page}"));
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("x-rjango-queries"), Some("2"), "page {page}");
    }
    assert_eq!(
        get(port, "/api/posts/").header("x-rjango-queries"),
        Some("1"),
        "12 posts with their authors in one query"
    );
    let text = get(port, "/posts/?page=3").text();
    assert!(
        text.contains("<li class=\"post\">Post 11 by Ada</li>"),
        "{text}"
    );
    assert!(text.contains("Page 3 of 3."), "{text}");
    assert!(!text.contains("rel=\"next\""), "{text}");

    // The page in a real browser: it extends base.html, and its links are the page range.
    if let Some(dom) = browser_dom(port, "/posts/?page=2") {
        assert!(dom.contains("<title>Posts</title>"), "{dom}");
        assert!(dom.contains("Post 6 by Grace"), "{dom}");
        assert!(
            dom.contains("<a rel=\"prev\" href=\"?page=1\">previous</a>"),
            "{dom}"
        );
        assert!(
            dom.contains("<a rel=\"next\" href=\"?page=3\">next</a>"),
            "{dom}"
        );
        assert_eq!(dom.matches("class=\"page\"").count(), 3, "{dom}");
    }
}

/// What a database failure looks like from outside: an error in a view is a logged 500 (the
/// SQL and the error with DEBUG on, nothing internal with it off) and the server goes on; a
/// database that cannot be reached stops runserver before it listens; a pool that stays busy
/// answers 503 with Retry-After.
#[test]
fn database_failures_over_http() {
    let built = seed_project();
    let dir = tempfile::tempdir().unwrap();
    // A database nobody migrated: every query on blog_author fails.
    let url = format!("sqlite://{}/unmigrated.sqlite3", dir.path().display());
    let server = Running::server(
        &built.binary,
        &[("DEBUG", "true"), ("DATABASE_URL", url.as_str())],
    );
    let r = get(server.port, "/authors/");
    let page = r.text();
    assert_eq!(r.status, 500, "{page}");
    assert!(page.contains("no such table: blog_author"), "{page}");
    assert!(
        page.contains("SQL: SELECT"),
        "DEBUG shows the statement: {page}"
    );
    assert!(
        server.wait_for_output("Internal Server Error: /authors/", Duration::from_secs(10)),
        "the 500 is logged:\n{}",
        server.output()
    );
    assert_eq!(get(server.port, "/hello/").text(), "Hello, world");
    drop(server);

    let env = prod_with(&[("DATABASE_URL", url.as_str())]);
    let server = Running::server(&built.binary, &env);
    let r = get(server.port, "/authors/");
    let page = r.text();
    assert_eq!(r.status, 500, "{page}");
    for secret in ["blog_author", "SELECT", "no such table"] {
        assert!(
            !page.contains(secret),
            "production 500 leaks {secret:?}: {page}"
        );
    }
    drop(server);

    // DATABASES is opened at start-up: an unreachable server is one line, before listening.
    let port = project::free_port();
    let out = std::process::Command::new(&built.binary)
        .args(["runserver", &format!("127.0.0.1:{port}")])
        .env("DEBUG", "true")
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "Error: could not connect to the database 'default' (postgres://postgres@127.0.0.1:1/nowhere)"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Starting development server"),
        "the server never listened"
    );

    // A pool of one connection, held by a slow report: the next query waits its second and
    // is answered 503, and the server serves again once the connection is free.
    let Ok(admin) = std::env::var("RJANGO_TEST_POSTGRES") else {
        return support::skip::skip(
            "the busy-pool 503",
            "it needs PostgreSQL: set RJANGO_TEST_POSTGRES",
        );
    };
    let _shared = SERVERS.read().unwrap_or_else(|e| e.into_inner());
    let db = TempDatabase::create(Server::Postgres, &admin, "busy");
    migrate_to(&built.root, &db.url);
    let env = prod_with(&[
        ("DATABASE_URL", db.url.as_str()),
        ("DATABASE_POOL_SIZE", "1"),
        ("DATABASE_POOL_TIMEOUT", "1"),
    ]);
    let server = Running::server(&built.binary, &env);
    let port = server.port;
    let slow = std::thread::spawn(move || get(port, "/slow-report/?seconds=3"));
    std::thread::sleep(Duration::from_millis(700));
    let r = get(port, "/authors/");
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(r.text().contains("Service Unavailable"), "{}", r.text());
    let slow = slow.join().unwrap();
    assert_eq!(
        (slow.status, slow.json()),
        (200, serde_json::json!({ "slept": 3.0, "authors": 2 }))
    );
    assert_eq!(
        get(port, "/authors/").json(),
        serde_json::json!({ "authors": ["Ada", "Grace"] }),
        "the connection is free again"
    );
    assert!(
        server.wait_for_output("Service Unavailable: /authors/", Duration::from_secs(10)),
        "the 503 is logged:\n{}",
        server.output()
    );
}

/// A database server stopped under load and started again, on PostgreSQL and MariaDB: pages
/// without the database keep answering; requests that need it are answered 503 with
/// Retry-After at once (not after the 10 s pool timeout); the outage and the recovery are
/// logged once each; the server serves the database again by itself; every write answered
/// 2xx is in the database, and no transfer is half-applied.
#[test]
fn a_database_outage_is_answered_at_once_and_recovered() {
    let built = seed_project();
    let _alone = SERVERS.write().unwrap_or_else(|e| e.into_inner());
    for server in [Server::Postgres, Server::Mariadb] {
        let Ok(admin) = std::env::var(server.variable()) else {
            support::skip::skip(
                &format!("the {server:?} outage test"),
                &format!("{} is not set", server.variable()),
            );
            continue;
        };
        if let Some(why) = server.why_not_controllable(&admin) {
            support::skip::skip(&format!("the {server:?} outage test"), &why);
            continue;
        }
        outage(built, server, &admin);
    }
}

fn outage(built: &Built, server: Server, admin: &str) {
    use support::load::quantile;
    let db = TempDatabase::create(server, admin, "outage");
    migrate_to(&built.root, &db.url);
    let env = prod_with(&[("DATABASE_URL", db.url.as_str())]);
    let running = Running::server(&built.binary, &env);
    let load = bank::start(running.port);
    std::thread::sleep(Duration::from_secs(2));
    let stopping = load.now();
    let stopped = server.stop();
    let down = load.now();
    std::thread::sleep(Duration::from_secs(5));
    let restarting = load.now();
    stopped.start();
    let up = load.now();
    let recovered = bank::first_read_after(&load, up, &running, &format!("{server:?}"));
    std::thread::sleep(Duration::from_secs(2));
    let samples = load.finish();
    let log = running.output();

    let hello_p99 = bank::answers_sound(&samples, &format!("{server:?}"), &log);
    // While the server is down (from a second after it stopped), the database's requests are
    // answered 503 with Retry-After, at once.
    let during: Vec<_> = samples
        .iter()
        .filter(|s| {
            s.kind != "hello"
                && s.asked >= down + Duration::from_secs(1)
                && s.asked + s.took < restarting
        })
        .collect();
    assert!(
        during.len() > 100,
        "{server:?}: only {} requests while down",
        during.len()
    );
    assert!(
        during
            .iter()
            .all(|s| s.status == 503 && s.retry_after.as_deref() == Some("1")),
        "{server:?}: {:?}",
        during
            .iter()
            .find(|s| s.status != 503 || s.retry_after.is_none())
    );
    let unavailable: Vec<_> = samples
        .iter()
        .filter(|s| s.status == 503)
        .map(|s| s.took)
        .collect();
    let slowest_503 = unavailable.iter().copied().max().unwrap_or_default();
    let p99_503 = quantile(unavailable.clone(), 0.99);
    assert!(
        slowest_503 < Duration::from_secs(5) && p99_503 < Duration::from_millis(500),
        "{server:?}: 503s took {p99_503:?} (p99), {slowest_503:?} at most; the pool timeout is 10 s"
    );
    assert!(
        recovered < Duration::from_secs(5),
        "{server:?}: the first read after the server's return came {recovered:?} later"
    );
    assert_eq!(
        log.matches("Requests that need it are answered 503 until it is back")
            .count(),
        1,
        "{server:?}: logged once:\n{log}"
    );
    assert_eq!(
        log.matches("is reachable again").count(),
        1,
        "{server:?}: logged once:\n{log}"
    );
    assert!(!log.contains("Internal Server Error"), "{server:?}:\n{log}");
    // The requests that found their connection cut are logged; those refused while the
    // database was known to be down are not.
    let logged_503 = log.matches("Service Unavailable:").count();
    assert!(
        logged_503 <= 16,
        "{server:?}: {logged_503} 503s logged:\n{log}"
    );

    let writes = bank::writes_kept(&db, &samples, &format!("{server:?}"));
    println!(
        "{server:?} outage: stopped at {stopping:.1?} (down {down:.1?}), back at {up:.1?}; {} requests, {} answered 503 (median {:.1?}, p99 {p99_503:.1?}, slowest {slowest_503:.1?}), {logged_503} of them logged; /hello/ p99 {hello_p99:.1?}; first read {recovered:.2?} after the server was back; {} accounts created, {} transfers done, {} moved",
        samples.len(),
        unavailable.len(),
        quantile(unavailable.clone(), 0.5),
        writes.created,
        writes.done,
        writes.moved,
    );
}

/// The DOM headless Chromium builds for a page, or None (with a notice) without Chromium.
fn browser_dom(port: u16, path: &str) -> Option<String> {
    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        support::skip::skip(
            &format!("the browser check of {path}"),
            "chromium is not installed (apt-get install chromium)",
        );
        return None;
    };
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .expect("run chromium");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The authors' names in the project's SQLite database, read with Python's sqlite3 (another
/// client than the one that wrote them).
fn authors(root: &Path) -> String {
    sqlite(root, "SELECT name FROM blog_author ORDER BY name")
}

/// The first column of a query's rows on the project's SQLite database, comma-separated.
fn sqlite(root: &Path, query: &str) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; db = sqlite3.connect(sys.argv[1]); rows = db.execute(sys.argv[2]).fetchall(); db.commit(); print(','.join(str(r[0]) for r in rows))",
        ])
        .arg(root.join("db.sqlite3"))
        .arg(query)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The migrations makemigrations wrote are compiled into the binary, and replay cleanly.
#[test]
fn migrations_are_compiled_in() {
    let out = std::process::Command::new(&seed_project().binary)
        .arg("check")
        .env("DEBUG", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("6 migrations in 5 apps replay to 10 models"),
        "{stdout}"
    );
}

#[test]
fn production_mode_shows_nothing_internal() {
    let server = Running::server(&seed_project().binary, PROD);
    let port = server.port;

    // The custom JSON handler404 of the root URLconf.
    let r = get(port, "/nope/");
    assert_eq!(
        (r.status, r.json()),
        (404, serde_json::json!({ "error": "not found" }))
    );
    let r = get(port, "/items/abc/");
    assert_eq!(
        (r.status, r.json()),
        (404, serde_json::json!({ "error": "not found" }))
    );

    // A panicking view: the plain 500 page, no message, no paths; the server goes on.
    let r = get(port, "/boom/");
    assert_eq!(r.status, 500);
    let page = r.text();
    assert!(page.contains("Server Error (500)"), "{page}");
    for secret in ["boom", "panic", "seedsite", "src/"] {
        assert!(
            !page.contains(secret),
            "production 500 leaks {secret:?}: {page}"
        );
    }
    assert_eq!(get(port, "/hello/").text(), "Hello, world");
    assert!(
        server.wait_for_output("Internal Server Error: /boom/", Duration::from_secs(10)),
        "the 500 is logged:\n{}",
        server.output()
    );

    // ALLOWED_HOSTS from the environment.
    let r = Request::new("GET", "/hello/")
        .header("Host", "localhost:1234")
        .send(port);
    assert_eq!(r.status, 200);
    // Each server thread remembers the last Host that passed: one that only starts like it
    // is still checked. (Four rounds, so that every worker has remembered the allowed one.)
    for _ in 0..4 {
        let r = Request::new("GET", "/hello/")
            .header("Host", "127.0.0.1:1234")
            .send(port);
        assert_eq!(r.status, 200);
        for host in ["127.0.0.1:1234@evil.example", "127.0.0.1:1234.evil.example"] {
            let r = Request::new("GET", "/hello/")
                .header("Host", host)
                .send(port);
            assert_eq!(r.status, 400, "{host}");
        }
    }
    let r = Request::new("GET", "/hello/")
        .header("Host", "evil.example")
        .send(port);
    assert_eq!(r.status, 400);
    assert!(
        !r.text().contains("ALLOWED_HOSTS"),
        "production 400 explains nothing: {}",
        r.text()
    );
}

#[test]
fn production_refuses_to_start_without_a_secret_key() {
    let out = std::process::Command::new(&seed_project().binary)
        .args(["runserver", &format!("127.0.0.1:{}", project::free_port())])
        .env("DEBUG", "false")
        .env("ALLOWED_HOSTS", "example.com")
        .env_remove("SECRET_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("SECRET_KEY environment variable"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
}

#[test]
fn project_binary_port_in_use_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = std::process::Command::new(&seed_project().binary)
        .args(["runserver", &port.to_string()])
        .env("DEBUG", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("That port is already in use"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// `rjango runserver` on a fresh project: the welcome page, a port in use, a reload on change,
/// a compile error that leaves the last good server serving, the fix, and Ctrl-C.
#[test]
fn runserver_reloads_and_survives_compile_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = project::startproject(dir.path(), "freshsite");
    let port = project::free_port();
    let mut cmd = project::rjango();
    cmd.args(["runserver", &port.to_string()])
        .current_dir(&root)
        .env("DEBUG", "true");
    let mut cli = Running::spawn(cmd, port);
    assert!(
        project::wait_for_port(port, Duration::from_secs(600)),
        "runserver did not serve:\n{}",
        cli.output()
    );

    // A new project with no URLs shows the welcome page, like Django's rocket.
    let r = get(port, "/");
    assert_eq!(r.status, 200);
    assert!(
        r.text().contains("The install worked successfully!"),
        "{}",
        r.text()
    );

    // A second server on the same port: one clear line, exit 1.
    let out = project::rjango()
        .args(["runserver", &port.to_string()])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already in use"));

    // Add a view: rebuilt and restarted on save.
    std::fs::write(
        root.join("src/views.rs"),
        "use rjango::prelude::*;\n\npub async fn hello(_request: HttpRequest) -> HttpResponse {\n    HttpResponse::new(\"v1\")\n}\n",
    )
    .unwrap();
    edit(
        &root.join("src/main.rs"),
        "mod generated;",
        "mod generated;\nmod views;",
    );
    edit(
        &root.join("src/urls.rs"),
        "urlpatterns![",
        "use crate::views;\n\nurlpatterns![\n    path(\"hello/\", views::hello, name = \"hello\"),",
    );
    assert!(
        wait_for_text(port, "/hello/", "v1"),
        "no reload:\n{}",
        cli.output()
    );

    // A compile error: shown, and the last good server keeps serving.
    std::fs::write(root.join("src/views.rs"), "this is not rust\n").unwrap();
    assert!(
        cli.wait_for_output("last good server keeps serving", Duration::from_secs(300)),
        "{}",
        cli.output()
    );
    assert_eq!(get(port, "/hello/").text(), "v1");

    // Fixed: serves the new code.
    std::fs::write(
        root.join("src/views.rs"),
        "use rjango::prelude::*;\n\npub async fn hello(_request: HttpRequest) -> HttpResponse {\n    HttpResponse::new(\"v2\")\n}\n",
    )
    .unwrap();
    assert!(
        wait_for_text(port, "/hello/", "v2"),
        "no reload after the fix:\n{}",
        cli.output()
    );

    // Ctrl-C stops the CLI and its server.
    cli.interrupt();
    let stopped = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        !cli.is_running()
    });
    assert!(stopped, "runserver did not stop on Ctrl-C");
    assert!(
        !project::wait_for_port(port, Duration::from_millis(500)),
        "the server outlived Ctrl-C"
    );

    // `kill` and a closed terminal (SIGTERM, SIGHUP) stop the server too, and so does the CLI's
    // own death by SIGKILL, which no handler sees (the server has Linux's parent-death signal).
    for signal in ["TERM", "HUP", "KILL"] {
        let mut cmd = project::rjango();
        cmd.args(["runserver", &port.to_string()])
            .current_dir(&root)
            .env("DEBUG", "true");
        let mut cli = Running::spawn(cmd, port);
        assert!(
            project::wait_for_port(port, Duration::from_secs(300)),
            "runserver did not serve:\n{}",
            cli.output()
        );
        cli.signal(signal);
        let stopped = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            !cli.is_running()
        });
        assert!(stopped, "runserver did not stop on SIG{signal}");
        let closed = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
        });
        assert!(closed, "the server outlived SIG{signal} of runserver");
    }
}

fn wait_for_text(port: u16, path: &str, text: &str) -> bool {
    (0..1200).any(|_| {
        std::thread::sleep(Duration::from_millis(250));
        Request::new("GET", path)
            .try_send(port)
            .is_some_and(|r| r.text() == text)
    })
}

/// The pages a person sees, loaded in headless Chromium (Debian's package; `.ci/run` installs
/// it): the rendered template with its base layout, the DEBUG 404 page, and an app's page.
#[test]
fn pages_render_in_a_real_browser() {
    let server = Running::server(&seed_project().binary, &[("DEBUG", "true")]);
    let dom = |path: &str| browser_dom(server.port, path);
    let Some(home) = dom("/home/") else {
        return;
    };
    assert!(home.contains("<title>seedsite</title>"), "{home}");
    assert!(home.contains("<h1>Home</h1>"), "{home}");
    // The browser decoded Django's entities back into the text the view passed.
    assert!(
        home.contains("<li>Tom &amp; Jerry</li><li>&lt;script&gt;</li>"),
        "{home}"
    );

    let not_found = dom("/nope/").unwrap();
    assert!(not_found.contains("Page not found"), "{not_found}");
    assert!(not_found.contains("hello/ [name='hello']"), "{not_found}");

    let blog = dom("/blog/").unwrap();
    assert!(blog.contains("The blog app works"), "{blog}");
}

/// The `sessionid` a response sets.
fn session_id(r: &support::http::Response) -> Option<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("sessionid="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// Two server processes of one project: a login made through one is honoured by the other,
/// and a logout through the other ends it for both, with the sessions in the database, then in
/// Redis (CACHES on redis://, SESSION_ENGINE the cache backend).
#[test]
fn a_login_in_one_process_is_honoured_by_another() {
    let built = seed_project();
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/db.sqlite3", dir.path().display());
    let manage = |args: &[&str], env: &[(&str, &str)]| built.manage(&database, args, env);
    manage(&["migrate"], &[]);
    manage(
        &["createsuperuser", "--noinput"],
        &[
            ("DJANGO_SUPERUSER_USERNAME", "ada"),
            ("DJANGO_SUPERUSER_PASSWORD", "two processes"),
        ],
    );
    let mut engines = vec![(
        "django.contrib.sessions.backends.db",
        "locmem://".to_owned(),
    )];
    match std::env::var("RJANGO_TEST_REDIS") {
        Ok(url) => engines.push(("django.contrib.sessions.backends.cache", url)),
        Err(_) => support::skip::skip(
            "the Redis part of a_login_in_one_process_is_honoured_by_another",
            "RJANGO_TEST_REDIS is not set",
        ),
    }
    for (engine, cache) in engines {
        let env = [
            ("DEBUG", "true"),
            ("DATABASE_URL", database.as_str()),
            ("SESSION_ENGINE", engine),
            ("CACHE_URL", cache.as_str()),
        ];
        let (a, b) = (
            Running::server(&built.binary, &env),
            Running::server(&built.binary, &env),
        );
        let login = |port: u16, password: &str| {
            Request::new("POST", "/api/login/")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("username=ada&password={password}"))
                .send(port)
        };
        let whoami = |port: u16, key: &str| {
            Request::new("GET", "/api/whoami/")
                .header("cookie", format!("sessionid={key}"))
                .send(port)
                .json()
        };
        let r = login(a.port, "wrong");
        assert_eq!(
            (r.status, r.json()["user"].clone()),
            (401, serde_json::Value::Null),
            "{engine}"
        );
        let r = login(a.port, "two+processes");
        assert_eq!(r.status, 200, "{engine}: {}{}", r.text(), a.output());
        let key = session_id(&r).expect("login sets the session cookie");
        let pid_a = r.json()["pid"].clone();

        let seen = whoami(b.port, &key);
        assert_eq!(
            seen["user"], "ada",
            "{engine}: the other process knows the session"
        );
        assert_ne!(seen["pid"], pid_a, "two processes");
        assert_eq!(
            whoami(b.port, "not-a-session-key-of-anyone")["user"],
            serde_json::Value::Null
        );

        // A logout through one process ends the session for both.
        let r = Request::new("POST", "/api/logout/")
            .header("cookie", format!("sessionid={key}"))
            .send(b.port);
        assert_eq!(r.status, 200, "{engine}");
        assert_eq!(
            whoami(a.port, &key)["user"],
            serde_json::Value::Null,
            "{engine}"
        );
    }
}

/// A visitor in headless Chromium (WebDriver): sent to the login page by `login_required`,
/// refused with a wrong password, signed in, a form refused with Django's message then
/// accepted, the success message shown once, signed out through the project's own
/// logged-out page; a form posted from a page without the CSRF token is refused with 403.
/// Screenshots of each step go to target/screenshots/browser_sign_in_form_messages_csrf/.
#[test]
fn browser_sign_in_form_messages_csrf() {
    use fantoccini::Locator;
    use support::browser::{self, body_text, click_then, fill, screenshot};

    let Some(driver) = browser::Driver::start("the browser test") else {
        return;
    };
    let built = seed_project();
    let db = built.migrated_database();
    let database = db.url.clone();
    built.manage(
        &database,
        &["createsuperuser", "--noinput"],
        &[
            ("DJANGO_SUPERUSER_USERNAME", "ada"),
            ("DJANGO_SUPERUSER_PASSWORD", "correct horse battery"),
        ],
    );
    let server = built.serve(&db);
    let site = format!("http://127.0.0.1:{}", server.port);
    let shots = browser::screenshot_dir("browser_sign_in_form_messages_csrf");
    let profile = tempfile::tempdir().unwrap();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = driver.browser(profile.path()).await;

        // 1. A page behind login_required sends the visitor to the login page, `next` kept.
        c.goto(&format!("{site}/contact/")).await.unwrap();
        c.wait().for_element(Locator::Css("#id_username")).await.unwrap();
        let url = c.current_url().await.unwrap();
        assert_eq!(url.path(), "/accounts/login/");
        assert_eq!(url.query(), Some("next=/contact/"));
        screenshot(&c, &shots, "01-login-page").await;

        // 2. A wrong password: the login page again, with Django's message.
        fill(&c, "#id_username", "ada").await;
        fill(&c, "#id_password", "wrong password").await;
        click_then(&c, "button[type=submit]", ".errorlist.nonfield").await;
        let text = body_text(&c).await;
        assert!(
            text.contains("Please enter a correct username and password. Note that both fields may be case-sensitive."),
            "{text}\n{}",
            server.output()
        );
        screenshot(&c, &shots, "02-wrong-password").await;

        // 3. The right one: signed in, and back on the page asked for.
        fill(&c, "#id_password", "correct horse battery").await;
        click_then(&c, "button[type=submit]", "#user").await;
        assert_eq!(c.current_url().await.unwrap().path(), "/contact/");
        assert!(body_text(&c).await.contains("Signed in as ada"));
        screenshot(&c, &shots, "03-signed-in").await;

        // 4. A form with an address the browser accepts and Django does not.
        fill(&c, "#id_subject", "Hello").await;
        fill(&c, "#id_sender", "ada@localhost-but-no-tld").await;
        fill(&c, "#id_message", "Is this thing on?").await;
        click_then(&c, "#send", "#id_sender_error").await;
        let text = body_text(&c).await;
        assert!(text.contains("Enter a valid email address."), "{text}");
        let subject = c.find(Locator::Css("#id_subject")).await.unwrap();
        assert_eq!(subject.prop("value").await.unwrap().as_deref(), Some("Hello"));
        screenshot(&c, &shots, "04-validation-error").await;

        // 5. Corrected: redirected, with the success message shown.
        fill(&c, "#id_sender", "ada@example.com").await;
        click_then(&c, "#send", ".messages li.success").await;
        let text = body_text(&c).await;
        assert!(text.contains("Thanks, ada@example.com: your message was sent."), "{text}");
        assert!(!text.contains("Enter a valid email address."));
        screenshot(&c, &shots, "05-success-message").await;

        // 6. Shown once: the next page has no message.
        c.refresh().await.unwrap();
        c.wait().for_element(Locator::Css("#user")).await.unwrap();
        assert!(c.find(Locator::Css(".messages")).await.is_err(), "the message came back");
        screenshot(&c, &shots, "06-message-shown-once").await;

        // 7. Log out (a POST with the token), onto the project's own logged-out page.
        click_then(&c, "#logout", "#bye").await;
        assert!(body_text(&c).await.contains("See you soon"));
        screenshot(&c, &shots, "07-logged-out").await;
        c.goto(&format!("{site}/contact/")).await.unwrap();
        c.wait().for_element(Locator::Css("#id_username")).await.unwrap();
        assert_eq!(c.current_url().await.unwrap().path(), "/accounts/login/");

        // 8. A form posted from a page without the token: 403, with Django's reason (DEBUG).
        c.goto(&format!("{site}/tokenless/")).await.unwrap();
        click_then(&c, "#forge", "h1 span").await;
        let text = body_text(&c).await;
        assert!(text.contains("CSRF verification failed. Request aborted."), "{text}");
        assert!(text.contains("CSRF token missing."), "{text}");
        screenshot(&c, &shots, "08-csrf-refused").await;

        c.close().await.unwrap();
    });
    let taken = std::fs::read_dir(&shots).unwrap().count();
    assert_eq!(taken, 8, "screenshots in {}", shots.display());
    println!(
        "browser test: 8 steps passed, screenshots in {}",
        shots.display()
    );
}

/// The admin site in headless Chromium: log in, add an author and a post (a validation error
/// first), find them in the change list (search, filter by author, sort), edit a post, edit an
/// author's posts through the inline on the author's page, delete two through the
/// "delete selected" action and its confirmation, delete an author whose posts cascade (the
/// confirmation lists them), read the history, then a staff member who may only view finds no
/// button to change anything and a forged POST is 403; log out. Screenshots of each page.
#[test]
fn browser_admin() {
    use fantoccini::Locator;
    use support::browser::{self, body_text, click_then, fill, screenshot};

    let Some(driver) = browser::Driver::start("the admin browser test") else {
        return;
    };
    let built = seed_project();
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/db.sqlite3", dir.path().display());
    let manage = |args: &[&str], env: &[(&str, &str)]| built.manage(&database, args, env);
    manage(&["migrate"], &[]);
    for name in ["ada", "clerk"] {
        manage(
            &["createsuperuser", "--noinput"],
            &[
                ("DJANGO_SUPERUSER_USERNAME", name),
                ("DJANGO_SUPERUSER_PASSWORD", "correct horse battery"),
            ],
        );
    }
    // The clerk: staff, and may only view authors and posts.
    let db = dir.path();
    sqlite(
        db,
        "UPDATE auth_user SET is_superuser = 0 WHERE username = 'clerk'",
    );
    sqlite(
        db,
        "INSERT INTO auth_user_user_permissions (user_id, permission_id) SELECT u.id, p.id FROM auth_user u, auth_permission p WHERE u.username = 'clerk' AND p.codename IN ('view_author', 'view_post')",
    );
    let server = Running::server(
        &built.binary,
        &[("DEBUG", "true"), ("DATABASE_URL", database.as_str())],
    );
    let site = format!("http://127.0.0.1:{}", server.port);
    let shots = browser::screenshot_dir("browser_admin");
    let profile = tempfile::tempdir().unwrap();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = driver.browser(profile.path()).await;
        let log_in = |user: &'static str| {
            let c = c.clone();
            let site = site.clone();
            async move {
                c.goto(&format!("{site}/admin/")).await.unwrap();
                c.wait().for_element(Locator::Css("#id_username")).await.unwrap();
                fill(&c, "#id_username", user).await;
                fill(&c, "#id_password", "correct horse battery").await;
                click_then(&c, "#login-form input[type=submit]", "#user-tools").await;
            }
        };

        // 1. The admin asks for a login, then shows the index of what the user may change.
        log_in("ada").await;
        assert_eq!(c.current_url().await.unwrap().path(), "/admin/");
        let text = body_text(&c).await;
        assert!(text.contains("Site administration") && text.contains("Authors"), "{text}");
        screenshot(&c, &shots, "01-index").await;

        // 2. Add an author: an empty name is refused beside the field, then saved.
        click_then(&c, "a[href='/admin/blog/author/add/']", "#id_name").await;
        click_then(&c, "input[name=_save]", "#id_name_error").await;
        assert!(body_text(&c).await.contains("This field is required."));
        fill(&c, "#id_name", "Ada Lovelace").await;
        click_then(&c, "input[name=_addanother]", "ul.messagelist li.success").await;
        assert!(body_text(&c).await.contains("The author “Ada Lovelace” was added successfully."));
        fill(&c, "#id_name", "Grace Hopper").await;
        click_then(&c, "input[name=_save]", "#result_list").await;

        // 3. Add posts: the author is searched for (autocomplete_fields): typed, then chosen
        // among the endpoint's answers; a missing title first.
        for (title, author) in [("Engines", "Ada Lovelace"), ("Notes", "Ada Lovelace"), ("Compilers", "Grace Hopper"), ("Bugs", "Grace Hopper")] {
            c.goto(&format!("{site}/admin/blog/post/add/")).await.unwrap();
            c.wait().for_element(Locator::Css("#id_author_search")).await.unwrap();
            let surname = author.split(' ').nth(1).unwrap();
            fill(&c, "#id_author_search", surname).await;
            c.wait()
                .for_element(Locator::XPath(&format!("//ul[@id='id_author_results']/li[.='{author}']")))
                .await
                .unwrap();
            if title == "Engines" {
                screenshot(&c, &shots, "07-autocomplete").await;
            }
            c.find(Locator::Css("#id_author_results li")).await.unwrap().click().await.unwrap();
            let chosen = c.find(Locator::Css("#id_author")).await.unwrap().prop("value").await.unwrap();
            assert!(chosen.is_some_and(|v| !v.is_empty()), "no author chosen");
            fill(&c, "#id_body", &format!("All about {title}.")).await;
            if title == "Engines" {
                click_then(&c, "input[name=_save]", "#id_title_error").await;
                assert!(body_text(&c).await.contains("Please correct the error below."));
                screenshot(&c, &shots, "02-change-form-error").await;
            }
            fill(&c, "#id_title", title).await;
            click_then(&c, "input[name=_save]", "ul.messagelist li.success").await;
        }

        // 4. The change list: each post with its author's name; search, then sort by title.
        let text = body_text(&c).await;
        assert!(text.contains("4 posts") && text.contains("Grace Hopper"), "{text}");
        screenshot(&c, &shots, "03-change-list").await;
        // On a phone-sized window the sidebar goes under the list, which still fits.
        c.set_window_size(390, 844).await.unwrap();
        let width: serde_json::Value = c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap();
        assert!(width.as_u64().unwrap() <= 400, "the page is {width}px wide on a phone");
        screenshot(&c, &shots, "03b-change-list-phone").await;
        c.set_window_size(1000, 900).await.unwrap();
        fill(&c, "#searchbar", "compilers").await;
        click_then(&c, "#changelist-search input[type=submit]", ".small.quiet").await;
        let text = body_text(&c).await;
        assert!(text.contains("1 result (4 total)") && text.contains("Compilers"), "{text}");
        assert!(!text.contains("Engines"), "{text}");
        c.goto(&format!("{site}/admin/blog/post/")).await.unwrap();
        c.wait().for_element(Locator::Css("#changelist-filter")).await.unwrap();
        c.find(Locator::LinkText("Grace Hopper")).await.unwrap().click().await.unwrap();
        c.wait()
            .for_element(Locator::Css("#changelist-filter li.selected a[href*='author__id__exact']"))
            .await
            .unwrap();
        let text = body_text(&c).await;
        assert!(text.contains("Compilers") && text.contains("Bugs") && !text.contains("Engines"), "{text}");
        c.goto(&format!("{site}/admin/blog/post/")).await.unwrap();
        click_then(&c, "th.column-title a", "th.sorted").await;
        let rows = c.find_all(Locator::Css("#result_list tbody th")).await.unwrap();
        let mut titles = Vec::new();
        for r in rows {
            titles.push(r.text().await.unwrap());
        }
        assert_eq!(titles, ["Bugs", "Compilers", "Engines", "Notes"]);
        // The views are edited in the list (list_editable) and saved by its Save.
        fill(&c, "#id_form-0-views", "42").await;
        click_then(&c, "input[name=_save]", "ul.messagelist li.success").await;
        assert!(body_text(&c).await.contains("1 post was changed successfully."));
        let views = c.find(Locator::Css("#id_form-0-views")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(views.as_deref(), Some("42"));

        // 5. Edit a post from its link; its history says what changed.
        click_then(&c, "#result_list tbody th a", "#id_title").await;
        fill(&c, "#id_title", "Bugs, found").await;
        click_then(&c, "input[name=_continue]", "ul.messagelist li.success").await;
        assert!(body_text(&c).await.contains("You may edit it again below."));
        click_then(&c, "a.historylink", "#change-history").await;
        let text = body_text(&c).await;
        assert!(text.contains("Added.") && text.contains("Changed Title."), "{text}");

        // 6. Grace Hopper's posts on her own page (a stacked inline): rename one, delete one
        // by its box, add one in the blank row; her history tells each.
        c.goto(&format!("{site}/admin/blog/author/?q=Hopper")).await.unwrap();
        click_then(&c, "#result_list tbody th a", "#posts-group").await;
        let first = c.find(Locator::Css("#id_posts-0-title")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(first.as_deref(), Some("Compilers"));
        fill(&c, "#id_posts-0-title", "Compilers, early").await;
        c.find(Locator::Css("#id_posts-1-DELETE")).await.unwrap().click().await.unwrap();
        fill(&c, "#id_posts-2-title", "Debugging").await;
        fill(&c, "#id_posts-2-body", "A moth in the relay.").await;
        screenshot(&c, &shots, "06-inline").await;
        click_then(&c, "input[name=_continue]", "ul.messagelist li.success").await;
        let titles = c.find_all(Locator::Css("#posts-group input[name$='-title']")).await.unwrap();
        let mut shown = Vec::new();
        for t in titles {
            shown.push(t.prop("value").await.unwrap().unwrap_or_default());
        }
        assert_eq!(shown, ["Compilers, early", "Debugging", ""], "her posts, then a blank row");
        click_then(&c, "a.historylink", "#change-history").await;
        let text = body_text(&c).await;
        assert!(
            text.contains("Changed Title for post “Post object (")
                && text.contains("Deleted post “Post object (")
                && text.contains("Added post “Post object ("),
            "{text}"
        );

        // 7. Delete two posts through the action, after its confirmation.
        c.goto(&format!("{site}/admin/blog/post/?o=0")).await.unwrap();
        c.wait().for_element(Locator::Css("input.action-select")).await.unwrap();
        let boxes = c.find_all(Locator::Css("input.action-select")).await.unwrap();
        boxes[0].click().await.unwrap();
        boxes[1].click().await.unwrap();
        let action = c.find(Locator::Css("select[name=action]")).await.unwrap();
        action.select_by_value("delete_selected").await.unwrap();
        click_then(&c, "button[title='Run the selected action']", ".deleted-objects").await;
        let text = body_text(&c).await;
        assert!(text.contains("Are you sure you want to delete the selected posts?"), "{text}");
        click_then(&c, "input[type=submit]", "ul.messagelist li.success").await;
        assert!(body_text(&c).await.contains("Successfully deleted 2 posts."));

        // 8. Deleting an author takes their posts: the confirmation lists them first.
        c.goto(&format!("{site}/admin/blog/author/?q=Ada")).await.unwrap();
        click_then(&c, "#result_list tbody th a", "#id_name").await;
        let name = c.find(Locator::Css("#id_name")).await.unwrap().prop("value").await.unwrap();
        click_then(&c, "a.deletelink", ".deleted-objects").await;
        let text = body_text(&c).await;
        assert!(text.contains("All of the following related items will be deleted"), "{text}");
        assert!(text.contains("Post: Post object ("), "{text}");
        screenshot(&c, &shots, "04-delete-confirmation").await;
        click_then(&c, "input[type=submit]", "ul.messagelist li.success").await;
        let text = body_text(&c).await;
        assert!(text.contains(&format!("The author “{}” was deleted successfully.", name.unwrap_or_default())), "{text}");
        c.goto(&format!("{site}/admin/blog/post/")).await.unwrap();
        c.wait().for_element(Locator::Css(".paginator")).await.unwrap();
        assert!(body_text(&c).await.contains("0 posts"), "the author's posts went with them");

        // 9. Log out; the clerk may only view: no add link, no save or delete button, and a
        // POST forged with a valid token is refused.
        click_then(&c, "#logout-form button", "#logged-out").await;
        assert!(body_text(&c).await.contains("Thanks for spending some quality time"));
        log_in("clerk").await;
        let index = c.source().await.unwrap();
        assert!(index.contains("Welcome, <strong>clerk</strong>"), "{index}");
        assert!(!index.contains(r#"class="addlink""#), "an add link for the clerk: {index}");
        c.goto(&format!("{site}/admin/blog/author/")).await.unwrap();
        click_then(&c, "#result_list tbody th a", ".readonly").await;
        assert!(c.find(Locator::Css("input[name=_save]")).await.is_err());
        assert!(c.find(Locator::Css("a.deletelink")).await.is_err());
        screenshot(&c, &shots, "05-view-only").await;
        let status = c
            .execute_async(
                "const done = arguments[0];
                 const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
                 fetch(location.pathname, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                       body: 'csrfmiddlewaretoken=' + encodeURIComponent(token) + '&name=Eve'})
                   .then(r => done(r.status));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(status, serde_json::json!(403));
        click_then(&c, "#logout-form button", "#logged-out").await;
        c.close().await.unwrap();
    });
    // The seed's own authors (its data migration's), Grace Hopper, and no Eve.
    assert_eq!(
        sqlite(db, "SELECT name FROM blog_author ORDER BY id"),
        "Ada,Grace,Grace Hopper",
        "Ada Lovelace deleted, and the forged POST changed nothing"
    );
    let taken = std::fs::read_dir(&shots).unwrap().count();
    assert_eq!(taken, 8, "screenshots in {}", shots.display());
    println!(
        "admin browser test: 9 steps passed, screenshots in {}",
        shots.display()
    );
}

/// A new project's static files: served by runserver with DEBUG on (with the content type),
/// a traversal refused, nothing served with DEBUG off, and `collectstatic --noinput` copying
/// them to STATIC_ROOT with their hashed copies and Django's manifest.
#[test]
fn static_files_are_served_and_collected() {
    let built = seed_project();
    let static_dir = built.root.join("static/css");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(static_dir.join("e2e.css"), "h1{color:teal}\n").unwrap();

    let server = Running::server(&built.binary, &[("DEBUG", "true")]);
    let r = get(server.port, "/static/css/e2e.css");
    assert_eq!(
        (r.status, r.text().as_str()),
        (200, "h1{color:teal}\n"),
        "{}",
        server.output()
    );
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        get(server.port, "/static/css/%2e%2e/%2e%2e/Cargo.toml").status,
        404
    );
    drop(server);
    let server = Running::server(
        &built.binary,
        &[
            ("DEBUG", "false"),
            (
                "SECRET_KEY",
                "an e2e secret key that is long enough to pass",
            ),
            ("ALLOWED_HOSTS", "127.0.0.1"),
        ],
    );
    assert_eq!(get(server.port, "/static/css/e2e.css").status, 404);
    drop(server);

    let out = std::process::Command::new(&built.binary)
        .args(["collectstatic", "--noinput"])
        .current_dir(&built.root)
        .env("DEBUG", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("static file"), "{stdout}");
    assert!(stdout.contains("post-processed."), "{stdout}");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(built.root.join("staticfiles/staticfiles.json")).unwrap(),
    )
    .unwrap();
    let hashed = manifest["paths"]["css/e2e.css"].as_str().unwrap();
    assert!(
        hashed.starts_with("css/e2e.")
            && hashed.ends_with(".css")
            && hashed.len() == "css/e2e.".len() + 12 + 4,
        "{hashed}"
    );
    assert_eq!(
        std::fs::read_to_string(built.root.join("staticfiles").join(hashed)).unwrap(),
        "h1{color:teal}\n"
    );
}

/// POSTs `body` as JSON to the crud project's API; returns the response.
fn api(port: u16, method: &str, path: &str, body: serde_json::Value) -> support::http::Response {
    Request::new(method, path)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send(port)
}

/// `generate crud --api`'s JSON views over real HTTP: pages, 201 on create, 400 with Django's
/// field errors (the same ModelForm as the HTML pages), PUT and PATCH, DELETE, and what a JSON
/// API refuses (form data, a body that is not an object).
#[test]
fn generated_crud_api_over_http() {
    let built = crud_project();
    let db = built.migrated_database();
    let dir = &db.dir;
    sqlite(
        dir.path(),
        "INSERT INTO library_author (name) VALUES ('Ursula K. Le Guin'), ('Iain M. Banks')",
    );
    let server = built.serve(&db);
    let port = server.port;

    let empty = get(port, "/library/api/book/").json();
    assert_eq!(empty["count"], 0);
    assert_eq!(empty["results"], serde_json::json!([]));

    // Invalid: each field's refusal, as the HTML form gives it, and nothing saved.
    let refused = api(
        port,
        "POST",
        "/library/api/book/",
        serde_json::json!({"title": "", "author": 999, "published": "someday", "format": "x"}),
    );
    // (`pages` and `in_print`, left out, take their defaults.)
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(
        refused.json(),
        serde_json::json!({
            "title": ["This field is required."],
            "author": ["Select a valid choice. That choice is not one of the available choices."],
            "format": ["Select a valid choice. x is not one of the available choices."],
            "published": ["Enter a valid date."],
        })
    );
    assert_eq!(sqlite(dir.path(), "SELECT count(*) FROM library_book"), "0");

    // Valid: 201 with the row, its many-to-many keys saved with it.
    let created = api(
        port,
        "POST",
        "/library/api/book/",
        serde_json::json!({"title": "The Left Hand of Darkness", "author": 1, "coauthors": [2],
                           "format": "h", "in_print": true, "published": "1969-03-01", "pages": 286}),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let book = created.json();
    assert_eq!(book["title"], "The Left Hand of Darkness");
    assert_eq!(book["author"], 1);
    assert_eq!(book["in_print"], true);
    assert_eq!(book["published"], "1969-03-01");
    let id = book["id"].as_i64().unwrap();
    let path = format!("/library/api/book/{id}/");
    assert_eq!(get(port, &path).json(), book);
    assert_eq!(
        sqlite(dir.path(), "SELECT author_id FROM library_book_coauthors"),
        "2"
    );

    // PATCH changes what it names; the rest (the many-to-many keys too) stays.
    let patched = api(
        port,
        "PATCH",
        &path,
        serde_json::json!({"pages": 300, "in_print": false}),
    );
    assert_eq!(patched.status, 200, "{}", patched.text());
    let patched = patched.json();
    assert_eq!(
        (patched["pages"].clone(), patched["in_print"].clone()),
        (300.into(), false.into())
    );
    assert_eq!(patched["title"], "The Left Hand of Darkness");
    assert_eq!(
        sqlite(dir.path(), "SELECT author_id FROM library_book_coauthors"),
        "2"
    );
    let refused = api(port, "PATCH", &path, serde_json::json!({"author": 12345}));
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json(),
        serde_json::json!({"author": ["Select a valid choice. That choice is not one of the available choices."]})
    );
    // PUT gives every field: what it leaves out is required.
    let refused = api(port, "PUT", &path, serde_json::json!({"title": "Another"}));
    assert_eq!(refused.status, 400);
    let errors = refused.json();
    assert_eq!(
        errors["author"],
        serde_json::json!(["This field is required."])
    );
    assert_eq!(
        errors["published"],
        serde_json::json!(["This field is required."])
    );
    assert!(errors.get("title").is_none(), "{errors}");
    assert_eq!(
        get(port, &path).json()["title"],
        "The Left Hand of Darkness"
    );

    // Not JSON, or not an object: refused before any form sees it.
    let form_data = Request::new("POST", "/library/api/book/")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("title=x")
        .send(port);
    assert_eq!(form_data.status, 415, "{}", form_data.text());
    assert_eq!(
        api(port, "POST", "/library/api/book/", serde_json::json!([1])).status,
        400
    );
    assert_eq!(
        api(port, "GET", "/library/api/book/", serde_json::json!({})).status,
        200
    );
    assert_eq!(Request::new("POST", &path).send(port).status, 405);

    // Pages of 20, with the links of the pages beside.
    for n in 0..24 {
        let made = api(
            port,
            "POST",
            "/library/api/book/",
            serde_json::json!({"title": format!("Volume {n}"), "author": 2, "format": "p", "published": "1990-01-01", "pages": n}),
        );
        assert_eq!(made.status, 201, "{}", made.text());
    }
    let first = get(port, "/library/api/book/").json();
    assert_eq!(
        (first["count"].clone(), first["num_pages"].clone()),
        (25.into(), 2.into())
    );
    assert_eq!(first["results"].as_array().unwrap().len(), 20);
    assert_eq!(first["results"][0]["id"], id, "ordered by key");
    assert_eq!(first["previous"], serde_json::Value::Null);
    assert_eq!(
        first["next"],
        format!("http://127.0.0.1:{port}/library/api/book/?page=2")
    );
    let second = get(port, "/library/api/book/?page=2").json();
    assert_eq!(second["results"].as_array().unwrap().len(), 5);
    assert_eq!(second["next"], serde_json::Value::Null);
    let past = get(port, "/library/api/book/?page=3");
    assert_eq!(past.status, 404);
    assert_eq!(
        past.json(),
        serde_json::json!({"detail": "Invalid page (3): That page contains no results"})
    );

    // An empty list empties a many-to-many field, and so does null.
    let coauthors = |dir: &Path| sqlite(dir, "SELECT count(*) FROM library_book_coauthors");
    let emptied = api(port, "PATCH", &path, serde_json::json!({"coauthors": []}));
    assert_eq!(emptied.status, 200, "{}", emptied.text());
    assert_eq!(coauthors(dir.path()), "0");
    let two = api(
        port,
        "PATCH",
        &path,
        serde_json::json!({"coauthors": [1, 2]}),
    );
    assert_eq!(two.status, 200, "{}", two.text());
    assert_eq!(coauthors(dir.path()), "2");
    let emptied = api(port, "PATCH", &path, serde_json::json!({"coauthors": null}));
    assert_eq!(emptied.status, 200, "{}", emptied.text());
    assert_eq!(coauthors(dir.path()), "0");

    // DELETE: 204, then the row is gone; a refusal is JSON too.
    let deleted = Request::new("DELETE", &path).send(port);
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    let gone = get(port, &path);
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.json(),
        serde_json::json!({"detail": "No book found matching the query"})
    );
    assert_eq!(
        sqlite(dir.path(), "SELECT count(*) FROM library_book_coauthors"),
        "0"
    );
}

/// `generate crud`'s pages for two related models in headless Chromium: create with a
/// validation error then success, the list's pages, edit, and delete after its confirmation.
#[test]
fn browser_generated_crud() {
    use fantoccini::Locator;
    use support::browser::{self, body_text, click_then, fill, screenshot};

    let Some(driver) = browser::Driver::start("the generate crud browser test") else {
        return;
    };
    let built = crud_project();
    let db = built.migrated_database();
    let dir = &db.dir;
    let server = built.serve(&db);
    let port = server.port;
    let site = format!("http://127.0.0.1:{port}");
    let shots = browser::screenshot_dir("browser_generated_crud");
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = driver.browser(profile.path()).await;

        // 1. An author: the empty list, the form refusing an empty name beside the field, then
        // the saved author's page with the success message.
        c.goto(&format!("{site}/library/author/")).await.unwrap();
        assert!(body_text(&c).await.contains("No authors yet."));
        click_then(&c, "a[href='/library/author/create/']", "#id_name").await;
        // The browser itself refuses an empty required field; the server's refusal is what
        // this checks, so the form is sent unchecked.
        let required = c.find(Locator::Css("#id_name")).await.unwrap().attr("required").await.unwrap();
        assert!(required.is_some(), "the name input is not required");
        let no_validate = "document.querySelector('form[method=post]').noValidate = true;";
        c.execute(no_validate, vec![]).await.unwrap();
        click_then(&c, "button[type=submit]", "ul.errorlist").await;
        assert!(body_text(&c).await.contains("This field is required."));
        screenshot(&c, &shots, "01-author-form-error").await;
        fill(&c, "#id_name", "Ursula K. Le Guin").await;
        fill(&c, "#id_born", "1929-10-21").await;
        click_then(&c, "button[type=submit]", "p.message.success").await;
        let text = body_text(&c).await;
        assert!(text.contains("The author was created.") && text.contains("Oct. 21, 1929"), "{text}");
        assert_eq!(c.current_url().await.unwrap().path(), "/library/author/1/");
        c.goto(&format!("{site}/library/author/create/")).await.unwrap();
        fill(&c, "#id_name", "Iain M. Banks").await;
        click_then(&c, "button[type=submit]", "p.message.success").await;

        // 2. A book: the author chosen in a select of the authors, a co-author in a multiple
        // select, a choice, a checkbox and a date; a missing title refused first.
        c.goto(&format!("{site}/library/book/create/")).await.unwrap();
        c.wait().for_element(Locator::Css("#id_author")).await.unwrap();
        let author = c.find(Locator::Css("select#id_author")).await.unwrap();
        author.select_by_label("Ursula K. Le Guin").await.unwrap();
        let coauthors = c.find(Locator::Css("select#id_coauthors[multiple]")).await.unwrap();
        coauthors.select_by_label("Iain M. Banks").await.unwrap();
        c.find(Locator::Css("select#id_format")).await.unwrap().select_by_value("h").await.unwrap();
        let in_print = c.find(Locator::Css("input#id_in_print[type=checkbox]")).await.unwrap();
        assert_eq!(in_print.prop("checked").await.unwrap().as_deref(), Some("true"));
        fill(&c, "#id_published", "1969-03-01").await;
        c.execute(no_validate, vec![]).await.unwrap();
        click_then(&c, "button[type=submit]", "ul.errorlist").await;
        assert!(body_text(&c).await.contains("This field is required."));
        // The values typed are kept on the refused form.
        let kept = c.find(Locator::Css("#id_published")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(kept.as_deref(), Some("1969-03-01"));
        screenshot(&c, &shots, "02-book-form-error").await;
        fill(&c, "#id_title", "The Left Hand of Darkness").await;
        click_then(&c, "button[type=submit]", "p.message.success").await;
        let text = body_text(&c).await;
        assert!(text.contains("The book was created."), "{text}");
        // The author shown by name (select_related), the date by Django's `date` filter.
        assert!(text.contains("Ursula K. Le Guin") && text.contains("March 1, 1969"), "{text}");
        // A choice by its label (`get_format_display()`), a checkbox as Yes/No.
        assert!(text.contains("Format\nHardcover") && text.contains("In print\nYes"), "{text}");
        screenshot(&c, &shots, "03-book-detail").await;
        let book_path = c.current_url().await.unwrap().path().to_owned();
        let coauthor_rows = sqlite(dir.path(), "SELECT count(*) FROM library_book_coauthors");
        assert_eq!(coauthor_rows, "1");

        // 3. The list's pages: 21 more books through the API, then 20 to a page.
        for n in 1..=21 {
            let made = api(
                port,
                "POST",
                "/library/api/book/",
                serde_json::json!({"title": format!("Earthsea {n:02}"), "author": 1, "format": "p", "published": "1968-01-01"}),
            );
            assert_eq!(made.status, 201, "{}", made.text());
        }
        c.goto(&format!("{site}/library/book/")).await.unwrap();
        let text = body_text(&c).await;
        assert!(text.contains("Page 1 of 2."), "{text}");
        assert_eq!(c.find_all(Locator::Css("tbody tr")).await.unwrap().len(), 20);
        screenshot(&c, &shots, "04-book-list").await;
        click_then(&c, "a[rel=next]", "a[rel=prev]").await;
        assert!(body_text(&c).await.contains("Page 2 of 2."));
        assert_eq!(c.find_all(Locator::Css("tbody tr")).await.unwrap().len(), 2);

        // 4. Edit: the form shows the book's values; a new title and the box unchecked.
        c.goto(&format!("{site}{book_path}")).await.unwrap();
        click_then(&c, "a[href$='/update/']", "#id_title").await;
        let title = c.find(Locator::Css("#id_title")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(title.as_deref(), Some("The Left Hand of Darkness"));
        fill(&c, "#id_title", "The Dispossessed").await;
        c.find(Locator::Css("#id_in_print")).await.unwrap().click().await.unwrap();
        click_then(&c, "button[type=submit]", "p.message.success").await;
        let text = body_text(&c).await;
        assert!(text.contains("The book was updated.") && text.contains("The Dispossessed"), "{text}");
        assert_eq!(c.current_url().await.unwrap().path(), book_path);
        assert_eq!(sqlite(dir.path(), "SELECT in_print FROM library_book WHERE title = 'The Dispossessed'"), "0");
        assert_eq!(sqlite(dir.path(), "SELECT count(*) FROM library_book_coauthors"), "1");

        // 5. Delete: the confirmation first (going back keeps the book), then deleted.
        click_then(&c, "a[href$='/delete/']", "form button[type=submit]").await;
        assert!(body_text(&c).await.contains("Are you sure you want to delete “The Dispossessed”?"));
        screenshot(&c, &shots, "05-confirm-delete").await;
        click_then(&c, "form a", "dl").await;
        assert_eq!(sqlite(dir.path(), "SELECT count(*) FROM library_book"), "22");
        click_then(&c, "a[href$='/delete/']", "form button[type=submit]").await;
        click_then(&c, "form button[type=submit]", "p.message.success").await;
        let text = body_text(&c).await;
        assert!(text.contains("The book was deleted.") && !text.contains("The Dispossessed"), "{text}");
        assert_eq!(c.current_url().await.unwrap().path(), "/library/book/");
        assert_eq!(sqlite(dir.path(), "SELECT count(*) FROM library_book"), "21");
        screenshot(&c, &shots, "06-after-delete").await;
        c.close().await.unwrap();
    });
    println!("browser_generated_crud: 5 steps passed");
}

/// The tests generate crud writes into each app's tests.rs pass, as written, on the test
/// database `cargo test` makes.
#[test]
fn generated_crud_tests_pass() {
    let out = project::cargo_test(&crud_project().root);
    for test in [
        "library::tests::author_pages",
        "library::tests::book_pages",
        "library::tests::book_api",
        "library::tests::book_review_pages",
        "library::tests::book_review_api",
        "catalog::tests::product_pages",
        "catalog::tests::product_api",
    ] {
        assert!(
            out.contains(&format!("test {test} ... ok")),
            "{test}:\n{out}"
        );
    }
}

/// Every name the generated code uses is checked by the compiler: in a copy of the crud
/// project, a route taken out of urls.rs, a field renamed in the model, and a variable the
/// page lacks each fail the build, at the generated code that names them.
#[test]
fn generated_crud_names_are_checked_by_the_compiler() {
    let built = crud_project();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("crudsite");
    let copied = std::process::Command::new("cp")
        .args(["-r"])
        .arg(&built.root)
        .arg(&root)
        .status()
        .unwrap();
    assert!(copied.success());
    let build = |what: &str, expected: &[&str]| {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["build", "--color=never"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", project::shared_target_dir())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: the project still built");
        for needle in expected {
            assert!(
                stderr.contains(needle),
                "{what}: {needle:?} not in:\n{stderr}"
            );
        }
    };
    let urls = root.join("src/library/urls.rs");
    let original = std::fs::read_to_string(&urls).unwrap();
    edit(
        &urls,
        "    path(\"book/<int:pk>/\", views::BookDetail::as_view(), name = \"book-detail\"),\n",
        "",
    );
    build(
        "a route taken out",
        &["cannot find function `book_detail` in module `reverse::library`"],
    );
    std::fs::write(&urls, original).unwrap();

    let models = root.join("src/library/models.rs");
    let original = std::fs::read_to_string(&models).unwrap();
    edit(&models, "pub title: CharField,", "pub name: CharField,");
    build(
        "a field renamed",
        &[
            "cannot find type `title` in module `book`",
            "no field `title` on type",
        ],
    );
    std::fs::write(&models, original).unwrap();

    let list = root.join("templates/library/book_list.html");
    edit(
        &list,
        "{% for book in book_list %}",
        "{% for book in books %}",
    );
    build("a variable the page lacks", &["books"]);
}
