//! `#[derive(Form)]`: a struct's fields become a Django form's fields, the struct itself its
//! cleaned data. Options are checked here with spans, the type/field agreement by the compiler.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

const KINDS: &[&str] = &[
    "CharField",
    "EmailField",
    "SlugField",
    "IntegerField",
    "FloatField",
    "BooleanField",
    "DateField",
    "ChoiceField",
];
const WIDGETS: &[&str] = &[
    "TextInput",
    "EmailInput",
    "NumberInput",
    "PasswordInput",
    "HiddenInput",
    "DateInput",
    "Textarea",
    "CheckboxInput",
    "Select",
];

pub fn expand(input: TokenStream) -> TokenStream {
    match derive(input) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

struct FieldDecl {
    ident: syn::Ident,
    ty: syn::Type,
    kind: Option<syn::Ident>,
    sets: Vec<TokenStream>,
    required: Option<bool>,
    clean: Option<syn::Path>,
}

fn derive(input: TokenStream) -> syn::Result<TokenStream> {
    let item: syn::DeriveInput = syn::parse2(input)?;
    let name = &item.ident;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.generics,
            "#[derive(Form)] takes a struct without generic parameters",
        ));
    }
    let syn::Data::Struct(data) = &item.data else {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[derive(Form)] goes on a struct whose named fields are the form's fields",
        ));
    };
    let syn::Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &data.fields,
            "#[derive(Form)] needs named fields: each is one of the form's fields",
        ));
    };
    let mut form_clean: Option<syn::Path> = None;
    for attr in item.attrs.iter().filter(|a| a.path().is_ident("form")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("clean") {
                form_clean = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error(
                    "#[form(...)] takes `clean = path::to::fn` (Django's Form.clean(): fn(&mut Self) -> Result<(), ValidationError>)",
                ))
            }
        })?;
    }
    let fields = named
        .named
        .iter()
        .map(parse_field)
        .collect::<syn::Result<Vec<_>>>()?;

    let mut specs = Vec::new();
    let mut cleans = Vec::new();
    let mut checks = Vec::new();
    for (index, f) in fields.iter().enumerate() {
        let ty = &f.ty;
        let field_name = f.ident.to_string();
        let field_name = field_name.strip_prefix("r#").unwrap_or(&field_name);
        let kind = match &f.kind {
            Some(k) => quote!(::rjango::forms::FieldKind::#k),
            None => quote!(<#ty as ::rjango::forms::FormValue>::KIND),
        };
        let sets = &f.sets;
        let required = match f.required {
            Some(r) => quote!(#r),
            None => quote!(!<#ty as ::rjango::forms::FormValue>::OPTIONAL),
        };
        specs.push(quote! {{
            let mut __rjango_spec = ::rjango::forms::FieldSpec::new(#field_name, #kind);
            __rjango_spec.required = #required;
            #(#sets)*
            __rjango_spec
        }});
        let span = f.ty.span();
        if let Some(k) = &f.kind {
            let message = format!("#[field({k})] does not clean to this field's type");
            checks.push(quote_spanned! {span=>
                const _: () = ::core::assert!(
                    ::rjango::forms::fields::accepts(
                        <#ty as ::rjango::forms::FormValue>::KIND,
                        ::rjango::forms::FieldKind::#k,
                    ),
                    #message,
                );
            });
        }
        if f.required == Some(false) {
            checks.push(quote_spanned! {span=>
                const _: () = ::core::assert!(
                    <#ty as ::rjango::forms::FormValue>::OPTIONAL
                        || ::core::matches!(
                            <#ty as ::rjango::forms::FormValue>::KIND,
                            ::rjango::forms::FieldKind::CharField
                                | ::rjango::forms::FieldKind::BooleanField
                        ),
                    "`required = false` on a field that can't be empty: make its type an Option",
                );
            });
        }
        let ident = &f.ident;
        let local = quote::format_ident!("__rjango_field_{}", index);
        let clean_call = f.clean.as_ref().map(|path| {
            quote! {
                let #local = match #local {
                    ::core::option::Option::Some(value) => cleaner.check(#index, #path(value)),
                    ::core::option::Option::None => ::core::option::Option::None,
                };
            }
        });
        cleans.push((ident.clone(), local, ty.clone(), index, clean_call));
    }

    let lets = cleans.iter().map(|(_, local, ty, index, clean_call)| {
        quote! {
            let #local: ::core::option::Option<#ty> =
                cleaner.field::<#ty>(#index, &<Self as ::rjango::forms::Form>::FIELDS[#index]);
            #clean_call
        }
    });
    let builds = cleans
        .iter()
        .map(|(ident, local, ..)| quote!(#ident: #local?));
    let initials = fields.iter().map(|f| {
        let ident = &f.ident;
        let ty = &f.ty;
        quote!(<#ty as ::rjango::forms::FormValue>::to_form_value(&self.#ident))
    });
    let clean_fn = form_clean.map(|path| {
        quote! {
            fn clean(&mut self) -> ::core::result::Result<(), ::rjango::forms::ValidationError> {
                #path(self)
            }
        }
    });
    Ok(quote! {
        #(#checks)*
        impl ::rjango::forms::Form for #name {
            const FIELDS: &'static [::rjango::forms::FieldSpec] = &[#(#specs),*];

            fn clean_fields(
                cleaner: &mut ::rjango::forms::Cleaner<'_>,
            ) -> ::core::option::Option<Self> {
                #(#lets)*
                ::core::option::Option::Some(#name { #(#builds),* })
            }

            #clean_fn

            fn initial_values(&self) -> ::std::vec::Vec<::core::option::Option<::std::string::String>> {
                ::std::vec![#(#initials),*]
            }
        }
    })
}

fn parse_field(field: &syn::Field) -> syn::Result<FieldDecl> {
    let ident = field.ident.clone().expect("named field");
    let mut decl = FieldDecl {
        ident,
        ty: field.ty.clone(),
        kind: None,
        sets: Vec::new(),
        required: None,
        clean: None,
    };
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if KINDS.contains(&key.as_str()) {
                if meta.input.peek(syn::Token![=]) {
                    return Err(meta.error(format!("`{key}` names the field's class; it takes no value")));
                }
                decl.kind = Some(meta.path.get_ident().cloned().expect("ident"));
                return Ok(());
            }
            match key.as_str() {
                "label" | "help_text" | "initial" => {
                    let s: syn::LitStr = meta.value()?.parse()?;
                    let k = quote::format_ident!("{}", key);
                    decl.sets.push(if key == "help_text" {
                        quote!(__rjango_spec.#k = #s;)
                    } else {
                        quote!(__rjango_spec.#k = ::core::option::Option::Some(#s);)
                    });
                }
                "max_length" | "min_length" => {
                    let n: syn::LitInt = meta.value()?.parse()?;
                    n.base10_parse::<usize>()?;
                    let k = quote::format_ident!("{}", key);
                    decl.sets.push(quote!(__rjango_spec.#k = ::core::option::Option::Some(#n);));
                }
                "min_value" | "max_value" => {
                    let v: syn::Expr = meta.value()?.parse()?;
                    let k = quote::format_ident!("{}", key);
                    decl.sets
                        .push(quote!(__rjango_spec.#k = ::core::option::Option::Some((#v) as f64);));
                }
                "required" | "strip" | "disabled" => {
                    let b: syn::LitBool = meta.value()?.parse()?;
                    if key == "required" {
                        decl.required = Some(b.value);
                    } else {
                        let k = quote::format_ident!("{}", key);
                        decl.sets.push(quote!(__rjango_spec.#k = #b;));
                    }
                }
                "choices" => {
                    let list: syn::ExprArray = meta.value()?.parse()?;
                    let mut pairs = Vec::new();
                    for elem in &list.elems {
                        let syn::Expr::Tuple(t) = elem else {
                            return Err(syn::Error::new_spanned(elem, "a choice is (\"value\", \"label\")"));
                        };
                        if t.elems.len() != 2 {
                            return Err(syn::Error::new_spanned(t, "a choice is (\"value\", \"label\")"));
                        }
                        let (v, l) = (&t.elems[0], &t.elems[1]);
                        pairs.push(quote!((#v, #l)));
                    }
                    decl.sets.push(quote!(__rjango_spec.choices = &[#(#pairs),*];));
                }
                "attrs" => {
                    let list: syn::ExprArray = meta.value()?.parse()?;
                    let mut pairs = Vec::new();
                    for elem in &list.elems {
                        match elem {
                            syn::Expr::Tuple(t) if t.elems.len() == 2 => {
                                let (n, v) = (&t.elems[0], &t.elems[1]);
                                pairs.push(quote!((#n, #v)));
                            }
                            _ => return Err(syn::Error::new_spanned(elem, "an attribute is (\"name\", \"value\"); an empty value writes the bare name")),
                        }
                    }
                    decl.sets.push(quote!(__rjango_spec.attrs = &[#(#pairs),*];));
                }
                "widget" => {
                    let w: syn::Ident = meta.value()?.parse()?;
                    if !WIDGETS.contains(&w.to_string().as_str()) {
                        return Err(syn::Error::new_spanned(
                            &w,
                            format!("unknown widget `{w}`; rjango has {}", WIDGETS.join(", ")),
                        ));
                    }
                    decl.sets.push(quote!(__rjango_spec.widget = ::rjango::forms::Widget::#w;));
                }
                "clean" => {
                    decl.clean = Some(meta.value()?.parse()?);
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown form field option `{key}`; #[field(...)] takes a field class ({}) and label, help_text, required, max_length, min_length, min_value, max_value, choices, strip, disabled, initial, widget, attrs, clean",
                        KINDS.join(", ")
                    )))
                }
            }
            Ok(())
        })?;
    }
    Ok(decl)
}

/// `#[model_form(model = Post, fields = [title, body])] pub struct PostForm;`: a form of those
/// fields of the model, each typed and specified by the model field (through its handle,
/// `post::title`, so a name the model lacks does not compile).
pub fn expand_model_form(attr: TokenStream, item: TokenStream) -> TokenStream {
    match model_form(attr, item) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

/// The second step of `#[model_form(exclude = [...])]` (or `fields = "__all__"`): called back
/// by the model's field list, `{ attr } { item } [fields]`.
pub fn expand_with_model_fields(input: TokenStream) -> TokenStream {
    let mut trees = input.into_iter();
    let group = |t: Option<proc_macro2::TokenTree>| match t {
        Some(proc_macro2::TokenTree::Group(g)) => Ok(g.stream()),
        _ => Err(syn::Error::new(
            Span::call_site(),
            "__model_form_fields: malformed call",
        )),
    };
    let parsed = (|| -> syn::Result<TokenStream> {
        let attr = group(trees.next())?;
        let item = group(trees.next())?;
        let fields = group(trees.next())?;
        let all: Vec<syn::Ident> = syn::parse::Parser::parse2(
            syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
            fields,
        )?
        .into_iter()
        .collect();
        model_form_with(attr, item, Some(all))
    })();
    parsed.unwrap_or_else(|e| e.to_compile_error())
}

fn model_form(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    model_form_with(attr, item, None)
}

fn model_form_with(
    attr: TokenStream,
    item: TokenStream,
    model_fields: Option<Vec<syn::Ident>>,
) -> syn::Result<TokenStream> {
    let attr_tokens = attr.clone();
    let item_tokens = item.clone();
    let item: syn::ItemStruct = syn::parse2(item)?;
    if !matches!(item.fields, syn::Fields::Unit) {
        return Err(syn::Error::new_spanned(
            &item.fields,
            "#[model_form] writes the struct's fields from the model's: declare it as `pub struct PostForm;`",
        ));
    }
    let mut model: Option<syn::Path> = None;
    let mut fields: Vec<syn::Ident> = Vec::new();
    let mut all = false;
    let mut exclude: Option<Vec<syn::Ident>> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("model") {
            model = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("fields") && meta.input.peek2(syn::LitStr) {
            let s: syn::LitStr = meta.value()?.parse()?;
            if s.value() != "__all__" {
                return Err(syn::Error::new_spanned(
                    s,
                    "`fields` is a list of names, or \"__all__\" (every field a form can edit)",
                ));
            }
            all = true;
        } else if meta.path.is_ident("exclude") {
            let list: syn::ExprArray = meta.value()?.parse()?;
            let mut names = Vec::new();
            for e in &list.elems {
                match e {
                    syn::Expr::Path(p) if p.path.get_ident().is_some() => {
                        names.push(p.path.get_ident().cloned().expect("ident"));
                    }
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "a field of the model, by name: `exclude = [body]`",
                        ));
                    }
                }
            }
            exclude = Some(names);
        } else if meta.path.is_ident("fields") {
            let list: syn::ExprArray = meta.value()?.parse()?;
            for e in &list.elems {
                match e {
                    syn::Expr::Path(p) if p.path.get_ident().is_some() => {
                        fields.push(p.path.get_ident().cloned().expect("ident"));
                    }
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "a field of the model, by name: `fields = [title, body]`",
                        ));
                    }
                }
            }
        } else {
            return Err(meta.error(
                "#[model_form] takes `model = Post` and `fields = [title, body]`, `fields = \"__all__\"` or `exclude = [body]` (Django's Meta.model, Meta.fields and Meta.exclude)",
            ));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;
    let Some(model) = model else {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[model_form] needs `model = Post`",
        ));
    };
    let handles = handles_module(&model);
    if (all || exclude.is_some()) && !fields.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[model_form] takes a list of `fields` or `exclude`, not both",
        ));
    }
    if all || exclude.is_some() {
        let Some(model_fields) = model_fields else {
            // Ask the model for its field list: its handles module calls back.
            return Ok(quote! {
                #handles::__rjango_form_fields! {
                    ::rjango::forms::__model_form_fields { { #attr_tokens } { #item_tokens } }
                }
            });
        };
        let excluded = exclude.unwrap_or_default();
        for e in &excluded {
            if !model_fields.iter().any(|f| f == e) {
                return Err(syn::Error::new_spanned(
                    e,
                    format!(
                        "`{e}` is not a field this ModelForm would edit; the model's are: {}",
                        model_fields
                            .iter()
                            .map(|f| f.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        fields = model_fields
            .into_iter()
            .filter(|f| !excluded.iter().any(|e| e == f))
            .collect();
    }
    if fields.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[model_form] needs `fields = [...]` (or `exclude = [...]`): the model fields the form edits",
        ));
    }

    let vis = &item.vis;
    let name = &item.ident;
    let attrs = &item.attrs;
    let handle = |f: &syn::Ident| {
        let h = crate::model::field_ident(&syn::ext::IdentExt::unraw(f).to_string());
        let h = syn::Ident::new(&h.to_string(), f.span());
        quote!(#handles::#h)
    };
    let decls = fields.iter().map(|f| {
        let h = handle(f);
        quote!(pub #f: <#h as ::rjango::forms::ModelFormField>::Value)
    });
    let specs = fields.iter().map(|f| {
        let h = handle(f);
        quote!(<#h as ::rjango::forms::ModelFormField>::SPEC)
    });
    let locals: Vec<syn::Ident> = (0..fields.len())
        .map(|i| quote::format_ident!("__rjango_field_{}", i))
        .collect();
    let cleans = fields
        .iter()
        .zip(&locals)
        .enumerate()
        .map(|(i, (f, local))| {
            let h = handle(f);
            quote! {
                let #local = cleaner.field::<<#h as ::rjango::forms::ModelFormField>::Value>(
                    #i,
                    &<Self as ::rjango::forms::Form>::FIELDS[#i],
                );
            }
        });
    let builds = fields.iter().zip(&locals).map(|(f, l)| quote!(#f: #l?));
    let initials = fields
        .iter()
        .map(|f| quote!(::rjango::forms::FormValue::to_form_value(&self.#f)));
    let from_instance = fields.iter().map(|f| {
        let h = handle(f);
        quote!(#f: <#h as ::rjango::forms::ModelFormField>::value_of(instance))
    });
    let applies = fields.iter().map(|f| {
        let h = handle(f);
        quote!(<#h as ::rjango::forms::ModelFormField>::set_on(instance, &self.#f);)
    });
    let load_many = fields.iter().map(|f| {
        let h = handle(f);
        quote! {
            if let ::core::option::Option::Some(__v) =
                <#h as ::rjango::forms::ModelFormField>::load_many(__rjango_instance).await?
            {
                self.#f = __v;
            }
        }
    });
    let save_many = fields.iter().map(|f| {
        let h = handle(f);
        quote!(<#h as ::rjango::forms::ModelFormField>::save_many(__rjango_instance, &self.#f).await?;)
    });
    let relation_choices = fields.iter().enumerate().map(|(i, f)| {
        let h = handle(f);
        quote! {
            if !__rjango_skip.contains(&#i) {
                if let ::core::option::Option::Some(__c) =
                    <#h as ::rjango::forms::ModelFormField>::choices().await?
                {
                    __choices.push((#i, __c));
                }
            }
        }
    });
    let relation_choice = fields.iter().enumerate().map(|(i, f)| {
        let h = handle(f);
        quote!(#i => <#h as ::rjango::forms::ModelFormField>::choice(__rjango_key),)
    });
    let unique_values = fields.iter().enumerate().map(|(i, f)| {
        let h = handle(f);
        quote! {
            if <#h as ::rjango::forms::ModelFormField>::UNIQUE {
                if let ::core::option::Option::Some(__v) =
                    ::rjango::forms::FormValue::to_form_value(&self.#f)
                {
                    __values.push((#i, __v));
                }
            }
        }
    });
    let uniques = fields.iter().enumerate().map(|(i, f)| {
        let h = handle(f);
        quote! {
            if <#h as ::rjango::forms::ModelFormField>::UNIQUE
                && <#h as ::rjango::forms::ModelFormField>::is_taken(&self.#f, instance).await?
            {
                __taken.push((
                    #i,
                    ::rjango::forms::models::unique_message(
                        <#model as ::rjango::models::Model>::NAME,
                        <#h as ::rjango::forms::ModelFormField>::SPEC.label.unwrap_or(""),
                    ),
                ));
            }
        }
    });
    Ok(quote! {
        #(#attrs)*
        #vis struct #name {
            #(#decls),*
        }

        impl ::rjango::forms::Form for #name {
            const FIELDS: &'static [::rjango::forms::FieldSpec] = &[#(#specs),*];

            fn clean_fields(
                cleaner: &mut ::rjango::forms::Cleaner<'_>,
            ) -> ::core::option::Option<Self> {
                #(#cleans)*
                ::core::option::Option::Some(#name { #(#builds),* })
            }

            fn initial_values(&self) -> ::std::vec::Vec<::core::option::Option<::std::string::String>> {
                ::std::vec![#(#initials),*]
            }
        }

        impl ::rjango::forms::ModelForm for #name {
            type Model = #model;

            fn from_instance(instance: &#model) -> Self {
                #name { #(#from_instance),* }
            }

            fn apply(&self, instance: &mut #model) {
                #(#applies)*
            }

            fn load_m2m<'__rjango>(
                &'__rjango mut self,
                __rjango_instance: &'__rjango #model,
            ) -> ::rjango::__private::LocalBoxFuture<
                '__rjango,
                ::core::result::Result<(), ::rjango::models::QueryError>,
            > {
                ::std::boxed::Box::pin(async move {
                    #(#load_many)*
                    ::core::result::Result::Ok(())
                })
            }

            fn save_m2m<'__rjango>(
                &'__rjango self,
                __rjango_instance: &'__rjango #model,
            ) -> ::rjango::__private::LocalBoxFuture<
                '__rjango,
                ::core::result::Result<(), ::rjango::models::QueryError>,
            > {
                ::std::boxed::Box::pin(async move {
                    #(#save_many)*
                    ::core::result::Result::Ok(())
                })
            }

            fn relation_choices_except(
                __rjango_skip: ::std::vec::Vec<usize>,
            ) -> ::rjango::forms::models::RelationChoicesFuture {
                ::std::boxed::Box::pin(async move {
                    let mut __choices = ::std::vec::Vec::new();
                    #(#relation_choices)*
                    ::core::result::Result::Ok(__choices)
                })
            }

            fn relation_choice(
                __rjango_index: usize,
                __rjango_key: ::std::string::String,
            ) -> ::rjango::forms::models::ChoiceFuture {
                match __rjango_index {
                    #(#relation_choice)*
                    _ => ::std::boxed::Box::pin(async {
                        ::core::result::Result::Ok(::core::option::Option::None)
                    }),
                }
            }

            fn unique_values(&self) -> ::std::vec::Vec<(usize, ::std::string::String)> {
                let mut __values = ::std::vec::Vec::new();
                #(#unique_values)*
                __values
            }

            fn taken<'a>(
                &'a self,
                instance: &'a #model,
            ) -> ::rjango::__private::LocalBoxFuture<
                'a,
                ::core::result::Result<
                    ::std::vec::Vec<(usize, ::std::string::String)>,
                    ::rjango::models::QueryError,
                >,
            > {
                ::std::boxed::Box::pin(async move {
                    let mut __taken = ::std::vec::Vec::new();
                    #(#uniques)*
                    ::core::result::Result::Ok(__taken)
                })
            }
        }
    })
}

/// The field handles' module of a model: `Post` -> `post`, beside the model.
pub fn handles_module(model: &syn::Path) -> syn::Path {
    let mut handles = model.clone();
    let last = handles.segments.last_mut().expect("a path has a segment");
    let module = crate::model::field_ident(&crate::model::snake_case(
        &syn::ext::IdentExt::unraw(&last.ident).to_string(),
    ));
    last.ident = module;
    last.arguments = syn::PathArguments::None;
    handles
}
