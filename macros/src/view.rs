//! Expansion of `#[view]`: an impl block of method handlers becomes a class-based view.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;

/// Django's `View.http_method_names`, in its order.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(attr, item) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

fn try_expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new(attr.span(), "#[view] takes no arguments"));
    }
    let imp: syn::ItemImpl = syn::parse2(item)?;
    if let Some((path, _)) = &imp.trait_ {
        return Err(syn::Error::new(
            path.span(),
            "#[view] goes on an inherent impl block (`impl MyView { async fn get(...) }`)",
        ));
    }
    if !imp.generics.params.is_empty() {
        return Err(syn::Error::new(
            imp.generics.span(),
            "#[view] does not support generic views yet",
        ));
    }
    let self_ty = &imp.self_ty;

    // method name -> parameter types after `request`
    let mut handlers: Vec<(String, Vec<syn::Type>, proc_macro2::Span)> = Vec::new();
    for item in &imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        let name = f.sig.ident.to_string();
        if !METHODS.contains(&name.as_str()) {
            continue;
        }
        if f.sig.asyncness.is_none() {
            return Err(syn::Error::new(
                f.sig.fn_token.span(),
                format!("the `{name}` handler must be an `async fn`"),
            ));
        }
        let mut inputs = f.sig.inputs.iter();
        if !matches!(inputs.next(), Some(syn::FnArg::Receiver(r)) if matches!(r.kind, syn::ReceiverKind::Reference(_, _, None)))
        {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                format!(
                    "the `{name}` handler takes `&self` first: `async fn {name}(&self, request: HttpRequest, ...)`"
                ),
            ));
        }
        if inputs.next().is_none() {
            return Err(syn::Error::new(
                f.sig.ident.span(),
                format!(
                    "the `{name}` handler takes the request after `&self`: `async fn {name}(&self, request: HttpRequest, ...)`"
                ),
            ));
        }
        let types = inputs
            .map(|arg| match arg {
                syn::FnArg::Typed(t) => Ok((*t.ty).clone()),
                syn::FnArg::Receiver(r) => Err(syn::Error::new(r.span(), "unexpected receiver")),
            })
            .collect::<syn::Result<Vec<_>>>()?;
        handlers.push((name, types, f.sig.ident.span()));
    }
    let Some((_, args, _)) = handlers.first().cloned() else {
        return Err(syn::Error::new(
            imp.self_ty.span(),
            "a #[view] impl needs at least one method handler: async fn get/post/put/patch/delete(&self, request: HttpRequest, ...)",
        ));
    };
    for (name, types, span) in &handlers {
        if quote!(#(#types),*).to_string() != quote!(#(#args),*).to_string() {
            return Err(syn::Error::new(
                *span,
                format!(
                    "`{name}` takes different route parameters than `{}`: every handler of a view receives the same URL parameters",
                    handlers[0].0
                ),
            ));
        }
    }
    let has = |m: &str| handlers.iter().any(|(n, _, _)| n == m);
    let mut allowed: Vec<String> = Vec::new();
    for m in METHODS {
        let present = has(m) || (m == "head" && has("get")) || m == "options";
        if present {
            allowed.push(m.to_ascii_uppercase());
        }
    }
    let vars: Vec<syn::Ident> = (0..args.len())
        .map(|i| format_ident!("__arg{}", i))
        .collect();
    let mut arms = Vec::new();
    for m in METHODS {
        let upper = m.to_ascii_uppercase();
        let target = if has(m) {
            Some(format_ident!("{}", m))
        } else if m == "head" && has("get") {
            Some(format_ident!("get"))
        } else {
            None
        };
        if let Some(target) = target {
            arms.push(quote! {
                #upper => ::rjango::http::IntoResponse::into_response(self.#target(request #(, #vars)*).await),
            });
        } else if m == "options" {
            arms.push(quote! {
                "OPTIONS" => ::core::result::Result::Ok(::rjango::views::options_response(Self::ALLOWED_METHODS)),
            });
        }
    }
    Ok(quote! {
        #imp

        impl #self_ty {
            /// This view as a route handler (Django's `as_view()`), built with `Default`.
            /// Use `View::as_view_with(instance)` to configure one.
            pub fn as_view() -> ::rjango::views::AsView<Self>
            where
                for<'__a> Self: ::core::default::Default,
            {
                ::rjango::views::View::as_view_with(<Self as ::core::default::Default>::default())
            }
        }

        impl ::rjango::views::View for #self_ty {
            type Args = (#(#args,)*);
            const ALLOWED_METHODS: &'static [&'static str] = &[#(#allowed),*];

            #[allow(unused_variables)]
            fn dispatch(
                self: ::std::sync::Arc<Self>,
                request: ::rjango::http::HttpRequest,
                args: Self::Args,
            ) -> ::rjango::__private::LocalBoxFuture<'static, ::rjango::http::ViewResult> {
                ::std::boxed::Box::pin(async move {
                    let (#(#vars,)*) = args;
                    match request.method() {
                        #(#arms)*
                        _ => ::core::result::Result::Ok(::rjango::views::http_method_not_allowed(&request, Self::ALLOWED_METHODS)),
                    }
                })
            }
        }
    })
}
