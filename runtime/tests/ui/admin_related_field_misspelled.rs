// A field across a foreign key (`author__name`) is checked against the related model when the
// project compiles, as Django checks it at start-up (admin.E108, admin.E116).
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

        use super::models::{Post, post};

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, list_display = [title, author__nmae])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
