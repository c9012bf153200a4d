// A ForeignKey to a model keyed by a CharField: rjango relates models by integer keys for now,
// and says so at the field instead of reading the key as 0 at run time.
mod shop {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Voucher {
            #[field(primary_key = true, max_length = 12)]
            pub code: CharField,
        }

        #[model]
        pub struct Order {
            #[field(on_delete = Cascade)]
            pub voucher: ForeignKey<Voucher>,
        }
    }
}

fn main() {}
