use rjango::forms::Form;

#[derive(Form)]
pub struct Search {
    #[field(required = false)]
    pub page: i64,
}

fn main() {}
