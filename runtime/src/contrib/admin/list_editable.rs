//! Django's `list_editable`: fields of the change list edited in place. The page's rows are
//! the forms of a model formset (prefix `form`, each row's key in a hidden `form-N-id`), and
//! the list's "Save" button saves the rows whose values changed, in one transaction, each with
//! its log entry (Django's `changelist_view` with `_save`).

use std::marker::PhantomData;

use futures_util::future::LocalBoxFuture;

use crate::forms::formsets::{FormSetOptions, form_prefix};
use crate::forms::{FormSet, ModelForm};
use crate::http::QueryDict;
use crate::models::{Instance, Model, NewInstance, QueryError};

/// The formset prefix of the change list (Django's `FormSet.get_default_prefix()`).
pub(crate) const PREFIX: &str = "form";

/// The change list's form, as `#[admin::register(.., list_editable = [...])]` writes it.
pub struct ListEditable<M> {
    formset: fn(Vec<Option<M>>, Option<QueryDict>) -> EditableFuture<M>,
    marker: PhantomData<fn() -> M>,
}

type EditableFuture<M> = LocalBoxFuture<'static, Result<Box<dyn EditableRows<M>>, QueryError>>;

impl<M: Model + Instance + NewInstance + Clone + 'static> ListEditable<M> {
    /// The form `F` of each row.
    pub fn of<F: ModelForm<Model = M> + 'static>() -> Self {
        ListEditable {
            formset: bind::<F>,
            marker: PhantomData,
        }
    }

    /// The rows' formset: showing `objects` (None for a key posted that names no row, which
    /// its form refuses), or bound to `data`.
    pub(crate) fn formset(
        &self,
        objects: Vec<Option<M>>,
        data: Option<QueryDict>,
    ) -> EditableFuture<M> {
        (self.formset)(objects, data)
    }
}

/// The keys the rows' forms post, in their order: a key named twice is None the second time
/// (saving a row twice could undo its first change).
pub(crate) fn posted_keys(data: &QueryDict) -> Vec<Option<i64>> {
    let count = |name: &str| {
        data.get(&format!("{PREFIX}-{name}"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0)
    };
    let forms = count("INITIAL_FORMS")
        .min(count("TOTAL_FORMS"))
        .min(FormSetOptions::default().absolute_max);
    let mut seen = std::collections::HashSet::new();
    (0..forms)
        .map(|i| {
            data.get(&format!("{}-id", form_prefix(PREFIX, i)))
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|k| seen.insert(*k))
        })
        .collect()
}

/// The change list's formset, its form erased.
pub(crate) trait EditableRows<M> {
    fn is_bound(&self) -> bool;
    fn is_valid(&self) -> bool;
    fn error_count(&self) -> usize;
    fn management_form(&self) -> String;
    fn non_form_errors(&self) -> Vec<String>;
    /// The form of the row with key `pk`.
    fn form_of(&self, pk: i64) -> Option<usize>;
    /// Form `i`'s field `name`: its errors, then its widget (Django's
    /// `{{ form.field.errors }}{{ form.field }}` in the cell); the first field's cell holds
    /// the row's own errors too.
    fn cell(&self, i: usize, name: &str) -> Option<String>;
    /// Form `i`'s hidden key.
    fn hidden(&self, i: usize) -> String;
    /// The rows a valid formset changes, changed, with the labels of the fields that changed.
    fn changed(&self) -> Vec<(M, Vec<&'static str>)>;
}

struct Rows<F: ModelForm> {
    objects: Vec<Option<F::Model>>,
    formset: FormSet<F>,
}

fn bind<F: ModelForm + 'static>(
    objects: Vec<Option<F::Model>>,
    data: Option<QueryDict>,
) -> EditableFuture<F::Model>
where
    F::Model: NewInstance,
{
    Box::pin(async move {
        let blank = F::Model::new_instance();
        let initial: Vec<F> = objects
            .iter()
            .map(|o| F::from_instance(o.as_ref().unwrap_or(&blank)))
            .collect();
        let options = FormSetOptions {
            extra: 0,
            ..FormSetOptions::default()
        };
        let mut formset = match &data {
            Some(data) => FormSet::bind(data, PREFIX, &initial, options),
            None => FormSet::unbound(PREFIX, &initial, options),
        };
        // The change list edits rows; a form past them (a forged count) adds nothing.
        let initial_count = formset.initial_form_count();
        for i in initial_count..formset.forms().len() {
            formset.ignore(i);
        }
        formset.load_choices().await?;
        if formset.is_bound() {
            for (i, object) in objects.iter().enumerate().take(initial_count) {
                let form = &mut formset.forms_mut()[i];
                match object {
                    None => form.add_error(None, crate::forms::fields::INVALID_MODEL_CHOICE),
                    Some(object) if form.is_valid() => form.validate_unique(object).await?,
                    Some(_) => {}
                }
            }
            formset.validate_unique();
        }
        Ok(Box::new(Rows { objects, formset }) as Box<dyn EditableRows<F::Model>>)
    })
}

impl<F: ModelForm> EditableRows<F::Model> for Rows<F> {
    fn is_bound(&self) -> bool {
        self.formset.is_bound()
    }

    fn is_valid(&self) -> bool {
        self.formset.is_valid()
    }

    fn error_count(&self) -> usize {
        self.formset.total_error_count()
    }

    fn management_form(&self) -> String {
        self.formset.management_form().to_string()
    }

    fn non_form_errors(&self) -> Vec<String> {
        let mut errors: Vec<String> = self
            .formset
            .non_form_errors()
            .iter()
            .map(str::to_owned)
            .collect();
        // A form whose key names no row has no row to show its refusal in.
        for (i, form) in self.formset.forms().iter().enumerate() {
            if self.objects.get(i).is_some_and(Option::is_none) {
                errors.extend(form.non_field_errors().iter().map(str::to_owned));
            }
        }
        errors
    }

    fn form_of(&self, pk: i64) -> Option<usize> {
        self.objects
            .iter()
            .take(self.formset.initial_form_count())
            .position(|o| o.as_ref().is_some_and(|o| super::views::pk_i64(o) == pk))
    }

    fn cell(&self, i: usize, name: &str) -> Option<String> {
        let first = F::FIELDS.iter().position(|f| f.name == name)? == 0;
        let form = self.formset.forms().get(i)?;
        let field = form.field(name);
        // The row's own refusals (a key that is no row) go with its first field, as
        // Django's row shows `form.non_field_errors`.
        let row_errors = if first {
            form.non_field_errors().as_ul().to_string()
        } else {
            String::new()
        };
        Some(format!(
            "{row_errors}{}{}",
            field.errors().as_ul(),
            field.as_widget()
        ))
    }

    fn hidden(&self, i: usize) -> String {
        let key = self
            .objects
            .get(i)
            .and_then(Option::as_ref)
            .map(super::views::pk_i64)
            .unwrap_or_default();
        let name = format!("{}-id", form_prefix(PREFIX, i));
        format!(r#"<input type="hidden" name="{name}" value="{key}" id="id_{name}">"#)
    }

    fn changed(&self) -> Vec<(F::Model, Vec<&'static str>)> {
        let mut out = Vec::new();
        for (i, data) in self.formset.cleaned_forms() {
            let Some(Some(object)) = self.objects.get(i) else {
                continue;
            };
            let before = F::from_instance(object).initial_values();
            let mut object = object.clone();
            data.apply(&mut object);
            let after = F::from_instance(&object).initial_values();
            let labels = super::views::changed_fields::<F>(&before, &after);
            if !labels.is_empty() {
                out.push((object, labels));
            }
        }
        out
    }
}
