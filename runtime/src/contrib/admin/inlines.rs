//! Django's `InlineModelAdmin` (`TabularInline`, `StackedInline`): the rows of a model that
//! point at the edited object by a foreign key, edited on that object's change form as an
//! inline formset (Django's `BaseInlineFormSet`).
//!
//! ```text
//! #[derive(Default)]
//! pub struct PostInline;
//!
//! #[admin::tabular_inline(Post, fields = [title, published], extra = 1)]
//! impl InlineModelAdmin for PostInline {}
//!
//! #[admin::register(Author, inlines = [PostInline])]
//! impl ModelAdmin for AuthorAdmin {}
//! ```
//!
//! The formset's prefix is the relation's accessor (`post_set`, or the related_name), each form
//! carries its row's key in a hidden `id`, and every change is saved with the object in one
//! transaction and written into the object's history ("Added post “Hello”.").

use futures_util::future::LocalBoxFuture;

use super::options::{ModelPerms, UserPerms, model_permission};
use super::templates::{FormRow, InlineContext, InlineFormContext};
use crate::forms::formsets::form_prefix;
use crate::forms::{BoundForm, Form, FormSet, FormSetOptions, ModelForm};
use crate::http::{HttpRequest, ViewError};
use crate::models::lookups::{OrderBy, Term};
use crate::models::meta::{model_verbose_name, model_verbose_name_plural, pk_column};
use crate::models::query::pk_i64;
use crate::models::{Instance, Model, NewInstance, Q, QuerySet};

/// The options `#[admin::tabular_inline]` / `#[admin::stacked_inline]` write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InlineOptions {
    /// Blank forms after the rows (Django's default, 3).
    pub extra: usize,
    pub min_num: usize,
    /// At most this many rows (Django's `max_num`; none by default).
    pub max_num: Option<usize>,
    /// Each row has a "Delete?" box (Django's default).
    pub can_delete: bool,
    /// StackedInline: each row a fieldset; TabularInline: a table row each.
    pub stacked: bool,
}

impl Default for InlineOptions {
    fn default() -> Self {
        InlineOptions {
            extra: 3,
            min_num: 0,
            max_num: None,
            can_delete: true,
            stacked: false,
        }
    }
}

/// Django's `InlineModelAdmin`. `#[admin::tabular_inline(Post, ...)]` (or `stacked_inline`)
/// on the impl sets the model, its form, the foreign key to the parent and the options; the
/// methods are Django's hooks with Django's defaults.
pub trait InlineModelAdmin: Default + Send + Sync + 'static {
    type Model: Model + Instance + NewInstance + Clone + Send + Sync;
    /// The rows' form: a ModelForm of the `fields` option, without the foreign key.
    type Form: ModelForm<Model = Self::Model>;
    /// The model whose change form shows these rows: the foreign key's target.
    type Parent: Model;

    #[doc(hidden)]
    fn options() -> InlineOptions;

    /// The foreign key's accessor from the parent (Django's formset prefix): its
    /// related_name, else `<model>_set`.
    #[doc(hidden)]
    fn prefix() -> String;

    /// The rows of the parent with key `parent`.
    #[doc(hidden)]
    fn of_parent(parent: i64) -> Q<Self::Model>;

    /// Points a new row at the parent with key `parent`.
    #[doc(hidden)]
    fn set_parent(object: &mut Self::Model, parent: i64);

    /// The row as text (Django's `str(obj)`).
    fn object_str(object: &Self::Model) -> String;

    /// The rows the inline edits (Django's `get_queryset`); the parent's are taken from them.
    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Self::Model> {
        QuerySet::new()
    }

    /// Django's `has_view_permission` and the others, on the inline's own model.
    fn has_view_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "view")
    }

    fn has_add_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "add")
    }

    fn has_change_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "change")
    }

    fn has_delete_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "delete")
    }
}

/// An inline of `P`'s change form: what `inlines = [PostInline]` checks.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is no inline of `{P}`: its model's foreign key points at another model",
    label = "an inline of another model",
    note = "Django's admin.E202: an inline's model needs a ForeignKey to the model whose admin lists it (name it with `fk_name` when there are several)"
)]
pub trait InlineOf<P> {
    #[doc(hidden)]
    fn inline() -> InlineBox<P>;
}

/// An inline, its model erased (what `InlineOf::inline` makes). The inline's macro writes its
/// `InlineOf` impl for the foreign key's target itself: a blanket impl over
/// `InlineModelAdmin::Parent` would make a wrong parent a type mismatch rather than the
/// message above.
#[doc(hidden)]
pub struct InlineBox<P>(Box<dyn Inline<P>>);

impl<P: Model> InlineBox<P> {
    pub fn of<I: InlineModelAdmin<Parent = P>>() -> Self {
        InlineBox(Box::new(I::default()))
    }
}

/// The inlines of a ModelAdmin (Django's `inlines`), in order.
pub struct Inlines<P> {
    list: Vec<Box<dyn Inline<P>>>,
}

impl<P: Model> Inlines<P> {
    pub fn new() -> Self {
        Inlines { list: Vec::new() }
    }

    /// Adds the inline `I` (`#[admin::register(.., inlines = [I])]` calls it).
    pub fn add<I: InlineOf<P>>(&mut self) {
        self.list.push(I::inline().0);
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &dyn Inline<P>> {
        self.list.iter().map(|b| b.as_ref())
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl<P: Model> Default for Inlines<P> {
    fn default() -> Self {
        Inlines::new()
    }
}

/// What an inline formset is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binding {
    /// The rows, for a page that shows them.
    Unbound,
    /// The request's POST.
    Post,
    /// The request's POST, every form a new row: "Save as new" copies the rows to the copy
    /// (Django's `save_as_new`).
    PostAsNew,
}

/// An inline, its model erased, as its parent's pages use it.
pub(crate) trait Inline<P>: Send + Sync {
    /// The inline's formset for the parent with key `parent` (none when adding): bound to the
    /// request's POST when `bind`, else showing the rows. None when the user may not see it.
    fn formset<'a>(
        &'a self,
        request: &'a HttpRequest,
        perms: &'a UserPerms,
        parent: Option<i64>,
        bind: Binding,
        view_only: bool,
    ) -> LocalBoxFuture<'a, Result<Option<Box<dyn InlineFormSet + 'a>>, ViewError>>;
}

/// A bound or unbound inline formset, its model erased.
pub(crate) trait InlineFormSet {
    fn is_valid(&self) -> bool;
    /// Refusals in all, for the page's "Please correct the errors below."
    fn error_count(&self) -> usize;
    fn context(&self) -> InlineContext;
    /// Saves the rows for the parent with key `parent`: deletions, changes, additions; returns
    /// Django's change-message parts for them.
    fn save(
        &mut self,
        parent: i64,
    ) -> LocalBoxFuture<'_, Result<Vec<serde_json::Value>, ViewError>>;
}

impl<I: InlineModelAdmin> Inline<I::Parent> for I {
    fn formset<'a>(
        &'a self,
        request: &'a HttpRequest,
        perms: &'a UserPerms,
        parent: Option<i64>,
        bind: Binding,
        view_only: bool,
    ) -> LocalBoxFuture<'a, Result<Option<Box<dyn InlineFormSet + 'a>>, ViewError>> {
        Box::pin(async move {
            let mut may = ModelPerms {
                view: self.has_view_permission(request, perms),
                add: self.has_add_permission(request, perms),
                change: self.has_change_permission(request, perms),
                delete: self.has_delete_permission(request, perms),
            };
            if !may.any() {
                return Ok(None);
            }
            if view_only {
                may = ModelPerms {
                    view: true,
                    ..ModelPerms::default()
                };
            }
            let set = BoundInline::<I>::new(self, request, may, parent, bind).await?;
            Ok(Some(Box::new(set) as Box<dyn InlineFormSet + 'a>))
        })
    }
}

/// One inline's formset on one page.
struct BoundInline<I: InlineModelAdmin> {
    perms: ModelPerms,
    options: InlineOptions,
    /// The rows the initial forms show, in their order.
    objects: Vec<I::Model>,
    formset: FormSet<I::Form>,
    /// Refusals of initial forms whose row is gone: Django's "Select a valid choice."
    missing: Vec<usize>,
}

impl<I: InlineModelAdmin> BoundInline<I> {
    async fn new(
        admin: &I,
        request: &HttpRequest,
        perms: ModelPerms,
        parent: Option<i64>,
        bind: Binding,
    ) -> Result<Self, ViewError> {
        let options = I::options();
        let prefix = I::prefix();
        let rows = match parent.filter(|_| bind != Binding::PostAsNew) {
            Some(pk) => {
                let mut order: Vec<OrderBy<I::Model>> = I::Model::default_ordering()
                    .into_iter()
                    .map(|(term, desc)| OrderBy::new(term, desc))
                    .collect();
                order.push(OrderBy::new(
                    Term::Column {
                        path: Vec::new(),
                        column: pk_column::<I::Model>(),
                    },
                    false,
                ));
                admin
                    .get_queryset(request)
                    .filter(I::of_parent(pk))
                    .order_by(order)
                    .all()
                    .await?
            }
            None => Vec::new(),
        };
        // Without the add permission no form is blank (Django sets max_num to 0).
        let max_num = if perms.add {
            options
                .max_num
                .unwrap_or(crate::forms::formsets::DEFAULT_MAX_NUM)
        } else {
            0
        };
        let form_options = FormSetOptions {
            extra: options.extra,
            min_num: options.min_num,
            can_delete: options.can_delete && perms.delete,
            validate_max: options.max_num.is_some() && perms.add,
            ..FormSetOptions::default()
        }
        .with_max_num(max_num);
        let mut missing = Vec::new();
        let (objects, mut formset) = if bind != Binding::Unbound {
            let data = request.POST();
            // Each initial form names its row by key: match them, so a row deleted or added
            // meanwhile never takes another's values.
            let count = |name: &str| {
                data.get(&format!("{prefix}-{name}"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0)
            };
            let initial_forms = match bind {
                Binding::PostAsNew => 0,
                _ => count("INITIAL_FORMS")
                    .min(count("TOTAL_FORMS"))
                    .min(form_options.absolute_max),
            };
            let mut objects = Vec::new();
            let mut taken = std::collections::HashSet::new();
            for i in 0..initial_forms {
                let key = data
                    .get(&format!("{}-id", form_prefix(&prefix, i)))
                    .and_then(|v| v.trim().parse::<i64>().ok());
                // A row of another parent, or one named by two forms, is refused: saving it
                // twice could bring a deleted row back.
                match key
                    .filter(|k| taken.insert(*k))
                    .and_then(|k| rows.iter().find(|r| pk_i64(&r.pk()) == k))
                {
                    Some(row) => objects.push(row.clone()),
                    None => {
                        missing.push(i);
                        objects.push(I::Model::new_instance());
                    }
                }
            }
            let initial: Vec<I::Form> = objects.iter().map(I::Form::from_instance).collect();
            let formset = FormSet::bind(data, &prefix, &initial, form_options);
            (objects, formset)
        } else {
            let initial: Vec<I::Form> = rows.iter().map(I::Form::from_instance).collect();
            (rows, FormSet::unbound(&prefix, &initial, form_options))
        };
        // The rows the user may not change, and new ones they may not add, are not taken
        // from the request (Django's formset ignores them alike).
        let initial_count = formset.initial_form_count();
        for i in 0..formset.forms().len() {
            let existing = i < initial_count;
            if formset.is_bound() && ((existing && !perms.change) || (!existing && !perms.add)) {
                formset.ignore(i);
            }
        }
        formset.load_choices().await?;
        missing.retain(|i| *i < formset.initial_form_count());
        for &i in &missing {
            if !formset.is_deleted(i)
                && let Some(form) = formset.forms_mut().get_mut(i)
            {
                form.add_error(None, crate::forms::fields::INVALID_MODEL_CHOICE);
            }
        }
        if formset.is_bound() {
            let cleaned: Vec<usize> = formset
                .cleaned_forms()
                .into_iter()
                .map(|(i, _)| i)
                .collect();
            for i in cleaned {
                let instance = objects
                    .get(i)
                    .cloned()
                    .unwrap_or_else(I::Model::new_instance);
                formset.forms_mut()[i].validate_unique(&instance).await?;
            }
            formset.validate_unique();
        }
        Ok(BoundInline {
            perms,
            options,
            objects,
            formset,
            missing,
        })
    }

    fn form_rows(
        &self,
        form: &BoundForm<I::Form>,
        readonly: Option<&I::Model>,
    ) -> (Vec<FormRow>, Vec<String>) {
        let values = readonly.map(|o| I::Form::from_instance(o).initial_values());
        super::views::form_rows(form, values.as_deref())
    }
}

impl<I: InlineModelAdmin> InlineFormSet for BoundInline<I> {
    fn is_valid(&self) -> bool {
        self.formset.is_valid() && self.missing.iter().all(|i| self.formset.is_deleted(*i))
    }

    fn error_count(&self) -> usize {
        if self.formset.is_bound() {
            self.formset.total_error_count()
        } else {
            0
        }
    }

    fn context(&self) -> InlineContext {
        let prefix = self.formset.prefix().to_owned();
        let initial_count = self.formset.initial_form_count();
        let mut forms = Vec::new();
        let mut headers = Vec::new();
        for (i, form) in self.formset.forms().iter().enumerate() {
            let existing = i < initial_count;
            let object = self.objects.get(i).filter(|_| existing);
            let readonly = object.filter(|_| !self.perms.change);
            if !existing && !self.perms.add {
                continue;
            }
            let (rows, mut hidden) = self.form_rows(form, readonly);
            if headers.is_empty() {
                headers = rows.iter().map(|r| (r.label.clone(), r.required)).collect();
            }
            if let Some(object) = object {
                let name = format!("{}-id", form_prefix(&prefix, i));
                hidden.push(format!(
                    r#"<input type="hidden" name="{name}" value="{}" id="id_{name}">"#,
                    pk_i64(&object.pk())
                ));
            }
            forms.push(InlineFormContext {
                original: object.map(I::object_str),
                rows,
                hidden,
                non_field_errors: form.non_field_errors().iter().map(str::to_owned).collect(),
                delete: (existing && self.formset.options().can_delete)
                    .then(|| self.formset.delete_widget(i).0),
                number: i + 1,
            });
        }
        InlineContext {
            prefix,
            verbose_name: model_verbose_name::<I::Model>(),
            verbose_name_plural: super::display::capfirst(&model_verbose_name_plural::<I::Model>()),
            stacked: self.options.stacked,
            management_form: self.formset.management_form().0,
            non_form_errors: self
                .formset
                .non_form_errors()
                .iter()
                .map(str::to_owned)
                .collect(),
            headers,
            can_delete: self.formset.options().can_delete,
            forms,
        }
    }

    fn save(
        &mut self,
        parent: i64,
    ) -> LocalBoxFuture<'_, Result<Vec<serde_json::Value>, ViewError>> {
        Box::pin(async move {
            let name = model_verbose_name::<I::Model>();
            let mut parts = Vec::new();
            let initial_count = self.formset.initial_form_count();
            // Deletions first, as Django's save_existing_objects takes them.
            for i in 0..initial_count {
                if self.formset.is_deleted(i) && !self.missing.contains(&i) {
                    let object = &self.objects[i];
                    object.delete().await?;
                    parts.push(serde_json::json!({"deleted": {"name": name, "object": I::object_str(object)}}));
                }
            }
            for i in 0..self.formset.forms().len() {
                if self.formset.is_deleted(i) || self.formset.is_empty(i) {
                    continue;
                }
                let form = &self.formset.forms()[i];
                let Some(data) = form.cleaned_data() else {
                    continue;
                };
                if i < initial_count {
                    if !form.has_changed() {
                        continue;
                    }
                    let mut object = self.objects[i].clone();
                    let before = I::Form::from_instance(&object).initial_values();
                    data.apply(&mut object);
                    object.save().await?;
                    let after = I::Form::from_instance(&object).initial_values();
                    let fields = super::views::changed_fields::<I::Form>(&before, &after);
                    parts.push(serde_json::json!({"changed": {"name": name, "object": I::object_str(&object), "fields": fields}}));
                    self.objects[i] = object;
                } else {
                    let mut object = I::Model::new_instance();
                    data.apply(&mut object);
                    I::set_parent(&mut object, parent);
                    object.save().await?;
                    parts.push(serde_json::json!({"added": {"name": name, "object": I::object_str(&object)}}));
                }
            }
            Ok(parts)
        })
    }
}
