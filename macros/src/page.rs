//! `rjango::page!`: the askama template struct of a view's page. Django finds a generic view's
//! template by name at run time (`polls/question_list.html`) and puts its object in the context
//! under the model's name (`question_list`, `question`); askama needs both at compile time, so
//! this macro works them out from the page's context type and the app whose module declares it.

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Field, Ident, LitStr, Token, Type, Visibility, braced, parenthesized};

/// `pub struct IndexPage(ListContext<Question>) = "polls/index.html", context_object_name = x { extra fields }`
struct PageDecl {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    context: Type,
    path: Option<LitStr>,
    context_object_name: Option<Ident>,
    model: Option<syn::Path>,
    extra: Vec<Field>,
}

impl Parse for PageDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name = input.parse()?;
        let inner;
        parenthesized!(inner in input);
        let context = inner.parse()?;
        let path = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        let mut page = PageDecl {
            attrs,
            vis,
            name,
            context,
            path,
            context_object_name: None,
            model: None,
            extra: Vec::new(),
        };
        while input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() || input.peek(syn::token::Brace) {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "context_object_name" => page.context_object_name = Some(input.parse()?),
                "model" => page.model = Some(input.parse()?),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown page option `{key}`: a page takes `= \"app/template.html\"`, `context_object_name = name` and `model = Model` (for a ModelFormContext)"
                        ),
                    ));
                }
            }
        }
        if input.peek(syn::token::Brace) {
            let fields;
            braced!(fields in input);
            let named: Punctuated<Field, Token![,]> =
                fields.parse_terminated(Field::parse_named, Token![,])?;
            page.extra = named.into_iter().collect();
        }
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
        }
        if !input.is_empty() {
            return Err(input.error("expected the end of the page declaration"));
        }
        Ok(page)
    }
}

/// What Django's view puts its object under, and its template's suffix, per context type.
enum Kind {
    /// ListContext: `<model>_list`, `_list.html`.
    List,
    /// DetailContext: `<model>`, `_detail.html`.
    Detail,
    /// ModelFormContext: `<model>`, `_form.html`; the model is named with `model = ...`.
    ModelForm,
    /// DeleteContext: `<model>`, `_confirm_delete.html`.
    Delete,
    /// TemplateContext, FormContext and the others: no object, the template must be named.
    Other,
}

impl Kind {
    fn of(context: &Type) -> (Kind, Option<&Type>) {
        let Type::Path(path) = context else {
            return (Kind::Other, None);
        };
        let Some(last) = path.path.segments.last() else {
            return (Kind::Other, None);
        };
        let arg = match &last.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        };
        let kind = match last.ident.to_string().as_str() {
            "ListContext" => Kind::List,
            "DetailContext" => Kind::Detail,
            "ModelFormContext" => Kind::ModelForm,
            "DeleteContext" => Kind::Delete,
            _ => Kind::Other,
        };
        (kind, arg)
    }

    fn template_suffix(&self) -> &'static str {
        match self {
            Kind::List => "_list",
            Kind::Detail => "_detail",
            Kind::ModelForm => "_form",
            Kind::Delete => "_confirm_delete",
            Kind::Other => "",
        }
    }
}

/// Django's `model._meta.model_name`: the model's name in lowercase (`BlogPost` is
/// `blogpost`).
fn model_name(path: &syn::Path) -> Option<String> {
    path.segments
        .last()
        .map(|s| s.ident.to_string().to_lowercase())
}

fn type_model_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => model_name(&p.path),
        _ => None,
    }
}

/// The app whose module declares the page: the directory of its file (`src/polls/views.rs` and
/// `src/polls/views/index.rs` are both in `polls`), as Django's app is the package of views.py.
pub fn app_of_file(file: &Path) -> Option<String> {
    file.parent()?
        .components()
        .rev()
        .filter_map(|c| c.as_os_str().to_str())
        .find(|dir| *dir != "views")
        .filter(|dir| !matches!(*dir, "src" | "tests" | "examples" | "benches" | "" | "."))
        .map(str::to_string)
}

pub fn expand(input: TokenStream, file: Option<&Path>) -> TokenStream {
    match expand_page(input, file) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_page(input: TokenStream, file: Option<&Path>) -> syn::Result<TokenStream> {
    let page: PageDecl = syn::parse2(input)?;
    let (kind, arg) = Kind::of(&page.context);
    let model = match (&kind, &page.model) {
        (_, Some(model)) => model_name(model),
        (Kind::List | Kind::Detail | Kind::Delete, None) => arg.and_then(type_model_name),
        _ => None,
    };
    let path = match (&page.path, &kind, &model) {
        (Some(path), _, _) => path.clone(),
        (None, Kind::Other, _) => {
            return Err(syn::Error::new(
                page.name.span(),
                "this page needs its template's name: `= \"app/page.html\"` (Django's TemplateView and FormView need a template_name)",
            ));
        }
        (None, Kind::ModelForm, None) => {
            return Err(syn::Error::new(
                page.name.span(),
                "a ModelFormContext page needs its model, for Django's template name and context object name: `model = Question` (or name the template: `= \"polls/question_form.html\"`)",
            ));
        }
        (None, _, Some(model)) => {
            let app = file.and_then(app_of_file).ok_or_else(|| {
                syn::Error::new(
                    page.name.span(),
                    format!(
                        "the app of this page is not known from its file ({}), so its template cannot be named as Django names it (`<app>/{model}{}.html`): name it, `= \"app/{model}{}.html\"`",
                        file.map_or_else(|| "unknown".to_string(), |f| f.display().to_string()),
                        kind.template_suffix(),
                        kind.template_suffix(),
                    ),
                )
            })?;
            LitStr::new(
                &format!("{app}/{model}{}.html", kind.template_suffix()),
                Span::call_site(),
            )
        }
        (None, _, None) => {
            return Err(syn::Error::new_spanned(
                &page.context,
                "the model of this page's context is not a plain type name: name the template, `= \"app/page.html\"`",
            ));
        }
    };
    let object_name = match (&page.context_object_name, &kind, &model) {
        (Some(name), _, _) => Some(name.clone()),
        (None, Kind::List, Some(model)) => Some(format_ident!("{model}_list")),
        (None, Kind::Detail | Kind::Delete | Kind::ModelForm, Some(model)) => {
            Some(format_ident!("{model}"))
        }
        _ => None,
    };
    if page.context_object_name.is_some() && matches!(kind, Kind::Other) {
        return Err(syn::Error::new_spanned(
            &page.context_object_name,
            "context_object_name goes with a ListContext, DetailContext, ModelFormContext or DeleteContext page",
        ));
    }

    let PageDecl {
        attrs,
        vis,
        name,
        context,
        extra,
        ..
    } = &page;
    let extra_names: Vec<_> = extra.iter().map(|f| &f.ident).collect();
    let (object_field, object_init) = match &object_name {
        Some(object) => (
            quote! {
                /// The view's object under Django's context object name.
                pub #object: <#context as ::rjango::views::generic::ContextObject>::Object,
            },
            quote! { #object: ::rjango::views::generic::ContextObject::context_object(&context), },
        ),
        None => (quote!(), quote!()),
    };
    let doc = format!("The page's template: `{}`.", path.value());
    Ok(quote! {
        #(#attrs)*
        #[doc = ""]
        #[doc = #doc]
        #[derive(::rjango::askama::Template)]
        #[template(path = #path, askama = ::rjango::askama)]
        #vis struct #name {
            /// The view's context, whose fields the template reads as its own.
            pub context: #context,
            #object_field
            #(#extra,)*
        }

        impl ::core::ops::Deref for #name {
            type Target = #context;
            fn deref(&self) -> &Self::Target {
                &self.context
            }
        }

        impl ::core::convert::From<#context> for #name {
            fn from(context: #context) -> Self {
                #name {
                    #object_init
                    #(#extra_names: ::core::default::Default::default(),)*
                    context,
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::app_of_file;
    use std::path::Path;

    #[test]
    fn the_app_is_the_directory_of_the_views() {
        let app = |f: &str| app_of_file(Path::new(f));
        assert_eq!(app("src/polls/views.rs").as_deref(), Some("polls"));
        assert_eq!(app("src/polls/views/index.rs").as_deref(), Some("polls"));
        assert_eq!(
            app("/home/me/mysite/src/blog/pages.rs").as_deref(),
            Some("blog")
        );
        assert_eq!(app("src/views.rs"), None);
        assert_eq!(app("tests/generic_views.rs"), None);
        assert_eq!(app("views.rs"), None);
    }
}
