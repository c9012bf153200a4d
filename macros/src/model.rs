//! Expansion of `#[model]`.
//!
//! An attribute macro rather than DESIGN.md's `#[derive(Model)]`: a derive can only add items,
//! so it could neither add the implicit `id` field Django gives every model, nor strip the
//! `#[field(...)]` attributes, nor put `#[allow(dead_code)]` on the struct. From the same
//! model state makemigrations reads, it generates:
//!
//! - the implicit `pub id: BigAutoField` (0 until the instance is saved);
//! - `impl rjango::models::Model`: table, columns in order, row decoding, SQL values;
//! - `Post::objects()`, the manager's queryset;
//! - a module `post` with one handle per field (`post::title`), each a unit struct whose
//!   traits say which lookups fit its column, so a wrong lookup is a compile error naming it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rjango_codegen::models::parse::{ParsedModel, Scope, parse_model_item};
use rjango_schema::{FieldState, FieldType};
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
    let parsed = parse_model_item(&item, attr, &Scope::new(""));
    if let syn::Fields::Named(fields) = &mut item.fields {
        for field in fields.named.iter_mut() {
            field.attrs.retain(|a| !a.path().is_ident("field"));
        }
    }
    item.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    match parsed {
        // The struct is still emitted after an error, so code using it reports nothing more.
        Err(e) => {
            let error = e.to_syn_error().to_compile_error();
            quote! { #error #item }
        }
        Ok(parsed) => model(item, &parsed),
    }
}

/// `BlogPost` -> `blog_post`: the module of the model's field handles.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `Option<T>` -> `T`.
fn strip_option(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return inner;
    }
    ty
}

struct Column<'a> {
    ident: syn::Ident,
    ty: syn::Type,
    name: &'a str,
    state: &'a FieldState,
}

fn model(mut item: syn::ItemStruct, parsed: &ParsedModel) -> TokenStream {
    let state = &parsed.state;
    let ident = item.ident.clone();
    let vis = item.vis.clone();
    let name = ident.unraw().to_string();
    let syn::Fields::Named(named) = &mut item.fields else {
        return quote!(#item);
    };
    // Django's implicit primary key, first as in the state.
    let implicit_id = state
        .fields
        .first()
        .is_some_and(|(n, f)| n == "id" && f.primary_key)
        && !named
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == "id"));
    if implicit_id {
        named.named.insert(
            0,
            syn::parse_quote! {
                /// The implicit primary key (`BigAutoField`): 0 until the instance is saved.
                pub id: ::rjango::models::BigAutoField
            },
        );
    }
    let types: std::collections::HashMap<String, syn::Type> = named
        .named
        .iter()
        .filter_map(|f| Some((f.ident.as_ref()?.unraw().to_string(), f.ty.clone())))
        .collect();
    let idents: std::collections::HashMap<String, syn::Ident> = named
        .named
        .iter()
        .filter_map(|f| Some((f.ident.as_ref()?.unraw().to_string(), f.ident.clone()?)))
        .collect();
    let columns: Vec<Column> = state
        .fields
        .iter()
        .filter(|(_, f)| f.field_type.has_column())
        .filter_map(|(n, f)| {
            Some(Column {
                ident: idents.get(n)?.clone(),
                ty: types.get(n)?.clone(),
                name: n,
                state: f,
            })
        })
        .collect();
    let no_columns: Vec<&syn::Ident> = state
        .fields
        .iter()
        .filter(|(_, f)| !f.field_type.has_column())
        .filter_map(|(n, _)| idents.get(n))
        .collect();

    let infos = columns.iter().map(|c| {
        let (name, column) = (c.name, c.state.column(c.name));
        let pk = c.state.primary_key;
        let auto = c.state.field_type.is_auto();
        let (auto_now, auto_now_add) = c.state.field_type.auto_now();
        quote! {
            ::rjango::models::FieldInfo {
                name: #name,
                column: #column,
                primary_key: #pk,
                auto: #auto,
                auto_now: #auto_now,
                auto_now_add: #auto_now_add,
            }
        }
    });
    let decode = columns.iter().enumerate().map(|(i, c)| {
        let id = &c.ident;
        quote!(#id: ::rjango::models::FromSql::from_sql(row, offset + #i)?)
    });
    let defaults = no_columns
        .iter()
        .map(|id| quote!(#id: ::std::default::Default::default()));
    let encode = columns.iter().map(|c| {
        let id = &c.ident;
        quote!(::rjango::models::ToSql::to_sql(&self.#id))
    });
    let pk = columns.iter().find(|c| c.state.primary_key);
    let pk_value = match pk {
        Some(c) => {
            let id = &c.ident;
            quote!(::rjango::models::ToSql::to_sql(&self.#id))
        }
        None => quote!(::rjango::__private::sea_orm::Value::BigInt(None)),
    };
    let set_pk = match pk {
        Some(c) if c.state.field_type.is_auto() => {
            let id = &c.ident;
            quote!(self.#id = id as _;)
        }
        _ => quote!(let _ = id;),
    };
    let touches = columns.iter().filter_map(|c| {
        let id = &c.ident;
        let (auto_now, auto_now_add) = c.state.field_type.auto_now();
        let value = match c.state.field_type {
            FieldType::DateTimeField { .. } => quote!(now),
            FieldType::DateField { .. } => quote!(now.date_naive()),
            FieldType::TimeField { .. } => quote!(now.time()),
            _ => return None,
        };
        if !auto_now && !auto_now_add {
            return None;
        }
        let value = if c.state.null {
            quote!(::std::option::Option::Some(#value))
        } else {
            value
        };
        Some(if auto_now {
            quote!(self.#id = #value;)
        } else {
            quote!(if inserting { self.#id = #value; })
        })
    });
    let ordering = &state.options.ordering;
    let db_table = match &state.options.db_table {
        Some(t) => quote!(::std::option::Option::Some(#t)),
        None => quote!(::std::option::Option::None),
    };

    let module = format_ident!("{}", snake_case(&name));
    let handles = columns.iter().map(|c| {
        let id = &c.ident;
        let value = strip_option(&c.ty);
        let (field_name, column) = (c.name, c.state.column(c.name));
        let ft = &c.state.field_type;
        let text = matches!(
            ft,
            FieldType::CharField { .. }
                | FieldType::TextField
                | FieldType::SlugField { .. }
                | FieldType::EmailField { .. }
                | FieldType::URLField { .. }
        );
        let ordered = text
            || matches!(
                ft,
                FieldType::AutoField
                    | FieldType::BigAutoField
                    | FieldType::SmallAutoField
                    | FieldType::IntegerField
                    | FieldType::BigIntegerField
                    | FieldType::SmallIntegerField
                    | FieldType::PositiveIntegerField
                    | FieldType::PositiveBigIntegerField
                    | FieldType::PositiveSmallIntegerField
                    | FieldType::FloatField
                    | FieldType::DecimalField { .. }
                    | FieldType::DateField { .. }
                    | FieldType::DateTimeField { .. }
                    | FieldType::TimeField { .. }
                    | FieldType::UUIDField
            );
        let date = matches!(
            ft,
            FieldType::DateField { .. } | FieldType::DateTimeField { .. }
        );
        let datetime = matches!(ft, FieldType::DateTimeField { .. });
        let marker = |yes: bool, t: TokenStream| {
            if yes {
                quote!(impl #t for #id {})
            } else {
                quote!()
            }
        };
        let text_impl = marker(text, quote!(::rjango::models::lookups::TextLookups));
        let ordered_impl = marker(ordered, quote!(::rjango::models::lookups::OrderedLookups));
        let null_impl = marker(c.state.null, quote!(::rjango::models::lookups::NullLookups));
        let date_impl = marker(date, quote!(::rjango::models::lookups::DateLookups));
        let datetime_impl = marker(datetime, quote!(::rjango::models::lookups::DateTimeLookups));
        let doc = format!(
            "The field `{name}.{field_name}` (column `{column}`), for lookups and ordering."
        );
        quote! {
            #[doc = #doc]
            #[allow(non_camel_case_types)]
            #[derive(Clone, Copy, Debug)]
            pub struct #id;

            impl ::rjango::models::Field for #id {
                type Model = super::#ident;
                type Value = #value;
                const NAME: &'static str = #field_name;
                const COLUMN: &'static str = #column;
                const DATETIME: bool = #datetime;
            }
            #text_impl
            #ordered_impl
            #null_impl
            #date_impl
            #datetime_impl
        }
    });
    let module_doc = format!(
        "The fields of [`{name}`](super::{name}): `{}::title.icontains(\"django\")`.",
        snake_case(&name)
    );

    quote! {
        #item

        impl ::rjango::models::Model for #ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [::rjango::models::FieldInfo] = &[#(#infos),*];
            const ORDERING: &'static [&'static str] = &[#(#ordering),*];
            const DB_TABLE: ::std::option::Option<&'static str> = #db_table;
            const MODULE: &'static str = ::std::module_path!();

            fn table() -> &'static str {
                static TABLE: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
                TABLE.get_or_init(|| match <Self as ::rjango::models::Model>::DB_TABLE {
                    ::std::option::Option::Some(t) => ::std::string::String::from(t),
                    ::std::option::Option::None => ::rjango::models::meta::table_name(::std::module_path!(), #name),
                })
            }

            fn from_row(
                row: &::rjango::__private::sea_orm::QueryResult,
                offset: usize,
            ) -> ::std::result::Result<Self, ::rjango::__private::sea_orm::DbErr> {
                ::std::result::Result::Ok(#ident {
                    #(#decode,)*
                    #(#defaults,)*
                })
            }

            fn values(&self) -> ::std::vec::Vec<::rjango::__private::sea_orm::Value> {
                ::std::vec![#(#encode),*]
            }

            fn pk(&self) -> ::rjango::__private::sea_orm::Value {
                #pk_value
            }

            fn set_pk(&mut self, id: i64) {
                #set_pk
            }

            #[allow(unused_variables)]
            fn touch(&mut self, now: ::rjango::__private::chrono::DateTime<::rjango::__private::chrono::Utc>, inserting: bool) {
                #(#touches)*
            }
        }

        #[allow(dead_code)]
        impl #ident {
            /// The model's manager (Django's `Post.objects`): a queryset of every row.
            #vis fn objects() -> ::rjango::models::QuerySet<#ident> {
                ::rjango::models::QuerySet::new()
            }
        }

        #[doc = #module_doc]
        #[allow(non_camel_case_types, dead_code)]
        #vis mod #module {
            #[allow(unused_imports)]
            use super::*;
            #(#handles)*
        }
    }
}
