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
//! `help_text`, a foreign key as a select of the related rows (`load_choices`), a
//! many-to-many field as a multiple select of them (saved with the row: `save_m2m`). A name
//! the model lacks does not compile, nor does a field kind forms do not have yet (date-times,
//! decimals).

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
    note = "a ModelForm edits text, email, slug, integer, float, boolean, date, choice, foreign key and many-to-many fields; date-times, decimals, UUIDs and keys are not built yet (and auto_now fields are not editable)"
)]
pub trait ModelFormField {
    /// The model field's Rust type (what the form cleans to): a many-to-many field's is its
    /// keys, `Vec<i64>`.
    type Value;
    /// The model the field belongs to.
    type Model;
    const SPEC: FieldSpec;
    /// The model field is `unique`: a save checks no other row has the value.
    const UNIQUE: bool;

    /// The instance's value (a form's initial one); a many-to-many field's is read by
    /// [`load_many`](Self::load_many).
    fn value_of(instance: &Self::Model) -> Self::Value;

    /// Puts a cleaned value into the instance (Django's `construct_instance`); a many-to-many
    /// field's waits for the instance's key ([`save_many`](Self::save_many)).
    fn set_on(instance: &mut Self::Model, value: &Self::Value);

    /// Whether another row than `instance` has `value` (a unique field's check).
    fn is_taken<'a>(
        _value: &'a Self::Value,
        _instance: &'a Self::Model,
    ) -> LocalBoxFuture<'a, Result<bool, QueryError>> {
        Box::pin(async { Ok(false) })
    }

    /// A many-to-many field's keys for a saved instance; None for the other fields.
    fn load_many(
        _instance: &Self::Model,
    ) -> LocalBoxFuture<'_, Result<Option<Self::Value>, QueryError>> {
        Box::pin(async { Ok(None) })
    }

    /// Relates a saved instance to exactly the rows of `value`: a many-to-many field's save
    /// (Django's `save_m2m`); nothing for the other fields.
    fn save_many<'a>(
        _instance: &'a Self::Model,
        _value: &'a Self::Value,
    ) -> LocalBoxFuture<'a, Result<(), QueryError>> {
        Box::pin(async { Ok(()) })
    }

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

    /// The form's values of an instance, its many-to-many fields none chosen (their keys are
    /// in the join table): an add page's data from a new instance. An edit page starts from
    /// [`from_saved`](Self::from_saved), else saving it would unrelate the row's rows.
    fn from_instance(instance: &Self::Model) -> Self;

    /// Puts the form's values into `instance` (Django's `construct_instance`); its
    /// many-to-many fields wait for [`save_m2m`](Self::save_m2m).
    fn apply(&self, instance: &mut Self::Model);

    /// Reads the many-to-many fields' keys of a saved instance into the form's values (an
    /// edit page's initial data: `from_instance` cannot, having no database).
    fn load_m2m<'a>(
        &'a mut self,
        _instance: &'a Self::Model,
    ) -> LocalBoxFuture<'a, Result<(), QueryError>> {
        Box::pin(async { Ok(()) })
    }

    /// Relates a saved instance to the rows the many-to-many fields chose (Django's
    /// `save_m2m`): after the instance's own save, which gives it its key.
    fn save_m2m<'a>(
        &'a self,
        _instance: &'a Self::Model,
    ) -> LocalBoxFuture<'a, Result<(), QueryError>> {
        Box::pin(async { Ok(()) })
    }

    /// The form's values of a saved instance, its many-to-many keys read: what an edit page
    /// starts from.
    fn from_saved(instance: &Self::Model) -> LocalBoxFuture<'_, Result<Self, QueryError>> {
        Box::pin(async move {
            let mut form = Self::from_instance(instance);
            form.load_m2m(instance).await?;
            Ok(form)
        })
    }

    /// The values of the form's unique fields, by field index (an empty one, which a NULL
    /// stores, is left out): what a formset compares across its forms.
    fn unique_values(&self) -> Vec<(usize, String)> {
        Vec::new()
    }

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
            self.set_choices_at(index, with_blank(&F::FIELDS[index], rows));
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
        // The row and its many-to-many relations together, or neither.
        let instance = crate::db::transaction::atomic(|| async move {
            instance.save().await?;
            data.save_m2m(&instance).await?;
            Ok::<_, QueryError>(instance)
        })
        .await?;
        Ok(Some(instance))
    }
}

/// A relation's select: Django's "---------" first, but in a multiple select.
fn with_blank(spec: &FieldSpec, rows: Choices) -> Choices {
    if spec.kind == super::FieldKind::ModelMultipleChoiceField {
        return rows;
    }
    let mut choices = vec![(String::new(), "---------".to_owned())];
    choices.extend(rows);
    choices
}

impl<F: ModelForm> FormSet<F> {
    /// Refuses two forms giving a unique field the same value, which the database would
    /// refuse at the second save (Django's `BaseModelFormSet.validate_unique`): each such form
    /// "Please correct the duplicate values below.", the formset "Please correct the duplicate
    /// data for slug.". Each form's check against the other rows is its own
    /// (`BoundForm::validate_unique`).
    pub fn validate_unique(&mut self) {
        let mut seen = std::collections::HashSet::new();
        let mut duplicates: Vec<usize> = Vec::new();
        let mut refused: Vec<usize> = Vec::new();
        for (i, data) in self.cleaned_forms() {
            for (field, value) in data.unique_values() {
                if !seen.insert((field, value)) {
                    refused.push(i);
                    if !duplicates.contains(&field) {
                        duplicates.push(field);
                    }
                }
            }
        }
        refused.dedup();
        for i in refused {
            self.forms_mut()[i].add_error(None, "Please correct the duplicate values below.");
        }
        for field in duplicates {
            self.add_non_form_error(format!(
                "Please correct the duplicate data for {}.",
                F::FIELDS[field].name
            ));
        }
    }

    /// Reads the choices of the forms' relations once and gives them to every form (see
    /// [`BoundForm::load_choices`]).
    pub async fn load_choices(&mut self) -> Result<(), QueryError> {
        for (index, rows) in F::relation_choices_except(Vec::new()).await? {
            let choices = with_blank(&F::FIELDS[index], rows);
            for form in self.forms_mut() {
                form.set_choices_at(index, choices.clone());
            }
        }
        Ok(())
    }
}
