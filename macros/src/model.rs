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
pub(crate) use rjango_codegen::models::parse::{field_ident, snake_case};
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
    // SeaORM's ModelTrait needs Clone and Debug of the row type.
    for (name, derive) in [
        ("Clone", quote!(#[derive(Clone)])),
        ("Debug", quote!(#[derive(Debug)])),
    ] {
        if !derives(&item.attrs, name) {
            item.attrs.push(syn::parse_quote!(#derive));
        }
    }
    match parsed {
        // The struct is still emitted after an error, so code using it reports nothing more.
        Err(e) => {
            let error = e.to_syn_error().to_compile_error();
            quote! { #error #item }
        }
        Ok(parsed) => model(item, &parsed),
    }
}

/// Whether the struct already derives `name` (`#[derive(Debug, Clone)]`).
fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.segments.last().is_some_and(|s| s.ident == name) {
                    found = true;
                }
                Ok(())
            });
            found
        })
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

/// `ForeignKey<Self>` -> `ForeignKey<Post>`: the handles' impls are not in the model's own
/// impl, so `Self` there would mean the handle.
fn replace_self(ty: &syn::Type, model: &syn::Ident) -> syn::Type {
    fn walk(tokens: TokenStream, model: &syn::Ident) -> TokenStream {
        tokens
            .into_iter()
            .map(|t| match t {
                proc_macro2::TokenTree::Ident(i) if i == "Self" => {
                    proc_macro2::TokenTree::Ident(model.clone())
                }
                proc_macro2::TokenTree::Group(g) => {
                    let mut new = proc_macro2::Group::new(g.delimiter(), walk(g.stream(), model));
                    new.set_span(g.span());
                    proc_macro2::TokenTree::Group(new)
                }
                other => other,
            })
            .collect()
    }
    syn::parse2(walk(quote!(#ty), model)).unwrap_or_else(|_| ty.clone())
}

/// A relation's target as the field module names it (`super::__rjango__Post__author__to`),
/// and its key: the model's name as spelled (`Author`), to count relations per target.
type Targets = std::collections::HashMap<String, (syn::Type, String)>;

/// The types the user spelled in the struct, as the generated field module names them.
///
/// The module never spells a user's type itself: there its own items (`Entity`, `Column`,
/// `Relation`, ...) and the field handles (`post::title`) would shadow the user's names, so a
/// model named `Column` or a relation to one would mean the wrong thing. Each type gets a private
/// alias beside the struct instead, where the user's names mean what the user meant, under a
/// name no Django model or field can have (Django refuses `__` in both):
/// `type __rjango__Post__author = ForeignKey<Author>;`.
struct Spelled {
    /// The alias definitions, emitted beside the struct.
    aliases: Vec<TokenStream>,
    /// Field name -> its type, and its type without `Option`.
    stored: std::collections::HashMap<String, syn::Type>,
    value: std::collections::HashMap<String, syn::Type>,
    target: Targets,
}

impl Spelled {
    fn new<'f>(
        model: &syn::Ident,
        name: &str,
        fields: impl Iterator<Item = &'f syn::Field>,
    ) -> Self {
        let mut out = Spelled {
            aliases: Vec::new(),
            stored: Default::default(),
            value: Default::default(),
            target: Default::default(),
        };
        let mut alias = |field: &str, suffix: &str, ty: &syn::Type| -> syn::Type {
            let alias = format_ident!("__rjango__{}__{}{}", name, field, suffix);
            out.aliases.push(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types, dead_code)]
                type #alias = #ty;
            });
            syn::parse_quote!(super::#alias)
        };
        let mut stored = Vec::new();
        for f in fields {
            let Some(ident) = &f.ident else { continue };
            let field = ident.unraw().to_string();
            let ty = replace_self(&f.ty, model);
            let target = relation_target(&ty).map(|t| (alias(&field, "__to", &t), target_key(&t)));
            stored.push((
                field.clone(),
                alias(&field, "", &ty),
                alias(&field, "__value", strip_option(&ty)),
                target,
            ));
        }
        for (field, ty, value, target) in stored {
            out.stored.insert(field.clone(), ty);
            out.value.insert(field.clone(), value);
            if let Some(target) = target {
                out.target.insert(field, target);
            }
        }
        out
    }
}

struct Column<'a> {
    ident: syn::Ident,
    /// The field's type, and that type without `Option`, as the field module names them.
    ty: syn::Type,
    value: syn::Type,
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
    let spelled = Spelled::new(&ident, &name, named.named.iter());
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
                ty: spelled.stored.get(n)?.clone(),
                value: spelled.value.get(n)?.clone(),
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
        let duration = matches!(c.state.field_type, FieldType::DurationField);
        let attname = match c.state.field_type {
            FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. } => format!("{name}_id"),
            _ => name.to_string(),
        };
        quote! {
            ::rjango::models::FieldInfo {
                name: #name,
                attname: #attname,
                column: #column,
                primary_key: #pk,
                auto: #auto,
                auto_now: #auto_now,
                auto_now_add: #auto_now_add,
                duration: #duration,
            }
        }
    });
    // A DecimalField reads back with its decimal places ("0.80", not SQLite's REAL 0.8), as
    // Django's converter quantizes it.
    let read = |c: &Column, index: TokenStream| match c.state.field_type {
        FieldType::DecimalField { decimal_places, .. } => {
            let places = decimal_places;
            quote!(::rjango::models::meta::Quantize::quantize(
                ::rjango::models::FromSql::from_sql(__row, #index)?,
                #places
            ))
        }
        _ => quote!(::rjango::models::FromSql::from_sql(__row, #index)?),
    };
    let decode = columns.iter().enumerate().map(|(i, c)| {
        let id = &c.ident;
        let value = read(c, quote!(__offset + #i));
        quote!(#id: #value)
    });
    let partial = columns.iter().enumerate().map(|(i, c)| {
        let id = &c.ident;
        let value = read(c, quote!(__read - 1));
        quote! {
            #id: if __loaded[#i] {
                __read += 1;
                #value
            } else {
                ::std::default::Default::default()
            }
        }
    });
    let defaults: Vec<TokenStream> = no_columns
        .iter()
        .map(|id| quote!(#id: ::std::default::Default::default()))
        .collect();
    // A new instance (Django's `Post()`): each field's literal default, else its type's.
    let new_fields: Vec<TokenStream> = columns
        .iter()
        .map(|c| {
            let id = &c.ident;
            let value = literal_default(c.state);
            quote!(#id: #value)
        })
        .collect();
    let encode = columns.iter().map(|c| {
        let id = &c.ident;
        quote!(::rjango::models::ToSql::to_sql(&self.#id))
    });
    let pk = columns.iter().find(|c| c.state.primary_key);
    let integer_pk = pk.is_none_or(|c| c.state.field_type.is_integer());
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
            quote!(self.#id = __id as _;)
        }
        _ => quote!(let _ = __id;),
    };
    let touches = columns.iter().filter_map(|c| {
        let id = &c.ident;
        let (auto_now, auto_now_add) = c.state.field_type.auto_now();
        let value = match c.state.field_type {
            FieldType::DateTimeField { .. } => quote!(__now),
            FieldType::DateField { .. } => quote!(__now.date_naive()),
            FieldType::TimeField { .. } => quote!(__now.time()),
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
            quote!(if __inserting { self.#id = #value; })
        })
    });
    let ordering = &state.options.ordering;
    let db_table = match &state.options.db_table {
        Some(t) => quote!(::std::option::Option::Some(#t)),
        None => quote!(::std::option::Option::None),
    };
    let verbose_name = match &state.options.verbose_name {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };

    let module = field_ident(&snake_case(&name));
    // The fields a ModelForm can edit, in order, for `#[model_form(exclude = [...])]` (a
    // macro sees only its own tokens: this hands it the model's list).
    let many: Vec<&String> = state
        .fields
        .iter()
        .filter(|(_, f)| matches!(f.field_type, FieldType::ManyToManyField { .. }))
        .map(|(n, _)| n)
        .collect();
    // In the model's order: its columns and its many-to-many fields, as Django's
    // fields_for_model lists them.
    let editable: Vec<syn::Ident> = state
        .fields
        .iter()
        .filter(|(n, _)| {
            many.contains(&n)
                || columns
                    .iter()
                    .find(|c| c.name == n.as_str())
                    .is_some_and(|c| !model_form_field(c, &c.ident, &c.ty, &ident).is_empty())
        })
        .filter_map(|(n, _)| idents.get(n).cloned())
        .collect();
    let all_fields: Vec<TokenStream> = state
        .fields
        .iter()
        .filter_map(|(n, f)| {
            let ident = idents.get(n)?;
            let kind = syn::Ident::new(f.field_type.class_name(), proc_macro2::Span::call_site());
            let null = f.null;
            let editable = editable.iter().any(|e| e == ident);
            let choices = !f.choices.is_empty() && editable;
            let label = if f.primary_key && f.field_type.is_auto() && f.verbose_name.is_none() {
                "ID".to_owned()
            } else {
                let verbose = f
                    .verbose_name
                    .clone()
                    .unwrap_or_else(|| n.replace('_', " "));
                let mut chars = verbose.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                }
            };
            Some(quote!((#ident #kind #null #editable #choices #label)))
        })
        .collect();
    let form_fields = quote! {
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! __rjango_form_fields {
            (::rjango::forms::__model_form_fields { $($args:tt)* }) => {
                ::rjango::forms::__model_form_fields! { $($args)* [#(#editable),*] }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use __rjango_form_fields;

        // Every field, for `#[admin::register]`: (name Kind null editable has_choices "Label").
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! __rjango_model_fields {
            (::rjango::contrib::admin::__admin_register { $($args:tt)* }) => {
                ::rjango::contrib::admin::__admin_register! { $($args)* [#(#all_fields)*] }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use __rjango_model_fields;
    };
    let handles = columns.iter().map(|c| {
        let id = &c.ident;
        let value = &c.value;
        let stored = &c.ty;
        let null = c.state.null;
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
                    | FieldType::DurationField
            );
        let date = matches!(
            ft,
            FieldType::DateField { .. } | FieldType::DateTimeField { .. }
        );
        let datetime = matches!(ft, FieldType::DateTimeField { .. });
        let decimal_places = match ft {
            FieldType::DecimalField { decimal_places, .. } => {
                let places = *decimal_places;
                quote!(::std::option::Option::Some(#places))
            }
            _ => quote!(::std::option::Option::None),
        };
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
        // Ordering by a foreign key is the related model's Meta.ordering, as in Django.
        let relation_ordering = if matches!(
            ft,
            FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. }
        ) {
            quote! {
                fn ordering(
                    __descending: bool,
                ) -> ::std::option::Option<::std::vec::Vec<(::rjango::models::lookups::Term, bool)>> {
                    ::rjango::models::lookups::related_ordering::<<Self as ::rjango::models::Relation>::To>(
                        <Self as ::rjango::models::Relation>::joins(),
                        __descending,
                    )
                }
            }
        } else {
            quote!()
        };
        let form_impl = model_form_field(c, id, stored, &ident);
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
                type Stored = #stored;
                const NAME: &'static str = #field_name;
                const COLUMN: &'static str = #column;
                const DATETIME: bool = #datetime;
                const NULL: bool = #null;
                const DECIMAL_PLACES: ::std::option::Option<u32> = #decimal_places;
                #relation_ordering
            }
            impl ::rjango::models::lookups::OwnField for #id {}
            impl ::rjango::models::aggregates::Countable for #id {
                type Model = super::#ident;
                fn target() -> (::std::vec::Vec<::rjango::models::lookups::Join>, &'static str) {
                    (::std::vec::Vec::new(), #column)
                }
                fn lookup_name() -> ::std::string::String {
                    ::std::string::String::from(#field_name)
                }
            }
            #text_impl
            #ordered_impl
            #null_impl
            #date_impl
            #datetime_impl
            #form_impl
        }
    });
    let single = single_relation_targets(state, &spelled.target);
    let relations = relations(&ident, &name, state, &spelled.target, &idents, &single);
    let entity_columns: Vec<crate::entity::EntityColumn> = columns
        .iter()
        .map(|c| crate::entity::EntityColumn {
            ident: c.ident.clone(),
            ty: c.ty.clone(),
            name: c.name,
            state: c.state,
        })
        .collect();
    let foreign_keys: Vec<crate::entity::EntityForeignKey> = columns
        .iter()
        .filter(|c| {
            matches!(
                c.state.field_type,
                FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. }
            )
        })
        .filter_map(|c| {
            let (target, key) = spelled.target.get(c.name)?;
            Some(crate::entity::EntityForeignKey {
                name: c.name.to_owned(),
                related: single.contains(key),
                target: target.clone(),
            })
        })
        .collect();
    let entity = crate::entity::entity(
        quote!(super::#ident),
        quote!(<super::#ident as ::rjango::models::Model>::table()),
        &entity_columns,
        &no_columns,
        &foreign_keys,
    );
    let module_doc = format!(
        "The fields of [`{name}`](super::{name}): `{}::title.icontains(\"django\")`.",
        snake_case(&name)
    );

    let aliases = &spelled.aliases;
    // Meta.ordering through the field handles, so an entry naming a foreign key orders by the
    // related model's Meta.ordering, as Django's does. Entries the handles cannot express
    // (`?`, `author__name`) leave the names to the runtime.
    let ordering_terms: Option<Vec<TokenStream>> = ordering
        .iter()
        .map(|entry| {
            let (field, descending) = match entry.strip_prefix('-') {
                Some(f) => (f, true),
                None => (entry.as_str(), false),
            };
            let c = columns.iter().find(|c| c.name == field)?;
            let id = &c.ident;
            Some(if descending {
                quote!(::rjango::models::Lookups::desc(#module::#id))
            } else {
                quote!(::rjango::models::Lookups::asc(#module::#id))
            })
        })
        .collect();
    let default_ordering = match ordering_terms {
        Some(terms) if !terms.is_empty() => quote! {
            fn default_ordering() -> ::std::vec::Vec<(::rjango::models::lookups::Term, bool)> {
                let mut __ordering = ::std::vec::Vec::new();
                #(__ordering.extend(#terms.into_terms());)*
                __ordering
            }
        },
        _ => quote!(),
    };
    let placement = format!(
        "#[model] struct `{name}` is declared outside an app's models module, so makemigrations never reads it and its table would not exist: declare it in src/<app>/models.rs (or a module of src/<app>/models/)"
    );
    let placement = quote::quote_spanned! {ident.span()=>
        const _: () = ::core::assert!(
            ::rjango::models::meta::in_models_module(::std::module_path!()),
            #placement
        );
    };
    // Django's `get_FOO_display()` for each field with string choices: the label of the
    // value, or the value itself when it is none of the choices.
    let choice_displays: Vec<TokenStream> = columns
        .iter()
        .filter(|c| !c.state.null && !c.state.choices.is_empty())
        .filter_map(|c| {
            let pairs: Vec<(String, String)> = c
                .state
                .choices
                .iter()
                .map(|(v, label)| match v {
                    rjango_schema::Value::Str(s) => Some((s.clone(), label.clone())),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let method = format_ident!("get_{}_display", c.ident);
            let field = &c.ident;
            let doc = format!(
                " Django's `get_{}_display()`: the label of the value among the field's choices.",
                c.ident
            );
            let (values, labels): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
            Some(quote! {
                #[doc = #doc]
                #vis fn #method(&self) -> &str {
                    match self.#field.as_str() {
                        #(#values => #labels,)*
                        _ => self.#field.as_str(),
                    }
                }
            })
        })
        .collect();
    quote! {
        #item

        #placement

        ::rjango::__private::inventory::submit! {
            ::rjango::core::checks::RegisteredModel {
                module: ::std::module_path!(),
                name: #name,
                table: <#ident as ::rjango::models::Model>::table,
                fields: <#ident as ::rjango::models::Model>::FIELDS,
            }
        }

        #(#aliases)*

        impl ::rjango::models::Model for #ident {
            #default_ordering
            const NAME: &'static str = #name;
            const FIELDS: &'static [::rjango::models::FieldInfo] = &[#(#infos),*];
            const ORDERING: &'static [&'static str] = &[#(#ordering),*];
            const DB_TABLE: ::std::option::Option<&'static str> = #db_table;
            const VERBOSE_NAME: ::std::option::Option<&'static str> = #verbose_name;
            const MODULE: &'static str = ::std::module_path!();
            const INTEGER_PK: bool = #integer_pk;

            fn table() -> &'static str {
                static TABLE: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
                TABLE.get_or_init(|| match <Self as ::rjango::models::Model>::DB_TABLE {
                    ::std::option::Option::Some(t) => ::std::string::String::from(t),
                    ::std::option::Option::None => ::rjango::models::meta::table_name(::std::module_path!(), #name),
                })
            }

            fn from_row(
                __row: &::rjango::__private::sea_orm::QueryResult,
                __offset: usize,
            ) -> ::std::result::Result<Self, ::rjango::__private::sea_orm::DbErr> {
                ::std::result::Result::Ok(#ident {
                    #(#decode,)*
                    #(#defaults,)*
                })
            }

            fn from_row_partial(
                __row: &::rjango::__private::sea_orm::QueryResult,
                __loaded: &[bool],
            ) -> ::std::result::Result<Self, ::rjango::__private::sea_orm::DbErr> {
                let mut __read = 0usize;
                ::std::result::Result::Ok(#ident {
                    #(#partial,)*
                    #(#defaults,)*
                })
            }

            fn values(&self) -> ::std::vec::Vec<::rjango::__private::sea_orm::Value> {
                ::std::vec![#(#encode),*]
            }

            fn object_str(&self) -> ::std::string::String {
                #[allow(unused_imports)]
                use ::rjango::models::meta::{ViaDefault as _, ViaDisplay as _};
                (&&::rjango::models::meta::ObjectStr(self)).object_str()
            }

            fn pk(&self) -> ::rjango::__private::sea_orm::Value {
                #pk_value
            }

            fn set_pk(&mut self, __id: i64) {
                #set_pk
            }

            #[allow(unused_variables)]
            fn touch(&mut self, __now: ::rjango::__private::chrono::DateTime<::rjango::__private::chrono::Utc>, __inserting: bool) {
                #(#touches)*
            }
        }

        impl ::rjango::models::NewInstance for #ident {
            fn new_instance() -> Self {
                #ident {
                    #(#new_fields,)*
                    #(#defaults,)*
                }
            }
        }

        #[allow(dead_code)]
        impl #ident {
            /// The model's manager (Django's `Post.objects`): a queryset of every row.
            #vis fn objects() -> ::rjango::models::QuerySet<#ident> {
                ::rjango::models::QuerySet::new()
            }

            #(#choice_displays)*
        }

        #[doc = #module_doc]
        #[allow(non_camel_case_types, dead_code)]
        #vis mod #module {
            #(#handles)*
            #(#relations)*
            #entity
            #form_fields
        }
    }
}

/// The reverse accessor's name on the related model: `related_name` (none when it ends with
/// `+`, as in Django), else `default`.
/// A reverse accessor's signature and body.
struct ReverseMethod {
    asyncness: TokenStream,
    ret: TokenStream,
    body: TokenStream,
}

/// The variable through which a project's build.rs names the relations whose target is a model
/// of another crate (`auth.User`, from rjango): `Model.field`, comma-separated.
const FOREIGN_TARGETS_ENV: &str = "RJANGO_FOREIGN_TARGETS";

/// Whether `Model.field` points at another crate's model, as the project's build.rs (which read
/// every models.rs) says.
fn foreign_target(model: &str, field: &str) -> bool {
    let key = format!("{model}.{field}");
    std::env::var(FOREIGN_TARGETS_ENV).is_ok_and(|v| v.split(',').any(|k| k == key))
}

/// A reverse accessor on the related model (`author.posts()`): a method of the related type
/// when it is this crate's, as Django adds it to the class; when it is another crate's (a
/// relation to `rjango::contrib::auth::models::User`), Rust allows no method there but a
/// trait's, so a trait named `Reverse<Accessor>` beside the field handles carries it, which
/// the caller imports (`use crate::blog::models::post::ReversePosts;`, as rustc suggests).
fn reverse_accessor(
    model: &str,
    field: &str,
    target_ty: &TokenStream,
    accessor: &syn::Ident,
    doc: &str,
    method: ReverseMethod,
) -> TokenStream {
    let ReverseMethod {
        asyncness,
        ret,
        body,
    } = method;
    if foreign_target(model, field) {
        let name = accessor.to_string();
        let name = name.trim_start_matches("r#");
        let trait_name = format_ident!("Reverse{}", crate::entity::camel(name));
        let trait_doc = format!(
            " `{name}()` on the related model, which is another crate's: import this trait to call it."
        );
        quote! {
            #[doc = #trait_doc]
            #[allow(async_fn_in_trait)]
            pub trait #trait_name {
                #[doc = #doc]
                #asyncness fn #accessor(&self) -> #ret;
            }
            impl #trait_name for #target_ty {
                #asyncness fn #accessor(&self) -> #ret {
                    #body
                }
            }
        }
    } else {
        quote! {
            #[allow(dead_code)]
            impl #target_ty {
                #[doc = #doc]
                pub #asyncness fn #accessor(&self) -> #ret {
                    #body
                }
            }
        }
    }
}

fn accessor(related_name: &Option<String>, default: Option<String>) -> Option<syn::Ident> {
    match related_name {
        Some(r) if r.ends_with('+') => None,
        Some(r) => Some(field_ident(r)),
        None => default.as_deref().map(field_ident),
    }
}

/// Django's related_query_name: how lookups and `values()` name the relation read backwards.
/// The related_name when there is one, else the model's name in lower case (`post`, as in
/// `Author.objects.filter(post__title=...)`). Django has no query name for a hidden relation
/// (`+`); the typed path still works, and is named by the model as if it had none.
fn related_query_name(field_type: &FieldType, model: &str) -> String {
    let related_name = match field_type {
        FieldType::ForeignKey { related_name, .. }
        | FieldType::OneToOneField { related_name, .. }
        | FieldType::ManyToManyField { related_name, .. } => related_name.as_deref(),
        _ => None,
    };
    match related_name.map(|r| r.trim_end_matches('+')) {
        Some(r) if !r.is_empty() => r.to_owned(),
        _ => model.to_ascii_lowercase(),
    }
}

/// The two ends of a many-to-many relation, as its join table's entity names them.
struct ManyToManyEnds<'a> {
    field_name: &'a str,
    handle: &'a syn::Ident,
    /// The model, as a path from the handle module (`super::Post`).
    model: &'a TokenStream,
    target: &'a TokenStream,
    /// The join table's columns to the model and to the target (`post_id`, `tag_id`).
    own: &'a str,
    other: &'a str,
    through_fn: &'a syn::Ident,
    /// The relation is from the model to itself (`from_post_id`, `to_post_id`).
    self_ref: bool,
}

/// A many-to-many relation for plain SeaORM: its join table as an entity of its own
/// (`post::tags_through::Entity`, Django's auto-created `Post_tags` model), `Linked` on the
/// handle (`post.find_linked(post::tags)`; the reverse through `post::tags.reverse()`), and
/// `Related` with `via` the join table when it is the only relation to the target.
fn many_to_many_entity(ends: &ManyToManyEnds, related: bool) -> TokenStream {
    let ManyToManyEnds {
        field_name,
        handle,
        model,
        target,
        own,
        other,
        through_fn,
        self_ref,
    } = ends;
    let module = format_ident!("{}_through", field_name);
    let own_name = own.strip_suffix("_id").unwrap_or(own);
    let other_name = other.strip_suffix("_id").unwrap_or(other);
    let (own_ident, other_ident) = (field_ident(own_name), field_ident(other_name));
    let (own_variant, other_variant) = (
        crate::entity::camel(own_name),
        crate::entity::camel(other_name),
    );
    let sea = quote!(::rjango::__private::sea_orm);
    let mut id = FieldState::new(FieldType::BigAutoField);
    id.primary_key = true;
    let key = || {
        FieldState::new(FieldType::ForeignKey {
            to: String::new(),
            on_delete: rjango_schema::OnDelete::Cascade,
            related_name: None,
        })
    };
    let (own_state, other_state) = (key(), key());
    let own_ty: syn::Type = syn::parse_quote!(::rjango::models::ForeignKey<super::#model>);
    let other_ty: syn::Type = syn::parse_quote!(::rjango::models::ForeignKey<super::#target>);
    let columns = [
        crate::entity::EntityColumn {
            ident: format_ident!("id"),
            ty: syn::parse_quote!(i64),
            name: "id",
            state: &id,
        },
        crate::entity::EntityColumn {
            ident: own_ident.clone(),
            ty: own_ty.clone(),
            name: own_name,
            state: &own_state,
        },
        crate::entity::EntityColumn {
            ident: other_ident.clone(),
            ty: other_ty.clone(),
            name: other_name,
            state: &other_state,
        },
    ];
    let self_ref = *self_ref;
    let foreign_keys = [
        crate::entity::EntityForeignKey {
            name: own_name.to_owned(),
            target: syn::parse_quote!(super::#model),
            related: !self_ref,
        },
        crate::entity::EntityForeignKey {
            name: other_name.to_owned(),
            target: syn::parse_quote!(super::#target),
            related: !self_ref,
        },
    ];
    let entity = crate::entity::entity(
        quote!(Model),
        quote!(super::#through_fn()),
        &columns,
        &[],
        &foreign_keys,
    );
    let doc = format!("The join table of `{field_name}`, as a SeaORM entity of its own.");
    let hops = quote! {
        ::std::vec![
            #sea::RelationDef::rev(<#module::Relation as #sea::RelationTrait>::def(&#module::Relation::#own_variant)),
            <#module::Relation as #sea::RelationTrait>::def(&#module::Relation::#other_variant),
        ]
    };
    let related = related.then(|| {
        quote! {
            impl #sea::Related<<#target as ::rjango::models::entity::HasEntity>::Entity> for Entity {
                fn to() -> #sea::RelationDef {
                    <#module::Relation as #sea::RelationTrait>::def(&#module::Relation::#other_variant)
                }
                fn via() -> ::std::option::Option<#sea::RelationDef> {
                    ::std::option::Option::Some(#sea::RelationDef::rev(
                        <#module::Relation as #sea::RelationTrait>::def(&#module::Relation::#own_variant),
                    ))
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub mod #module {
            /// One row of the join table.
            #[derive(Clone, Debug)]
            pub struct Model {
                pub id: i64,
                pub #own_ident: #own_ty,
                pub #other_ident: #other_ty,
            }

            #entity
        }

        impl ::rjango::models::entity::SeaLink for #handle {
            type FromEntity = Entity;
            type ToEntity = <#target as ::rjango::models::entity::HasEntity>::Entity;
            fn hops() -> ::std::vec::Vec<#sea::RelationDef> {
                #hops
            }
        }

        impl #sea::Linked for #handle {
            type FromEntity = Entity;
            type ToEntity = <#target as ::rjango::models::entity::HasEntity>::Entity;
            fn link(&self) -> ::std::vec::Vec<#sea::LinkDef> {
                <Self as ::rjango::models::entity::SeaLink>::hops()
            }
        }

        #related
    }
}

/// A related model, to compare targets: its last path segment, so `User` and
/// `crate::accounts::models::User` count as one (counting an alias twice only loses a
/// `Related`, never makes two).
fn target_key(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.unraw().to_string())
            .unwrap_or_default(),
        _ => quote!(#ty).to_string(),
    }
}

/// The models this one has exactly one relation to (foreign key, one-to-one or many-to-many):
/// only those get SeaORM's `Related`, which can name one relation per pair of entities. Every
/// relation gets a `Linked` on its handle, which has no such limit.
fn single_relation_targets(
    state: &rjango_schema::ModelState,
    targets: &Targets,
) -> std::collections::HashSet<String> {
    let mut counts = std::collections::HashMap::<String, usize>::new();
    // A relation to the model itself joins its table twice, which SeaORM's `Related` cannot
    // alias: such relations get `Linked` only.
    counts.insert(state.name.clone(), 2);
    for (field_name, f) in &state.fields {
        if f.field_type.is_relation()
            && let Some((_, key)) = targets.get(field_name)
        {
            *counts.entry(key.clone()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n == 1)
        .map(|(t, _)| t)
        .collect()
}

/// `ForeignKey<Author>` (or `Option<...>`, `ManyToManyField<Tag>`) -> `Author`.
fn relation_target(ty: &syn::Type) -> Option<syn::Type> {
    if let syn::Type::Path(p) = strip_option(ty)
        && let Some(last) = p.path.segments.last()
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return Some(inner.clone());
    }
    None
}

/// What each relation of the model adds: for a ForeignKey/OneToOneField, the handle's
/// `Relation` and `ForeignKeyField` impls, the reverse accessor on the related model
/// (`author.posts()`) and its `on_delete` registration; for a ManyToManyField, a handle through
/// the join table, `post.tags()` and `tag.posts()`, and the join table's registrations.
fn relations(
    ident: &syn::Ident,
    name: &str,
    state: &rjango_schema::ModelState,
    targets: &Targets,
    idents: &std::collections::HashMap<String, syn::Ident>,
    single: &std::collections::HashSet<String>,
) -> Vec<TokenStream> {
    let model_lower = name.to_ascii_lowercase();
    let own_pk = state
        .fields
        .iter()
        .find(|(_, f)| f.primary_key)
        .map(|(n, f)| f.column(n))
        .unwrap_or_else(|| "id".to_owned());
    let mut out = Vec::new();
    for (field_name, f) in &state.fields {
        let (Some((target, target_name)), Some(id)) =
            (targets.get(field_name), idents.get(field_name))
        else {
            continue;
        };
        let model = quote!(super::#ident);
        let target_ty = quote!(#target);
        let query_name = related_query_name(&f.field_type, name);
        // Relations go by integer keys for now: a key of another type would be read as 0.
        let integer_keys = format!(
            "`{name}.{field_name}` relates `{name}` and `{target_name}`, and rjango relates models by integer primary keys only (for now): give both an AutoField/BigAutoField (or integer) primary key, and keep a CharField or UUIDField as a unique field instead"
        );
        let span = id.span();
        out.push(quote::quote_spanned! {span=>
            const _: () = ::core::assert!(
                <#target_ty as ::rjango::models::Model>::INTEGER_PK
                    && <#model as ::rjango::models::Model>::INTEGER_PK,
                #integer_keys
            );
        });
        match &f.field_type {
            FieldType::ForeignKey {
                on_delete,
                related_name,
                ..
            }
            | FieldType::OneToOneField {
                on_delete,
                related_name,
                ..
            } => {
                let column = f.column(field_name);
                let variant = crate::entity::camel(field_name);
                let one = matches!(f.field_type, FieldType::OneToOneField { .. });
                let slot = if f.null {
                    quote!(__row.#id.as_mut())
                } else {
                    quote!(::std::option::Option::Some(&mut __row.#id))
                };
                let on_delete = format_ident!("{}", format!("{on_delete:?}"));
                let default = match &f.default {
                    Some(rjango_schema::Value::Int(n)) => quote!(::std::option::Option::Some(#n)),
                    _ => quote!(::std::option::Option::None),
                };
                let reach = if f.null {
                    quote!(::rjango::models::lookups::Maybe)
                } else {
                    quote!(::rjango::models::lookups::Always)
                };
                let always = !f.null;
                out.push(quote! {
                    impl ::rjango::models::Relation for #id {
                        type From = #model;
                        type To = #target_ty;
                        type Reach = #reach;
                        fn lookup_name() -> ::std::string::String {
                            ::std::string::String::from(#field_name)
                        }
                        fn reverse_lookup_name() -> ::std::string::String {
                            ::std::string::String::from(#query_name)
                        }
                        fn joins() -> ::std::vec::Vec<::rjango::models::lookups::Join> {
                            ::std::vec![::rjango::models::lookups::Join {
                                table: <#target_ty as ::rjango::models::Model>::table,
                                from_column: #column,
                                to_column: ::rjango::models::meta::pk_column::<#target_ty>(),
                                multi: false,
                                always: #always,
                            }]
                        }
                    }
                    impl ::rjango::models::entity::SeaLink for #id {
                        type FromEntity = Entity;
                        type ToEntity = <#target_ty as ::rjango::models::entity::HasEntity>::Entity;
                        fn hops() -> ::std::vec::Vec<::rjango::__private::sea_orm::RelationDef> {
                            ::std::vec![<Relation as ::rjango::__private::sea_orm::RelationTrait>::def(&Relation::#variant)]
                        }
                    }
                    impl ::rjango::__private::sea_orm::Linked for #id {
                        type FromEntity = Entity;
                        type ToEntity = <#target_ty as ::rjango::models::entity::HasEntity>::Entity;
                        fn link(&self) -> ::std::vec::Vec<::rjango::__private::sea_orm::LinkDef> {
                            <Self as ::rjango::models::entity::SeaLink>::hops()
                        }
                    }
                    impl ::rjango::models::relations::ForeignKeyField for #id {
                        fn slot(__row: &mut #model) -> ::std::option::Option<&mut ::rjango::models::ForeignKey<#target_ty>> {
                            #slot
                        }
                    }
                    ::rjango::__private::inventory::submit! {
                        ::rjango::models::deletion::RelatedColumn {
                            module: ::std::module_path!(),
                            model: #name,
                            field: #field_name,
                            table: <#model as ::rjango::models::Model>::table,
                            pk_column: #own_pk,
                            column: #column,
                            target: <#target_ty as ::rjango::models::Model>::table,
                            on_delete: ::rjango::models::deletion::OnDelete::#on_delete,
                            default: #default,
                        }
                    }
                });
                let default = if one {
                    model_lower.clone()
                } else {
                    format!("{model_lower}_set")
                };
                // How a row of the reverse set is given to its owner (`create`, `add`): the
                // field's handle is named as the field is.
                let field_ident = id;
                let set_owner = if f.null {
                    quote!(|__row: &mut #model, __pk: i64| {
                        __row.#field_ident = ::std::option::Option::Some(::rjango::models::ForeignKey::new(__pk));
                    })
                } else {
                    quote!(|__row: &mut #model, __pk: i64| {
                        __row.#field_ident = ::rjango::models::ForeignKey::new(__pk);
                    })
                };
                if let Some(accessor) = accessor(related_name, Some(default)) {
                    let doc = format!(
                        "The `{name}` rows whose `{field_name}` is this row (Django's reverse accessor)."
                    );
                    let method = if one {
                        ReverseMethod {
                            asyncness: quote!(async),
                            ret: quote!(::std::result::Result<#model, ::rjango::models::QueryError>),
                            body: quote! {
                                ::rjango::models::QuerySet::<#model>::new()
                                    .get(::rjango::models::Lookups::eq(#id, self))
                                    .await
                            },
                        }
                    } else {
                        ReverseMethod {
                            asyncness: quote!(),
                            ret: quote!(::rjango::models::QuerySet<#model>),
                            body: quote! {
                                ::rjango::models::QuerySet::<#model>::related_to(
                                    ::rjango::models::Lookups::eq(#id, self),
                                    #set_owner,
                                    #column,
                                    ::rjango::models::query::owner_pk(self),
                                )
                            },
                        }
                    };
                    out.push(reverse_accessor(
                        name, field_name, &target_ty, &accessor, &doc, method,
                    ));
                }
            }
            FieldType::ManyToManyField {
                related_name,
                db_table,
                ..
            } => {
                let self_ref = *target_name == name;
                let target_lower = target_name.to_ascii_lowercase();
                let (own, other) = if self_ref {
                    (
                        format!("from_{model_lower}_id"),
                        format!("to_{model_lower}_id"),
                    )
                } else {
                    (format!("{model_lower}_id"), format!("{target_lower}_id"))
                };
                let through_fn = format_ident!("__{}_through", field_name);
                let db_table = match db_table {
                    Some(t) => quote!(::std::option::Option::Some(#t)),
                    None => quote!(::std::option::Option::None),
                };
                let through_model = format!("{name}_{field_name}");
                // Django's ModelMultipleChoiceField: the related rows as a multiple select,
                // required unless blank; the keys are read and set through the join table.
                let many_form = {
                    let choices = related_choices(&target_ty);
                    let required = !f.blank;
                    let verbose = f
                        .verbose_name
                        .clone()
                        .unwrap_or_else(|| field_name.replace('_', " "));
                    let mut chars = verbose.chars();
                    let label: String = match chars.next() {
                        Some(first) => first.to_uppercase().chain(chars).collect(),
                        None => String::new(),
                    };
                    let help = f.help_text.clone().unwrap_or_default();
                    quote! {
                        impl ::rjango::forms::ModelFormField for #id {
                            type Value = ::std::vec::Vec<i64>;
                            type Model = #model;
                            const SPEC: ::rjango::forms::FieldSpec = {
                                let mut __rjango_spec = ::rjango::forms::FieldSpec::new(
                                    #field_name,
                                    ::rjango::forms::FieldKind::ModelMultipleChoiceField,
                                );
                                __rjango_spec.required = #required;
                                __rjango_spec.label = ::std::option::Option::Some(#label);
                                __rjango_spec.help_text = #help;
                                __rjango_spec
                            };
                            const UNIQUE: bool = false;

                            fn value_of(_: &#model) -> ::std::vec::Vec<i64> {
                                ::std::vec::Vec::new()
                            }

                            fn set_on(_: &mut #model, _: &::std::vec::Vec<i64>) {}

                            #choices

                            fn load_many(
                                __rjango_instance: &#model,
                            ) -> ::rjango::__private::LocalBoxFuture<
                                '_,
                                ::core::result::Result<
                                    ::core::option::Option<::std::vec::Vec<i64>>,
                                    ::rjango::models::QueryError,
                                >,
                            > {
                                ::std::boxed::Box::pin(async move {
                                    ::rjango::models::ManyRelated::<#id>::new(__rjango_instance)
                                        .keys()
                                        .await
                                        .map(::core::option::Option::Some)
                                })
                            }

                            fn save_many<'__rjango>(
                                __rjango_instance: &'__rjango #model,
                                __rjango_value: &'__rjango ::std::vec::Vec<i64>,
                            ) -> ::rjango::__private::LocalBoxFuture<
                                '__rjango,
                                ::core::result::Result<(), ::rjango::models::QueryError>,
                            > {
                                ::std::boxed::Box::pin(async move {
                                    ::rjango::models::ManyRelated::<#id>::new(__rjango_instance)
                                        .set(__rjango_value.iter().copied())
                                        .await
                                })
                            }
                        }
                    }
                };
                out.push(many_to_many_entity(
                    &ManyToManyEnds {
                        field_name,
                        handle: id,
                        model: &model,
                        target: &target_ty,
                        own: &own,
                        other: &other,
                        through_fn: &through_fn,
                        self_ref,
                    },
                    single.contains(target_name),
                ));
                let doc = format!(
                    "The `{name}.{field_name}` many-to-many relation, through its join table."
                );
                out.push(quote! {
                    #[doc = #doc]
                    #[derive(Clone, Copy, Debug)]
                    pub struct #id;

                    #[doc(hidden)]
                    pub fn #through_fn() -> &'static str {
                        static TABLE: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
                        TABLE.get_or_init(|| ::rjango::models::meta::through_table(
                            <#model as ::rjango::models::Model>::table(),
                            #field_name,
                            #db_table,
                        ))
                    }

                    impl ::rjango::models::Relation for #id {
                        type From = #model;
                        type To = #target_ty;
                        type Reach = ::rjango::models::lookups::Maybe;
                        fn lookup_name() -> ::std::string::String {
                            ::std::string::String::from(#field_name)
                        }
                        fn reverse_lookup_name() -> ::std::string::String {
                            ::std::string::String::from(#query_name)
                        }
                        fn joins() -> ::std::vec::Vec<::rjango::models::lookups::Join> {
                            ::std::vec![
                                ::rjango::models::lookups::Join {
                                    table: #through_fn,
                                    from_column: #own_pk,
                                    to_column: #own,
                                    multi: true,
                                    always: false,
                                },
                                ::rjango::models::lookups::Join {
                                    table: <#target_ty as ::rjango::models::Model>::table,
                                    from_column: #other,
                                    to_column: ::rjango::models::meta::pk_column::<#target_ty>(),
                                    multi: false,
                                    always: false,
                                },
                            ]
                        }
                    }
                    impl ::rjango::models::relations::ManyToMany for #id {}
                    #many_form
                    impl ::rjango::models::aggregates::Countable for #id {
                        type Model = #model;
                        fn target() -> (::std::vec::Vec<::rjango::models::lookups::Join>, &'static str) {
                            (
                                <#id as ::rjango::models::Relation>::joins(),
                                ::rjango::models::meta::pk_column::<#target_ty>(),
                            )
                        }
                        fn lookup_name() -> ::std::string::String {
                            ::std::string::String::from(#field_name)
                        }
                    }
                    ::rjango::__private::inventory::submit! {
                        ::rjango::models::deletion::RelatedColumn {
                            module: ::std::module_path!(),
                            model: #through_model,
                            field: #model_lower,
                            table: #through_fn,
                            pk_column: "id",
                            column: #own,
                            target: <#model as ::rjango::models::Model>::table,
                            on_delete: ::rjango::models::deletion::OnDelete::Cascade,
                            default: ::std::option::Option::None,
                        }
                    }
                    ::rjango::__private::inventory::submit! {
                        ::rjango::models::deletion::RelatedColumn {
                            module: ::std::module_path!(),
                            model: #through_model,
                            field: #target_lower,
                            table: #through_fn,
                            pk_column: "id",
                            column: #other,
                            target: <#target_ty as ::rjango::models::Model>::table,
                            on_delete: ::rjango::models::deletion::OnDelete::Cascade,
                            default: ::std::option::Option::None,
                        }
                    }
                    #[allow(dead_code)]
                    impl #model {
                        /// The related rows' manager: `all`, `add`, `remove`, `set`, `clear`.
                        pub fn #id(&self) -> ::rjango::models::ManyRelated<#id> {
                            ::rjango::models::ManyRelated::new(self)
                        }
                    }
                });
                // A symmetrical self-relation has no reverse accessor, as in Django.
                let default = (!self_ref).then(|| format!("{model_lower}_set"));
                if let Some(accessor) = accessor(related_name, default) {
                    let method = ReverseMethod {
                        asyncness: quote!(),
                        ret: quote!(::rjango::models::ManyRelated<::rjango::models::lookups::Reverse<#id>>),
                        body: quote!(::rjango::models::ManyRelated::new(self)),
                    };
                    let doc = format!(
                        "The `{name}` rows relating to this one through `{field_name}` (Django's reverse accessor)."
                    );
                    out.push(reverse_accessor(
                        name, field_name, &target_ty, &accessor, &doc, method,
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// A field's literal `default` as an expression of its type (a string, number or boolean, in
/// `Some` for a NULL-able field); anything else is the type's default.
fn literal_default(state: &FieldState) -> TokenStream {
    use rjango_schema::Value;
    let ft = &state.field_type;
    let text = matches!(
        ft,
        FieldType::CharField { .. }
            | FieldType::TextField
            | FieldType::SlugField { .. }
            | FieldType::EmailField { .. }
            | FieldType::URLField { .. }
    );
    let integer = matches!(
        ft,
        FieldType::IntegerField
            | FieldType::BigIntegerField
            | FieldType::SmallIntegerField
            | FieldType::PositiveIntegerField
            | FieldType::PositiveBigIntegerField
            | FieldType::PositiveSmallIntegerField
    );
    let value = match &state.default {
        Some(Value::Str(s)) if text => quote!(::std::convert::From::from(#s)),
        Some(Value::Int(i)) if integer => {
            let lit = proc_macro2::Literal::i64_unsuffixed(*i);
            quote!(#lit as _)
        }
        Some(Value::Int(i)) if matches!(ft, FieldType::FloatField) => {
            let lit = proc_macro2::Literal::f64_unsuffixed(*i as f64);
            quote!(#lit)
        }
        Some(Value::Float(f)) if matches!(ft, FieldType::FloatField) => {
            let lit = proc_macro2::Literal::f64_unsuffixed(*f);
            quote!(#lit)
        }
        Some(Value::Bool(b)) if matches!(ft, FieldType::BooleanField) => quote!(#b),
        _ => return quote!(::std::default::Default::default()),
    };
    if state.null {
        quote!(::std::option::Option::Some(#value))
    } else {
        value
    }
}

/// The ModelForm field of a model field (Django's `Field.formfield()`), for the field kinds
/// forms have; none for the others (relations, date-times, decimals, keys set by the
/// database), which `#[model_form]` then refuses at compile time.
fn model_form_field(
    c: &Column,
    id: &syn::Ident,
    stored: &syn::Type,
    model: &syn::Ident,
) -> TokenStream {
    let state = c.state;
    if state.form_field().is_none() {
        return quote!();
    }
    let (kind, widget, max_length, min_value) = match &state.field_type {
        FieldType::CharField { max_length, .. } => ("CharField", None, Some(*max_length), None),
        FieldType::TextField => ("CharField", Some("Textarea"), None, None),
        FieldType::EmailField { max_length } => ("EmailField", None, Some(*max_length), None),
        FieldType::SlugField { max_length } => ("SlugField", None, Some(*max_length), None),
        FieldType::IntegerField | FieldType::BigIntegerField | FieldType::SmallIntegerField => {
            ("IntegerField", None, None, None)
        }
        FieldType::PositiveIntegerField
        | FieldType::PositiveSmallIntegerField
        | FieldType::PositiveBigIntegerField => ("IntegerField", None, None, Some(0.0)),
        FieldType::FloatField => ("FloatField", None, None, None),
        FieldType::BooleanField => ("BooleanField", None, None, None),
        FieldType::DateField { .. } => ("DateField", None, None, None),
        FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. } => {
            ("ModelChoiceField", None, None, None)
        }
        _ => return quote!(),
    };
    let relation = kind == "ModelChoiceField";
    // String choices make a select, the empty choice first unless a default is chosen.
    let string_choices: Vec<(String, String)> = state
        .choices
        .iter()
        .filter_map(|(v, label)| match v {
            rjango_schema::Value::Str(s) => Some((s.clone(), label.clone())),
            _ => None,
        })
        .collect();
    let is_choice = kind == "CharField" && !string_choices.is_empty();
    let kind = syn::Ident::new(if is_choice { "ChoiceField" } else { kind }, id.span());
    let mut sets = Vec::new();
    if is_choice {
        let mut pairs = Vec::new();
        if state.blank || state.default.is_none() {
            pairs.push(quote!(("", "---------")));
        }
        for (v, l) in &string_choices {
            pairs.push(quote!((#v, #l)));
        }
        sets.push(quote!(__rjango_spec.choices = &[#(#pairs),*];));
    } else if let Some(w) = widget {
        let w = syn::Ident::new(w, id.span());
        sets.push(quote!(__rjango_spec.widget = ::rjango::forms::Widget::#w;));
    }
    if let Some(n) = max_length.filter(|_| !is_choice) {
        let n = n as usize;
        sets.push(quote!(__rjango_spec.max_length = ::std::option::Option::Some(#n);));
    }
    if let Some(v) = min_value {
        sets.push(quote!(__rjango_spec.min_value = ::std::option::Option::Some(#v);));
    }
    // Django: required unless blank; a BooleanField never (an unchecked box is false). A
    // blank number or date that is not NULL-able has no empty value to save (Django would
    // refuse the None at the model's validation): it stays required.
    let text = matches!(
        state.field_type,
        FieldType::CharField { .. }
            | FieldType::TextField
            | FieldType::EmailField { .. }
            | FieldType::SlugField { .. }
    );
    let required = match state.field_type {
        FieldType::BooleanField => false,
        _ if relation => !state.blank,
        _ if text || state.null => !state.blank,
        _ => true,
    };
    // The model field's literal default is the form's initial value (Django's `get_default()`).
    match &state.default {
        Some(rjango_schema::Value::Str(v)) => {
            sets.push(quote!(__rjango_spec.initial = ::std::option::Option::Some(#v);))
        }
        Some(rjango_schema::Value::Int(i)) => {
            let v = i.to_string();
            sets.push(quote!(__rjango_spec.initial = ::std::option::Option::Some(#v);))
        }
        Some(rjango_schema::Value::Float(f)) => {
            let v = f.to_string();
            sets.push(quote!(__rjango_spec.initial = ::std::option::Option::Some(#v);))
        }
        Some(rjango_schema::Value::Bool(true)) => {
            sets.push(quote!(__rjango_spec.initial = ::std::option::Option::Some("on");))
        }
        _ => {}
    }
    let verbose = state
        .verbose_name
        .clone()
        .unwrap_or_else(|| c.name.replace('_', " "));
    let mut label_chars = verbose.chars();
    let label: String = match label_chars.next() {
        Some(first) => first.to_uppercase().chain(label_chars).collect(),
        None => String::new(),
    };
    let help = state.help_text.clone().unwrap_or_default();
    let unique = state.unique;
    let name = c.name;
    // A relation's select lists the related rows, each as `str(row)`.
    let choices = relation.then(|| {
        let related = related_choices(&quote!(<#id as ::rjango::models::Relation>::To));
        quote! {
            #related

            fn choice(__rjango_key: ::std::string::String) -> ::rjango::forms::models::ChoiceFuture {
                ::std::boxed::Box::pin(async move {
                    let ::core::result::Result::Ok(__pk) = __rjango_key.trim().parse::<i64>() else {
                        return ::core::result::Result::Ok(::core::option::Option::None);
                    };
                    let mut __found = ::rjango::models::QuerySet::<
                        <#id as ::rjango::models::Relation>::To,
                    >::new()
                    .in_bulk([__pk])
                    .await?;
                    ::core::result::Result::Ok(__found.remove(&__pk).map(|__row| {
                        #[allow(unused_imports)]
                        use ::rjango::models::meta::{ViaDefault as _, ViaDisplay as _};
                        (
                            ::rjango::models::meta::pk_string(&::rjango::models::Model::pk(&__row)),
                            (&&::rjango::models::meta::ObjectStr(&__row)).object_str(),
                        )
                    }))
                })
            }
        }
    });
    let taken = unique.then(|| {
        quote! {
            fn is_taken<'__rjango>(
                __rjango_value: &'__rjango #stored,
                __rjango_instance: &'__rjango super::#model,
            ) -> ::rjango::__private::LocalBoxFuture<
                '__rjango,
                ::core::result::Result<bool, ::rjango::models::QueryError>,
            > {
                ::std::boxed::Box::pin(::rjango::forms::models::value_taken::<#id>(
                    ::rjango::models::ToSql::to_sql(__rjango_value),
                    __rjango_instance,
                ))
            }
        }
    });
    let field = &c.ident;
    quote! {
        impl ::rjango::forms::ModelFormField for #id {
            type Value = #stored;
            type Model = super::#model;
            fn value_of(__rjango_instance: &super::#model) -> #stored {
                ::core::clone::Clone::clone(&__rjango_instance.#field)
            }
            fn set_on(__rjango_instance: &mut super::#model, __rjango_value: &#stored) {
                __rjango_instance.#field = ::core::clone::Clone::clone(__rjango_value);
            }
            #taken
            const SPEC: ::rjango::forms::FieldSpec = {
                let mut __rjango_spec = ::rjango::forms::FieldSpec::new(#name, ::rjango::forms::FieldKind::#kind);
                __rjango_spec.required = #required;
                __rjango_spec.label = ::std::option::Option::Some(#label);
                __rjango_spec.help_text = #help;
                #(#sets)*
                __rjango_spec
            };
            const UNIQUE: bool = #unique;
            #choices
        }
    }
}

/// A relation's `ModelFormField::choices`: every row of the related model as (key, its text),
/// the text being `str(row)` (the model's `Display`, else Django's "Post object (1)"), which
/// only code naming the model can pick.
fn related_choices(to: &TokenStream) -> TokenStream {
    quote! {
        fn choices() -> ::rjango::forms::models::ChoicesFuture {
            ::std::boxed::Box::pin(async {
                let __rows = ::rjango::models::QuerySet::<#to>::new().all().await?;
                ::core::result::Result::Ok(::core::option::Option::Some(
                    __rows
                        .iter()
                        .map(|__row| {
                            #[allow(unused_imports)]
                            use ::rjango::models::meta::{ViaDefault as _, ViaDisplay as _};
                            (
                                ::rjango::models::meta::pk_string(&::rjango::models::Model::pk(__row)),
                                (&&::rjango::models::meta::ObjectStr(__row)).object_str(),
                            )
                        })
                        .collect(),
                ))
            })
        }
    }
}
