//! Expansion of `#[model]`.
//!
//! An attribute macro rather than DESIGN.md's `#[derive(Model)]`: a derive can only add items,
//! so it could neither strip the `#[field(...)]` attributes (they would need registering as
//! derive helpers, which then stay on the struct for nothing) nor put `#[allow(dead_code)]` on the
//! struct, which a model needs until views read its fields: a generated project builds with zero
//! warnings.

use proc_macro2::TokenStream;
use quote::quote;
use rjango_codegen::models::parse::{Scope, parse_model_item};
use syn::ext::IdentExt;

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut item: syn::ItemStruct = match syn::parse2(item) {
        Ok(item) => item,
        Err(e) => {
            return syn::Error::new(
                e.span(),
                "#[model] goes on a struct: `pub struct Post { ... }`",
            )
            .to_compile_error();
        }
    };
    // The same checks as makemigrations, so a mistake shows in the editor at its span. The macro
    // sees one struct, not its app or its file's imports: relations are checked across apps by
    // the code generator instead.
    let error = parse_model_item(&item, attr, &Scope::new(""))
        .err()
        .map(|e| e.to_syn_error().to_compile_error());
    if let syn::Fields::Named(fields) = &mut item.fields {
        for field in fields.named.iter_mut() {
            field.attrs.retain(|a| !a.path().is_ident("field"));
        }
    }
    item.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    let ident = &item.ident;
    let name = ident.unraw().to_string();
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    // The struct is still emitted after an error, so code using the model reports nothing more.
    quote! {
        #error
        #item
        impl #impl_generics ::rjango::models::Model for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
        }
    }
}
