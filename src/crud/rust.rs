//! The Rust `generate crud` writes: the ModelForm (forms.rs), the pages and the five generic
//! views (views.rs), the JSON views of `--api`, and the routes (urls.rs). Items are built with
//! `quote` and laid out by prettyplease, one at a time, so they can be added to a user's file
//! (and found again by name) without touching anything else in it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{CrudField, CrudModel, a, capfirst};

/// One `use` a generated item needs: `use {path}::{name};` (`*` for a glob).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub path: String,
    pub name: String,
}

impl Import {
    fn new(path: &str, name: &str) -> Self {
        Import {
            path: path.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// One top-level item, with the name it declares (a struct, or a page's struct), by which a
/// second run finds it.
#[derive(Debug, Clone)]
pub struct Item {
    pub name: String,
    pub text: String,
}

/// What goes into one Rust file.
#[derive(Debug, Default)]
pub struct RustCode {
    pub imports: Vec<Import>,
    pub items: Vec<Item>,
}

/// One route of the app's `urlpatterns!`.
#[derive(Debug, Clone)]
pub struct Route {
    pub name: String,
    pub entry: String,
}

/// prettyplease's layout of an item (or a struct and its impl), then the blank lines rustfmt
/// users keep and prettyplease drops: between items, and between the members of an impl.
fn pretty(item: TokenStream) -> String {
    let mut file: syn::File = match syn::parse2(item.clone()) {
        Ok(file) => file,
        Err(e) => panic!("generate crud built an item that does not parse ({e}): {item}"),
    };
    let items = std::mem::take(&mut file.items);
    let parts: Vec<String> = items
        .into_iter()
        .map(|item| {
            file.items = vec![item];
            space_members(&prettyplease::unparse(&file))
        })
        .collect();
    parts.join("\n")
}

/// A blank line before each member of an impl but the first: after a `}` closing a member,
/// or after a `const`/`type` line, when the next line starts another member at that indent.
fn space_members(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(prev) = i.checked_sub(1).map(|p| lines[p]) {
            let (p, l) = (prev.trim(), line.trim());
            let member_start = ["fn ", "async fn ", "pub fn ", "pub async fn ", "#[", "///"]
                .iter()
                .any(|s| l.starts_with(s));
            let after_member = p == "}" || p.starts_with("const ") || p.starts_with("type ");
            if indent(prev) == indent(line) && indent(line) > 0 && after_member && member_start {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `words` as comma-separated lines indented by `indent`, each within 100 columns: rustfmt's
/// layout of a long list (a `use` group, a form's fields).
pub fn fill(words: &[&str], indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut lines: Vec<String> = Vec::new();
    for word in words {
        match lines.last_mut() {
            // A space, the word and its comma still within 100 columns.
            Some(line) if line.len() + word.len() + 2 <= 100 => {
                line.push(' ');
                line.push_str(word);
                line.push(',');
            }
            _ => lines.push(format!("{pad}{word},")),
        }
    }
    lines
}

/// A doc comment of `text` (its line breaks as spaces), wrapped within 100 columns (`/// `
/// and 96 more).
fn doc(text: &str) -> TokenStream {
    let text = text.replace('\n', " ");
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("a line");
        if !line.is_empty() && line.len() + 1 + word.len() > 96 {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// The struct names of a model's views and pages (`PostList`, `PostListPage`, ...).
pub struct Names {
    pub form: syn::Ident,
    pub model: syn::Ident,
    pub handles: syn::Ident,
    pub pk: syn::Ident,
}

impl Names {
    pub fn of(m: &CrudModel) -> Self {
        Names {
            form: format_ident!("{}Form", m.name),
            model: format_ident!("{}", m.name),
            handles: rjango_codegen::models::parse::field_ident(&m.handles),
            pk: format_ident!("{}", m.pk),
        }
    }

    fn view(&self, suffix: &str) -> syn::Ident {
        format_ident!("{}{suffix}", self.model)
    }
}

/// forms.rs: `#[model_form(model = Post, fields = [...])] pub struct PostForm;`.
pub fn forms(m: &CrudModel) -> RustCode {
    let n = Names::of(m);
    let names: Vec<&str> = m.form_fields().map(|f| f.name.as_str()).collect();
    let one_line = format!(
        "#[model_form(model = {}, fields = [{}])]",
        m.name,
        names.join(", ")
    );
    let attribute = if one_line.len() <= 100 {
        one_line
    } else {
        format!(
            "#[model_form(\n    model = {},\n    fields = [\n{}\n    ],\n)]",
            m.name,
            fill(&names, 8).join("\n")
        )
    };
    let text = format!(
        "/// The {} form of the generated views (Django's ModelForm): the fields {} page edits.\n/// Add or remove fields here; a field {} lacks does not compile.\n{attribute}\npub struct {}Form;\n",
        m.verbose,
        a(&m.verbose),
        m.name,
        m.name
    );
    RustCode {
        imports: vec![
            Import::new("rjango::forms", "model_form"),
            Import::new(&m.module, &m.name),
            Import::new(&m.module, &m.handles),
        ],
        items: vec![Item {
            name: n.form.to_string(),
            text,
        }],
    }
}

/// The queryset of the list and detail views: the related rows read in the same query, so
/// a page shows `{{ book.author }}` without a query per row; the list in a stable order.
fn queryset(m: &CrudModel, n: &Names, ordered: bool) -> Option<TokenStream> {
    let (model, handles, pk) = (&n.model, &n.handles, &n.pk);
    let related: Vec<syn::Ident> = m
        .relations()
        .filter(|f| f.shown())
        .map(|f| format_ident!("{}", f.name))
        .collect();
    let order = (ordered && !m.ordered).then(|| quote!(.order_by([#handles::#pk.asc()])));
    if related.is_empty() && order.is_none() {
        return None;
    }
    Some(quote!(#model::objects() #(.select_related(#handles::#related))* #order))
}

/// views.rs: the four pages and the five generic views, then the API's two views.
pub fn views(m: &CrudModel, api: bool, filters: bool) -> RustCode {
    let n = Names::of(m);
    let (model, form, pk) = (&n.model, &n.form, &n.pk);
    let app = format_ident!("{}", m.app);
    let lower = &m.lower;
    let reverse = |suffix: &str| format_ident!("{lower}_{suffix}");
    let (r_list, r_detail) = (reverse("list"), reverse("detail"));
    let mut imports = vec![
        Import::new("rjango::prelude", "*"),
        Import::new("rjango::views::generic", "CreateView"),
        Import::new("rjango::views::generic", "DeleteContext"),
        Import::new("rjango::views::generic", "DeleteView"),
        Import::new("rjango::views::generic", "DetailContext"),
        Import::new("rjango::views::generic", "DetailView"),
        Import::new("rjango::views::generic", "ListContext"),
        Import::new("rjango::views::generic", "ListView"),
        Import::new("rjango::views::generic", "ModelFormContext"),
        Import::new("rjango::views::generic", "UpdateView"),
        Import::new("crate::generated", "reverse"),
        Import::new(&format!("crate::{}::forms", m.app), &n.form.to_string()),
        Import::new(&m.module, &m.name),
    ];
    let list_qs = queryset(m, &n, true);
    let detail_qs = queryset(m, &n, false);
    if list_qs.is_some() || api {
        imports.push(Import::new(&m.module, &m.handles));
    }
    if filters {
        imports.push(Import::new("rjango::template", "filters"));
    }
    let mut items = Vec::new();
    let page = |name: &str, decl: String| Item {
        name: name.to_owned(),
        text: decl,
    };
    let template = |suffix: &str| format!("{}/{lower}_{suffix}.html", m.app);
    items.push(page(
        &format!("{}ListPage", m.name),
        format!(
            "rjango::page!(\n    /// templates/{}: the {} (`{lower}_list`), 20 to a page.\n    pub struct {}ListPage(ListContext<{}>)\n);\n",
            template("list"),
            m.verbose_plural,
            m.name,
            m.name
        ),
    ));
    items.push(page(
        &format!("{}DetailPage", m.name),
        format!(
            "rjango::page!(\n    /// templates/{}: one {} (`{lower}`).\n    pub struct {}DetailPage(DetailContext<{}>)\n);\n",
            template("detail"),
            m.verbose,
            m.name,
            m.name
        ),
    ));
    items.push(page(
        &format!("{}FormPage", m.name),
        format!(
            "rjango::page!(\n    /// templates/{}: a new {}'s form, and an existing one's (`{lower}`).\n    pub struct {}FormPage(ModelFormContext<{}>),\n    model = {},\n);\n",
            template("form"),
            m.verbose,
            m.name,
            form,
            m.name
        ),
    ));
    items.push(page(
        &format!("{}ConfirmDeletePage", m.name),
        format!(
            "rjango::page!(\n    /// templates/{}: \"Are you sure?\" before {} is deleted (`{lower}`).\n    pub struct {}ConfirmDeletePage(DeleteContext<{}>)\n);\n",
            template("confirm_delete"),
            a(&m.verbose),
            m.name,
            m.name
        ),
    ));

    let view = |suffix: &str, docs: String, body: TokenStream| {
        let name = n.view(suffix);
        let docs = doc(&docs);
        Item {
            name: name.to_string(),
            text: pretty(quote! {
                #docs
                #[derive(Default)]
                pub struct #name;

                #body
            }),
        }
    };
    let message = |verb: &str| {
        let text = format!("The {} was {verb}.", m.verbose);
        quote! {
            fn success_message(&self, _object: &#model) -> Option<String> {
                Some(#text.to_owned())
            }
        }
    };

    let (list, list_page) = (n.view("List"), format_ident!("{}ListPage", m.name));
    let get_queryset = |qs: &Option<TokenStream>| {
        qs.as_ref().map(|qs| {
            quote! {
                fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<#model> {
                    #qs
                }
            }
        })
    };
    let list_get_queryset = get_queryset(&list_qs);
    items.push(view(
        "List",
        format!(
            "The {}, 20 to a page (`?page=2`): Django's ListView with `paginate_by`.",
            m.verbose_plural
        ),
        quote! {
            impl ListView for #list {
                type Model = #model;
                type Template = #list_page;
                const PAGINATE_BY: Option<u64> = Some(20);

                #list_get_queryset
            }
        },
    ));

    let (detail, detail_page) = (n.view("Detail"), format_ident!("{}DetailPage", m.name));
    let detail_get_queryset = get_queryset(&detail_qs);
    items.push(view(
        "Detail",
        format!(
            "One {}, found by its key (`<int:pk>`): Django's DetailView.",
            m.verbose
        ),
        quote! {
            impl DetailView for #detail {
                type Model = #model;
                type Template = #detail_page;

                #detail_get_queryset
            }
        },
    ));

    let form_page = format_ident!("{}FormPage", m.name);
    let (create, update) = (n.view("Create"), n.view("Update"));
    let created = message("created");
    let unset: Vec<&CrudField> = m.unset_required();
    let create_note = if unset.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = unset.iter().map(|f| format!("`{}`", f.name)).collect();
        format!(
            "\n{} {} not in the form: set {} in `new_object` (from the request, say).",
            names.join(", "),
            if unset.len() == 1 { "is" } else { "are" },
            if unset.len() == 1 { "it" } else { "them" }
        )
    };
    items.push(view(
        "Create",
        format!(
            "A new {}: the form, then the saved {}'s page. Django's CreateView.{create_note}",
            m.verbose, m.verbose
        ),
        quote! {
            impl CreateView for #create {
                type Form = #form;
                type Template = #form_page;

                fn success_url(&self, object: &#model) -> String {
                    reverse::#app::#r_detail(object.#pk)
                }

                #created
            }
        },
    ));
    let updated = message("updated");
    items.push(view(
        "Update",
        format!(
            "An existing {}'s form, its values shown, then its page. Django's UpdateView.",
            m.verbose
        ),
        quote! {
            impl UpdateView for #update {
                type Form = #form;
                type Template = #form_page;

                fn success_url(&self, object: &#model) -> String {
                    reverse::#app::#r_detail(object.#pk)
                }

                #updated
            }
        },
    ));
    let (delete, delete_page) = (
        n.view("Delete"),
        format_ident!("{}ConfirmDeletePage", m.name),
    );
    let deleted = message("deleted");
    items.push(view(
        "Delete",
        format!(
            "{}'s \"Are you sure?\" page (GET), and its deletion (POST) with what cascades from\nit. Django's DeleteView.",
            capfirst(&a(&m.verbose))
        ),
        quote! {
            impl DeleteView for #delete {
                type Model = #model;
                type Template = #delete_page;

                fn success_url(&self, _object: &#model) -> String {
                    reverse::#app::#r_list()
                }

                #deleted
            }
        },
    ));

    if api {
        imports.push(Import::new("rjango::forms", "Form"));
        imports.push(Import::new("rjango::forms", "ModelForm"));
        imports.push(Import::new("rjango::models", "NewInstance"));
        imports.push(Import::new("rjango::views", "api"));
        items.extend(api_views(m, &n));
    }
    RustCode { imports, items }
}

/// The JSON views of `--api`: `PostApiList` (GET a page, POST a new row) and `PostApiDetail`
/// (GET, PUT, PATCH, DELETE one row), validating with the same ModelForm as the pages.
fn api_views(m: &CrudModel, n: &Names) -> Vec<Item> {
    let (model, form, handles, pk) = (&n.model, &n.form, &n.handles, &n.pk);
    // (`api::get_object` takes the route's i64 for a key of any integer type, and its 404 is
    // JSON.)
    let (list, detail) = (n.view("ApiList"), n.view("ApiDetail"));
    let order = if m.ordered {
        quote!(#model::objects())
    } else {
        quote!(#model::objects().order_by([#handles::#pk.asc()]))
    };
    let list_docs = doc(&format!(
        "The {} as JSON: GET a page of them (20 to a page, `?page=2`), POST a new one as a JSON\nobject of {form}'s fields (those left out take their defaults): 201 with the {}, or 400\nwith the form's errors (`{{\"field\": [\"This field is required.\"]}}`). JSON only, so it may be\n`csrf_exempt`.",
        m.verbose_plural, m.verbose
    ));
    let detail_docs = doc(&format!(
        "One {} as JSON: GET it; PUT all of {form}'s fields, or PATCH some (the others keep\ntheir values), checked by the form as the pages are; DELETE it (204).",
        m.verbose
    ));
    let get_object = quote!(api::get_object(#model::objects(), pk).await?);
    let list_item = quote! {
        #list_docs
        #[derive(Default)]
        pub struct #list;

        #[view]
        impl #list {
            async fn get(&self, request: HttpRequest) -> ViewResult {
                api::page(&request, #order, 20).await
            }

            async fn post(&self, request: HttpRequest) -> ViewResult {
                let form = #form::bind(&api::form_data_or_defaults::<#form>(&request)?);
                api::save(form, #model::new_instance(), 201).await
            }
        }
    };
    let detail_item = quote! {
        #detail_docs
        #[derive(Default)]
        pub struct #detail;

        #[view]
        impl #detail {
            async fn get(&self, _request: HttpRequest, pk: i64) -> ViewResult {
                let object = #get_object;
                Ok(JsonResponse::new(api::object(&object)).into_inner())
            }

            async fn put(&self, request: HttpRequest, pk: i64) -> ViewResult {
                let object = #get_object;
                let form = #form::bind(&api::form_data(&request)?);
                api::save(form, object, 200).await
            }

            async fn patch(&self, request: HttpRequest, pk: i64) -> ViewResult {
                let object = #get_object;
                let current = #form::from_saved(&object).await?;
                let form = #form::bind(&api::form_data_over(&request, &current)?);
                api::save(form, object, 200).await
            }

            async fn delete(&self, _request: HttpRequest, pk: i64) -> ViewResult {
                let object = #get_object;
                object.delete().await?;
                Ok(HttpResponse::new("").status(204))
            }
        }
    };
    vec![
        Item {
            name: list.to_string(),
            text: pretty(list_item),
        },
        Item {
            name: detail.to_string(),
            text: pretty(detail_item),
        },
    ]
}

/// tests.rs: the pages answer (the list, the empty form, a missing row's 404) and the form
/// refuses an empty POST; with `--api`, the JSON list answers and an empty object is
/// refused. They need no rows of their own (and hold with the rows a data migration adds),
/// so they pass as written, to grow with the user's own.
pub fn tests(m: &CrudModel, api: bool) -> RustCode {
    let app = format_ident!("{}", m.app);
    let lower = &m.lower;
    let route = |suffix: &str| format_ident!("{lower}_{suffix}");
    let (list, create, detail) = (route("list"), route("create"), route("detail"));
    // Whether an empty form is refused: a field it edits that must be given (Django's
    // required: not blank; a checkbox never is).
    let required = m.form_fields().any(|f| {
        !f.state.blank && !matches!(f.state.field_type, rjango_schema::FieldType::BooleanField)
    });
    let refused = required.then(|| {
        quote! {
            let refused = client.post_form(&reverse::#app::#create(), &[]).await;
            assert_eq!(refused.status_code(), 200);
            assert!(refused.text().contains("This field is required."));
        }
    });
    let pages = format_ident!("{}_pages", m.handles);
    let docs = doc(&format!(
        "The {} pages answer: the list, the form of a new one, a missing one's 404{}.",
        m.verbose,
        if required {
            ", and an empty form refused"
        } else {
            ""
        }
    ));
    let mut items = vec![Item {
        name: pages.to_string(),
        text: pretty(quote! {
            #docs
            #[rjango::test(db)]
            async fn #pages() {
                let client = Client::new(crate::generated::project());
                let list = client.get(&reverse::#app::#list()).await;
                assert_eq!(list.status_code(), 200);
                let form = client.get(&reverse::#app::#create()).await;
                assert_eq!(form.status_code(), 200);
                let missing = client.get(&reverse::#app::#detail(i64::MAX)).await;
                assert_eq!(missing.status_code(), 404);
                #refused
            }
        }),
    }];
    if api {
        let api_list = route("api_list");
        let api_fn = format_ident!("{}_api", m.handles);
        // An empty object is refused when a required field has no default to take.
        let undefaulted = m.form_fields().any(|f| {
            !f.state.blank
                && f.state.default.is_none()
                && !matches!(f.state.field_type, rjango_schema::FieldType::BooleanField)
        });
        let refused = undefaulted.then(|| {
            quote! {
                let refused = client.post(&reverse::#app::#api_list(), "application/json", "{}").await;
                assert_eq!(refused.status_code(), 400);
            }
        });
        let docs = doc(&format!(
            "The {} API: its first page{}.",
            m.verbose,
            if undefaulted {
                ", and a new one without its fields refused"
            } else {
                ""
            }
        ));
        items.push(Item {
            name: api_fn.to_string(),
            text: pretty(quote! {
                #docs
                #[rjango::test(db)]
                async fn #api_fn() {
                    let client = Client::new(crate::generated::project());
                    let page = client.get(&reverse::#app::#api_list()).await;
                    assert_eq!(page.status_code(), 200);
                    assert!(page.text().contains("\"results\":["));
                    #refused
                }
            }),
        });
    }
    RustCode {
        imports: vec![
            Import::new("rjango::test", "Client"),
            Import::new("crate::generated", "reverse"),
        ],
        items,
    }
}

/// urls.rs: the five routes (and the API's two), named `post-list`, `post-detail`, ...
pub fn routes(m: &CrudModel, api: bool) -> (Vec<Import>, Vec<Route>) {
    let lower = &m.lower;
    let name = &m.name;
    let route = |path: &str, view: String, suffix: &str| Route {
        name: format!("{lower}-{suffix}"),
        entry: format!("path(\"{path}\", {view}, name = \"{lower}-{suffix}\")"),
    };
    let mut routes = vec![
        route(
            &format!("{lower}/"),
            format!("views::{name}List::as_view()"),
            "list",
        ),
        route(
            &format!("{lower}/create/"),
            format!("views::{name}Create::as_view()"),
            "create",
        ),
        route(
            &format!("{lower}/<int:pk>/"),
            format!("views::{name}Detail::as_view()"),
            "detail",
        ),
        route(
            &format!("{lower}/<int:pk>/update/"),
            format!("views::{name}Update::as_view()"),
            "update",
        ),
        route(
            &format!("{lower}/<int:pk>/delete/"),
            format!("views::{name}Delete::as_view()"),
            "delete",
        ),
    ];
    let generic = "rjango::views::generic";
    let mut imports = vec![
        Import::new("super", "views"),
        Import::new(generic, "CreateView"),
        Import::new(generic, "DeleteView"),
        Import::new(generic, "DetailView"),
        Import::new(generic, "ListView"),
        Import::new(generic, "UpdateView"),
    ];
    if api {
        imports.push(Import::new("rjango::middleware::csrf", "csrf_exempt"));
        routes.push(route(
            &format!("api/{lower}/"),
            format!("csrf_exempt(views::{name}ApiList::as_view())"),
            "api-list",
        ));
        routes.push(route(
            &format!("api/{lower}/<int:pk>/"),
            format!("csrf_exempt(views::{name}ApiDetail::as_view())"),
            "api-detail",
        ));
    }
    (imports, routes)
}
