// fieldsets and readonly_fields name fields as the other options do: a misspelled one does not
// compile (Django's admin.E011 and admin.E035 at start-up).
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

        #[admin::register(Post, fieldsets = [(None, [title]), ("More", [bdy])])]
        impl ModelAdmin for PostAdmin {}
    }
}

fn main() {}
