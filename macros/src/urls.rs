//! Expansion of `urlpatterns!`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use rjango_codegen::routes::{Converter, Segment};
use rjango_codegen::urlpatterns::{Entry, UrlPatterns};
use syn::spanned::Spanned;

pub fn expand(input: TokenStream) -> TokenStream {
    let fingerprint = rjango_codegen::fingerprint::of_tokens(&input);
    let patterns: UrlPatterns = match syn::parse2(input) {
        Ok(p) => p,
        Err(e) => return e.to_compile_error(),
    };
    let mut markers = Vec::new();
    let mut calls = Vec::new();
    let mut used: Vec<syn::Ident> = Vec::new();
    for (index, entry) in patterns.entries.iter().enumerate() {
        match entry {
            Entry::Path(p) => {
                let route = p.route.value();
                let segments = segments_tokens(&p.segments);
                let mut marker =
                    marker_ident(p.name.as_ref().map(|n| n.value()).as_deref(), &route, index);
                if used.contains(&marker) {
                    // Two routes share a sanitized name: keep the markers distinct.
                    marker = format_ident!("{}_{}", marker, index);
                }
                used.push(marker.clone());
                let args = p.segments.iter().filter_map(|s| match s {
                    Segment::Capture { converter, .. } => Some(arg_type(*converter)),
                    Segment::Literal(_) => None,
                });
                let name = match &p.name {
                    Some(n) => quote!(::core::option::Option::Some(#n)),
                    None => quote!(::core::option::Option::None),
                };
                let view = &p.view;
                let doc = format!("The route `{route}`.");
                markers.push(quote! {
                    #[doc = #doc]
                    #[allow(non_camel_case_types)]
                    pub struct #marker;
                });
                let call = quote_spanned! {view.span()=>
                    ::rjango::urls::__private::route::<(#(#args,)*), __routes::#marker, _>(#route, #segments, #name, #view)
                };
                calls.push(quote_spanned!(view.span()=> .path(#call)));
            }
            Entry::Include(inc) => {
                let prefix = inc.prefix.value();
                let segs = rjango_codegen::routes::parse_route(&prefix).unwrap_or_default();
                let segments = segments_tokens(&segs);
                let module = &inc.module;
                let namespace = match inc.namespace() {
                    Some(ns) => quote!(::core::option::Option::Some(#ns)),
                    None => quote!(::core::option::Option::None),
                };
                calls
                    .push(quote!(.include(#prefix, #segments, #namespace, #module::urlpatterns())));
            }
        }
    }
    for handler in &patterns.handlers {
        let kind = &handler.kind;
        let view = &handler.view;
        calls.push(quote_spanned!(view.span()=> .#kind(#view)));
    }
    quote! {
        /// The URL patterns of this module, declared with `urlpatterns!`.
        pub fn urlpatterns() -> ::rjango::urls::UrlConf {
            #[allow(non_snake_case, dead_code)]
            mod __routes {
                #(#markers)*
            }
            ::rjango::urls::UrlConf::new(::core::module_path!()) #(#calls)*
        }

        /// Checked by the generated code: it was generated from exactly these patterns.
        #[doc(hidden)]
        pub const URLPATTERNS_FINGERPRINT: u64 = #fingerprint;
    }
}

fn arg_type(converter: Converter) -> TokenStream {
    match converter {
        Converter::Int => quote!(i64),
        Converter::Uuid => quote!(::rjango::urls::Uuid),
        Converter::Str | Converter::Slug | Converter::Path => quote!(::std::string::String),
    }
}

fn segments_tokens(segments: &[Segment]) -> TokenStream {
    let items = segments.iter().map(|s| match s {
        Segment::Literal(text) => quote!(::rjango::urls::Segment::Literal(#text)),
        Segment::Capture { converter, name } => {
            let conv = format_ident!(
                "{}",
                match converter {
                    Converter::Int => "Int",
                    Converter::Str => "Str",
                    Converter::Slug => "Slug",
                    Converter::Uuid => "Uuid",
                    Converter::Path => "Path",
                }
            );
            quote!(::rjango::urls::Segment::Capture(::rjango::urls::Converter::#conv, #name))
        }
    });
    quote!(&[#(#items),*])
}

/// A marker type named after the route (`route_item_detail`), so compile errors can say
/// which route a view fails. The caller keeps markers distinct when two names sanitize alike.
fn marker_ident(name: Option<&str>, route: &str, index: usize) -> syn::Ident {
    let source = match name {
        Some(n) => n.to_owned(),
        None if route.is_empty() => index.to_string(),
        None => route.to_owned(),
    };
    let sanitized: String = source
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    syn::Ident::new(
        &format!("route_{}", sanitized.trim_matches('_')),
        Span::call_site(),
    )
}
