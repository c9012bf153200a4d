//! `#[admin::register(Post, ...)]` on `impl ModelAdmin for PostAdmin { ... }`: Django's
//! `@admin.register(Post)` with the ModelAdmin's options as its arguments. Every field name is
//! checked against the model when the project compiles (Django's admin.E108 and friends at
//! start-up), with a message naming the option and the model; the options become typed code
//! on the model's field handles.
//!
//! A macro sees only its own tokens, so it asks the model for its fields first: the model's
//! handles module (`post`) has a callback macro that hands them to `__admin_register!`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitBool, LitStr, Token};

/// One field of the model as its callback describes it.
struct ModelField {
    ident: Ident,
    kind: Ident,
    null: bool,
    editable: bool,
    choices: bool,
    label: String,
}

impl Parse for ModelField {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        syn::parenthesized!(content in input);
        let ident = content.call(Ident::parse_any_ident)?;
        let kind = content.parse()?;
        let null: LitBool = content.parse()?;
        let editable: LitBool = content.parse()?;
        let choices: LitBool = content.parse()?;
        let label: LitStr = content.parse()?;
        Ok(ModelField {
            ident,
            kind,
            null: null.value,
            editable: editable.value,
            choices: choices.value,
            label: label.value(),
        })
    }
}

trait ParseAnyIdent {
    fn parse_any_ident(input: ParseStream) -> syn::Result<Ident>;
}

impl ParseAnyIdent for Ident {
    fn parse_any_ident(input: ParseStream) -> syn::Result<Ident> {
        syn::ext::IdentExt::parse_any(input)
    }
}

/// A name in an option: `title`, or `"^title"` / `"-published"` with Django's prefix.
#[derive(Clone)]
struct Name {
    prefix: Option<char>,
    name: String,
    span: Span,
}

/// The parsed arguments.
#[derive(Default)]
struct Args {
    model: Option<syn::Path>,
    list_display: Option<Vec<Name>>,
    list_display_links: Option<Vec<Name>>,
    search_fields: Vec<Name>,
    list_filter: Vec<Name>,
    ordering: Vec<Name>,
    fields: Option<Vec<Name>>,
    exclude: Option<Vec<Name>>,
    list_per_page: Option<syn::LitInt>,
    readonly_fields: Vec<Name>,
    fieldsets: Option<Vec<FieldsetArg>>,
    date_hierarchy: Option<Name>,
    list_select_related: Option<SelectRelated>,
    save_as: bool,
    save_on_top: bool,
    inlines: Vec<syn::Path>,
    actions: Vec<syn::Path>,
    list_editable: Vec<Name>,
    raw_id_fields: Vec<Name>,
    autocomplete_fields: Vec<Name>,
    prepopulated_fields: Vec<(Name, Vec<Name>)>,
}

const OPTIONS: &str = "list_display, list_display_links, list_editable, list_filter, list_select_related, search_fields, date_hierarchy, ordering, fields, exclude, fieldsets, readonly_fields, prepopulated_fields, raw_id_fields, autocomplete_fields, list_per_page, save_as, save_on_top, inlines, actions";

/// `{slug: [title], code: [title, year]}`: Django's `prepopulated_fields = {"slug":
/// ("title",)}`.
fn prepopulated(input: ParseStream) -> syn::Result<Vec<(Name, Vec<Name>)>> {
    let content;
    syn::braced!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let ident: Ident = syn::ext::IdentExt::parse_any(&content)?;
        content.parse::<Token![:]>()?;
        let from = names(&content, &[])?;
        out.push((
            Name {
                prefix: None,
                name: syn::ext::IdentExt::unraw(&ident).to_string(),
                span: ident.span(),
            },
            from,
        ));
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

/// `list_select_related`: `true` (every foreign key that cannot be empty, as Django's
/// `select_related()`), `false` (the foreign keys `list_display` shows, Django's default),
/// or the foreign keys to read.
enum SelectRelated {
    All(bool),
    Fields(Vec<Name>),
}

/// One of `fieldsets`: `(None, [title, body])` or `("Advanced", [views], classes =
/// "collapse", description = "...")`.
struct FieldsetArg {
    name: Option<String>,
    fields: Vec<Name>,
    classes: String,
    description: Option<String>,
}

fn fieldsets(input: ParseStream) -> syn::Result<Vec<FieldsetArg>> {
    let content;
    syn::bracketed!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let tuple;
        syn::parenthesized!(tuple in content);
        let name = if tuple.peek(LitStr) {
            Some(tuple.parse::<LitStr>()?.value())
        } else {
            let none: Ident = tuple.parse()?;
            if none != "None" {
                return Err(syn::Error::new(
                    none.span(),
                    "fieldsets: each is (None or \"Title\", [fields], classes = \"...\", description = \"...\")",
                ));
            }
            None
        };
        tuple.parse::<Token![,]>()?;
        let fields = names(&tuple, &[])?;
        let (mut classes, mut description) = (String::new(), None);
        while !tuple.is_empty() {
            tuple.parse::<Token![,]>()?;
            if tuple.is_empty() {
                break;
            }
            let key: Ident = tuple.parse()?;
            tuple.parse::<Token![=]>()?;
            let value: LitStr = tuple.parse()?;
            match key.to_string().as_str() {
                "classes" => classes = value.value(),
                "description" => description = Some(value.value()),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "fieldsets: a fieldset has no option `{other}`; it takes classes and description"
                        ),
                    ));
                }
            }
        }
        out.push(FieldsetArg {
            name,
            fields,
            classes,
            description,
        });
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

/// `[PostInline, CommentInline]`
fn paths(input: ParseStream) -> syn::Result<Vec<syn::Path>> {
    let content;
    syn::bracketed!(content in input);
    let list = content.parse_terminated(syn::Path::parse, Token![,])?;
    Ok(list.into_iter().collect())
}

fn names(input: ParseStream, prefixes: &[char]) -> syn::Result<Vec<Name>> {
    let content;
    syn::bracketed!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let lit: LitStr = content.parse()?;
            let value = lit.value();
            let mut chars = value.chars();
            let (prefix, name) = match chars.next() {
                Some(c) if prefixes.contains(&c) => (Some(c), chars.as_str().to_owned()),
                _ => (None, value.clone()),
            };
            out.push(Name {
                prefix,
                name,
                span: lit.span(),
            });
        } else {
            let ident: Ident = syn::ext::IdentExt::parse_any(&content)?;
            out.push(Name {
                prefix: None,
                name: syn::ext::IdentExt::unraw(&ident).to_string(),
                span: ident.span(),
            });
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args {
            model: Some(input.parse()?),
            ..Args::default()
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "list_display" => args.list_display = Some(names(input, &[])?),
                "list_display_links" => args.list_display_links = Some(names(input, &[])?),
                "search_fields" => args.search_fields = names(input, &['^', '=', '@'])?,
                "list_filter" => args.list_filter = names(input, &[])?,
                "ordering" => args.ordering = names(input, &['-'])?,
                "fields" => args.fields = Some(names(input, &[])?),
                "exclude" => args.exclude = Some(names(input, &[])?),
                "readonly_fields" => args.readonly_fields = names(input, &[])?,
                "list_select_related" => {
                    args.list_select_related = Some(if input.peek(LitBool) {
                        SelectRelated::All(input.parse::<LitBool>()?.value)
                    } else {
                        SelectRelated::Fields(names(input, &[])?)
                    })
                }
                "date_hierarchy" => {
                    let ident: Ident = syn::ext::IdentExt::parse_any(input)?;
                    args.date_hierarchy = Some(Name {
                        prefix: None,
                        name: syn::ext::IdentExt::unraw(&ident).to_string(),
                        span: ident.span(),
                    });
                }
                "fieldsets" => args.fieldsets = Some(fieldsets(input)?),
                "list_per_page" => args.list_per_page = Some(input.parse()?),
                "save_as" => args.save_as = input.parse::<LitBool>()?.value,
                "save_on_top" => args.save_on_top = input.parse::<LitBool>()?.value,
                "inlines" => args.inlines = paths(input)?,
                "actions" => args.actions = paths(input)?,
                "list_editable" => args.list_editable = names(input, &[])?,
                "raw_id_fields" => args.raw_id_fields = names(input, &[])?,
                "autocomplete_fields" => args.autocomplete_fields = names(input, &[])?,
                "prepopulated_fields" => args.prepopulated_fields = prepopulated(input)?,
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "#[admin::register] has no option `{other}`; it takes the model, then {OPTIONS}"
                        ),
                    ));
                }
            }
        }
        Ok(args)
    }
}

/// `#[admin::register(Post, ...)]`: asks the model's handles module for its fields.
pub fn expand_register(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args: Args = match syn::parse2(attr.clone()) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    if let Err(e) = syn::parse2::<syn::ItemImpl>(item.clone()) {
        return syn::Error::new(
            e.span(),
            "#[admin::register(Model, ...)] goes on `impl ModelAdmin for MyAdmin { ... }`",
        )
        .to_compile_error();
    }
    let model = args.model.expect("parsed");
    let handles = crate::form::handles_module(&model);
    quote! {
        #handles::__rjango_model_fields! {
            ::rjango::contrib::admin::__admin_register { { #attr } { #item } }
        }
    }
}

/// `__admin_register! { {attr} {item} [fields] }`: the callback, with the model's fields.
pub fn expand_with_fields(input: TokenStream) -> TokenStream {
    match with_fields(input) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

struct Callback {
    attr: TokenStream,
    item: syn::ItemImpl,
    fields: Vec<ModelField>,
}

impl Parse for Callback {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attr;
        syn::braced!(attr in input);
        let item;
        syn::braced!(item in input);
        let fields;
        syn::bracketed!(fields in input);
        let mut list = Vec::new();
        while !fields.is_empty() {
            list.push(fields.parse()?);
        }
        Ok(Callback {
            attr: attr.parse()?,
            item: item.parse()?,
            fields: list,
        })
    }
}

fn with_fields(input: TokenStream) -> syn::Result<TokenStream> {
    let Callback {
        attr,
        mut item,
        fields,
    } = syn::parse2(input)?;
    if let Some(inline) = inline_marker(&attr) {
        return inline_with_fields(attr, inline, item, fields);
    }
    let args: Args = syn::parse2(attr)?;
    let model = args.model.clone().expect("parsed");
    let model_name = model
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let handles = crate::form::handles_module(&model);
    let find = |option: &str, n: &Name| find_field(&fields, &model_name, option, n);
    let handle = |f: &ModelField| {
        let h = format_ident!("{}", syn::ext::IdentExt::unraw(&f.ident).to_string());
        quote!(#handles::#h)
    };
    let is_relation = |f: &ModelField| f.kind == "ForeignKey" || f.kind == "OneToOneField";
    let order_fn = |f: &ModelField| {
        let h = handle(f);
        quote!(|__desc: bool| if __desc {
            ::rjango::models::Lookups::desc(#h)
        } else {
            ::rjango::models::Lookups::asc(#h)
        })
    };

    // A field's cell: a foreign key's row as text (when `select_related` read it, else its
    // key), a choice's label, else the value as its type shows.
    let cell_of = |f: &ModelField| -> TokenStream {
        let id = &f.ident;
        if is_relation(f) {
            let shown = quote! {
                match __fk.cached() {
                    ::std::option::Option::Some(__r) => ::rjango::contrib::admin::Cell::Text({
                        #[allow(unused_imports)]
                        use ::rjango::contrib::admin::display::{ViaDefault as _, ViaDisplay as _};
                        (&&::rjango::contrib::admin::display::ObjectStr(__r)).object_str()
                    }),
                    ::std::option::Option::None => ::rjango::contrib::admin::display::AdminDisplay::admin_display(__fk),
                }
            };
            if f.null {
                quote!(match &__o.#id {
                    ::std::option::Option::Some(__fk) => #shown,
                    ::std::option::Option::None => ::rjango::contrib::admin::Cell::Text(
                        ::std::string::String::from(::rjango::contrib::admin::display::EMPTY_VALUE_DISPLAY),
                    ),
                })
            } else {
                quote!({ let __fk = &__o.#id; #shown })
            }
        } else if f.choices {
            let h = handle(f);
            quote!(::rjango::contrib::admin::display::choice_display(
                ::rjango::contrib::admin::display::AdminDisplay::admin_display(&__o.#id),
                <#h as ::rjango::forms::ModelFormField>::SPEC.choices,
            ))
        } else {
            quote!(::rjango::contrib::admin::display::AdminDisplay::admin_display(&__o.#id))
        }
    };

    // list_display: each a column with its cell and its ordering.
    let mut columns = Vec::new();
    let mut related = Vec::new();
    let mut shown = Vec::new();
    // Const assertions that the fields named across relations exist.
    let mut checks = Vec::new();
    let mut hop = |option: &str, n: &Name| -> syn::Result<Option<Hop<'_>>> {
        let Some(h) = relation_hop(&fields, &model_name, option, n)? else {
            return Ok(None);
        };
        let fk = handle(h.fk);
        let to = quote!(<#fk as ::rjango::models::Relation>::To);
        let rest = &h.rest;
        let message = format!(
            "{option}: `{}`: the model `{}` reaches has no field `{rest}`",
            n.name, h.fk.ident
        );
        checks.push(quote::quote_spanned!(n.span=>
            const _: () = ::core::assert!(
                ::rjango::contrib::admin::utils::has_field::<#to>(#rest),
                #message
            );
        ));
        Ok(Some(Hop {
            fk,
            to,
            rest: h.rest,
            field: h.fk,
        }))
    };
    match &args.list_display {
        None => {
            columns.push(quote! {
                ::rjango::contrib::admin::Column {
                    name: "__str__",
                    label: ::rjango::contrib::admin::display::capfirst(
                        &::rjango::models::meta::model_verbose_name::<#model>(),
                    ),
                    display: |__o: &#model| ::rjango::contrib::admin::Cell::Text(
                        <Self as ::rjango::contrib::admin::ModelAdmin>::object_str(__o),
                    ),
                    order: ::std::option::Option::None,
                }
            });
            shown.push("__str__".to_owned());
        }
        Some(list) => {
            for n in list {
                if n.name == "__str__" {
                    shown.push(n.name.clone());
                    columns.push(quote! {
                        ::rjango::contrib::admin::Column {
                            name: "__str__",
                            label: ::rjango::contrib::admin::display::capfirst(
                                &::rjango::models::meta::model_verbose_name::<#model>(),
                            ),
                            display: |__o: &#model| ::rjango::contrib::admin::Cell::Text(
                                <Self as ::rjango::contrib::admin::ModelAdmin>::object_str(__o),
                            ),
                            order: ::std::option::Option::None,
                        }
                    });
                    continue;
                }
                if let Some(h) = hop("list_display", n)? {
                    let Hop {
                        fk,
                        to,
                        rest,
                        field,
                    } = h;
                    let id = &field.ident;
                    let cached = if field.null {
                        quote!(__o.#id.as_ref().and_then(|__fk| __fk.cached()))
                    } else {
                        quote!(__o.#id.cached())
                    };
                    let name = &n.name;
                    columns.push(quote! {
                        ::rjango::contrib::admin::Column {
                            name: #name,
                            label: ::rjango::contrib::admin::utils::related_label::<#to>(#rest),
                            display: |__o: &#model| ::rjango::contrib::admin::utils::related_cell::<#to>(#cached, #rest),
                            order: ::std::option::Option::Some(|__d: bool| ::rjango::contrib::admin::utils::related_order::<#fk>(#rest, __d)),
                        }
                    });
                    related.push(fk);
                    shown.push(n.name.clone());
                    continue;
                }
                if !fields
                    .iter()
                    .any(|f| syn::ext::IdentExt::unraw(&f.ident) == n.name)
                    && !fields
                        .iter()
                        .any(|f| close(&syn::ext::IdentExt::unraw(&f.ident).to_string(), &n.name))
                {
                    // Not a field nor a misspelled one: an #[admin::display] function.
                    let ident = syn::Ident::new(&n.name, n.span);
                    columns
                        .push(quote!(::rjango::contrib::admin::Column::<#model>::of::<#ident>()));
                    shown.push(n.name.clone());
                    continue;
                }
                let f = find("list_display", n)?;
                if f.kind == "ManyToManyField" {
                    return Err(syn::Error::new(
                        n.span,
                        format!(
                            "list_display: `{}` is a many-to-many field of {model_name}, which a column cannot show (Django's admin.E109)",
                            n.name
                        ),
                    ));
                }
                shown.push(n.name.clone());
                let name = &n.name;
                let label = &f.label;
                if is_relation(f) {
                    related.push(handle(f));
                }
                let display = cell_of(f);
                let order = order_fn(f);
                columns.push(quote! {
                    ::rjango::contrib::admin::Column {
                        name: #name,
                        label: ::std::string::String::from(#label),
                        display: |__o: &#model| #display,
                        order: ::std::option::Option::Some(#order),
                    }
                });
            }
        }
    }
    let links: Vec<String> = match &args.list_display_links {
        None => Vec::new(),
        Some(list) => list
            .iter()
            .map(|n| {
                if shown.contains(&n.name) {
                    Ok(n.name.clone())
                } else {
                    Err(syn::Error::new(
                        n.span,
                        format!(
                            "list_display_links: `{}` is not in list_display (Django's admin.E111)",
                            n.name
                        ),
                    ))
                }
            })
            .collect::<syn::Result<_>>()?,
    };

    // search_fields: Django's prefixes pick the lookup.
    let mut searches = Vec::new();
    for n in &args.search_fields {
        if let Some(Hop { fk, rest, .. }) = hop("search_fields", n)? {
            let prefix = match n.prefix {
                Some(c) => quote!(::std::option::Option::Some(#c)),
                None => quote!(::std::option::Option::None),
            };
            searches.push(quote!(|__w: &str| ::rjango::contrib::admin::utils::related_search::<#fk>(#rest, #prefix, __w)));
            continue;
        }
        let f = find("search_fields", n)?;
        let text = matches!(
            f.kind.to_string().as_str(),
            "CharField" | "TextField" | "SlugField" | "EmailField" | "URLField"
        );
        if !text {
            return Err(syn::Error::new(
                n.span,
                format!(
                    "search_fields: `{}` of {model_name} is {}; the admin searches text fields",
                    n.name,
                    with_article(&f.kind.to_string())
                ),
            ));
        }
        let h = handle(f);
        let lookup = match n.prefix {
            Some('^') => quote!(istartswith),
            Some('=') => quote!(iexact),
            // `@` is PostgreSQL's full-text search in Django; a contains search elsewhere.
            _ => quote!(icontains),
        };
        searches.push(quote!(|__w: &str| ::rjango::models::Lookups::#lookup(#h, __w)));
    }

    // list_filter: Django's filter for a boolean, a field with choices, a foreign key.
    let mut filters = Vec::new();
    for n in &args.list_filter {
        if !fields
            .iter()
            .any(|f| syn::ext::IdentExt::unraw(&f.ident) == n.name)
            && !fields
                .iter()
                .any(|f| close(&syn::ext::IdentExt::unraw(&f.ident).to_string(), &n.name))
            && !n.name.contains("__")
        {
            // Not a field nor a misspelled one: a SimpleListFilter of the model.
            let ident = syn::Ident::new(&n.name, n.span);
            filters.push(
                quote!(<#ident as ::rjango::contrib::admin::FilterOf<#model>>::list_filter()),
            );
            continue;
        }
        let f = find("list_filter", n)?;
        let h = handle(f);
        let kind = f.kind.to_string();
        let title = {
            let mut chars = f.label.chars();
            match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        };
        let name = &n.name;
        if kind == "DateField" || kind == "DateTimeField" {
            // Django's DateFieldListFilter: a range of dates (or of midnights in TIME_ZONE).
            let datetime = kind == "DateTimeField";
            let parse = if datetime {
                quote!(::rjango::contrib::admin::filters::parse_datetime)
            } else {
                quote!(::rjango::contrib::admin::filters::parse_date)
            };
            let null = f.null;
            let isnull = if null {
                quote! {
                    if let ::std::option::Option::Some(__n) = __r.is_null() {
                        __q = __and(__q, ::rjango::models::Lookups::isnull(#h, __n));
                    }
                }
            } else {
                quote!()
            };
            filters.push(quote! {
                ::rjango::contrib::admin::ListFilter {
                    title: ::std::string::String::from(#title),
                    kind: ::rjango::contrib::admin::FilterKind::Date {
                        field: #name,
                        datetime: #datetime,
                        null: #null,
                        condition: |__r: &::rjango::contrib::admin::DateRange<'_>| {
                            fn __and<__M>(
                                __a: ::std::option::Option<::rjango::models::Q<__M>>,
                                __b: ::rjango::models::Q<__M>,
                            ) -> ::std::option::Option<::rjango::models::Q<__M>> {
                                ::std::option::Option::Some(match __a {
                                    ::std::option::Option::Some(__a) => __a & __b,
                                    ::std::option::Option::None => __b,
                                })
                            }
                            let mut __q = ::std::option::Option::None;
                            if let ::std::option::Option::Some(__v) = __r.since.and_then(#parse) {
                                __q = __and(__q, ::rjango::models::Lookups::gte(#h, __v));
                            }
                            if let ::std::option::Option::Some(__v) = __r.until.and_then(#parse) {
                                __q = __and(__q, ::rjango::models::Lookups::lt(#h, __v));
                            }
                            #isnull
                            __q
                        },
                    },
                }
            });
            continue;
        }
        let (parameter, choices, condition) = if kind == "BooleanField" && !f.null {
            (
                format!("{name}__exact"),
                quote!(::rjango::contrib::admin::FilterChoices::Fixed(&[
                    ("1", "Yes"),
                    ("0", "No")
                ])),
                quote!(|__v: &str| match __v {
                    "1" => ::std::option::Option::Some(::rjango::models::Lookups::eq(#h, true)),
                    "0" => ::std::option::Option::Some(::rjango::models::Lookups::eq(#h, false)),
                    _ => ::std::option::Option::None,
                }),
            )
        } else if f.choices && matches!(kind.as_str(), "CharField" | "SlugField" | "EmailField") {
            (
                format!("{name}__exact"),
                quote!(::rjango::contrib::admin::FilterChoices::Fixed(
                    <#h as ::rjango::forms::ModelFormField>::SPEC.choices
                )),
                quote!(|__v: &str| ::std::option::Option::Some(::rjango::models::Lookups::eq(#h, __v))),
            )
        } else if (kind == "ForeignKey" || kind == "OneToOneField") && f.editable {
            (
                format!("{name}__id__exact"),
                quote!(::rjango::contrib::admin::FilterChoices::Related(
                    <#h as ::rjango::forms::ModelFormField>::choices
                )),
                quote!(|__v: &str| __v
                    .parse::<i64>()
                    .ok()
                    .map(|__id| ::rjango::models::Lookups::eq(#h, __id))),
            )
        } else {
            return Err(syn::Error::new(
                n.span,
                format!(
                    "list_filter: `{}` of {model_name} is {}; the admin filters booleans, text fields with choices, dates and foreign keys for now",
                    n.name,
                    with_article(&f.kind.to_string())
                ),
            ));
        };
        filters.push(quote! {
            ::rjango::contrib::admin::ListFilter {
                title: ::std::string::String::from(#title),
                kind: ::rjango::contrib::admin::FilterKind::Exact {
                    parameter: #parameter,
                    choices: #choices,
                    condition: #condition,
                },
            }
        });
    }

    // ordering: the option's, else the model's Meta.ordering (the queryset's own).
    let mut ordering = Vec::new();
    for n in &args.ordering {
        if let Some(Hop { fk, rest, .. }) = hop("ordering", n)? {
            let (name, desc) = (&n.name, n.prefix == Some('-'));
            ordering.push(quote!((#name, #desc, |__d: bool| ::rjango::contrib::admin::utils::related_order::<#fk>(#rest, __d))));
            continue;
        }
        let f = find("ordering", n)?;
        let name = &n.name;
        let desc = n.prefix == Some('-');
        let order = order_fn(f);
        ordering.push(quote!((#name, #desc, #order)));
    }

    // date_hierarchy: a date or date-time field (Django's admin.E128).
    let hierarchy = match &args.date_hierarchy {
        None => quote!(),
        Some(n) => {
            let f = find("date_hierarchy", n)?;
            if f.kind != "DateField" && f.kind != "DateTimeField" {
                return Err(syn::Error::new(
                    n.span,
                    format!(
                        "date_hierarchy: `{}` of {model_name} is {}; it must be a DateField or DateTimeField (Django's admin.E128)",
                        n.name,
                        with_article(&f.kind.to_string())
                    ),
                ));
            }
            let h = handle(f);
            let name = &n.name;
            quote! {
                __options.date_hierarchy = ::std::option::Option::Some(::rjango::contrib::admin::DateHierarchy {
                    field: #name,
                    dates: |__q, __kind| ::std::boxed::Box::pin(async move {
                        __q.dates(#h, __kind, ::rjango::models::Order::Asc).await
                    }),
                    condition: |__y, __m, __d| {
                        let mut __q = ::rjango::models::Lookups::year(#h).eq(__y);
                        if let ::std::option::Option::Some(__m) = __m {
                            __q = __q & ::rjango::models::Lookups::month(#h).eq(__m);
                        }
                        if let ::std::option::Option::Some(__d) = __d {
                            __q = __q & ::rjango::models::Lookups::day(#h).eq(__d);
                        }
                        __q
                    },
                });
            }
        }
    };

    // readonly_fields: shown as text on the form, each a field or an #[admin::display]
    // function (as list_display's columns are).
    let mut readonly = Vec::new();
    for n in &args.readonly_fields {
        let name = &n.name;
        let own = fields
            .iter()
            .find(|f| syn::ext::IdentExt::unraw(&f.ident) == n.name);
        match own {
            Some(f) if f.kind == "ManyToManyField" => {
                return Err(syn::Error::new(
                    n.span,
                    format!(
                        "readonly_fields: `{}` of {model_name} is a many-to-many field, which the admin does not show as text yet; leave it out of the form with `exclude` instead",
                        n.name
                    ),
                ));
            }
            Some(f) => {
                let cell = cell_of(f);
                let label = &f.label;
                readonly.push(quote! {
                    ::rjango::contrib::admin::Column {
                        name: #name,
                        label: ::std::string::String::from(#label),
                        display: |__o: &#model| #cell,
                        order: ::std::option::Option::None,
                    }
                });
            }
            None if fields
                .iter()
                .any(|f| close(&syn::ext::IdentExt::unraw(&f.ident).to_string(), &n.name)) =>
            {
                find("readonly_fields", n)?;
            }
            None => {
                let ident = syn::Ident::new(&n.name, n.span);
                readonly.push(quote!(::rjango::contrib::admin::Column::<#model>::of::<#ident>()));
            }
        }
    }
    let is_readonly = |n: &Name| args.readonly_fields.iter().any(|r| r.name == n.name);

    // fieldsets: the form's layout, and (as `fields`) what it edits.
    if args.fieldsets.is_some() && args.fields.is_some() {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[admin::register] takes `fields` or `fieldsets`, not both (Django's admin.E005)",
        ));
    }
    let laid_out: Option<Vec<Name>> = match (&args.fieldsets, &args.fields) {
        (Some(sets), _) => Some(sets.iter().flat_map(|f| f.fields.clone()).collect()),
        (None, Some(list)) => Some(list.clone()),
        (None, None) => None,
    };
    let editable_names: Option<Vec<Name>> = laid_out
        .as_ref()
        .map(|list| list.iter().filter(|n| !is_readonly(n)).cloned().collect());

    // The form: `fields` (or the fieldsets'), else every editable field but `exclude`; never
    // a read-only one.
    let readonly_idents: Vec<&Ident> = fields
        .iter()
        .filter(|f| {
            args.readonly_fields
                .iter()
                .any(|r| syn::ext::IdentExt::unraw(&f.ident) == r.name)
        })
        .map(|f| &f.ident)
        .collect();
    let form_fields = form_fields(
        &fields,
        &editable_names,
        &args.exclude,
        &readonly_idents,
        &model_name,
        if args.fieldsets.is_some() {
            "fieldsets"
        } else {
            "fields"
        },
    )?;
    let layout: Vec<TokenStream> = match &args.fieldsets {
        Some(sets) => sets
            .iter()
            .map(|set| {
                let name = match &set.name {
                    Some(n) => quote!(::std::option::Option::Some(#n)),
                    None => quote!(::std::option::Option::None),
                };
                let description = match &set.description {
                    Some(d) => quote!(::std::option::Option::Some(#d)),
                    None => quote!(::std::option::Option::None),
                };
                let classes = &set.classes;
                let names: Vec<&String> = set.fields.iter().map(|n| &n.name).collect();
                quote! {
                    ::rjango::contrib::admin::Fieldset {
                        name: #name,
                        classes: #classes,
                        description: #description,
                        fields: &[#(#names),*],
                    }
                }
            })
            .collect(),
        None => match &laid_out {
            // `fields` orders the form's fields and the read-only ones together.
            Some(list) => {
                let names: Vec<&String> = list.iter().map(|n| &n.name).collect();
                vec![quote! {
                    ::rjango::contrib::admin::Fieldset {
                        name: ::std::option::Option::None,
                        classes: "",
                        description: ::std::option::Option::None,
                        fields: &[#(#names),*],
                    }
                }]
            }
            None => Vec::new(),
        },
    };
    let form_idents: Vec<&Ident> = form_fields.iter().map(|f| &f.ident).collect();
    let self_name = match &*item.self_ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.clone())
            .unwrap_or_else(|| format_ident!("Admin")),
        _ => format_ident!("Admin"),
    };
    let form = format_ident!("__RjangoAdminForm{}", self_name);
    let per_page = args
        .list_per_page
        .as_ref()
        .map(|n| quote!(__options.list_per_page = #n;));
    let (save_as, save_on_top) = (args.save_as, args.save_on_top);
    let inlines = &args.inlines;
    let actions: Vec<TokenStream> = args
        .actions
        .iter()
        .map(|a| {
            quote!(__options.actions.push(
                ::rjango::contrib::admin::ActionEntry::<#model>::of::<#a>()
            );)
        })
        .collect();
    match &args.list_select_related {
        None | Some(SelectRelated::All(false)) => {}
        Some(SelectRelated::All(true)) => {
            related = fields
                .iter()
                .filter(|f| is_relation(f) && !f.null)
                .map(&handle)
                .collect();
        }
        Some(SelectRelated::Fields(list)) => {
            related = Vec::new();
            for n in list {
                let f = find("list_select_related", n)?;
                if !is_relation(f) {
                    return Err(syn::Error::new(
                        n.span,
                        format!(
                            "list_select_related: `{}` of {model_name} is {}, not a foreign key",
                            n.name,
                            with_article(&f.kind.to_string())
                        ),
                    ));
                }
                related.push(handle(f));
            }
        }
    }
    // Each foreign key once (`author` and `author__name` read the same row).
    let mut seen = std::collections::HashSet::new();
    related.retain(|h| seen.insert(h.to_string()));
    let select_related = if related.is_empty() {
        quote!()
    } else {
        quote!(__options.select_related = |__q| __q #(.select_related(#related))*;)
    };

    // list_editable: fields of list_display edited on the change list (Django's checks
    // admin.E121 to E125).
    let mut editable_fields = Vec::new();
    for n in &args.list_editable {
        let f = find("list_editable", n)?;
        let problem = if !shown.contains(&n.name) {
            Some("is not in list_display (Django's admin.E122)".to_owned())
        } else if links.contains(&n.name) {
            Some(
                "cannot be in both list_editable and list_display_links (Django's admin.E123)"
                    .to_owned(),
            )
        } else if links.is_empty() && shown.first() == Some(&n.name) {
            Some("is the first column of list_display, the link to the change form; set list_display_links to edit it here (Django's admin.E124)".to_owned())
        } else if !f.editable || f.kind == "ManyToManyField" {
            Some(format!(
                "({}) cannot be edited by the admin's form yet (Django's admin.E125)",
                f.kind
            ))
        } else if is_readonly(n) {
            Some("is in readonly_fields".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(syn::Error::new(
                n.span,
                format!("list_editable: `{}` of {model_name} {problem}", n.name),
            ));
        }
        editable_fields.push(&f.ident);
    }
    let list_form = format_ident!("__RjangoAdminListForm{}", self_name);
    let (list_form_decl, list_editable) = if editable_fields.is_empty() {
        (quote!(), quote!())
    } else {
        let doc = format!("The change list's form of each {model_name} row (list_editable).");
        (
            quote! {
                #[doc = #doc]
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                #[::rjango::forms::model_form(model = #model, fields = [#(#editable_fields),*])]
                pub struct #list_form;
            },
            quote!(__options.list_editable = ::std::option::Option::Some(
                ::rjango::contrib::admin::ListEditable::of::<#list_form>()
            );),
        )
    };

    // raw_id_fields and autocomplete_fields: a foreign key shown as its key, or searched
    // (Django's admin.E002/E003 and E037/E038); autocomplete's related model needs a
    // ModelAdmin with search_fields (admin.E039/E040), which the compiler checks.
    let mut relation_widgets: Vec<(String, TokenStream)> = Vec::new();
    for (option, list, kind) in [
        (
            "autocomplete_fields",
            &args.autocomplete_fields,
            quote!(autocomplete),
        ),
        ("raw_id_fields", &args.raw_id_fields, quote!(raw_id)),
    ] {
        for n in list {
            let f = find(option, n)?;
            if !is_relation(f) {
                return Err(syn::Error::new(
                    n.span,
                    format!(
                        "{option}: `{}` of {model_name} is {}; it must be a foreign key{}",
                        n.name,
                        with_article(&f.kind.to_string()),
                        if f.kind == "ManyToManyField" {
                            " (a many-to-many field is a multiple select there, not yet a key to type or search for)"
                        } else {
                            " (Django's admin.E003)"
                        }
                    ),
                ));
            }
            // In both: autocomplete wins, as in Django's formfield_for_foreignkey.
            if relation_widgets.iter().any(|(name, _)| *name == n.name) {
                continue;
            }
            let h = handle(f);
            let name = &n.name;
            if option == "autocomplete_fields" {
                checks.push(quote::quote_spanned!(n.span=>
                    const _: () = {
                        fn __rjango_autocomplete<__T: ::rjango::contrib::admin::AutocompleteTarget>() {}
                        let _ = __rjango_autocomplete::<<#h as ::rjango::models::Relation>::To>;
                    };
                ));
            }
            relation_widgets.push((
                n.name.clone(),
                quote!(__options.relation_widgets.push(
                    ::rjango::contrib::admin::RelationWidget::#kind::<#h>(#name)
                );),
            ));
        }
    }
    let relation_widgets: Vec<TokenStream> = relation_widgets.into_iter().map(|(_, t)| t).collect();
    let autocomplete_target = if args.search_fields.is_empty() {
        quote!()
    } else {
        quote!(impl ::rjango::contrib::admin::AutocompleteTarget for #model {})
    };

    // prepopulated_fields: a slug filled from other fields as they are typed (Django's
    // admin.E027 to E030).
    let mut prepopulated = Vec::new();
    for (target, from) in &args.prepopulated_fields {
        let f = find("prepopulated_fields", target)?;
        if matches!(
            f.kind.to_string().as_str(),
            "DateTimeField" | "ForeignKey" | "OneToOneField" | "ManyToManyField"
        ) {
            return Err(syn::Error::new(
                target.span,
                format!(
                    "prepopulated_fields: `{}` of {model_name} is {}, which cannot be filled from other fields (Django's admin.E028)",
                    target.name,
                    with_article(&f.kind.to_string())
                ),
            ));
        }
        if from.is_empty() {
            return Err(syn::Error::new(
                target.span,
                format!(
                    "prepopulated_fields: `{}` names no field to fill it from",
                    target.name
                ),
            ));
        }
        for d in from {
            find("prepopulated_fields", d)?;
        }
        let name = &target.name;
        let from: Vec<&String> = from.iter().map(|d| &d.name).collect();
        prepopulated.push(quote!((#name, &[#(#from),*] as &'static [&'static str])));
    }

    let generated: Vec<syn::ImplItem> = vec![
        syn::parse_quote!(type Model = #model;),
        syn::parse_quote!(type Form = #form;),
        syn::parse_quote! {
            fn options() -> ::rjango::contrib::admin::Options<#model> {
                let mut __options = ::rjango::contrib::admin::Options::new();
                __options.list_display = ::std::vec![#(#columns),*];
                __options.list_display_links = ::std::vec![#(#links),*];
                __options.search_fields = ::std::vec![#(#searches),*];
                __options.list_filter = ::std::vec![#(#filters),*];
                __options.ordering = ::std::vec![#(#ordering),*];
                __options.save_as = #save_as;
                __options.save_on_top = #save_on_top;
                #select_related
                #per_page
                #(__options.inlines.add::<#inlines>();)*
                #(#actions)*
                __options.readonly_fields = ::std::vec![#(#readonly),*];
                __options.fieldsets = ::std::vec![#(#layout),*];
                #hierarchy
                #list_editable
                #(#relation_widgets)*
                __options.prepopulated_fields = ::std::vec![#(#prepopulated),*];
                __options
            }
        },
        syn::parse_quote! {
            fn object_str(__object: &#model) -> ::std::string::String {
                #[allow(unused_imports)]
                use ::rjango::contrib::admin::display::{ViaDefault as _, ViaDisplay as _};
                (&&::rjango::contrib::admin::display::ObjectStr(__object)).object_str()
            }
        },
    ];
    for g in generated.into_iter().rev() {
        item.items.insert(0, g);
    }
    let doc = format!("The admin's add and change form of {model_name}.");
    let key_message = format!(
        "the admin reaches {model_name}'s rows by their integer keys; a model keyed by another type cannot be registered yet"
    );
    Ok(quote! {
        const _: () = ::core::assert!(
            <#model as ::rjango::models::Model>::INTEGER_PK,
            #key_message
        );
        #(#checks)*

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[::rjango::forms::model_form(model = #model, fields = [#(#form_idents),*])]
        pub struct #form;

        #list_form_decl
        #autocomplete_target

        #item
    })
}

/// A name across one foreign key (`author__name`), as the macro writes it.
struct Hop<'a> {
    /// The foreign key's handle (`post::author`).
    fk: TokenStream,
    /// The related model (`<post::author as Relation>::To`).
    to: TokenStream,
    /// The related model's field (`name`).
    rest: String,
    field: &'a ModelField,
}

/// The two halves of `author__name`: the foreign key (a field of the model) and the field
/// of the related model. None for a name of the model's own.
struct RawHop<'a> {
    fk: &'a ModelField,
    rest: String,
}

fn relation_hop<'a>(
    fields: &'a [ModelField],
    model_name: &str,
    option: &str,
    n: &Name,
) -> syn::Result<Option<RawHop<'a>>> {
    let Some((first, rest)) = n.name.split_once("__") else {
        return Ok(None);
    };
    let fk = fields
        .iter()
        .find(|f| syn::ext::IdentExt::unraw(&f.ident) == first)
        .ok_or_else(|| {
            syn::Error::new(
                n.span,
                format!(
                    "{option}: `{}`: {model_name} has no field `{first}`",
                    n.name
                ),
            )
        })?;
    if fk.kind != "ForeignKey" && fk.kind != "OneToOneField" {
        return Err(syn::Error::new(
            n.span,
            format!(
                "{option}: `{}`: `{first}` of {model_name} is {}, which no lookup crosses",
                n.name,
                with_article(&fk.kind.to_string())
            ),
        ));
    }
    if rest.contains("__") || rest.is_empty() {
        return Err(syn::Error::new(
            n.span,
            format!(
                "{option}: `{}` reaches across more than one relation, which the admin does not do yet",
                n.name
            ),
        ));
    }
    Ok(Some(RawHop {
        fk,
        rest: rest.to_owned(),
    }))
}

/// Whether `b` looks like a misspelling of `a` (at most two edits apart).
fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()] <= 2
}

/// The model's field that an option names, or the error naming the option and the model.
fn find_field<'a>(
    fields: &'a [ModelField],
    model_name: &str,
    option: &str,
    n: &Name,
) -> syn::Result<&'a ModelField> {
    if n.name.contains("__") {
        return Err(syn::Error::new(
            n.span,
            format!(
                "{option}: `{}` reaches across a relation, which the admin does not do yet; name a field of {model_name} itself",
                n.name
            ),
        ));
    }
    fields
        .iter()
        .find(|f| syn::ext::IdentExt::unraw(&f.ident) == n.name)
        .ok_or_else(|| {
            syn::Error::new(
                n.span,
                format!(
                    "{option}: {model_name} has no field `{}`; its fields are {}",
                    n.name,
                    fields
                        .iter()
                        .map(|f| syn::ext::IdentExt::unraw(&f.ident).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

/// The fields a form of the admin edits: `fields`, else every editable field but `exclude`
/// (and but `skip`: an inline's foreign key to its parent).
fn form_fields<'a>(
    all: &'a [ModelField],
    fields: &Option<Vec<Name>>,
    exclude: &Option<Vec<Name>>,
    skip: &[&Ident],
    model_name: &str,
    fields_option: &str,
) -> syn::Result<Vec<&'a ModelField>> {
    let find = |option: &str, n: &Name| find_field(all, model_name, option, n);
    let skipped = |f: &ModelField| skip.contains(&&f.ident);
    let editable = all.iter().filter(|f| f.editable && !skipped(f));
    let chosen: Vec<&ModelField> = match (fields, exclude) {
        (Some(_), Some(_)) => {
            return Err(syn::Error::new(
                Span::call_site(),
                "the admin takes `fields` or `exclude`, not both",
            ));
        }
        (Some(list), None) => list
            .iter()
            .map(|n| {
                let f = find(fields_option, n)?;
                if skipped(f) {
                    Err(syn::Error::new(
                        n.span,
                        format!(
                            "{fields_option}: `{}` is the foreign key to the parent, which the inline sets itself",
                            n.name
                        ),
                    ))
                } else if f.editable {
                    Ok(f)
                } else {
                    Err(syn::Error::new(
                        n.span,
                        format!(
                            "{fields_option}: `{}` ({}) of {model_name} cannot be edited by the admin's form yet; list it in readonly_fields to show it",
                            n.name, f.kind
                        ),
                    ))
                }
            })
            .collect::<syn::Result<_>>()?,
        (None, Some(list)) => {
            for n in list {
                find("exclude", n)?;
            }
            editable
                .filter(|f| !list.iter().any(|n| syn::ext::IdentExt::unraw(&f.ident) == n.name))
                .collect()
        }
        (None, None) => editable.collect(),
    };
    if chosen.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("the admin's form of {model_name} would edit no field"),
        ));
    }
    Ok(chosen)
}

/// "an IntegerField", "a CharField".
fn with_article(kind: &str) -> String {
    let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

/// `#[admin::tabular_inline(Post, ...)]` / `stacked_inline`: Django's `TabularInline` and
/// `StackedInline`, their options checked against the model as `register`'s are.
pub fn expand_inline(attr: TokenStream, item: TokenStream, stacked: bool) -> TokenStream {
    let args: InlineArgs = match syn::parse2(attr.clone()) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    let macro_name = if stacked {
        "stacked_inline"
    } else {
        "tabular_inline"
    };
    if let Err(e) = syn::parse2::<syn::ItemImpl>(item.clone()) {
        return syn::Error::new(
            e.span(),
            format!(
                "#[admin::{macro_name}(Model, ...)] goes on `impl InlineModelAdmin for MyInline {{ ... }}`"
            ),
        )
        .to_compile_error();
    }
    let handles = crate::form::handles_module(&args.model);
    let marker = format_ident!(
        "{}",
        if stacked {
            INLINE_STACKED
        } else {
            INLINE_TABULAR
        }
    );
    quote! {
        #handles::__rjango_model_fields! {
            ::rjango::contrib::admin::__admin_register { { #marker #attr } { #item } }
        }
    }
}

const INLINE_TABULAR: &str = "__rjango_tabular_inline";
const INLINE_STACKED: &str = "__rjango_stacked_inline";

/// Whether the callback's arguments are an inline's (then: stacked or not).
fn inline_marker(attr: &TokenStream) -> Option<bool> {
    match attr.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Ident(i)) if i == INLINE_TABULAR => Some(false),
        Some(proc_macro2::TokenTree::Ident(i)) if i == INLINE_STACKED => Some(true),
        _ => None,
    }
}

/// An inline's arguments.
struct InlineArgs {
    model: syn::Path,
    fk_name: Option<Name>,
    fields: Option<Vec<Name>>,
    exclude: Option<Vec<Name>>,
    extra: Option<syn::LitInt>,
    min_num: Option<syn::LitInt>,
    max_num: Option<syn::LitInt>,
    can_delete: Option<LitBool>,
}

const INLINE_OPTIONS: &str = "fk_name, fields, exclude, extra, min_num, max_num, can_delete";

impl Parse for InlineArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Ident) {
            let first: Ident = input.fork().parse()?;
            if first == INLINE_TABULAR || first == INLINE_STACKED {
                input.parse::<Ident>()?;
            }
        }
        let mut args = InlineArgs {
            model: input.parse()?,
            fk_name: None,
            fields: None,
            exclude: None,
            extra: None,
            min_num: None,
            max_num: None,
            can_delete: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "fk_name" => {
                    let ident: Ident = syn::ext::IdentExt::parse_any(input)?;
                    args.fk_name = Some(Name {
                        prefix: None,
                        name: syn::ext::IdentExt::unraw(&ident).to_string(),
                        span: ident.span(),
                    });
                }
                "fields" => args.fields = Some(names(input, &[])?),
                "exclude" => args.exclude = Some(names(input, &[])?),
                "extra" => args.extra = Some(input.parse()?),
                "min_num" => args.min_num = Some(input.parse()?),
                "max_num" => args.max_num = Some(input.parse()?),
                "can_delete" => args.can_delete = Some(input.parse()?),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "an admin inline has no option `{other}`; it takes the model, then {INLINE_OPTIONS}"
                        ),
                    ));
                }
            }
        }
        Ok(args)
    }
}

/// The inline's impl, once the model's fields are known.
fn inline_with_fields(
    attr: TokenStream,
    stacked: bool,
    mut item: syn::ItemImpl,
    fields: Vec<ModelField>,
) -> syn::Result<TokenStream> {
    let args: InlineArgs = syn::parse2(attr)?;
    let model = &args.model;
    let model_name = model
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let handles = crate::form::handles_module(model);
    let keys: Vec<&ModelField> = fields
        .iter()
        .filter(|f| f.kind == "ForeignKey" || f.kind == "OneToOneField")
        .collect();
    let key_names = || {
        keys.iter()
            .map(|f| syn::ext::IdentExt::unraw(&f.ident).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Django's `_get_foreign_key`: the one foreign key, or the one `fk_name` names.
    let fk: &ModelField = match &args.fk_name {
        Some(n) => keys
            .iter()
            .find(|f| syn::ext::IdentExt::unraw(&f.ident) == n.name)
            .copied()
            .ok_or_else(|| {
                syn::Error::new(
                    n.span,
                    format!(
                        "fk_name: {model_name} has no foreign key `{}`; its foreign keys are {} (Django's admin.E202)",
                        n.name,
                        if keys.is_empty() { "none".to_owned() } else { key_names() }
                    ),
                )
            })?,
        None => match keys.as_slice() {
            [one] => one,
            [] => {
                return Err(syn::Error::new(
                    syn::spanned::Spanned::span(model),
                    format!(
                        "{model_name} has no ForeignKey, so it cannot be shown inline on another model's page (Django's admin.E202)"
                    ),
                ));
            }
            _ => {
                return Err(syn::Error::new(
                    syn::spanned::Spanned::span(model),
                    format!(
                        "{model_name} has more than one ForeignKey ({}); name the one to the parent with `fk_name = ...` (Django's admin.E202)",
                        key_names()
                    ),
                ));
            }
        },
    };
    // An inline's rows edit no many-to-many field yet: its rows would show none chosen, and
    // saving them would unrelate what they had.
    let many: Vec<&Ident> = fields
        .iter()
        .filter(|f| f.kind == "ManyToManyField")
        .map(|f| &f.ident)
        .collect();
    if let Some(n) = args
        .fields
        .iter()
        .flatten()
        .find(|n| many.iter().any(|m| syn::ext::IdentExt::unraw(*m) == n.name))
    {
        return Err(syn::Error::new(
            n.span,
            format!(
                "fields: `{}` of {model_name} is a many-to-many field, which an inline's rows do not edit yet",
                n.name
            ),
        ));
    }
    let mut skipped = vec![&fk.ident];
    skipped.extend(many);
    let form_fields = form_fields(
        &fields,
        &args.fields,
        &args.exclude,
        &skipped,
        &model_name,
        "fields",
    )?;
    let form_idents: Vec<&Ident> = form_fields.iter().map(|f| &f.ident).collect();
    let fk_ident = &fk.ident;
    let fk_handle = {
        let h = format_ident!("{}", syn::ext::IdentExt::unraw(fk_ident).to_string());
        quote!(#handles::#h)
    };
    let set_parent = if fk.null {
        quote!(__object.#fk_ident = ::std::option::Option::Some(::rjango::models::ForeignKey::new(__parent));)
    } else {
        quote!(__object.#fk_ident = ::rjango::models::ForeignKey::new(__parent);)
    };
    let self_name = match &*item.self_ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.clone())
            .unwrap_or_else(|| format_ident!("Inline")),
        _ => format_ident!("Inline"),
    };
    let form = format_ident!("__RjangoInlineForm{}", self_name);
    let mut set_options = Vec::new();
    if let Some(n) = &args.extra {
        set_options.push(quote!(__options.extra = #n;));
    }
    if let Some(n) = &args.min_num {
        set_options.push(quote!(__options.min_num = #n;));
    }
    if let Some(n) = &args.max_num {
        set_options.push(quote!(__options.max_num = ::std::option::Option::Some(#n);));
    }
    if let Some(b) = &args.can_delete {
        set_options.push(quote!(__options.can_delete = #b;));
    }
    let generated: Vec<syn::ImplItem> = vec![
        syn::parse_quote!(type Model = #model;),
        syn::parse_quote!(type Form = #form;),
        syn::parse_quote!(type Parent = <#fk_handle as ::rjango::models::Relation>::To;),
        syn::parse_quote! {
            fn options() -> ::rjango::contrib::admin::InlineOptions {
                #[allow(unused_mut)]
                let mut __options = ::rjango::contrib::admin::InlineOptions {
                    stacked: #stacked,
                    ..::std::default::Default::default()
                };
                #(#set_options)*
                __options
            }
        },
        syn::parse_quote! {
            fn prefix() -> ::std::string::String {
                // Django's accessor name: the related_name, else `<model>_set`.
                let __name = <#fk_handle as ::rjango::models::Relation>::reverse_lookup_name();
                if __name == <#model as ::rjango::models::Model>::NAME.to_lowercase() {
                    ::std::format!("{__name}_set")
                } else {
                    __name
                }
            }
        },
        syn::parse_quote! {
            fn of_parent(__parent: i64) -> ::rjango::models::Q<#model> {
                ::rjango::models::Lookups::eq(#fk_handle, __parent)
            }
        },
        syn::parse_quote! {
            fn set_parent(__object: &mut #model, __parent: i64) {
                #set_parent
            }
        },
        syn::parse_quote! {
            fn object_str(__object: &#model) -> ::std::string::String {
                #[allow(unused_imports)]
                use ::rjango::contrib::admin::display::{ViaDefault as _, ViaDisplay as _};
                (&&::rjango::contrib::admin::display::ObjectStr(__object)).object_str()
            }
        },
    ];
    for g in generated.into_iter().rev() {
        item.items.insert(0, g);
    }
    let self_ty = &item.self_ty;
    let parent = quote!(<#fk_handle as ::rjango::models::Relation>::To);
    let doc = format!("The admin inline's form of {model_name}.");
    let key_message = format!(
        "the admin reaches {model_name}'s rows by their integer keys; a model keyed by another type cannot be an inline yet"
    );
    Ok(quote! {
        const _: () = ::core::assert!(
            <#model as ::rjango::models::Model>::INTEGER_PK,
            #key_message
        );

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[::rjango::forms::model_form(model = #model, fields = [#(#form_idents),*])]
        pub struct #form;

        #item

        impl ::rjango::contrib::admin::InlineOf<#parent> for #self_ty {
            fn inline() -> ::rjango::contrib::admin::InlineBox<#parent> {
                ::rjango::contrib::admin::InlineBox::of::<Self>()
            }
        }
    })
}

/// `#[admin::action(description = "...", permissions = [change])]` on
/// `async fn name(request: &HttpRequest, queryset: QuerySet<Post>) -> ActionResult`: Django's
/// `@admin.action`. The function becomes a unit type of the same name implementing
/// `Action<Post>`, which `actions = [name]` lists; its body is kept as written.
pub fn expand_action(attr: TokenStream, item: TokenStream) -> TokenStream {
    match action(attr, item) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

const ACTION_SHAPE: &str = "an admin action is `async fn name(request: &HttpRequest, queryset: QuerySet<Model>) -> ActionResult`";

fn action(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: syn::ItemFn = syn::parse2(item).map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("#[admin::action] goes on a function: {ACTION_SHAPE}"),
        )
    })?;
    let mut description = None;
    let mut permissions = Vec::new();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("description") {
            description = Some(meta.value()?.parse::<LitStr>()?.value());
            Ok(())
        } else if meta.path.is_ident("permissions") {
            let value = meta.value()?;
            let content;
            syn::bracketed!(content in value);
            let list = content.parse_terminated(Ident::parse, Token![,])?;
            for p in list {
                if !["view", "add", "change", "delete"].contains(&p.to_string().as_str()) {
                    return Err(syn::Error::new(
                        p.span(),
                        format!("permissions: `{p}` is none of view, add, change and delete"),
                    ));
                }
                permissions.push(p.to_string());
            }
            Ok(())
        } else {
            Err(meta.error("#[admin::action] takes description = \"...\" and permissions = [...]"))
        }
    });
    syn::parse::Parser::parse2(parser, attr)?;
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(sig.fn_token.span, ACTION_SHAPE));
    }
    let inputs: Vec<&syn::FnArg> = sig.inputs.iter().collect();
    let model = match inputs.as_slice() {
        [syn::FnArg::Typed(_), syn::FnArg::Typed(q)] => queryset_model(&q.ty),
        _ => None,
    }
    .ok_or_else(|| syn::Error::new(syn::spanned::Spanned::span(&sig.inputs), ACTION_SHAPE))?;
    let name = &sig.ident;
    let name_str = syn::ext::IdentExt::unraw(name).to_string();
    let description = description.unwrap_or_else(|| default_description(&name_str));
    let vis = &function.vis;
    let (docs, inner) = split_docs(&function);
    Ok(quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        impl ::rjango::contrib::admin::Action<#model> for #name {
            const NAME: &'static str = #name_str;
            const DESCRIPTION: &'static str = #description;
            const PERMISSIONS: &'static [&'static str] = &[#(#permissions),*];
            fn run<'__rjango_a>(
                __request: &'__rjango_a ::rjango::http::HttpRequest,
                __queryset: ::rjango::models::QuerySet<#model>,
            ) -> ::rjango::contrib::admin::ActionFuture<'__rjango_a> {
                #inner
                ::std::boxed::Box::pin(#name(__request, __queryset))
            }
        }
    })
}

/// `M` of `QuerySet<M>` (any path ending so).
fn queryset_model(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "QuerySet" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// `#[admin::display(description = "...", ordering = field)]` on `fn name(object: &Post) ->
/// T` (T shown as a field of its type is): Django's `@admin.display`. The function becomes a
/// unit type of the same name implementing `DisplayColumn<Post>`, which `list_display` names.
pub fn expand_display(attr: TokenStream, item: TokenStream) -> TokenStream {
    match display(attr, item) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

const DISPLAY_SHAPE: &str = "an admin display function is `fn name(object: &Model) -> T`, T a value the change list shows (text, a number, a bool, a date, an Option of one)";

fn display(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: syn::ItemFn = syn::parse2(item).map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("#[admin::display] goes on a function: {DISPLAY_SHAPE}"),
        )
    })?;
    let mut description = None;
    let mut ordering: Option<Name> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("description") {
            description = Some(meta.value()?.parse::<LitStr>()?.value());
            Ok(())
        } else if meta.path.is_ident("ordering") {
            let value = meta.value()?;
            let (prefix, name, span) = if value.peek(LitStr) {
                let lit: LitStr = value.parse()?;
                let v = lit.value();
                match v.strip_prefix('-') {
                    Some(rest) => (Some('-'), rest.to_owned(), lit.span()),
                    None => (None, v, lit.span()),
                }
            } else {
                let ident: Ident = syn::ext::IdentExt::parse_any(value)?;
                (
                    None,
                    syn::ext::IdentExt::unraw(&ident).to_string(),
                    ident.span(),
                )
            };
            ordering = Some(Name { prefix, name, span });
            Ok(())
        } else {
            Err(meta.error("#[admin::display] takes description = \"...\" and ordering = field"))
        }
    });
    syn::parse::Parser::parse2(parser, attr)?;
    let sig = &function.sig;
    let model = match sig.inputs.iter().collect::<Vec<_>>().as_slice() {
        [syn::FnArg::Typed(t)] => match &*t.ty {
            syn::Type::Reference(r) => match &*r.elem {
                syn::Type::Path(p) => Some(p.path.clone()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| syn::Error::new(syn::spanned::Spanned::span(&sig.inputs), DISPLAY_SHAPE))?;
    if sig.asyncness.is_some() || matches!(sig.output, syn::ReturnType::Default) {
        return Err(syn::Error::new(
            syn::spanned::Spanned::span(sig),
            DISPLAY_SHAPE,
        ));
    }
    let name = &sig.ident;
    let name_str = syn::ext::IdentExt::unraw(name).to_string();
    let description = description.unwrap_or_else(|| default_description(&name_str));
    let order = match &ordering {
        None => quote!(::std::option::Option::None),
        Some(n) => {
            let handles = crate::form::handles_module(&model);
            let h = syn::Ident::new(&n.name, n.span);
            let desc = n.prefix == Some('-');
            quote!(::std::option::Option::Some(if __descending != #desc {
                ::rjango::models::Lookups::desc(#handles::#h)
            } else {
                ::rjango::models::Lookups::asc(#handles::#h)
            }))
        }
    };
    let vis = &function.vis;
    let (docs, inner) = split_docs(&function);
    Ok(quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        impl ::rjango::contrib::admin::DisplayColumn<#model> for #name {
            const NAME: &'static str = #name_str;
            const DESCRIPTION: &'static str = #description;
            fn cell(__object: &#model) -> ::rjango::contrib::admin::Cell {
                #inner
                ::rjango::contrib::admin::AdminDisplay::admin_display(&#name(__object))
            }
            fn order(__descending: bool) -> ::std::option::Option<::rjango::models::lookups::OrderBy<#model>> {
                #order
            }
        }
    })
}

/// Django's default description of an action or a display function: its name, underscores
/// as spaces, capitalized ("make_published" is "Make published").
fn default_description(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A function an attribute turns into a unit type of its name: its doc comments (for the
/// type), and the function itself, private and without them, to nest in the type's impl.
fn split_docs(function: &syn::ItemFn) -> (Vec<&syn::Attribute>, syn::ItemFn) {
    let docs = function
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let mut inner = function.clone();
    inner.vis = syn::Visibility::Inherited;
    inner.attrs.retain(|a| !a.path().is_ident("doc"));
    (docs, inner)
}
