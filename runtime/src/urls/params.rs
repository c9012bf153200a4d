//! What the typed reverse functions take for a route's converters: an `<int:...>` accepts any
//! integer type that fits (a literal `42` is an `i32`) and a reference to one, as a template
//! passes it (`{{ reverse::polls::detail(question.id) }}` hands over `&question.id`); a
//! `<uuid:...>` a `Uuid` or a reference to one.

/// A value for an `<int:...>` parameter.
#[diagnostic::on_unimplemented(
    message = "an `<int:...>` route parameter takes an integer, not `{Self}`",
    label = "not an integer"
)]
pub trait IntParam {
    fn to_i64(&self) -> i64;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl IntParam for $t {
            fn to_i64(&self) -> i64 {
                i64::from(*self)
            }
        }
    )*};
}
int_param!(i8, i16, i32, i64, u8, u16, u32);

impl<T: IntParam + ?Sized> IntParam for &T {
    fn to_i64(&self) -> i64 {
        (**self).to_i64()
    }
}

/// A value for a `<uuid:...>` parameter.
#[diagnostic::on_unimplemented(
    message = "a `<uuid:...>` route parameter takes a Uuid, not `{Self}`",
    label = "not a Uuid"
)]
pub trait UuidParam {
    fn to_uuid(&self) -> uuid::Uuid;
}

impl UuidParam for uuid::Uuid {
    fn to_uuid(&self) -> uuid::Uuid {
        *self
    }
}

impl<T: UuidParam + ?Sized> UuidParam for &T {
    fn to_uuid(&self) -> uuid::Uuid {
        (**self).to_uuid()
    }
}
