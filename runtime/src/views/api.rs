//! JSON views on a model's ModelForm: what `rjango generate crud --api` writes its views with,
//! and what a hand-written JSON view needs. Django has no JSON API of its own; these are the
//! pieces a Django user writes around `JsonResponse` and a form:
//!
//! - [`form_data`]: a JSON object body as the form data a ModelForm binds (Django's
//!   `PostForm(json.loads(request.body))`), so the API validates exactly as the HTML pages do;
//! - [`form_data_or_defaults`]: the same, a field left out taking its default, for POST;
//! - [`form_data_over`]: the same over a row's own values, for PATCH;
//! - [`form_errors`]: the 400 of an invalid form, Django's `JsonResponse(form.errors, status=400)`;
//! - [`object`] and [`page`]: a row, and a page of rows, as JSON; [`get_object`], a row or
//!   a JSON 404.
//!
//! Their refusals are JSON too: `{"detail": "..."}` with its status (415, 400, and the 404 of
//! a missing row or page).
//!
//! A JSON body must say so (`Content-Type: application/json`, or another `+json` type, else
//! 415). A browser cannot send
//! that content type to another site without asking first (CORS), which is why the generated
//! API views may be `csrf_exempt`: a cross-site form can only post form data, which they refuse.

use serde_json::{Map, Value as Json};

use crate::forms::{BoundForm, Form, ModelForm};
use crate::http::{HttpRequest, HttpResponse, JsonResponse, QueryDict, ViewError};
use crate::models::{Model, QuerySet};

/// The JSON object of the request body as form data: each key a field, a string as typed, a
/// number or boolean as its JSON text (`true`, `false`: a checkbox reads "false" as
/// unchecked), `null` as no value (an empty field), and a list (a many-to-many field's keys)
/// as the key repeated.
///
/// A body that is not JSON (`application/json`, or another `+json` type) is answered 415; one that is not JSON, not a JSON
/// object, or holds an object as a value, 400.
pub fn form_data(request: &HttpRequest) -> Result<QueryDict, ViewError> {
    Ok(QueryDict::from_pairs(json_pairs(request)?.pairs))
}

/// [`form_data`] for a new row: the fields the body leaves out take the form's initial
/// values (the model's defaults), as a JSON API's optional fields do, so `{"title": "x"}`
/// makes a row whose other fields have their defaults.
pub fn form_data_or_defaults<F: Form>(request: &HttpRequest) -> Result<QueryDict, ViewError> {
    let initial = F::FIELDS.iter().map(|f| f.initial.map(str::to_owned));
    Ok(overlay::<F>(initial.collect(), json_pairs(request)?))
}

/// [`form_data`] over `current`'s values (a row's, from `PostForm::from_saved(&row)`): the
/// fields the body leaves out keep their values, as PATCH asks.
pub fn form_data_over<F: Form>(request: &HttpRequest, current: &F) -> Result<QueryDict, ViewError> {
    Ok(overlay::<F>(current.initial_values(), json_pairs(request)?))
}

/// The form data of `given`, and of `values` (one per field of `F`) for the fields it lacks
/// (a key given with an empty list, `"tags": []`, is given: the field is emptied).
fn overlay<F: Form>(values: Vec<Option<String>>, given: Given) -> QueryDict {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (spec, value) in F::FIELDS.iter().zip(values) {
        if given.keys.iter().any(|k| k == spec.name) {
            continue;
        }
        let Some(value) = value else { continue };
        if spec.kind == crate::forms::FieldKind::ModelMultipleChoiceField {
            for one in crate::forms::fields::split_values(&value) {
                pairs.push((spec.name.to_owned(), one.to_owned()));
            }
        } else {
            pairs.push((spec.name.to_owned(), value));
        }
    }
    pairs.extend(given.pairs);
    QueryDict::from_pairs(pairs)
}

/// A JSON body's form data, and every key it has (an empty list gives a key no pair).
struct Given {
    pairs: Vec<(String, String)>,
    keys: Vec<String>,
}

/// A refusal as a JSON API answers it: `{"detail": "..."}` with `status`.
fn refusal(status: u16, detail: impl Into<String>) -> ViewError {
    let detail: String = detail.into();
    JsonResponse::new(serde_json::json!({ "detail": detail }))
        .status(status)
        .into()
}

fn json_pairs(request: &HttpRequest) -> Result<Given, ViewError> {
    let content_type = request.content_type();
    if content_type != "application/json" && !content_type.ends_with("+json") {
        return Err(refusal(
            415,
            format!("Unsupported media type \"{content_type}\" in request: send application/json."),
        ));
    }
    let body: Json = request.json().map_err(|e| refusal(400, e.0))?;
    let Json::Object(object) = body else {
        return Err(refusal(
            400,
            "The JSON body must be an object of field values.",
        ));
    };
    let mut given = Given {
        pairs: Vec::new(),
        keys: Vec::new(),
    };
    for (key, value) in object {
        let values = match value {
            Json::Array(items) => items,
            one => vec![one],
        };
        for value in values {
            // null is the field left empty: no value, as an empty list, an unchecked box or
            // a blank input send none.
            if !value.is_null() {
                given.pairs.push((key.clone(), scalar(&key, value)?));
            }
        }
        given.keys.push(key);
    }
    Ok(given)
}

/// One JSON value as the text a form field reads.
fn scalar(key: &str, value: Json) -> Result<String, ViewError> {
    Ok(match value {
        Json::Null => String::new(),
        Json::String(s) => s,
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::Array(_) | Json::Object(_) => {
            return Err(refusal(
                400,
                format!(
                    "\"{key}\": a field's value is a string, a number, a boolean, null, or (for a many-to-many field) a list of them."
                ),
            ));
        }
    })
}

/// The row of `queryset` whose key is `pk`, or a JSON 404 (`{"detail": "No book found
/// matching the query"}`): Django's `get_object_or_404` for a JSON view, for a key of any
/// integer type.
pub async fn get_object<M: Model>(queryset: QuerySet<M>, pk: i64) -> Result<M, ViewError> {
    let mut found = queryset.in_bulk([pk]).await?;
    found.remove(&pk).ok_or_else(|| {
        refusal(
            404,
            format!(
                "No {} found matching the query",
                crate::models::meta::verbose_name(M::NAME)
            ),
        )
    })
}

/// An invalid form's errors, 400: `{"title": ["This field is required."]}`, the form's own
/// under `"__all__"` (Django's `JsonResponse(form.errors, status=400)`).
pub fn form_errors<F: Form>(form: &BoundForm<F>) -> HttpResponse {
    let errors: Map<String, Json> = form
        .errors()
        .into_iter()
        .map(|(field, messages)| (field.to_owned(), Json::from(messages.to_vec())))
        .collect();
    JsonResponse::new(errors).status(400).into_inner()
}

/// A row as JSON: every column by field name (a foreign key as the related row's key, as
/// Django's serializers write it), the primary key under `"id"` as well when it has another
/// name. Many-to-many fields have no column and are not included.
pub fn object<M: Model>(row: &M) -> Json {
    let mut out = Map::new();
    for (field, value) in M::FIELDS.iter().zip(row.values()) {
        let value = crate::models::values::json_of_value(field, value).unwrap_or(Json::Null);
        if field.primary_key && field.name != "id" {
            out.insert("id".to_owned(), value.clone());
        }
        out.insert(field.name.to_owned(), value);
    }
    Json::Object(out)
}

/// One page of `queryset` as JSON, `per_page` rows to a page, the page asked by `?page=N` (or
/// `last`; one that is not a number or is past the end is a 404, as ListView's):
/// `{"count", "num_pages", "page", "next", "previous", "results"}`, `next` and `previous`
/// the URLs of the pages beside it (null at either end), as Django REST framework pages.
pub async fn page<M: Model + Clone>(
    request: &HttpRequest,
    queryset: QuerySet<M>,
    per_page: u64,
) -> Result<HttpResponse, ViewError> {
    let page = match super::generic::page_of(request, queryset, per_page).await {
        Ok(page) => page,
        Err(ViewError::NotFound(e)) => {
            return Err(refusal(404, e.message().unwrap_or("Invalid page.")));
        }
        Err(e) => return Err(e),
    };
    let link = |number: u64| {
        let mut query: Vec<(String, String)> = request
            .GET()
            .iter()
            .filter(|(k, _)| *k != "page")
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        query.push(("page".to_owned(), number.to_string()));
        let query = QueryDict::from_pairs(query).urlencode();
        Json::from(request.build_absolute_uri(Some(&format!("{}?{query}", request.path()))))
    };
    let body = serde_json::json!({
        "count": page.count,
        "num_pages": page.num_pages,
        "page": page.number,
        "next": if page.has_next() { link(page.next_page_number()) } else { Json::Null },
        "previous": if page.has_previous() { link(page.previous_page_number()) } else { Json::Null },
        "results": page.object_list.iter().map(object).collect::<Vec<_>>(),
    });
    Ok(JsonResponse::new(body).into_inner())
}

/// Saves a bound ModelForm over `instance` (a new row's, or the one changed), as a JSON
/// view answers: `status` (201 for a new row) with the saved row, or 400 with the form's
/// errors. The related rows are read first, so a key that is no row is refused as the
/// HTML form refuses it.
pub async fn save<F: ModelForm>(
    mut form: BoundForm<F>,
    instance: F::Model,
    status: u16,
) -> Result<HttpResponse, ViewError> {
    form.load_choices().await?;
    match form.save(instance).await? {
        Some(saved) => Ok(JsonResponse::new(object(&saved))
            .status(status)
            .into_inner()),
        None => Ok(form_errors(&form)),
    }
}
