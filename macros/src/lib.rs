//! rjango's macros, re-exported by the `rjango` crate: `urlpatterns!`, `#[view]` and
//! `#[rjango::test]`. The grammar of `urlpatterns!` lives in rjango-codegen, shared with the
//! generator that writes typed reverse functions, so both always read a URLconf the same way.

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

/// Runs an async test on a current-thread runtime: `#[rjango::test] async fn ...`.
#[proc_macro_attribute]
pub fn test(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut f = match syn::parse::<syn::ItemFn>(item) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error().into(),
    };
    if f.sig.asyncness.take().is_none() {
        return syn::Error::new_spanned(f.sig.fn_token, "#[rjango::test] goes on an `async fn`")
            .to_compile_error()
            .into();
    }
    let attrs = &f.attrs;
    let vis = &f.vis;
    let sig = &f.sig;
    let body = &f.block;
    quote::quote!(
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis #sig { ::rjango::__private::block_on(async move #body) }
    )
    .into()
}
