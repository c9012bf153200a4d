//! Static files: served under STATIC_URL with DEBUG on (STATICFILES_DIRS first, then each
//! app's `src/<app>/static/`), with their content types and Last-Modified; every way out of
//! the directories (`..`, encoded, absolute, a symlink) a 404; nothing served with DEBUG off;
//! and collectstatic's ManifestStaticFilesStorage naming files as Django 5.2's does (its
//! manifest and rewritten CSS compared with Django's own collectstatic of the same files).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rjango::conf::Settings;
use rjango::contrib::staticfiles::{self, Storage, finders, storage};
use rjango::http::HttpRequest;
use rjango::prelude::*;
use rjango::test::Client;

#[path = "support/venv.rs"]
mod venv;

async fn page(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("a view")
}

urlpatterns![path("page/", page, name = "page"),];

const CSS: &str = "@import \"base.css\";\nbody{background:url('../img/logo.png')}\n@font-face{src:url(\"../fonts/f.woff2?v=1#x\")}\n.a{background:url(/static/img/logo.png)}\n.b{background:url(data:image/png;base64,AAAA)}\n.c{background:url(#frag)}\n/*# sourceMappingURL=site.css.map */";

/// The project's directory: static/ (css, img, fonts), an app's static/, a file outside and
/// a symlink leading to it.
fn base() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, content: &[u8]| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        };
        write("static/css/site.css", CSS.as_bytes());
        write(
            "static/css/base.css",
            b"html{background:url(../img/logo.png)}\n",
        );
        write("static/css/site.css.map", b"{}");
        write(
            "static/js/main.js",
            b"run();\n//# sourceMappingURL=main.js.map\n",
        );
        write("static/js/main.js.map", b"{}");
        write("static/img/logo.png", b"\x89PNG\r\n\x1a\nnot really");
        write("static/fonts/f.woff2", b"wOF2");
        write("static/blog/app.js", b"console.log('project first')\n");
        write("src/blog/static/blog/app.js", b"console.log('app')\n");
        write("src/blog/static/blog/only-in-app.js", b"1\n");
        write("secret.txt", b"not for the web");
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("static/leak.txt"),
        )
        .unwrap();
        dir
    })
    .path()
}

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "staticfiles-test".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        INSTALLED_APPS: vec!["rjango.contrib.staticfiles", "blog"],
        BASE_DIR: Some(base().to_owned()),
        STATICFILES_DIRS: vec!["static".into()],
        STATIC_ROOT: Some(base().join("collected")),
        STATICFILES_STORAGE: Storage::Manifest,
        ..Settings::default()
    }
}

fn project() -> rjango::Project {
    rjango::Project {
        name: "statictest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

#[rjango::test]
async fn runserver_serves_static_files_under_debug() {
    let c = Client::new(project());
    let r = c.get("/static/css/site.css").await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(r.text(), CSS);
    let modified = r.header("last-modified").unwrap().to_owned();

    // STATICFILES_DIRS before the app's static/; the app's own files found too.
    assert_eq!(
        c.get("/static/blog/app.js").await.text(),
        "console.log('project first')\n"
    );
    let r = c.get("/static/blog/only-in-app.js").await;
    assert_eq!(
        (r.status_code(), r.header("content-type")),
        (200, Some("text/javascript; charset=utf-8"))
    );
    assert_eq!(
        c.get("/static/img/logo.png").await.header("content-type"),
        Some("image/png")
    );

    // Unchanged since: 304. HEAD: the headers alone. POST: 405.
    let r = c
        .request(
            HttpRequest::builder("GET", "/static/css/site.css")
                .header("If-Modified-Since", &modified),
        )
        .await;
    assert_eq!(r.status_code(), 304);
    let r = c
        .request(HttpRequest::builder("HEAD", "/static/css/site.css"))
        .await;
    assert_eq!((r.status_code(), r.content().len()), (200, 0));
    assert_eq!(
        r.header("content-length"),
        Some(CSS.len().to_string().as_str())
    );
    assert_eq!(
        c.post_form("/static/css/site.css", &[]).await.status_code(),
        405
    );

    // Every way out of the directories is a 404.
    for path in [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/css/%2E%2E/%2E%2E/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/leak.txt",
        "/static/css",
        "/static/missing.css",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status_code(), 404, "{path}: {}", r.text());
        assert!(!r.text().contains("not for the web"), "{path}");
    }

    // Other URLs are the views'.
    assert_eq!(c.get("/page/").await.text(), "a view");
}

#[rjango::test]
async fn nothing_is_served_with_debug_off() {
    let c = Client::new(project());
    rjango::conf::override_settings(|s| s.DEBUG = false, async {
        let c = Client::new(project());
        assert_eq!(c.get("/static/css/site.css").await.status_code(), 404);
    })
    .await;
    assert_eq!(c.get("/static/css/site.css").await.status_code(), 200);
}

/// The files collectstatic copies, (name, file).
fn collected_files() -> Vec<(String, PathBuf)> {
    rjango::conf::configure(settings());
    finders::list()
}

#[rjango::test]
async fn collectstatic_names_files_as_djangos_manifest_storage() {
    let files = collected_files();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "blog/app.js",
            "blog/only-in-app.js",
            "css/base.css",
            "css/site.css",
            "css/site.css.map",
            "fonts/f.woff2",
            "img/logo.png",
            "js/main.js",
            "js/main.js.map",
            "leak.txt"
        ]
    );
    let root = tempfile::tempdir().unwrap();
    let done = storage::collect(&files, root.path(), Storage::Manifest).unwrap();
    assert_eq!(
        done,
        storage::Collected {
            copied: 10,
            unmodified: 0,
            post_processed: 10
        }
    );
    let again = storage::collect(&files, root.path(), Storage::Manifest).unwrap();
    assert_eq!((again.copied, again.unmodified), (0, 10));
    assert_eq!(
        again.summary(Path::new("/srv/static")),
        "0 static files copied to '/srv/static', 10 unmodified, 10 post-processed."
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.path().join("staticfiles.json")).unwrap())
            .unwrap();
    let css_name = manifest["paths"]["css/site.css"]
        .as_str()
        .unwrap()
        .to_owned();
    let css = std::fs::read_to_string(root.path().join(&css_name)).unwrap();
    let logo = manifest["paths"]["img/logo.png"].as_str().unwrap();
    assert!(
        css.contains(&format!(
            "url(\"../img/{}\")",
            logo.rsplit('/').next().unwrap()
        )),
        "{css}"
    );

    // static(): the hashed name with DEBUG off, the plain one with it on.
    let static_root = root.path().to_owned();
    rjango::conf::override_settings(
        |s| {
            s.DEBUG = false;
            s.STATIC_ROOT = Some(static_root);
        },
        async {
            assert_eq!(
                staticfiles::static_url("css/site.css"),
                format!("/static/{css_name}")
            );
        },
    )
    .await;
    assert_eq!(
        staticfiles::static_url("css/site.css"),
        "/static/css/site.css"
    );
    assert_eq!(
        staticfiles::static_url("a b/ü.css"),
        "/static/a%20b/%C3%BC.css"
    );

    // Django 5.2's collectstatic of the same files: the same names, the same CSS.
    let Some(python) = venv::django_python() else {
        return;
    };
    let django_root = tempfile::tempdir().unwrap();
    let dirs: Vec<String> = [base().join("static"), base().join("src/blog/static")]
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    let django = venv::run_django(
        &python,
        "staticfiles.py",
        &serde_json::json!({ "dirs": dirs, "root": django_root.path() }),
    );
    assert_eq!(
        django["paths"], manifest["paths"],
        "Django's manifest: {django}"
    );
    assert_eq!(django["hash"], manifest["hash"]);
    let django_css = std::fs::read_to_string(django_root.path().join(&css_name))
        .expect("Django wrote the same hashed name");
    assert_eq!(django_css, css);
    let js = &manifest["paths"]["js/main.js"].as_str().unwrap();
    assert_eq!(
        std::fs::read(django_root.path().join(js)).unwrap(),
        std::fs::read(root.path().join(js)).unwrap()
    );
    println!(
        "collectstatic: the manifest and CSS equal Django's ({} files)",
        files.len()
    );
}
