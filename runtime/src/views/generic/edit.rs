//! Django's editing views: `FormView`, `CreateView`, `UpdateView` and `DeleteView`. A GET
//! shows the form; a valid POST acts and redirects to the success URL (post/redirect/get); an
//! invalid one shows the form again with its errors.

use std::sync::Arc;

use crate::forms::{BoundForm, Form, ModelForm};
use crate::http::{HttpRequest, HttpResponseRedirect, ViewError, ViewResult};
use crate::models::{Instance, Model, NewInstance, QuerySet};
use crate::template::{RequestContext, TemplateResponse};
use crate::views::AsView;

/// What a FormView's template is given.
#[derive(Debug)]
pub struct FormContext<F> {
    pub ctx: RequestContext,
    pub form: BoundForm<F>,
}

/// What a CreateView's or UpdateView's template is given: the form, and the row being edited
/// (None when creating).
#[derive(Debug)]
pub struct ModelFormContext<F: ModelForm> {
    pub ctx: RequestContext,
    pub form: BoundForm<F>,
    /// The row; also under the model's name (`question`) in a page from `rjango::page!` that
    /// names its `model`.
    pub object: Option<Arc<F::Model>>,
}

/// What a DeleteView's confirmation page is given.
#[derive(Debug)]
pub struct DeleteContext<M> {
    pub ctx: RequestContext,
    /// The row; also under the model's name (`question`) in a page from `rjango::page!`.
    pub object: Arc<M>,
}

/// Django's `FormView`: a form, and what a valid one does (`form_valid`), which answers.
#[allow(async_fn_in_trait)]
pub trait FormView: Sized + Send + Sync + 'static {
    type Form: Form;
    type Template: askama::Template + From<FormContext<Self::Form>> + Send + Sync + 'static;

    /// What the valid form does; usually a redirect (Django's `form_valid`).
    async fn form_valid(&self, request: &HttpRequest, data: Self::Form) -> ViewResult;

    /// Django's `get_context_data`: fills the page's own fields (those in braces in its
    /// `rjango::page!`) once the view's context is made. Nothing by default.
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        _page: &mut Self::Template,
    ) -> Result<(), ViewError> {
        Ok(())
    }

    /// The view as a route handler.
    fn as_view() -> AsView<FormViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(FormViewHandler(Self::default()))
    }
}

async fn form_get<V: FormView>(view: &V, request: &HttpRequest, _args: ()) -> ViewResult {
    form_page(view, request, V::Form::unbound()).await
}

async fn form_page<V: FormView>(
    view: &V,
    request: &HttpRequest,
    form: BoundForm<V::Form>,
) -> ViewResult {
    let mut page = V::Template::from(FormContext {
        ctx: RequestContext::new(request).await,
        form,
    });
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

async fn form_post<V: FormView>(view: &V, request: &HttpRequest, _args: ()) -> ViewResult {
    let form = V::Form::bind(request.POST());
    if !form.is_valid() {
        return form_page(view, request, form).await;
    }
    match form.into_cleaned_data() {
        Some(data) => view.form_valid(request, data).await,
        None => form_page(view, request, V::Form::bind(request.POST())).await,
    }
}

super::handler!(FormViewHandler<V: FormView>, (), ["GET" => form_get, "HEAD" => form_get, "POST" => form_post]);

/// Django's `CreateView`: a ModelForm whose valid POST creates a row from
/// `Model::new_instance()`, then redirects to `success_url`.
#[allow(async_fn_in_trait)]
pub trait CreateView: Sized + Send + Sync + 'static {
    type Form: ModelForm<Model: NewInstance>;
    type Template: askama::Template + From<ModelFormContext<Self::Form>> + Send + Sync + 'static;

    /// Where to go once the row is saved (Django's `success_url`).
    fn success_url(&self, object: &<Self::Form as ModelForm>::Model) -> String;

    /// Django's `SuccessMessageMixin.success_message`: a message shown on the next page once
    /// the row is saved (`contrib::messages`), or none (the default).
    fn success_message(&self, _object: &<Self::Form as ModelForm>::Model) -> Option<String> {
        None
    }

    /// The instance the form's values go into: `new_instance()` by default; set what the form
    /// does not edit here (its author, from the request).
    fn new_object(&self, _request: &HttpRequest) -> <Self::Form as ModelForm>::Model {
        NewInstance::new_instance()
    }

    /// Django's `get_context_data`: fills the page's own fields (those in braces in its
    /// `rjango::page!`) once the view's context is made. Nothing by default.
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        _page: &mut Self::Template,
    ) -> Result<(), ViewError> {
        Ok(())
    }

    /// The view as a route handler.
    fn as_view() -> AsView<CreateViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(CreateViewHandler(Self::default()))
    }
}

/// A CreateView's or UpdateView's page, before its view's `get_context_data`.
async fn model_form_page<F: ModelForm, T: From<ModelFormContext<F>>>(
    request: &HttpRequest,
    form: BoundForm<F>,
    object: Option<F::Model>,
) -> T {
    T::from(ModelFormContext {
        ctx: RequestContext::new(request).await,
        form,
        object: object.map(Arc::new),
    })
}

async fn create_page<V: CreateView>(
    view: &V,
    request: &HttpRequest,
    form: BoundForm<V::Form>,
) -> ViewResult {
    let mut page: V::Template = model_form_page(request, form, None).await;
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

async fn create_get<V: CreateView>(view: &V, request: &HttpRequest, _args: ()) -> ViewResult {
    let mut form = V::Form::unbound();
    form.load_choices().await.map_err(super::internal)?;
    create_page(view, request, form).await
}

async fn create_post<V: CreateView>(view: &V, request: &HttpRequest, _args: ()) -> ViewResult {
    let mut form = V::Form::bind(request.POST());
    form.load_choices().await.map_err(super::internal)?;
    match form
        .save(view.new_object(request))
        .await
        .map_err(super::internal)?
    {
        Some(saved) => {
            if let Some(message) = view.success_message(&saved) {
                crate::contrib::messages::success(request, &message);
            }
            Ok(HttpResponseRedirect(view.success_url(&saved)))
        }
        None => create_page(view, request, form).await,
    }
}

super::handler!(CreateViewHandler<V: CreateView>, (), ["GET" => create_get, "HEAD" => create_get, "POST" => create_post]);

/// Django's `UpdateView`, its route taking the primary key: the row's values shown, a valid
/// POST saved over them, then `success_url`.
#[allow(async_fn_in_trait)]
pub trait UpdateView: Sized + Send + Sync + 'static {
    type Form: ModelForm;
    type Template: askama::Template + From<ModelFormContext<Self::Form>> + Send + Sync + 'static;

    fn success_url(&self, object: &<Self::Form as ModelForm>::Model) -> String;

    /// Django's `SuccessMessageMixin.success_message`: a message shown on the next page once
    /// the row is saved (`contrib::messages`), or none (the default).
    fn success_message(&self, _object: &<Self::Form as ModelForm>::Model) -> Option<String> {
        None
    }

    /// The rows that may be edited (others are 404).
    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<<Self::Form as ModelForm>::Model> {
        QuerySet::new()
    }

    /// Django's `get_context_data`: fills the page's own fields (those in braces in its
    /// `rjango::page!`) once the view's context is made. Nothing by default.
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        _page: &mut Self::Template,
    ) -> Result<(), ViewError> {
        Ok(())
    }

    /// The view as a route handler.
    fn as_view() -> AsView<UpdateViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(UpdateViewHandler(Self::default()))
    }
}

async fn update_page<V: UpdateView>(
    view: &V,
    request: &HttpRequest,
    form: BoundForm<V::Form>,
    object: <V::Form as ModelForm>::Model,
) -> ViewResult {
    let mut page: V::Template = model_form_page(request, form, Some(object)).await;
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

async fn update_get<V: UpdateView>(view: &V, request: &HttpRequest, (pk,): (i64,)) -> ViewResult {
    let object = super::detail::get_object(view.get_queryset(request), pk).await?;
    let initial = V::Form::from_saved(&object)
        .await
        .map_err(super::internal)?;
    let mut form = V::Form::with_initial(&initial);
    form.load_choices().await.map_err(super::internal)?;
    update_page(view, request, form, object).await
}

async fn update_post<V: UpdateView>(view: &V, request: &HttpRequest, (pk,): (i64,)) -> ViewResult {
    let object = super::detail::get_object(view.get_queryset(request), pk).await?;
    let mut form = V::Form::bind(request.POST());
    form.load_choices().await.map_err(super::internal)?;
    match form.save(object.clone()).await.map_err(super::internal)? {
        Some(saved) => {
            if let Some(message) = view.success_message(&saved) {
                crate::contrib::messages::success(request, &message);
            }
            Ok(HttpResponseRedirect(view.success_url(&saved)))
        }
        None => update_page(view, request, form, object).await,
    }
}

super::handler!(UpdateViewHandler<V: UpdateView>, (i64,), ["GET" => update_get, "HEAD" => update_get, "POST" => update_post]);

/// Django's `DeleteView`, its route taking the primary key: a GET shows the confirmation page,
/// a POST deletes the row (and what cascades from it), then `success_url`.
#[allow(async_fn_in_trait)]
pub trait DeleteView: Sized + Send + Sync + 'static {
    type Model: Model + Instance;
    type Template: askama::Template + From<DeleteContext<Self::Model>> + Send + Sync + 'static;

    fn success_url(&self, object: &Self::Model) -> String;

    /// Django's `SuccessMessageMixin.success_message`: a message shown on the next page once
    /// the row is deleted (`contrib::messages`), or none (the default).
    fn success_message(&self, _object: &Self::Model) -> Option<String> {
        None
    }

    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Self::Model> {
        QuerySet::new()
    }

    /// Django's `get_context_data`: fills the page's own fields (those in braces in its
    /// `rjango::page!`) once the view's context is made. Nothing by default.
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        _page: &mut Self::Template,
    ) -> Result<(), ViewError> {
        Ok(())
    }

    /// The view as a route handler.
    fn as_view() -> AsView<DeleteViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(DeleteViewHandler(Self::default()))
    }
}

async fn delete_get<V: DeleteView>(view: &V, request: &HttpRequest, (pk,): (i64,)) -> ViewResult {
    let object = super::detail::get_object(view.get_queryset(request), pk).await?;
    let mut page = V::Template::from(DeleteContext {
        ctx: RequestContext::new(request).await,
        object: Arc::new(object),
    });
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

async fn delete_post<V: DeleteView>(view: &V, request: &HttpRequest, (pk,): (i64,)) -> ViewResult {
    let object = super::detail::get_object(view.get_queryset(request), pk).await?;
    object.delete().await.map_err(super::internal)?;
    if let Some(message) = view.success_message(&object) {
        crate::contrib::messages::success(request, &message);
    }
    Ok(HttpResponseRedirect(view.success_url(&object)))
}

super::handler!(DeleteViewHandler<V: DeleteView>, (i64,), ["GET" => delete_get, "HEAD" => delete_get, "POST" => delete_post]);
