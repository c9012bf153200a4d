//! The change list's sidebar (Django's `django.contrib.admin.filters`): one filter per
//! `list_filter` entry. A boolean, a field with choices and a foreign key take one query
//! parameter (`published__exact=1`, `author__id__exact=3`); a date takes Django's
//! DateFieldListFilter's range (`published__gte=...&published__lt=...`, and
//! `published__isnull` for a field that may be empty), its links computed from today in
//! TIME_ZONE.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::models::Q;

/// One `list_filter` entry.
pub struct ListFilter<M> {
    /// "published": the field's verbose name (the sidebar says "By published").
    pub title: String,
    pub kind: FilterKind<M>,
}

/// Django's list filter classes.
pub enum FilterKind<M> {
    /// BooleanFieldListFilter, ChoicesFieldListFilter, RelatedFieldListFilter: one parameter.
    Exact {
        /// The query parameter, as Django names it: `published__exact`, `author__id__exact`.
        parameter: &'static str,
        choices: FilterChoices,
        /// The rows a chosen value keeps; None for a value that is no choice.
        condition: fn(&str) -> Option<Q<M>>,
    },
    /// DateFieldListFilter: Any date, Today, Past 7 days, This month, This year (and No date,
    /// Has date when the field may be empty).
    Date {
        /// The field's name: the parameters are `<field>__gte`, `__lt` and `__isnull`.
        field: &'static str,
        /// A DateTimeField (its bounds are midnights in TIME_ZONE) rather than a DateField.
        datetime: bool,
        null: bool,
        /// The rows the submitted bounds keep.
        condition: fn(&DateRange<'_>) -> Option<Q<M>>,
    },
    /// A SimpleListFilter: its own choices and queryset.
    Custom {
        parameter: &'static str,
        lookups: for<'a> fn(&'a crate::http::HttpRequest) -> LookupsFuture<'a>,
        queryset: fn(
            &crate::http::HttpRequest,
            &str,
            crate::models::QuerySet<M>,
        ) -> crate::models::QuerySet<M>,
    },
}

/// Django's `SimpleListFilter`: a filter of your own, its choices and what each keeps
/// written in Rust. `list_filter` names it as it names a field:
///
/// ```text
/// #[derive(Default)]
/// pub struct PopularFilter;
///
/// impl SimpleListFilter for PopularFilter {
///     type Model = Post;
///     const TITLE: &'static str = "popularity";
///     const PARAMETER_NAME: &'static str = "popular";
///     async fn lookups(&self, _request: &HttpRequest) -> Result<Vec<(String, String)>, QueryError> {
///         Ok(vec![("yes".into(), "Read 100 times".into())])
///     }
///     fn queryset(&self, _request: &HttpRequest, value: &str, posts: QuerySet<Post>) -> QuerySet<Post> {
///         match value { "yes" => posts.filter(post::views.gte(100)), _ => posts }
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a field of `{M}` nor a SimpleListFilter of it",
    label = "no field, no list filter",
    note = "a filter of your own is `impl SimpleListFilter for {Self} {{ type Model = {M}; ... }}`"
)]
pub trait FilterOf<M> {
    #[doc(hidden)]
    fn list_filter() -> ListFilter<M>;
}

#[allow(async_fn_in_trait)]
pub trait SimpleListFilter: Default + 'static {
    type Model: crate::models::Model;
    /// The sidebar's heading: "By {TITLE}".
    const TITLE: &'static str;
    /// The query parameter the chosen value travels in.
    const PARAMETER_NAME: &'static str;
    /// The choices: (value, label), "All" before them.
    async fn lookups(
        &self,
        request: &crate::http::HttpRequest,
    ) -> Result<Vec<(String, String)>, crate::models::QueryError>;
    /// The rows a chosen value keeps.
    fn queryset(
        &self,
        request: &crate::http::HttpRequest,
        value: &str,
        queryset: crate::models::QuerySet<Self::Model>,
    ) -> crate::models::QuerySet<Self::Model>;
}

impl<F: SimpleListFilter> FilterOf<F::Model> for F {
    fn list_filter() -> ListFilter<F::Model> {
        ListFilter {
            title: F::TITLE.to_owned(),
            kind: FilterKind::Custom {
                parameter: F::PARAMETER_NAME,
                lookups: |request| Box::pin(async move { F::default().lookups(request).await }),
                queryset: |request, value, queryset| {
                    F::default().queryset(request, value, queryset)
                },
            },
        }
    }
}

/// A custom filter's choices, read for the page.
pub type LookupsFuture<'a> = futures_util::future::LocalBoxFuture<
    'a,
    Result<Vec<(String, String)>, crate::models::QueryError>,
>;

/// A filter's choices: (value, label).
pub enum FilterChoices {
    /// Known when it compiles: a boolean's Yes and No, a field's `choices`.
    Fixed(&'static [(&'static str, &'static str)]),
    /// A foreign key's: the related rows, read for the page.
    Related(fn() -> crate::forms::models::ChoicesFuture),
}

/// A date filter's submitted parameters.
#[derive(Debug, Default)]
pub struct DateRange<'a> {
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub isnull: Option<&'a str>,
}

impl DateRange<'_> {
    /// The `__isnull` value, read as Django reads a boolean parameter.
    pub fn is_null(&self) -> Option<bool> {
        match self.isnull? {
            "True" | "true" | "1" => Some(true),
            "False" | "false" | "0" => Some(false),
            _ => None,
        }
    }
}

const SUFFIXES: [&str; 3] = ["__gte", "__lt", "__isnull"];

impl<M> ListFilter<M> {
    /// The query parameters the filter reads.
    pub(crate) fn parameters(&self) -> Vec<String> {
        match &self.kind {
            FilterKind::Exact { parameter, .. } | FilterKind::Custom { parameter, .. } => {
                vec![(*parameter).to_owned()]
            }
            FilterKind::Date { field, .. } => {
                SUFFIXES.iter().map(|s| format!("{field}{s}")).collect()
            }
        }
    }

    /// The rows the request's parameters keep, when they choose something.
    pub(crate) fn condition(&self, params: &BTreeMap<String, String>) -> Option<Q<M>> {
        match &self.kind {
            FilterKind::Exact {
                parameter,
                condition,
                ..
            } => params.get(*parameter).and_then(|v| condition(v)),
            FilterKind::Date {
                field, condition, ..
            } => {
                let get =
                    |suffix: &str| params.get(&format!("{field}{suffix}")).map(String::as_str);
                let range = DateRange {
                    since: get("__gte"),
                    until: get("__lt"),
                    isnull: get("__isnull"),
                };
                if range.since.is_none() && range.until.is_none() && range.isnull.is_none() {
                    return None;
                }
                condition(&range)
            }
            // A custom filter narrows the queryset itself (`apply`).
            FilterKind::Custom { .. } => None,
        }
    }

    /// A custom filter's narrowing of `queryset` by the request's value; None when it has
    /// none (or is no custom filter).
    pub(crate) fn apply(
        &self,
        request: &crate::http::HttpRequest,
        params: &BTreeMap<String, String>,
        queryset: &crate::models::QuerySet<M>,
    ) -> Option<crate::models::QuerySet<M>> {
        match &self.kind {
            FilterKind::Custom {
                parameter,
                queryset: narrow,
                ..
            } => params
                .get(*parameter)
                .map(|value| narrow(request, value, queryset.clone())),
            _ => None,
        }
    }
}

/// Django's DateFieldListFilter links: (label, the parameters it sets), "Any date" first with
/// none. Today is TIME_ZONE's; a DateTimeField's bounds are its midnights, written as Python
/// writes an aware datetime (`2026-12-06 00:00:00+01:00`).
pub(crate) fn date_links(
    field: &str,
    datetime: bool,
    null: bool,
) -> Vec<(&'static str, Vec<(String, String)>)> {
    let local = crate::utils::timezone::localtime(crate::utils::timezone::now()).datetime;
    let today = local.date_naive();
    let shown = |d: NaiveDate| -> String {
        if datetime {
            crate::utils::timezone::local_midnight(d).map_or_else(
                || d.to_string(),
                |m| m.format("%Y-%m-%d %H:%M:%S%:z").to_string(),
            )
        } else {
            d.to_string()
        }
    };
    let tomorrow = today.succ_opt().unwrap_or(today);
    let first_of_month = today.with_day(1).unwrap_or(today);
    let next_month = if today.month() == 12 {
        NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(today.year(), today.month() + 1, 1)
    }
    .unwrap_or(today);
    let first_of_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let next_year = NaiveDate::from_ymd_opt(today.year() + 1, 1, 1).unwrap_or(today);
    let range = |since: NaiveDate, until: NaiveDate| {
        vec![
            (format!("{field}__gte"), shown(since)),
            (format!("{field}__lt"), shown(until)),
        ]
    };
    let mut links = vec![
        ("Any date", Vec::new()),
        ("Today", range(today, tomorrow)),
        ("Past 7 days", range(today - chrono::Days::new(7), tomorrow)),
        ("This month", range(first_of_month, next_month)),
        ("This year", range(first_of_year, next_year)),
    ];
    if null {
        links.push((
            "No date",
            vec![(format!("{field}__isnull"), "True".to_owned())],
        ));
        links.push((
            "Has date",
            vec![(format!("{field}__isnull"), "False".to_owned())],
        ));
    }
    links
}

/// A date filter's bound on a DateField: `2026-12-06`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// A date filter's bound on a DateTimeField: `2026-12-06 00:00:00+01:00` (Python's aware
/// datetime), `2026-12-06T00:00:00Z`, or a date, read as its midnight in UTC.
pub fn parse_datetime(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let value = value.trim();
    for format in ["%Y-%m-%d %H:%M:%S%:z", "%Y-%m-%d %H:%M:%S%.f%:z"] {
        if let Ok(dt) = chrono::DateTime::parse_from_str(value, format) {
            return Some(dt.to_utc());
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(dt.to_utc());
    }
    parse_date(value)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}
