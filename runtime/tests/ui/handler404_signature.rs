use rjango::prelude::*;

// handler404 receives the exception too: (HttpRequest, Http404).
async fn not_found(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("missing").status(404)
}

urlpatterns![
    handler404 = not_found,
];

fn main() {
    let _ = urlpatterns();
}
