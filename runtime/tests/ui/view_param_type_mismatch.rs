use rjango::prelude::*;

mod views {
    use rjango::prelude::*;

    // <int:item_id> passes an i64; this view asks for a String.
    pub async fn item_detail(_request: HttpRequest, item_id: String) -> JsonResponse {
        JsonResponse::new(json!({ "item_id": item_id }))
    }
}

urlpatterns![
    path("items/<int:item_id>/", views::item_detail, name = "item-detail"),
];

fn main() {
    let _ = urlpatterns();
}
