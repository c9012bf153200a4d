// An option the admin does not have is named, with the ones it has.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ModelAdmin};

        use super::models::{Post, post};

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, list_displey = [title])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
