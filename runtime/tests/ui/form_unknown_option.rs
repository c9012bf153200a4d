use rjango::forms::Form;

#[derive(Form)]
pub struct Signup {
    #[field(maxlength = 10)]
    pub name: String,
}

fn main() {}
