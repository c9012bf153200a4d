// src/generated/ was produced from a different urls.rs than the one compiled now.
mod urls {
    use rjango::prelude::*;

    async fn hello(_request: HttpRequest) -> HttpResponse {
        HttpResponse::new("Hello, world")
    }

    urlpatterns![
        path("hello/", hello, name = "hello"),
    ];
}

// This is what src/generated/mod.rs says of each URLconf it was generated from.
const _: () = if urls::URLPATTERNS_FINGERPRINT != 1u64 {
    panic!(
        "src/generated/ is stale: urls.rs changed since it was generated. Run `rjango generate` (a project's build.rs does it on every `cargo build`)."
    )
};

fn main() {}
