use rjango::forms::Form;

#[derive(Form)]
pub struct Signup {
    #[field(EmailField)]
    pub age: i64,
}

fn main() {}
