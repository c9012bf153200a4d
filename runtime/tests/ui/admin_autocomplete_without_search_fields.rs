// An autocomplete field searches the related model through its ModelAdmin's search_fields:
// a related model registered without them does not compile (Django's admin.E039/E040 at
// start-up).
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Author {
            #[field(max_length = 100)]
            pub name: CharField,
        }

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ModelAdmin};

        use super::models::{Author, Post, author, post};

        #[derive(Default)]
        pub struct AuthorAdmin;

        #[admin::register(Author, list_display = [name])]
        impl ModelAdmin for AuthorAdmin {}

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, autocomplete_fields = [author])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
