// A SimpleListFilter is of one model: listed on another's admin, it does not compile (Django
// finds a wrong list_filter entry at start-up, admin.E113).
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
        use rjango::contrib::admin::{self, ModelAdmin, SimpleListFilter};
        use rjango::http::HttpRequest;
        use rjango::models::{QueryError, QuerySet};

        use super::models::{Post, Tag, post};

        #[derive(Default)]
        pub struct ShortNames;

        impl SimpleListFilter for ShortNames {
            type Model = Tag;
            const TITLE: &'static str = "length";
            const PARAMETER_NAME: &'static str = "short";
            async fn lookups(&self, _: &HttpRequest) -> Result<Vec<(String, String)>, QueryError> {
                Ok(Vec::new())
            }
            fn queryset(&self, _: &HttpRequest, _: &str, tags: QuerySet<Tag>) -> QuerySet<Tag> {
                tags
            }
        }

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, list_filter = [ShortNames])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
