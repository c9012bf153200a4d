// list_editable edits columns of list_display, never the link to the change form: Django's
// admin.E122 and E124 at start-up, here when it compiles.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            #[field(default = 0)]
            pub views: IntegerField,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ModelAdmin};

        use super::models::{Post, post};

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(Post, list_display = [title], list_editable = [views])]
        impl ModelAdmin for PostAdmin {}

        #[derive(Default)]
        pub struct OtherAdmin;

        #[admin::register(Post, list_display = [title, views], list_editable = [title])]
        impl ModelAdmin for OtherAdmin {}
    }
}

fn main() {}
