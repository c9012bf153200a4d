//! A small project declared in-process for the runtime's client tests: URLconf, views and a
//! middleware that panics on request, exercised through `rjango::test::Client`.

#![allow(dead_code)]

use rjango::conf::Settings;
use rjango::middleware::{GetResponse, Middleware, middleware};
use rjango::prelude::*;

pub mod views {
    use rjango::prelude::*;

    pub async fn hello(_request: HttpRequest) -> HttpResponse {
        HttpResponse::new("Hello, world")
    }

    pub async fn missing(_request: HttpRequest) -> Result<HttpResponse, Http404> {
        Err(Http404::new("no such thing"))
    }

    pub async fn catch_all(_request: HttpRequest, rest: String) -> HttpResponse {
        HttpResponse::new(format!("caught {rest}"))
    }

    pub async fn cafe(_request: HttpRequest) -> HttpResponse {
        HttpResponse::new("café")
    }

    pub async fn echo(request: HttpRequest) -> JsonResponse {
        JsonResponse::new(json!({
            "path": request.path(),
            "full": request.get_full_path(),
            "q": request.GET().getlist("q"),
            "cookies": request.COOKIES(),
            "secure": request.is_secure(),
        }))
    }

    /// The seed's json_ok: a JsonResponse with a header of its own.
    pub async fn json_ok(_request: HttpRequest) -> JsonResponse {
        let mut resp = JsonResponse::new(json!({ "ok": true }));
        resp.set_header("X-Request-ID", "example");
        resp
    }

    /// Echoes a JSON body: `request.json()?` answers 400 for a body it cannot read exactly.
    pub async fn json_body(request: HttpRequest) -> Result<JsonResponse, ViewError> {
        let body: serde_json::Value = request.json()?;
        Ok(JsonResponse::new(body))
    }

    /// Redirects to `?next=`, a client's value, as a login view does.
    pub async fn go(request: HttpRequest) -> HttpResponse {
        redirect(request.GET().get("next").unwrap_or("/"))
    }

    /// Puts a client's value in a header, unchecked (set_header) or checked (try_set_header).
    pub async fn header(request: HttpRequest) -> Result<HttpResponse, ViewError> {
        let value = request.GET().get("v").unwrap_or("").to_owned();
        let mut response = HttpResponse::new("ok");
        if request.GET().get("checked").is_some() {
            response.try_set_header("X-Echo", &value)?;
        } else {
            response.set_header("X-Echo", &value);
        }
        Ok(response)
    }

    /// A form with files: its fields, and each file's field, name, type and size.
    pub async fn upload(request: HttpRequest) -> JsonResponse {
        let files: Vec<_> = request
            .FILES()
            .iter()
            .map(|(field, f)| json!([field, f.name, f.content_type, f.size()]))
            .collect();
        let fields: Vec<_> = request.POST().iter().collect();
        JsonResponse::new(json!({ "fields": fields, "files": files }))
    }

    pub async fn not_found(request: HttpRequest, _e: Http404) -> JsonResponse {
        if request.path().contains("handler-panics") {
            panic!("the 404 handler itself fails");
        }
        JsonResponse::new(json!({ "error": "not found" })).status(404)
    }

    pub async fn bad_request(_request: HttpRequest, e: BadRequest) -> JsonResponse {
        JsonResponse::new(json!({ "error": "bad request", "why": e.to_string() })).status(400)
    }
}

urlpatterns![
    path("hello/", views::hello, name = "hello"),
    path("missing", views::missing, name = "missing"),
    path("café/", views::cafe, name = "cafe"),
    path("echo/", views::echo, name = "echo"),
    path("json-ok/", views::json_ok, name = "json-ok"),
    path("json-body/", views::json_body, name = "json-body"),
    path("go/", views::go, name = "go"),
    path("header/", views::header, name = "header"),
    path("upload/", views::upload, name = "upload"),
    path("<path:rest>/", views::catch_all, name = "catch-all"),
    handler404 = views::not_found,
    handler400 = views::bad_request,
];

/// Panics when the request carries `X-Panic`; always stamps `X-Outer` on the way out.
pub struct PanicMiddleware {
    get_response: GetResponse,
}

impl Middleware for PanicMiddleware {
    fn new(get_response: GetResponse) -> Self {
        Self { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        if request.headers().contains("x-panic") {
            panic!("middleware failure");
        }
        self.get_response.call(request).await
    }
}

pub struct OuterMiddleware {
    get_response: GetResponse,
}

impl Middleware for OuterMiddleware {
    fn new(get_response: GetResponse) -> Self {
        Self { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let mut response = self.get_response.call(request).await;
        response.set_header("X-Outer", "yes");
        response
    }
}

pub fn settings(debug: bool) -> Settings {
    Settings {
        DEBUG: debug,
        SECRET_KEY: "test-secret".into(),
        ALLOWED_HOSTS: vec!["testserver".into(), ".example.com".into()],
        MIDDLEWARE: middleware![
            OuterMiddleware,
            rjango::middleware::common::CommonMiddleware,
            PanicMiddleware,
        ],
        DATA_UPLOAD_MAX_NUMBER_FIELDS: Some(10),
        ..Settings::default()
    }
}

/// The test client for this project, with DEBUG on or off (one per test binary: settings are
/// per process).
pub fn client(debug: bool) -> rjango::test::Client {
    let settings = if debug {
        || settings(true)
    } else {
        || settings(false)
    };
    rjango::test::Client::new(rjango::Project {
        name: "clienttest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}
