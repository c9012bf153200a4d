//! The bench project's URLconf. The two POST endpoints take JSON from programs, not
//! browsers, so they are `csrf_exempt` (as Django's side is).

use crate::views;
use rjango::middleware::csrf::csrf_exempt;
use rjango::urls::urlpatterns;

urlpatterns![
    path("hello/", views::hello, name = "hello"),
    path("items/<int:item_id>/", views::item_detail, name = "item-detail"),
    path("search/", views::search, name = "search"),
    path("posts/<int:post_id>/", views::post_detail, name = "post-detail"),
    path("page/", views::page, name = "page"),
    path("echo/", csrf_exempt(views::echo), name = "echo"),
    path("posts/", views::post_list, name = "post-list"),
    path("api/posts/", csrf_exempt(views::post_create), name = "post-create"),
];
