//! The questions makemigrations asks, exactly where Django's questioner asks them. The CLI
//! answers them on a terminal (dialoguer); `NonInteractive` is `--noinput`.

use rjango_schema::{FieldType, Value};

/// What to do about a nullable field made non-nullable (Django's three options).
#[derive(Debug, Clone, PartialEq)]
pub enum NullAlteration {
    /// Set this value on existing NULL rows.
    OneOffDefault(Value),
    /// Leave the existing NULL rows to a RunSql/RunRust the user writes.
    Ignore,
}

/// The user chose to quit and fix models.rs; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quit(pub String);

pub trait Questioner {
    /// "Was the model blog.Post renamed to Article? [y/N]"
    fn ask_rename_model(&mut self, app: &str, old_name: &str, new_name: &str) -> bool;
    /// "Was post.title renamed to post.headline (a CharField)? [y/N]"
    fn ask_rename(
        &mut self,
        model: &str,
        old_name: &str,
        new_name: &str,
        field_class: &str,
    ) -> bool;
    /// A non-null field without a default added to an existing model: a one-off default.
    fn ask_not_null_addition(
        &mut self,
        field: &str,
        model: &str,
        field_type: &FieldType,
    ) -> Result<Value, Quit>;
    /// A nullable field made non-nullable without a default.
    fn ask_not_null_alteration(
        &mut self,
        field: &str,
        model: &str,
        field_type: &FieldType,
    ) -> Result<NullAlteration, Quit>;
}

/// `--noinput`: no rename is assumed, and a missing default stops with a clear message.
#[derive(Debug, Default)]
pub struct NonInteractive;

impl Questioner for NonInteractive {
    fn ask_rename_model(&mut self, _: &str, _: &str, _: &str) -> bool {
        false
    }

    fn ask_rename(&mut self, _: &str, _: &str, _: &str, _: &str) -> bool {
        false
    }

    fn ask_not_null_addition(
        &mut self,
        field: &str,
        model: &str,
        _: &FieldType,
    ) -> Result<Value, Quit> {
        Err(Quit(format!(
            "It is impossible to add a non-nullable field '{field}' to {model} without specifying a default: existing rows need a value. Add a default (#[field(default = ...)]), make it Option<...>, or run makemigrations without --noinput to give a one-off default."
        )))
    }

    fn ask_not_null_alteration(
        &mut self,
        field: &str,
        model: &str,
        _: &FieldType,
    ) -> Result<NullAlteration, Quit> {
        Err(Quit(format!(
            "It is impossible to change the nullable field '{field}' on {model} to non-nullable without providing a default: existing rows may hold NULL. Add a default (#[field(default = ...)]), or run makemigrations without --noinput."
        )))
    }
}

/// Parses a one-off default typed at the prompt, as a Rust literal: `0`, `-1.5`, `"text"`,
/// `true`, `None`; or Django's `timezone.now` (also `timezone::now`), the moment the migration
/// runs, for a date or time field.
pub fn parse_default(text: &str) -> Result<Value, String> {
    if matches!(text.trim(), "timezone.now" | "timezone::now") {
        return Ok(Value::Now);
    }
    let expr: syn::Expr =
        syn::parse_str(text.trim()).map_err(|_| format!("{text:?} is not a Rust literal"))?;
    super::syntax::value(&expr).map_err(|_| {
        format!("{text:?} is not a literal value: write e.g. 0, \"text\", true or None")
    })
}
