// Django finds a misspelled list_display entry at start-up (admin.E108); rjango when it compiles,
// naming the option and the model.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            pub body: TextField,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ModelAdmin};

        use super::models::{Post, post};

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, list_display = [title, titel])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
