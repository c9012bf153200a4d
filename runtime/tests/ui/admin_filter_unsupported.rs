// list_filter: a field the admin cannot filter by yet.
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

        #[admin::register(Post, list_filter = [views])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
