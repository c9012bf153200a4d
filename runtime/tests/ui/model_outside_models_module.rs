// A #[model] in a views module: makemigrations never reads it, so it fails to build.
mod blog {
    pub mod views {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
        }
    }
}

fn main() {}
