//! rjango's macros, re-exported by the `rjango` crate: `urlpatterns!`, `#[view]` and
//! `#[rjango::test]`. The grammar of `urlpatterns!` lives in rjango-codegen, shared with the
//! generator that writes typed reverse functions, so both always read a URLconf the same way.

mod admin;
mod entity;
mod form;
mod migration;
mod model;
mod page;
mod urls;
mod view;

use proc_macro::TokenStream;

/// Declares a module's URL patterns (Django's `urlpatterns = [...]`):
///
/// ```text
/// urlpatterns![
///     path("items/<int:item_id>/", views::item_detail, name = "item-detail"),
///     path("ping/", views::PingView::as_view(), name = "ping"),
///     include("blog/", crate::blog::urls),
///     handler404 = views::not_found,
/// ];
/// ```
///
/// Expands to `pub fn urlpatterns() -> rjango::urls::UrlConf`. Each view is checked against its
/// route's converters at compile time; a mismatch is an error naming the route.
#[proc_macro]
pub fn urlpatterns(input: TokenStream) -> TokenStream {
    urls::expand(input.into()).into()
}

/// Makes an impl block of method handlers (`async fn get(&self, request: HttpRequest, ...)`)
/// a class-based view: Django's `View` with `as_view()`.
#[proc_macro_attribute]
pub fn view(attr: TokenStream, item: TokenStream) -> TokenStream {
    view::expand(attr.into(), item.into()).into()
}

/// A migration file's body (written by `rjango makemigrations`, editable):
///
/// ```text
/// rjango::migration! {
///     dependencies: [("blog", "0001_initial")],
///     operations: [
///         AddField { model_name: "post", name: "views", field: IntegerField { default: 0 } },
///     ],
/// }
/// ```
///
/// Expands to `pub fn migration(app_label: &str, name: &str) -> rjango::db::migrations::Migration`.
#[proc_macro]
pub fn migration(input: TokenStream) -> TokenStream {
    migration::expand(input.into()).into()
}

/// Declares a model (Django's `models.Model` subclass): the struct is the row, each field's type
/// a Django field type, `#[field(...)]` its options and `#[model(...)]` its Meta:
///
/// ```text
/// #[model(ordering = ["-published"])]
/// pub struct Post {
///     #[field(on_delete = Cascade, related_name = "posts")]
///     pub author: ForeignKey<Author>,
///     #[field(max_length = 200)]
///     pub title: CharField,
///     pub published: Option<DateTimeField>,
/// }
/// ```
///
/// Checks the declaration as makemigrations does (a CharField needs max_length, ...), removes
/// the `#[field]` attributes, and implements `rjango::models::Model`.
#[proc_macro_attribute]
pub fn model(attr: TokenStream, item: TokenStream) -> TokenStream {
    model::expand(attr.into(), item.into()).into()
}

/// Declares a form (Django's `forms.Form` subclass): each named field is a form field, typed
/// by its Rust type, with Django's options in `#[field(...)]`; the struct is the cleaned data.
///
/// ```text
/// #[derive(Form)]
/// pub struct ContactForm {
///     #[field(max_length = 100)]
///     pub subject: String,
///     #[field(EmailField, label = "Your email")]
///     pub sender: String,
/// }
/// ```
#[proc_macro_derive(Form, attributes(field, form))]
pub fn derive_form(input: TokenStream) -> TokenStream {
    form::expand(input.into()).into()
}

/// Declares a ModelForm (Django's `forms.ModelForm` with `Meta.model` and `Meta.fields`): the
/// struct gets the listed fields of the model, each typed and specified by the model field.
///
/// ```text
/// #[model_form(model = Post, fields = [title, body])]
/// pub struct PostForm;
/// ```
#[proc_macro_attribute]
pub fn model_form(attr: TokenStream, item: TokenStream) -> TokenStream {
    form::expand_model_form(attr.into(), item.into()).into()
}

/// Declares a page: the askama template struct around a view's context (`ListContext<Question>`,
/// `FormContext<ContactForm>`, ...), whose fields the template reads as its own:
///
/// ```text
/// rjango::page!(pub struct IndexPage(ListContext<Question>));   // polls/question_list.html
/// rjango::page!(pub struct AboutPage(TemplateContext) = "polls/about.html");
/// rjango::page!(
///     pub struct LatestPage(ListContext<Question>) = "polls/index.html",
///     context_object_name = latest_question_list,
///     { pub total: u64 }
/// );
/// ```
///
/// As Django's generic views do, the template is `<app>/<model>_list.html` (`_detail`, `_form`,
/// `_confirm_delete`) unless named, the app being the one whose module declares the page, and
/// the object is also under the model's name (`question_list`, `question`). The fields in
/// braces are the page's own, `Default` until the view's `get_context_data` fills them.
#[proc_macro]
pub fn page(input: TokenStream) -> TokenStream {
    let file = proc_macro::Span::call_site().local_file();
    page::expand(input.into(), file.as_deref()).into()
}

/// Registers a ModelAdmin with the admin site (Django's `@admin.register(Post)`), its options
/// as arguments, checked against the model's fields when the project compiles:
///
/// ```text
/// #[admin::register(Post, list_display = [title, author, published], search_fields = ["^title"])]
/// impl ModelAdmin for PostAdmin {}
/// ```
#[proc_macro_attribute]
pub fn admin_register(attr: TokenStream, item: TokenStream) -> TokenStream {
    admin::expand_register(attr.into(), item.into()).into()
}

/// Django's `@admin.action`: an async fn that the change list's action select runs on the
/// selected rows, listed by `#[admin::register(.., actions = [make_published])]`:
///
/// ```text
/// #[admin::action(description = "Mark selected stories as published", permissions = [change])]
/// async fn make_published(request: &HttpRequest, queryset: QuerySet<Post>) -> ActionResult { ... }
/// ```
#[proc_macro_attribute]
pub fn admin_action(attr: TokenStream, item: TokenStream) -> TokenStream {
    admin::expand_action(attr.into(), item.into()).into()
}

/// Django's `@admin.display`: a function of the model shown as a change-list column, named in
/// `list_display` as a field is:
///
/// ```text
/// #[admin::display(description = "Words", ordering = views)]
/// fn word_count(post: &Post) -> usize { post.body.split_whitespace().count() }
/// ```
#[proc_macro_attribute]
pub fn admin_display(attr: TokenStream, item: TokenStream) -> TokenStream {
    admin::expand_display(attr.into(), item.into()).into()
}

/// Django's `TabularInline`: the rows of a model pointing at the edited object, a table on
/// its change form:
///
/// ```text
/// #[admin::tabular_inline(Post, fields = [title, published], extra = 1)]
/// impl InlineModelAdmin for PostInline {}
/// ```
#[proc_macro_attribute]
pub fn admin_tabular_inline(attr: TokenStream, item: TokenStream) -> TokenStream {
    admin::expand_inline(attr.into(), item.into(), false).into()
}

/// Django's `StackedInline`: as `tabular_inline`, each row a fieldset of its own.
#[proc_macro_attribute]
pub fn admin_stacked_inline(attr: TokenStream, item: TokenStream) -> TokenStream {
    admin::expand_inline(attr.into(), item.into(), true).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn __admin_register(input: TokenStream) -> TokenStream {
    admin::expand_with_fields(input.into()).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn __model_form_fields(input: TokenStream) -> TokenStream {
    form::expand_with_model_fields(input.into()).into()
}

/// Runs an async test: `#[rjango::test] async fn ...`, on a runtime of its own, with no
/// database (Django's SimpleTestCase: a query is refused, never sent to the project's own
/// database).
///
/// With a database, as Django's test runner gives one (a test database per alias of
/// DATABASES, made and migrated once per test process):
///
/// - `#[rjango::test(db)]`: Django's TestCase, the test runs in a transaction rolled back at
///   its end;
/// - `#[rjango::test(transaction)]`: Django's TransactionTestCase, commits are real and every
///   table is emptied afterwards;
/// - `project = path::to::project_fn` names the project (default `crate::generated::project`).
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut f = match syn::parse::<syn::ItemFn>(item) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error().into(),
    };
    if f.sig.asyncness.take().is_none() {
        return syn::Error::new_spanned(f.sig.fn_token, "#[rjango::test] goes on an `async fn`")
            .to_compile_error()
            .into();
    }
    let (isolation, project) = match test_args(attr.into()) {
        Ok(args) => args,
        Err(e) => return e.to_compile_error().into(),
    };
    let attrs = &f.attrs;
    let vis = &f.vis;
    let sig = &f.sig;
    let body = &f.block;
    let run = match isolation {
        None => quote::quote!(::rjango::test::database::simple(async move #body)),
        Some(isolation) => quote::quote!(::rjango::test::database::run(
            #project(),
            ::rjango::test::Isolation::#isolation,
            async move #body,
        )),
    };
    quote::quote!(
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis #sig { #run }
    )
    .into()
}

/// `db` / `transaction`, and `project = path`, of `#[rjango::test(...)]`.
fn test_args(
    attr: proc_macro2::TokenStream,
) -> syn::Result<(Option<syn::Ident>, proc_macro2::TokenStream)> {
    let mut isolation = None;
    let mut project = quote::quote!(crate::generated::project);
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("db") {
            isolation = Some(quote::format_ident!("Transaction"));
        } else if meta.path.is_ident("transaction") {
            isolation = Some(quote::format_ident!("Flush"));
        } else if meta.path.is_ident("project") {
            let path: syn::Path = meta.value()?.parse()?;
            project = quote::quote!(#path);
        } else {
            return Err(meta.error(
                "#[rjango::test] takes `db` (a rolled-back transaction, Django's TestCase), `transaction` (Django's TransactionTestCase) and `project = path::to::project`",
            ));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;
    if isolation.is_none() && project.to_string() != "crate :: generated :: project" {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "`project = ...` goes with `db` or `transaction`",
        ));
    }
    Ok((isolation, project))
}
