// search_fields: a field the admin cannot search by text; ordering across a foreign key the model lacks.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            pub views: IntegerField,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ModelAdmin};

        use super::models::{Post, post};

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, search_fields = ["^title", views])]
        impl ModelAdmin for PostAdmin {}

        #[derive(Default)]
        pub struct OtherAdmin;

        #[admin::register(Post, ordering = ["-author__name"])]
        impl ModelAdmin for OtherAdmin {}
    }
}

fn main() {}
