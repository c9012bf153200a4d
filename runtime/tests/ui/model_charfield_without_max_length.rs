use rjango::models::prelude::*;

#[model]
pub struct Post {
    pub title: CharField,
}

fn main() {}
