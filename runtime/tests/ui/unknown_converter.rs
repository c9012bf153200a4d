use rjango::prelude::*;

async fn price(_request: HttpRequest, value: String) -> HttpResponse {
    HttpResponse::new(value)
}

urlpatterns![
    path("price/<float:value>/", price, name = "price"),
];

fn main() {}
