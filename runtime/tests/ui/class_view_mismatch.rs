use rjango::prelude::*;

#[derive(Default)]
pub struct PostView;

#[view]
impl PostView {
    async fn get(&self, _request: HttpRequest, pk: i64) -> HttpResponse {
        HttpResponse::new(pk.to_string())
    }
}

// The class-based view takes an i64, the route passes a uuid.
urlpatterns![
    path("posts/<uuid:id>/", PostView::as_view(), name = "post"),
];

fn main() {
    let _ = urlpatterns();
}
