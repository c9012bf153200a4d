//! Django's ModelForm: a form made from a model's fields, which creates or updates a row.
//!
//! ```text
//! #[model_form(model = Post, fields = [title, body, status])]
//! pub struct PostForm;
//!
//! let mut form = PostForm::bind(request.POST());
//! if let Some(post) = form.save(Post::new_instance()).await? { ... }   // created
//! let mut form = PostForm::bind(request.POST());
//! if let Some(post) = form.save(existing).await? { ... }               // updated
//! ```
//!
//! Each field takes the model field's form field (Django's `formfield()`): a CharField's
//! `max_length`, `blank` as not required, choices as a select, `verbose_name` as the label,
//! `help_text`, a foreign key as a select of the related rows (`load_choices`). A name the
//! model lacks does not compile, nor does a field kind forms do not have yet (date-times,
//! decimals, many-to-many).

use futures_util::future::LocalBoxFuture;

use super::{BoundForm, FieldSpec, Form, FormSet};
use crate::models::{Instance, Model, QueryError};

/// A select's choices: (value, label).
pub type Choices = Vec<(String, String)>;

/// A relation's choices, read from the database ([`ModelFormField::choices`]).
pub type ChoicesFuture = LocalBoxFuture<'static, Result<Option<Choices>, QueryError>>;

/// The choices of a form's relations by field index ([`ModelForm::relation_choices`]).
pub type RelationChoicesFuture = LocalBoxFuture<'static, Result<Vec<(usize, Choices)>, QueryError>>;

/// One related row by its key, as a choice (key, `str(row)`), or None when there is none
/// ([`ModelFormField::choice`]).
pub type ChoiceFuture = LocalBoxFuture<'static, Result<Option<(String, String)>, QueryError>>;

/// A model field's form field: implemented by `#[model]` for each field a form can edit.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be a ModelForm field yet",
    label = "not a field a ModelForm edits",
    note = "a ModelForm edits text, email, slug, integer, float, boolean, date, choice and foreign key fields; date-times, decimals, UUIDs, many-to-many fields and keys are not built yet (and auto_now fields are not editable)"
)]
pub trait ModelFormField {
    /// The model field's Rust type (what the form cleans to).
    type Value;
    const SPEC: FieldSpec;
    /// The model field is `unique`: a save checks no other row has the value.
    const UNIQUE: bool;

    /// A relation's choices: every row of the related model, (key, `str(row)`), read when a
    /// form shows or checks the field (Django's ModelChoiceField queryset). None for the
    /// other fields.
    fn choices() -> ChoicesFuture {
        Box::pin(async { Ok(None) })
    }

    /// A relation's one row of key `key` as a choice, for a field shown without the whole
    /// list (the admin's `raw_id_fields` and `autocomplete_fields`): None when no row has
    /// it, and for the other fields.
    fn choice(_key: String) -> ChoiceFuture {
        Box::pin(async { Ok(None) })
    }
}

/// A form made from a model's fields: implemented by `#[model_form]`.
pub trait ModelForm: Form {
    type Model: Model + Instance + Clone;

    /// The form's values of an instance: an edit page's initial data.
    fn from_instance(instance: &Self::Model) -> Self;

    /// Puts the form's values into `instance` (Django's `construct_instance`).
    fn apply(&self, instance: &mut Self::Model);

    /// The fields whose value another row than `instance` has, with Django's message
    /// ("Post with this Title already exists."): `validate_unique`.
    fn taken<'a>(
        &'a self,
        instance: &'a Self::Model,
    ) -> LocalBoxFuture<'a, Result<Vec<(usize, String)>, QueryError>>;

    /// The choices of the form's relations, by field index (see [`ModelFormField::choices`]).
    fn relation_choices() -> RelationChoicesFuture {
        Self::relation_choices_except(Vec::new())
    }

    /// The choices of the form's relations but those at the indexes `skip`: the method to
    /// implement (`relation_choices` and the forms' `load_choices` call it).
    fn relation_choices_except(_skip: Vec<usize>) -> RelationChoicesFuture {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// The row of key `key` of the relation at field index `index` (see
    /// [`ModelFormField::choice`]).
    fn relation_choice(_index: usize, _key: String) -> ChoiceFuture {
        Box::pin(async { Ok(None) })
    }
}

/// Whether another row than `instance` has `value` in the field `H` (a NULL never collides).
#[doc(hidden)]
pub async fn value_taken<H: crate::models::Field>(
    value: sea_orm::Value,
    instance: &H::Model,
) -> Result<bool, QueryError>
where
    H::Model: Model,
{
    if is_null(&value) {
        return Ok(false);
    }
    let mine = instance.pk();
    let rows = crate::models::QuerySet::<H::Model>::new()
        .filter(crate::models::lookups::exact_sql::<H>(value))
        .all()
        .await?;
    Ok(rows.iter().any(|row| row.pk() != mine || is_unsaved(&mine)))
}

fn is_null(v: &sea_orm::Value) -> bool {
    *v == v.as_null()
}

/// An instance never saved (its auto key still 0): every matching row is another.
fn is_unsaved(pk: &sea_orm::Value) -> bool {
    use sea_orm::Value;
    is_null(pk)
        || matches!(
            pk,
            Value::Int(Some(0)) | Value::BigInt(Some(0)) | Value::SmallInt(Some(0))
        )
}

/// Django's unique message: `Blog post with this Title already exists.` (the model's
/// verbose name, capitalized).
#[doc(hidden)]
pub fn unique_message(model: &str, label: &str) -> String {
    let verbose = super::utils::pretty_name(&crate::models::meta::verbose_name(model));
    format!("{verbose} with this {label} already exists.")
}

impl<F: ModelForm> BoundForm<F> {
    /// Reads the choices of the form's relations (a foreign key's select lists the related
    /// rows, Django's "---------" first): call it before showing the form, and before trusting
    /// a bound one's validity, which it checks against them.
    pub async fn load_choices(&mut self) -> Result<(), QueryError> {
        self.load_choices_except(&[]).await
    }

    /// As [`load_choices`](Self::load_choices), but the relations named in `one_row` read only
    /// the row their value names (the value submitted, else the initial one): a relation of
    /// many rows the page shows as a key to type or search for (the admin's `raw_id_fields`
    /// and `autocomplete_fields`). A key no row has is refused as any other choice.
    pub async fn load_choices_except(&mut self, one_row: &[&str]) -> Result<(), QueryError> {
        let lazy: Vec<usize> = one_row.iter().map(|name| self.index(name)).collect();
        for (index, rows) in F::relation_choices_except(lazy.clone()).await? {
            let mut choices = vec![(String::new(), "---------".to_owned())];
            choices.extend(rows);
            self.set_choices_at(index, choices);
        }
        for index in lazy {
            let key = self
                .bound_field(index)
                .value()
                .map(str::trim)
                .unwrap_or("")
                .to_owned();
            let mut choices = vec![(String::new(), "---------".to_owned())];
            if !key.is_empty() {
                choices.extend(F::relation_choice(index, key).await?);
            }
            self.set_choices_at(index, choices);
        }
        Ok(())
    }

    /// Checks the unique fields against the database (Django's `validate_unique`, run by
    /// `is_valid()` there); their refusals become the fields' errors.
    pub async fn validate_unique(&mut self, instance: &F::Model) -> Result<(), QueryError> {
        let Some(data) = self.cleaned_data() else {
            return Ok(());
        };
        let taken = data.taken(instance).await?;
        for (index, message) in taken {
            self.add_error(Some(F::FIELDS[index].name), message);
        }
        Ok(())
    }

    /// Django's `form.save()`: when the form is valid and its unique values free, puts its
    /// values into `instance` (`Post::new_instance()` to create a row, a row read from the
    /// database to update it), saves it and returns it; else None, the errors on the form.
    pub async fn save(&mut self, mut instance: F::Model) -> Result<Option<F::Model>, QueryError> {
        if !self.is_valid() {
            return Ok(None);
        }
        self.validate_unique(&instance).await?;
        let Some(data) = self.cleaned_data() else {
            return Ok(None);
        };
        data.apply(&mut instance);
        instance.save().await?;
        Ok(Some(instance))
    }
}

impl<F: ModelForm> FormSet<F> {
    /// Reads the choices of the forms' relations once and gives them to every form (see
    /// [`BoundForm::load_choices`]).
    pub async fn load_choices(&mut self) -> Result<(), QueryError> {
        for (index, rows) in F::relation_choices_except(Vec::new()).await? {
            let mut choices = vec![(String::new(), "---------".to_owned())];
            choices.extend(rows);
            for form in self.forms_mut() {
                form.set_choices_at(index, choices.clone());
            }
        }
        Ok(())
    }
}
