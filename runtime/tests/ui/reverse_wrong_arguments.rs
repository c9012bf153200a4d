// The typed reverse functions rjango generates for `path("items/<int:item_id>/", ...,
// name = "item-detail")` and a `blog` namespace (this fixture is codegen's own output, kept in
// sync by codegen's tests).
mod reverse {
    include!("fixtures/reverse.rs");
}

fn main() {
    let _ = reverse::item_detail("42");
    let _ = reverse::blog::post_detail(1, 2);
    let _ = reverse::blog::no_such_route();
}
