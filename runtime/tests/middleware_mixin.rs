//! MiddlewareMixin as Django runs it: `process_request` in MIDDLEWARE's order, a response from
//! one answering the request (its own `process_response` and those listed before it still run),
//! `process_response` innermost first, a panic in a hook a 500 that the middleware listed
//! before still see, hooks that wait (`Hook::later`), and mixins around a wrapping middleware
//! keeping their places in the order.

use rjango::conf::Settings;
use rjango::middleware::{Hook, MiddlewareMixin, middleware};
use rjango::prelude::*;
use rjango::test::Client;

async fn hello(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("the view")
}

urlpatterns![path("hello/", hello, name = "hello")];

/// Appends `name` to the response's X-Trace: the order the middleware saw the response in.
fn trace(response: &mut HttpResponse, name: &str) {
    let trace = match response.header("X-Trace") {
        Some(before) => format!("{before},{name}"),
        None => name.to_owned(),
    };
    response.set_header("X-Trace", trace);
}

/// Whether the request's header `header` names this middleware.
fn asks(request: &HttpRequest, header: &str, name: &str) -> bool {
    request.headers().get(header) == Some(name)
}

/// A mixin that answers, waits or panics where the request's headers say, and traces its
/// `process_response`.
macro_rules! traced_mixin {
    ($name:ident) => {
        pub struct $name;

        impl MiddlewareMixin for $name {
            fn new() -> Self {
                $name
            }

            fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
                let name = stringify!($name);
                if asks(request, "X-Panic-In", name) {
                    panic!("{name} failed in process_request");
                }
                if asks(request, "X-Answer-At", name) {
                    return Hook::Ready(Some(HttpResponse::new(format!("answered by {name}"))));
                }
                if asks(request, "X-Answer-Later-At", name) {
                    return Hook::later(async move {
                        tokio::task::yield_now().await;
                        Some(HttpResponse::new(format!("answered later by {name}")))
                    });
                }
                None.into()
            }

            fn process_response(
                &self,
                request: &HttpRequest,
                mut response: HttpResponse,
            ) -> Hook<HttpResponse> {
                let name = stringify!($name);
                if asks(request, "X-Panic-Out", name) {
                    panic!("{name} failed in process_response");
                }
                if asks(request, "X-Later-Out", name) {
                    return Hook::later(async move {
                        tokio::task::yield_now().await;
                        trace(&mut response, &format!("{name}(later)"));
                        response
                    });
                }
                trace(&mut response, name);
                response.into()
            }
        }
    };
}

traced_mixin!(A);
traced_mixin!(B);
traced_mixin!(C);

/// A wrapping middleware between the mixins.
pub struct Wrap {
    get_response: GetResponse,
}

impl Middleware for Wrap {
    fn new(get_response: GetResponse) -> Self {
        Wrap { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let mut response = self.get_response.call(request).await;
        trace(&mut response, "Wrap");
        response
    }
}

fn settings() -> Settings {
    Settings {
        SECRET_KEY: "test-secret".into(),
        MIDDLEWARE: middleware![A, B, Wrap, C],
        ..Settings::default()
    }
}

fn client() -> Client {
    Client::new(rjango::Project {
        name: "mixintest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

async fn get(client: &Client, header: Option<(&str, &str)>) -> HttpResponse {
    let mut request = HttpRequest::builder("GET", "/hello/");
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    client.request(request).await
}

#[rjango::test]
async fn process_response_runs_innermost_first_around_a_wrapping_middleware() {
    let c = client();
    let r = get(&c, None).await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(r.text(), "the view");
    assert_eq!(r.header("X-Trace"), Some("C,Wrap,B,A"));
}

#[rjango::test]
async fn an_answer_from_process_request_skips_the_rest_but_not_its_own_process_response() {
    let c = client();
    let r = get(&c, Some(("X-Answer-At", "B"))).await;
    assert_eq!(r.text(), "answered by B");
    assert_eq!(
        r.header("X-Trace"),
        Some("B,A"),
        "neither C, Wrap nor the view"
    );
    let r = get(&c, Some(("X-Answer-At", "C"))).await;
    assert_eq!(r.text(), "answered by C");
    assert_eq!(r.header("X-Trace"), Some("C,Wrap,B,A"));
    let r = get(&c, Some(("X-Answer-Later-At", "A"))).await;
    assert_eq!(r.text(), "answered later by A");
    assert_eq!(r.header("X-Trace"), Some("A"));
}

#[rjango::test]
async fn a_panic_in_a_hook_is_a_500_the_middleware_before_it_see() {
    let c = client();
    let r = get(&c, Some(("X-Panic-In", "B"))).await;
    assert_eq!(r.status_code(), 500);
    assert_eq!(
        r.header("X-Trace"),
        Some("A"),
        "B's own process_response does not run"
    );
    let r = get(&c, Some(("X-Panic-Out", "C"))).await;
    assert_eq!(r.status_code(), 500);
    assert_eq!(r.header("X-Trace"), Some("Wrap,B,A"));
    let r = get(&c, Some(("X-Panic-Out", "A"))).await;
    assert_eq!(r.status_code(), 500);
    assert_eq!(r.header("X-Trace"), None, "A was the last to see it");
    // The server goes on.
    assert_eq!(get(&c, None).await.status_code(), 200);
}

#[rjango::test]
async fn a_process_response_that_waits_keeps_its_place() {
    let c = client();
    let r = get(&c, Some(("X-Later-Out", "B"))).await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(r.header("X-Trace"), Some("C,Wrap,B(later),A"));
}
