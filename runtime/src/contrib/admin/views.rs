//! The pages of one registered model: Django's `changelist_view`, `add_view`/`change_view`,
//! `delete_view` and `history_view`, and the "delete selected" action.

use std::marker::PhantomData;

use futures_util::future::LocalBoxFuture;

use super::changelist::{ChangeList, default_order, search_results};
use super::inlines::{Binding, InlineFormSet};
use super::list_editable;
use super::models::{ADDITION, CHANGE, DELETION, LogEntry, log_entry};
use super::options::{ModelAdmin, ModelPerms, Options, UserPerms};
use super::sites::{Registered, SiteInfo, admin_context, capfirst, prefix};
use super::templates::{
    ChangeFormContext, DeleteContext, DeletedObject, FieldsetContext, FormRow, HistoryContext,
    HistoryEntry, Templates,
};
use super::widgets::RelationWidgetKind;
use crate::contrib::contenttypes::models::ContentType;
use crate::contrib::messages;
use crate::forms::{BoundForm, Form, ModelForm};
use crate::http::{HttpRequest, HttpResponseRedirect, PermissionDenied, ViewError, ViewResult};
use crate::models::meta::{app_label, model_verbose_name, model_verbose_name_plural};
use crate::models::{Lookups, Model, NewInstance};
use crate::template::TemplateResponse;

/// Rows a page of the autocomplete endpoint answers (Django's `paginate_by`).
const AUTOCOMPLETE_PAGE: u64 = 20;

/// Which page of a model: the part of the path after `<app>/<model>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ModelPage {
    ChangeList,
    Add,
    /// `<id>/`: Django redirects it to the change page.
    Object(String),
    Change(String),
    Delete(String),
    History(String),
    /// `<id>/password/`: a user's password (Django's UserAdmin).
    Password(String),
}

impl ModelPage {
    pub(crate) fn parse(rest: &[&str]) -> Option<ModelPage> {
        Some(match rest {
            [] => ModelPage::ChangeList,
            ["add"] => ModelPage::Add,
            [id] => ModelPage::Object((*id).to_owned()),
            [id, "change"] => ModelPage::Change((*id).to_owned()),
            [id, "delete"] => ModelPage::Delete((*id).to_owned()),
            [id, "history"] => ModelPage::History((*id).to_owned()),
            [id, "password"] => ModelPage::Password((*id).to_owned()),
            _ => return None,
        })
    }
}

/// A ModelAdmin as the site keeps it: the admin, its options, its pages' templates.
pub(crate) struct Registration<A: ModelAdmin, T> {
    pub admin: A,
    pub options: Options<A::Model>,
    templates: PhantomData<fn() -> T>,
}

impl<A: ModelAdmin, T: Templates> Registration<A, T> {
    pub(crate) fn new() -> Self {
        Registration {
            admin: A::default(),
            options: A::options(),
            templates: PhantomData,
        }
    }
}

impl<A: ModelAdmin, T: Templates> Registered for Registration<A, T> {
    fn app_label(&self) -> &'static str {
        app_label(A::Model::MODULE)
    }

    fn model_name(&self) -> String {
        A::Model::NAME.to_lowercase()
    }

    fn object_name(&self) -> &'static str {
        A::Model::NAME
    }

    fn verbose_name_plural(&self) -> String {
        model_verbose_name_plural::<A::Model>()
    }

    fn verbose_name(&self) -> String {
        model_verbose_name::<A::Model>()
    }

    fn object_strs<'a>(
        &'a self,
        request: &'a HttpRequest,
        pks: &'a [i64],
    ) -> LocalBoxFuture<'a, Result<std::collections::HashMap<i64, String>, ViewError>> {
        Box::pin(async move {
            let found = self
                .admin
                .get_queryset(request)
                .in_bulk(pks.iter().copied())
                .await?;
            Ok(found
                .into_iter()
                .map(|(pk, object)| (pk, A::object_str(&object)))
                .collect())
        })
    }

    fn perms(&self, request: &HttpRequest, perms: &UserPerms) -> ModelPerms {
        ModelPerms {
            view: self.admin.has_view_permission(request, perms),
            add: self.admin.has_add_permission(request, perms),
            change: self.admin.has_change_permission(request, perms),
            delete: self.admin.has_delete_permission(request, perms),
        }
    }

    fn autocomplete_target(&self, field: &str) -> Option<(&'static str, String)> {
        self.options
            .relation_widgets
            .iter()
            .find(|w| w.field == field && w.kind == RelationWidgetKind::Autocomplete)
            .map(|w| (w.to)())
    }

    fn autocomplete<'a>(
        &'a self,
        request: &'a HttpRequest,
        perms: &'a UserPerms,
        term: &'a str,
        page: u64,
    ) -> LocalBoxFuture<'a, ViewResult> {
        Box::pin(async move {
            if !self.perms(request, perms).view_or_change() {
                return Err(PermissionDenied(None).into());
            }
            if self.options.search_fields.is_empty() {
                return Err(crate::http::Http404::new(format!(
                    "{} must have search_fields for the autocomplete_view.",
                    std::any::type_name::<A>()
                        .rsplit("::")
                        .next()
                        .unwrap_or("ModelAdmin")
                ))
                .into());
            }
            let queryset = search_results(
                self.admin.get_queryset(request),
                &self.options.search_fields,
                term,
            )
            .order_by(default_order(&self.options.ordering));
            // One row past the page says whether another page follows.
            let start = (page - 1) * AUTOCOMPLETE_PAGE;
            let mut rows = queryset
                .slice(start..start + AUTOCOMPLETE_PAGE + 1)
                .all()
                .await?;
            let more = rows.len() as u64 > AUTOCOMPLETE_PAGE;
            rows.truncate(AUTOCOMPLETE_PAGE as usize);
            let results: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    serde_json::json!({"id": pk_i64(row).to_string(), "text": A::object_str(row)})
                })
                .collect();
            Ok(crate::http::JsonResponse::new(serde_json::json!({
                "results": results,
                "pagination": {"more": more},
            }))
            .into())
        })
    }

    fn page<'a>(
        &'a self,
        site: &'a SiteInfo,
        request: HttpRequest,
        page: ModelPage,
        perms: UserPerms,
    ) -> LocalBoxFuture<'a, ViewResult> {
        Box::pin(async move {
            let pages = Pages {
                reg: self,
                site,
                perms: self.perms(&request, &perms),
                user_perms: perms,
                request,
            };
            match page {
                ModelPage::ChangeList => pages.changelist().await,
                ModelPage::Add => pages.change_form(None).await,
                ModelPage::Object(id) => Ok(HttpResponseRedirect(format!(
                    "{}{}/change/",
                    pages.base(),
                    id
                ))),
                ModelPage::Change(id) => pages.change_form(Some(id)).await,
                ModelPage::Delete(id) => pages.delete(id).await,
                ModelPage::History(id) => pages.history(id).await,
                ModelPage::Password(id) => pages.password(id).await,
            }
        })
    }
}

/// One request to one model's pages.
pub(crate) struct Pages<'a, A: ModelAdmin, T> {
    pub reg: &'a Registration<A, T>,
    pub site: &'a SiteInfo,
    pub perms: ModelPerms,
    pub user_perms: UserPerms,
    pub request: HttpRequest,
}

/// A Django admin message with the object's name in typographic quotes.
fn quoted(name: &str, object: &str, what: &str) -> String {
    format!("The {name} “{object}” was {what} successfully.")
}

impl<A: ModelAdmin, T: Templates> Pages<'_, A, T> {
    /// `/admin/blog/post/`
    pub(crate) fn base(&self) -> String {
        format!(
            "{}{}/{}/",
            prefix(&self.request),
            app_label(A::Model::MODULE),
            A::Model::NAME.to_lowercase()
        )
    }

    fn verbose_name(&self) -> String {
        model_verbose_name::<A::Model>()
    }

    pub(crate) async fn context(&self, title: String) -> super::templates::AdminContext {
        let mut admin = admin_context(self.site, &self.request, title).await;
        let label = app_label(A::Model::MODULE);
        admin.breadcrumbs = vec![
            ("Home".into(), Some(prefix(&self.request))),
            (
                super::sites::app_verbose_name(label),
                Some(format!("{}{label}/", prefix(&self.request))),
            ),
        ];
        admin
    }

    /// The object with key `id` among `get_queryset()`'s rows, or Django's redirect to the
    /// index with "Post with ID “7” doesn’t exist. Perhaps it was deleted?".
    async fn object(
        &self,
        id: &str,
    ) -> Result<Result<A::Model, crate::http::HttpResponse>, ViewError> {
        let missing = || {
            messages::warning(
                &self.request,
                &format!(
                    "{} with ID “{id}” doesn’t exist. Perhaps it was deleted?",
                    capfirst(&self.verbose_name())
                ),
            );
            Ok(Err(HttpResponseRedirect(prefix(&self.request))))
        };
        let Ok(pk) = id.parse::<i64>() else {
            return missing();
        };
        let mut found = self
            .reg
            .admin
            .get_queryset(&self.request)
            .in_bulk([pk])
            .await?;
        match found.remove(&pk) {
            Some(object) => Ok(Ok(object)),
            None => missing(),
        }
    }

    async fn changelist(self) -> ViewResult {
        if !self.perms.view_or_change() {
            return Err(PermissionDenied(None).into());
        }
        let post = self.request.method() == "POST";
        // The list's "Save" (list_editable) and an action share the list's form (Django's
        // changelist_view tells them apart by `_save`).
        let saving = post && self.request.POST().get("_save").is_some();
        if post && !saving && self.request.POST().get("action").is_some() {
            return self.action().await;
        }
        let editable = self.reg.options.list_editable.as_ref();
        if saving && editable.is_some() && !self.perms.change {
            return Err(PermissionDenied(None).into());
        }
        let changelist = ChangeList::new(&self).await?;
        let editable = editable.filter(|_| self.perms.change && !changelist.is_popup());
        let rows = match editable {
            None => None,
            Some(editable) if saving => {
                let data = self.request.POST();
                let keys = list_editable::posted_keys(data);
                let mut found = self
                    .reg
                    .admin
                    .get_queryset(&self.request)
                    .in_bulk(keys.iter().flatten().copied())
                    .await?;
                let objects = keys
                    .iter()
                    .map(|k| k.and_then(|k| found.remove(&k)))
                    .collect();
                let rows = editable.formset(objects, Some(data.clone())).await?;
                if rows.is_valid() {
                    return self.save_list(rows.changed()).await;
                }
                Some(rows)
            }
            Some(editable) => Some(
                editable
                    .formset(changelist.rows().iter().cloned().map(Some).collect(), None)
                    .await?,
            ),
        };
        let page = T::ChangeList::from(changelist.into_context(&self, rows.as_deref()).await?);
        TemplateResponse(&self.request, page)
    }

    /// Saves the rows the change list's "Save" changed, each with its log entry, all or none
    /// (Django's `changelist_view` with `list_editable`).
    async fn save_list(&self, changed: Vec<(A::Model, Vec<&'static str>)>) -> ViewResult {
        let count = changed.len();
        crate::db::transaction::atomic(|| async {
            for (mut object, labels) in changed {
                self.reg
                    .admin
                    .save_model(&self.request, &mut object, true)
                    .await?;
                let message = construct_change_message(Some(labels), Vec::new());
                self.log(&object, CHANGE, &message).await?;
            }
            Ok::<_, ViewError>(())
        })
        .await?;
        if count > 0 {
            let (name, verb) = if count == 1 {
                (self.verbose_name(), "was")
            } else {
                (model_verbose_name_plural::<A::Model>(), "were")
            };
            messages::success(
                &self.request,
                &format!("{count} {name} {verb} changed successfully."),
            );
        }
        Ok(HttpResponseRedirect(self.request.get_full_path()))
    }

    /// The actions of the change list: Django's `delete_selected`, the one built in.
    async fn action(self) -> ViewResult {
        let post = self.request.POST();
        let action = post.get("action").unwrap_or_default().to_owned();
        let selected: Vec<i64> = post
            .getlist("_selected_action")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        let back = || Ok(HttpResponseRedirect(self.request.get_full_path()));
        let custom = self.reg.options.actions.iter().find(|a| a.name == action);
        if action != "delete_selected" && custom.is_none() {
            messages::warning(&self.request, "No action selected.");
            return back();
        }
        if selected.is_empty() {
            messages::warning(
                &self.request,
                "Items must be selected in order to perform actions on them. No items have been changed.",
            );
            return back();
        }
        if let Some(entry) = custom {
            if !entry.allowed(&self.perms) {
                return Err(PermissionDenied(None).into());
            }
            // The selected rows among those the admin may touch; the action's writes commit
            // together or not at all.
            let queryset = self
                .reg
                .admin
                .get_queryset(&self.request)
                .filter(crate::models::query::pk_in::<A::Model>(&selected));
            let request = &self.request;
            let response =
                crate::db::transaction::atomic(
                    || async move { (entry.run)(request, queryset).await },
                )
                .await?;
            return match response {
                Some(response) => Ok(response),
                None => back(),
            };
        }
        if !self.perms.delete {
            return Err(PermissionDenied(None).into());
        }
        let objects: Vec<A::Model> = {
            let mut found = self
                .reg
                .admin
                .get_queryset(&self.request)
                .in_bulk(selected.iter().copied())
                .await?;
            selected.iter().filter_map(|pk| found.remove(pk)).collect()
        };
        let pks: Vec<i64> = objects.iter().map(pk_i64).collect();
        let collected = crate::models::deletion::collect::<A::Model>(None, pks.clone()).await?;
        let objects_name = if objects.len() == 1 {
            self.verbose_name()
        } else {
            model_verbose_name_plural::<A::Model>()
        };
        let mut context = self
            .delete_context("Are you sure?".into(), &collected, objects_name.clone())
            .await?;
        if post.get("post") == Some("yes") && collected.protected.is_empty() {
            if !context.perms_lacking.is_empty() {
                return Err(PermissionDenied(None).into());
            }
            let n = objects.len();
            crate::db::transaction::atomic(|| async {
                for object in &objects {
                    self.log(object, DELETION, "").await?;
                    self.reg.admin.delete_model(&self.request, object).await?;
                }
                Ok::<_, ViewError>(())
            })
            .await?;
            messages::success(
                &self.request,
                &format!("Successfully deleted {n} {objects_name}."),
            );
            return Ok(HttpResponseRedirect(self.request.get_full_path()));
        }
        let plural = model_verbose_name_plural::<A::Model>();
        if !context.perms_lacking.is_empty() || !context.protected.is_empty() {
            context.admin.title = format!("Cannot delete {objects_name}");
        }
        context.selected = pks.iter().map(i64::to_string).collect();
        context
            .admin
            .breadcrumbs
            .push((capfirst(&plural), Some(self.base())));
        context
            .admin
            .breadcrumbs
            .push(("Delete multiple objects".into(), None));
        TemplateResponse(&self.request, T::DeleteSelectedConfirmation::from(context))
    }

    /// Add (`id` None) or change an object; view it when the user may only view.
    async fn change_form(self, id: Option<String>) -> ViewResult {
        // The model's permission first, so a user without it learns nothing of which rows
        // exist (Django checks it before looking the object up).
        let may = if id.is_none() {
            self.perms.add
        } else {
            self.perms.view_or_change() || self.perms.add
        };
        if !may {
            return Err(PermissionDenied(None).into());
        }
        let object = match &id {
            Some(id) => match self.object(id).await? {
                Ok(object) => Some(object),
                Err(redirect) => return Ok(redirect),
            },
            None => None,
        };
        let adding = object.is_none();
        let save_as_new =
            self.request.method() == "POST" && self.request.POST().get("_saveasnew").is_some();
        let allowed = if adding || save_as_new {
            self.perms.add
        } else {
            self.perms.change || (self.perms.view && self.request.method() != "POST")
        };
        if !allowed {
            return Err(PermissionDenied(None).into());
        }
        let name = self.verbose_name();
        let object_pk = object.as_ref().map(pk_i64);
        if self.request.method() == "POST" {
            let mut form = A::Form::bind(self.request.POST());
            form.load_choices_except(&self.one_row_relations()).await?;
            let binding = if save_as_new {
                Binding::PostAsNew
            } else {
                Binding::Post
            };
            let mut inlines = self.inline_formsets(object_pk, binding, false).await?;
            let mut instance = match (&object, save_as_new) {
                (Some(object), false) => object.clone(),
                _ => A::Model::new_instance(),
            };
            if form.is_valid() {
                form.validate_unique(&instance).await?;
            }
            let inlines_valid = inlines.iter().all(|i| i.is_valid());
            if let Some(data) = form
                .cleaned_data()
                .filter(|_| form.is_valid() && inlines_valid)
            {
                let before = match &object {
                    Some(o) => Some(A::Form::from_saved(o).await?.initial_values()),
                    None => None,
                };
                data.apply(&mut instance);
                let change = object.is_some() && !save_as_new;
                // The row and its log entry together, or neither (Django's atomic view).
                let pages = &self;
                let inlines = &mut inlines;
                let instance = crate::db::transaction::atomic(|| async move {
                    pages
                        .reg
                        .admin
                        .save_model(&pages.request, &mut instance, change)
                        .await?;
                    // Django's save_related: the many-to-many fields once the row has its key.
                    data.save_m2m(&instance).await?;
                    let pk = pk_i64(&instance);
                    let mut inline_parts = Vec::new();
                    for inline in inlines.iter_mut() {
                        inline_parts.extend(inline.save(pk).await?);
                    }
                    if change {
                        let after = A::Form::from_saved(&instance).await?.initial_values();
                        let changed =
                            changed_fields::<A::Form>(&before.unwrap_or_default(), &after);
                        let message = construct_change_message(Some(changed), inline_parts);
                        pages.log(&instance, CHANGE, &message).await?;
                    } else {
                        let message = construct_change_message(None, inline_parts);
                        pages.log(&instance, ADDITION, &message).await?;
                    }
                    Ok::<_, ViewError>(instance)
                })
                .await?;
                let shown = A::object_str(&instance);
                let message = quoted(&name, &shown, if change { "changed" } else { "added" });
                let pk = pk_i64(&instance);
                let post = self.request.POST();
                // A user added goes on to their change page, where the password is set
                // (Django's UserAdmin.response_add), unless another is to be added.
                let continues = post.get("_continue").is_some()
                    || (!change
                        && A::password_page().is_some()
                        && post.get("_addanother").is_none());
                let (extra, to) = if continues && self.perms.view_or_change() {
                    (
                        " You may edit it again below.".to_owned(),
                        format!("{}{pk}/change/", self.base()),
                    )
                } else if post.get("_addanother").is_some() {
                    (
                        format!(" You may add another {name} below."),
                        format!("{}add/", self.base()),
                    )
                } else if self.perms.view_or_change() {
                    (String::new(), self.base())
                } else {
                    (String::new(), prefix(&self.request))
                };
                messages::success(&self.request, &format!("{message}{extra}"));
                return Ok(HttpResponseRedirect(to));
            }
            return self
                .render_form(form, object.as_ref(), false, &inlines)
                .await;
        }
        let mut form = match &object {
            Some(o) => A::Form::with_initial(&A::Form::from_saved(o).await?),
            None => A::Form::unbound(),
        };
        form.load_choices_except(&self.one_row_relations()).await?;
        let view_only = object.is_some() && !self.perms.change;
        let inlines = self
            .inline_formsets(object_pk, Binding::Unbound, view_only)
            .await?;
        self.render_form(form, object.as_ref(), view_only, &inlines)
            .await
    }

    /// The formsets of the model's inlines the user may see (Django's `_create_formsets`).
    async fn inline_formsets(
        &self,
        parent: Option<i64>,
        binding: Binding,
        view_only: bool,
    ) -> Result<Vec<Box<dyn InlineFormSet + '_>>, ViewError> {
        let mut sets = Vec::new();
        for inline in self.reg.options.inlines.iter() {
            let set = inline
                .formset(&self.request, &self.user_perms, parent, binding, view_only)
                .await?;
            sets.extend(set);
        }
        Ok(sets)
    }

    async fn render_form(
        &self,
        mut form: BoundForm<A::Form>,
        object: Option<&A::Model>,
        view_only: bool,
        inlines: &[Box<dyn InlineFormSet + '_>],
    ) -> ViewResult {
        let name = self.verbose_name();
        let title = match (object, view_only) {
            (None, _) => format!("Add {name}"),
            (Some(_), true) => format!("View {name}"),
            (Some(_), false) => format!("Change {name}"),
        };
        let mut admin = self.context(title).await;
        let plural = model_verbose_name_plural::<A::Model>();
        admin.breadcrumbs.push((
            capfirst(&plural),
            self.perms.view_or_change().then(|| self.base()),
        ));
        let object_str = object.map(|o| A::object_str(o));
        admin.breadcrumbs.push((
            object_str.clone().unwrap_or_else(|| format!("Add {name}")),
            None,
        ));
        let values = match object.filter(|_| view_only) {
            Some(o) => Some(A::Form::from_saved(o).await?.initial_values()),
            None => None,
        };
        // Django's formfield_for_manytomany: how to choose several in a multiple select.
        for spec in A::Form::FIELDS {
            if spec.widget == crate::forms::Widget::SelectMultiple {
                let how = "Hold down “Control”, or “Command” on a Mac, to select more than one.";
                let help = if spec.help_text.is_empty() {
                    how.to_owned()
                } else {
                    format!("{} {how}", spec.help_text)
                };
                form.set_help_text(spec.name, help);
            }
        }
        let (mut rows, hidden) = form_rows(&form, values.as_deref());
        if values.is_none() {
            self.relation_widgets(&form, &mut rows);
        }
        let prepopulated_fields = if object.is_none() || self.perms.change {
            prepopulated_json::<A::Form>(&self.reg.options.prepopulated_fields, &rows)
        } else {
            String::new()
        };
        let fieldsets = self.fieldsets(rows, object);
        let errors = form.errors().iter().map(|(_, e)| e.len()).sum::<usize>()
            + inlines.iter().map(|i| i.error_count()).sum::<usize>();
        let error_note = error_note(form.is_bound(), errors);
        let pk = object.map(pk_i64);
        let context = ChangeFormContext {
            admin,
            model_name: A::Model::NAME.to_lowercase(),
            verbose_name: name,
            changelist_url: self.base(),
            object_id: pk.map(|p| p.to_string()),
            object_str,
            fieldsets,
            hidden,
            non_field_errors: form
                .non_field_errors()
                .iter()
                .map(|e| e.to_string())
                .collect(),
            error_note,
            has_change_permission: self.perms.change,
            has_add_permission: self.perms.add,
            has_view_permission: self.perms.view_or_change(),
            delete_url: pk
                .filter(|_| self.perms.delete)
                .map(|p| format!("{}{p}/delete/", self.base())),
            history_url: pk.map(|p| format!("{}{p}/history/", self.base())),
            password_url: pk
                .filter(|_| self.perms.change && A::password_page().is_some())
                .map(|p| format!("{}{p}/password/", self.base())),
            save_as: self.reg.options.save_as,
            save_on_top: self.reg.options.save_on_top,
            view_only,
            inlines: inlines.iter().map(|i| i.context()).collect(),
            prepopulated_fields,
        };
        TemplateResponse(&self.request, T::ChangeForm::from(context))
    }

    /// The form's foreign keys of `raw_id_fields` and `autocomplete_fields`: they read only
    /// the row their value names.
    fn one_row_relations(&self) -> Vec<&'static str> {
        self.reg
            .options
            .relation_widgets
            .iter()
            .map(|w| w.field)
            .filter(|name| A::Form::FIELDS.iter().any(|f| f.name == *name))
            .collect()
    }

    /// Puts the admin's widget of `raw_id_fields` and `autocomplete_fields` in their rows.
    fn relation_widgets(&self, form: &BoundForm<A::Form>, rows: &mut [FormRow]) {
        let prefix = prefix(&self.request);
        let model_name = A::Model::NAME.to_lowercase();
        for widget in &self.reg.options.relation_widgets {
            let Some(row) = rows.iter_mut().find(|r| r.name == widget.field) else {
                continue;
            };
            let field = form.field(widget.field);
            let value = field.value().map(str::trim).filter(|v| !v.is_empty());
            let label = value.and_then(|v| {
                form.choices(widget.field)
                    .and_then(|c| c.iter().find(|(key, _)| key == v))
                    .map(|(_, label)| label.as_str())
            });
            let (app, model) = (widget.to)();
            let html_name = field.html_name().to_owned();
            let input = super::widgets::WidgetInput {
                html_name: &html_name,
                id: &row.html_id,
                value,
                required: A::Form::FIELDS
                    .iter()
                    .any(|f| f.name == widget.field && f.required),
                label,
                prefix: &prefix,
                registered: self.site.registered(app, &model).is_some(),
                source: (app_label(A::Model::MODULE), &model_name),
            };
            row.widget = super::widgets::render(widget, &input);
        }
    }

    /// The form's rows and the read-only values laid out by `fieldsets` (Django's
    /// `get_fieldsets`): one unnamed fieldset of every field by default.
    fn fieldsets(&self, rows: Vec<FormRow>, object: Option<&A::Model>) -> Vec<FieldsetContext> {
        let options = &self.reg.options;
        let readonly: Vec<FormRow> = options
            .readonly_fields
            .iter()
            .map(|column| FormRow {
                name: column.name.to_owned(),
                html_id: format!("id_{}", column.name),
                label: column.label.clone(),
                label_tag: String::new(),
                widget: String::new(),
                errors: Vec::new(),
                help_text: String::new(),
                is_checkbox: false,
                required: false,
                readonly: Some(object.map_or_else(
                    || super::display::EMPTY_VALUE_DISPLAY.to_owned(),
                    |o| super::display::cell_text((column.display)(o)),
                )),
            })
            .collect();
        if options.fieldsets.is_empty() {
            return vec![FieldsetContext {
                name: None,
                classes: String::new(),
                collapsed: false,
                description: None,
                rows: rows.into_iter().chain(readonly).collect(),
            }];
        }
        let mut all: Vec<Option<FormRow>> = rows.into_iter().chain(readonly).map(Some).collect();
        options
            .fieldsets
            .iter()
            .map(|set| FieldsetContext {
                name: set.name.map(str::to_owned),
                classes: set.classes.to_owned(),
                collapsed: set.classes.split_whitespace().any(|c| c == "collapse"),
                description: set.description.map(str::to_owned),
                rows: set
                    .fields
                    .iter()
                    .filter_map(|name| {
                        all.iter_mut()
                            .find(|r| r.as_ref().is_some_and(|r| r.name == *name))
                            .and_then(Option::take)
                    })
                    .collect(),
            })
            .collect()
    }

    /// Django's `delete_view`: the confirmation listing what goes; a POST deletes.
    async fn delete(self, id: String) -> ViewResult {
        if !self.perms.delete {
            return Err(PermissionDenied(None).into());
        }
        let object = match self.object(&id).await? {
            Ok(object) => object,
            Err(redirect) => return Ok(redirect),
        };
        let pk = pk_i64(&object);
        let collected = crate::models::deletion::collect::<A::Model>(None, vec![pk]).await?;
        let shown = A::object_str(&object);
        let name = self.verbose_name();
        let mut context = self
            .delete_context("Are you sure?".into(), &collected, shown.clone())
            .await?;
        if self.request.method() == "POST" && collected.protected.is_empty() {
            // Django: a deletion that takes objects the user may not delete is refused.
            if !context.perms_lacking.is_empty() {
                return Err(PermissionDenied(None).into());
            }
            crate::db::transaction::atomic(|| async {
                self.log(&object, DELETION, "").await?;
                self.reg.admin.delete_model(&self.request, &object).await?;
                Ok::<_, ViewError>(())
            })
            .await?;
            messages::success(&self.request, &quoted(&name, &shown, "deleted"));
            let to = if self.perms.view_or_change() {
                self.base()
            } else {
                prefix(&self.request)
            };
            return Ok(HttpResponseRedirect(to));
        }
        if !context.perms_lacking.is_empty() || !context.protected.is_empty() {
            context.admin.title = format!("Cannot delete {name}");
        }
        let plural = model_verbose_name_plural::<A::Model>();
        context
            .admin
            .breadcrumbs
            .push((capfirst(&plural), Some(self.base())));
        context
            .admin
            .breadcrumbs
            .push((shown, Some(format!("{}{pk}/change/", self.base()))));
        context.admin.breadcrumbs.push(("Delete".into(), None));
        TemplateResponse(&self.request, T::DeleteConfirmation::from(context))
    }

    /// What a deletion takes, each object named as Django's `get_deleted_objects` names it
    /// ("Post: Hello"), linked to its change page when its model is registered.
    async fn delete_context(
        &self,
        title: String,
        collected: &crate::models::deletion::Collected,
        object_str: String,
    ) -> Result<DeleteContext, ViewError> {
        let admin = self.context(title).await;
        let mut deleted_objects = Vec::new();
        let mut model_count = Vec::new();
        let mut perms_lacking = Vec::new();
        for (i, (label, pks)) in collected.deleted.iter().enumerate() {
            let (app, model) = label.split_once('.').unwrap_or(("", label));
            let lower = model.to_lowercase();
            // A registered model is named as its ModelAdmin names its rows, and its delete
            // permission is needed; an unregistered one is Django's "Post object (1)".
            let registered = self.site.registered(app, &lower);
            let (names, singular, plural) = match registered {
                Some(m) => {
                    if i > 0 && !self.user_perms.has(&format!("{app}.delete_{lower}")) {
                        perms_lacking.push(m.verbose_name());
                    }
                    (
                        m.object_strs(&self.request, pks).await?,
                        m.verbose_name(),
                        m.verbose_name_plural(),
                    )
                }
                None => {
                    let name = crate::models::meta::verbose_name(model);
                    (Default::default(), name.clone(), format!("{name}s"))
                }
            };
            model_count.push((
                if pks.len() == 1 {
                    singular.clone()
                } else {
                    plural
                },
                pks.len() as u64,
            ));
            for pk in pks {
                let text = names
                    .get(pk)
                    .cloned()
                    .unwrap_or_else(|| format!("{model} object ({pk})"));
                deleted_objects.push(DeletedObject {
                    text: format!("{}: {text}", capfirst(&singular)),
                    url: registered
                        .map(|_| format!("{}{app}/{lower}/{pk}/change/", prefix(&self.request))),
                    depth: usize::from(i > 0),
                });
            }
        }
        let protected = collected
            .protected
            .iter()
            .flat_map(|(label, _, pks)| {
                let model = label.split_once('.').map_or(label.as_str(), |(_, m)| m);
                pks.iter().map(move |pk| {
                    format!(
                        "{}: {model} object ({pk})",
                        capfirst(&crate::models::meta::verbose_name(model))
                    )
                })
            })
            .collect();
        Ok(DeleteContext {
            admin,
            verbose_name: self.verbose_name(),
            deleted_objects,
            model_count,
            protected,
            perms_lacking,
            object_str,
            selected: Vec::new(),
            cancel_url: self.base(),
        })
    }

    /// Django's `user_change_password`: a staff member sets a user's password (the ModelAdmin's
    /// `password_page`), logged as a change of the password.
    async fn password(self, id: String) -> ViewResult {
        let Some(check) = A::password_page() else {
            return Err(crate::http::Http404::new("no password page for this model").into());
        };
        if !self.perms.change {
            return Err(PermissionDenied(None).into());
        }
        let mut object = match self.object(&id).await? {
            Ok(object) => object,
            Err(redirect) => return Ok(redirect),
        };
        let pk = pk_i64(&object);
        let change_url = format!("{}{pk}/change/", self.base());
        let form = if self.request.method() == "POST" {
            match check(&self.request, &mut object).await {
                super::options::PasswordOutcome::Set => {
                    crate::db::transaction::atomic(|| async {
                        crate::models::Instance::save(&mut object).await?;
                        self.log(
                            &object,
                            CHANGE,
                            r#"[{"changed": {"fields": ["password"]}}]"#,
                        )
                        .await?;
                        Ok::<_, ViewError>(())
                    })
                    .await?;
                    self.reg.admin.password_saved(&self.request, &object).await;
                    messages::success(&self.request, "Password changed successfully.");
                    return Ok(HttpResponseRedirect(change_url));
                }
                super::options::PasswordOutcome::Refused(form) => *form,
            }
        } else {
            crate::contrib::auth::forms::AdminPasswordChangeForm::for_user()
        };
        let shown = A::object_str(&object);
        let mut admin = self.context(format!("Change password: {shown}")).await;
        let plural = model_verbose_name_plural::<A::Model>();
        admin
            .breadcrumbs
            .push((capfirst(&plural), Some(self.base())));
        admin
            .breadcrumbs
            .push((shown.clone(), Some(change_url.clone())));
        admin.breadcrumbs.push(("Change password".into(), None));
        let errors = form.errors().iter().map(|(_, e)| e.len()).sum::<usize>();
        let (rows, hidden) = form_rows(&form, None);
        let context = super::templates::PasswordChangeContext {
            admin,
            username: shown,
            rows,
            hidden,
            error_note: error_note(form.is_bound(), errors),
            non_field_errors: form.non_field_errors().iter().map(str::to_owned).collect(),
            change_url,
        };
        TemplateResponse(&self.request, T::ChangePassword::from(context))
    }

    /// Django's `history_view`: the object's log entries, oldest first.
    async fn history(self, id: String) -> ViewResult {
        if !self.perms.view_or_change() {
            return Err(PermissionDenied(None).into());
        }
        let object = match self.object(&id).await? {
            Ok(object) => object,
            Err(redirect) => return Ok(redirect),
        };
        let ct = ContentType::get_for_model::<A::Model>().await?;
        let pk = pk_i64(&object).to_string();
        let entries = LogEntry::objects()
            .filter(
                log_entry::content_type.eq(i64::from(ct.id)) & log_entry::object_id.eq(pk.as_str()),
            )
            .select_related(log_entry::user)
            .order_by([log_entry::action_time.asc()])
            .all()
            .await?;
        let shown = A::object_str(&object);
        let mut admin = self.context(format!("Change history: {shown}")).await;
        let plural = model_verbose_name_plural::<A::Model>();
        admin
            .breadcrumbs
            .push((capfirst(&plural), Some(self.base())));
        admin
            .breadcrumbs
            .push((shown.clone(), Some(format!("{}{pk}/change/", self.base()))));
        admin.breadcrumbs.push(("History".into(), None));
        let entries = entries
            .iter()
            .map(|e| HistoryEntry {
                action_time: crate::template::filters::format_date(&e.action_time, "DATETIME"),
                user: e
                    .user
                    .cached()
                    .map(|u| u.username.clone())
                    .unwrap_or_default(),
                message: super::models::get_change_message(e),
            })
            .collect();
        let context = HistoryContext {
            admin,
            object_str: shown,
            entries,
        };
        TemplateResponse(&self.request, T::ObjectHistory::from(context))
    }

    /// Writes the LogEntry of an action on `object` (Django's `log_addition` and friends).
    async fn log(&self, object: &A::Model, flag: i16, message: &str) -> Result<(), ViewError> {
        let user = self.request.user().await;
        let Some(user_id) = user.pk() else {
            return Ok(());
        };
        let ct = ContentType::get_for_model::<A::Model>().await?;
        let mut shown = A::object_str(object);
        if shown.chars().count() > 200 {
            shown = shown.chars().take(200).collect();
        }
        LogEntry::objects()
            .create(LogEntry {
                id: 0,
                action_time: chrono::Utc::now(),
                user: crate::models::ForeignKey::new(i64::from(user_id)),
                content_type: Some(crate::models::ForeignKey::new(i64::from(ct.id))),
                object_id: Some(pk_i64(object).to_string()),
                object_repr: shown,
                action_flag: flag,
                change_message: message.to_owned(),
            })
            .await?;
        Ok(())
    }
}

/// Django's note above a refused form: "Please correct the error below." (or "errors").
pub(crate) fn error_note(bound: bool, errors: usize) -> Option<String> {
    match (bound, errors) {
        (false, _) | (_, 0) => None,
        (true, 1) => Some("Please correct the error below.".to_owned()),
        (true, _) => Some("Please correct the errors below.".to_owned()),
    }
}

/// A form's visible fields as the change form lays them out, and its hidden inputs; with
/// `readonly` (the object's values), each value as text for a user who may only view.
pub(crate) fn form_rows<F: Form>(
    form: &BoundForm<F>,
    readonly: Option<&[Option<String>]>,
) -> (Vec<FormRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut hidden = Vec::new();
    for (i, field) in form.fields().into_iter().enumerate() {
        if field.is_hidden() {
            hidden.push(field.as_widget().to_string());
            continue;
        }
        let spec = &F::FIELDS[i];
        let readonly = readonly.map(|values| {
            values
                .get(i)
                .cloned()
                .flatten()
                .map(|v| {
                    let dynamic = form.choices(spec.name).unwrap_or_default();
                    let label = |v: &str| match (
                        spec.choices.iter().find(|(value, _)| *value == v),
                        dynamic.iter().find(|(value, _)| value == v),
                    ) {
                        (Some((_, label)), _) => (*label).to_owned(),
                        (None, Some((_, label))) => label.clone(),
                        (None, None) => v.to_owned(),
                    };
                    // A many-to-many field's rows, each by its name.
                    if spec.kind == crate::forms::FieldKind::ModelMultipleChoiceField {
                        crate::forms::fields::split_values(&v)
                            .map(label)
                            .collect::<Vec<_>>()
                            .join(", ")
                    } else {
                        label(&v)
                    }
                })
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| super::display::EMPTY_VALUE_DISPLAY.to_owned())
        });
        rows.push(FormRow {
            name: field.name().to_owned(),
            html_id: field.auto_id(),
            label: field.label(),
            label_tag: field.label_tag().to_string(),
            widget: field.as_widget().to_string(),
            errors: field.errors().iter().map(|e| e.to_string()).collect(),
            help_text: field.help_text().to_owned(),
            is_checkbox: matches!(spec.kind, crate::forms::FieldKind::BooleanField),
            required: spec.required,
            readonly,
        });
    }
    (rows, hidden)
}

/// Django's `prepopulated_fields_json`: for each field of the form filled in from others
/// (those of them in the form), its input, theirs and its length limit, for the page's script.
fn prepopulated_json<F: Form>(
    prepopulated: &[(&'static str, &'static [&'static str])],
    rows: &[FormRow],
) -> String {
    let id = |name: &str| {
        rows.iter()
            .find(|r| r.name == name)
            .map(|r| format!("#{}", r.html_id))
    };
    let fields: Vec<serde_json::Value> = prepopulated
        .iter()
        .filter_map(|(name, from)| {
            let target = id(name)?;
            let spec = F::FIELDS.iter().find(|f| f.name == *name)?;
            let dependencies: Vec<&str> =
                from.iter().copied().filter(|d| id(d).is_some()).collect();
            Some(serde_json::json!({
                "id": target,
                "name": name,
                "dependency_ids": dependencies.iter().filter_map(|d| id(d)).collect::<Vec<_>>(),
                "dependency_list": dependencies,
                "maxLength": spec.max_length.unwrap_or(50),
                "allowUnicode": false,
            }))
        })
        .collect();
    if fields.is_empty() {
        return String::new();
    }
    // Inside a <script>, as Django's json_script writes it: no `<`, `>` or `&` as such.
    serde_json::Value::Array(fields)
        .to_string()
        .replace('<', "\\u003C")
        .replace('>', "\\u003E")
        .replace('&', "\\u0026")
}

/// The labels of the fields whose values differ between two of a form's `initial_values()`
/// (Django's `form.changed_data`, named as the history names them: "Changed Title.").
pub(crate) fn changed_fields<F: Form>(
    before: &[Option<String>],
    after: &[Option<String>],
) -> Vec<&'static str> {
    F::FIELDS
        .iter()
        .zip(before.iter().zip(after.iter()))
        .filter(|(_, (b, a))| b != a)
        .map(|(f, _)| f.label.unwrap_or(f.name))
        .collect()
}

/// Django's `construct_change_message`: `[{"added": {}}]` for a new object, `[{"changed":
/// {"fields": ["Title"]}}]` for the fields a change made (nothing when it made none), then each
/// inline row's part (`{"added": {"name": "post", "object": "Hello"}}`).
fn construct_change_message(
    own: Option<Vec<&str>>,
    inline_parts: Vec<serde_json::Value>,
) -> String {
    let mut parts = Vec::new();
    match own {
        None => parts.push(serde_json::json!({"added": {}})),
        Some(fields) if !fields.is_empty() => {
            parts.push(serde_json::json!({"changed": {"fields": fields}}))
        }
        Some(_) => {}
    }
    parts.extend(inline_parts);
    serde_json::Value::Array(parts).to_string()
}

/// The integer key of a saved object.
pub(crate) fn pk_i64<M: Model>(object: &M) -> i64 {
    crate::models::query::pk_i64(&object.pk())
}
