// An admin action is an async fn of the request and a queryset of the model, as Django's
// action is a function of (modeladmin, request, queryset); one of another shape, or one on
// another model listed in `actions`, does not compile.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
        }

        #[model]
        pub struct Tag {
            #[field(max_length = 50)]
            pub name: CharField,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ActionResult, ModelAdmin};
        use rjango::http::HttpRequest;
        use rjango::models::QuerySet;

        use super::models::{Post, Tag, post};

        #[admin::action]
        async fn publish(queryset: QuerySet<Post>) -> ActionResult {
            let _ = queryset;
            Ok(None)
        }

        #[admin::action]
        async fn retag(_request: &HttpRequest, _queryset: QuerySet<Tag>) -> ActionResult {
            Ok(None)
        }

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, actions = [retag])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
