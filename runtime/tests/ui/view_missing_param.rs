use rjango::prelude::*;

mod views {
    use rjango::prelude::*;

    // The route captures a slug, but the view takes only the request.
    pub async fn post_detail(_request: HttpRequest) -> HttpResponse {
        HttpResponse::new("post")
    }
}

urlpatterns![
    path("posts/<slug:slug>/", views::post_detail, name = "post-detail"),
];

fn main() {
    let _ = urlpatterns();
}
