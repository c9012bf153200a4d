//! Django's `ChangeList` (`django.contrib.admin.views.main`): the rows of the change list for
//! the request's search (`q`), sorting (`o`) and page (`p`, or `all`), in a constant number of
//! queries whatever the page size: the count, the full count when searching, and the page
//! (its foreign keys read in the same query).

use std::collections::BTreeMap;

use super::filters::{FilterChoices, FilterKind, date_links};
use super::list_editable::EditableRows;
use super::options::SearchField;
use super::options::{Cell, ModelAdmin};
use super::templates::{
    ActionChoice, CellHtml, ChangeListContext, DateHierarchyContext, FilterChoice, FilterSpec,
    Header, ListEditableContext, PageLink, Row, Templates,
};
use super::views::{Pages, pk_i64};
use crate::http::ViewError;
use crate::models::functions::DateKind;
use crate::models::lookups::{OrderBy, Term};
use crate::models::meta::{model_verbose_name, model_verbose_name_plural, pk_column};
use crate::models::{Model, Q, QuerySet};
use crate::template::escape;
use crate::template::filters::format_date;
use crate::utils::http::quote_plus;
use chrono::Datelike;

/// Django's `list_max_show_all`: "Show all" is offered up to this many rows.
const LIST_MAX_SHOW_ALL: u64 = 200;

pub(crate) struct ChangeList<M> {
    rows: Vec<M>,
    result_count: u64,
    full_result_count: u64,
    search: String,
    /// (column index, descending), in priority order.
    ordering: Vec<(usize, bool)>,
    page: u64,
    num_pages: u64,
    show_all: bool,
    params: BTreeMap<String, String>,
    /// The date drill-down: (the year, month and day chosen or drilled into, the dates to
    /// offer).
    hierarchy: Option<Hierarchy>,
}

/// Where the date hierarchy stands, and the dates it offers next.
struct Hierarchy {
    field: &'static str,
    year: Option<i32>,
    month: Option<i32>,
    day: Option<i32>,
    dates: Vec<chrono::NaiveDate>,
}

/// Django's `smart_split` for search terms: words, or phrases in quotes.
pub(crate) fn search_words(term: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = term.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            for ch in chars.by_ref() {
                if ch == c {
                    break;
                }
                word.push(ch);
            }
        } else {
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                word.push(ch);
                chars.next();
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// Django's `get_search_results`: the rows where each word of `term` matches one of the
/// search fields.
pub(crate) fn search_results<M: Model>(
    mut queryset: QuerySet<M>,
    fields: &[SearchField<M>],
    term: &str,
) -> QuerySet<M> {
    if fields.is_empty() {
        return queryset;
    }
    for word in search_words(term) {
        let mut any: Option<Q<M>> = None;
        for field in fields {
            let q = field(&word);
            any = Some(match any {
                Some(a) => a | q,
                None => q,
            });
        }
        if let Some(q) = any {
            queryset = queryset.filter(q);
        }
    }
    queryset
}

/// Django's `get_ordering` made total: the ModelAdmin's `ordering`, else the model's
/// Meta.ordering, then the key (descending, as Django's change list adds `-pk`).
pub(crate) fn default_order<M: Model>(ordering: &[super::options::Ordering<M>]) -> Vec<OrderBy<M>> {
    let mut order_by: Vec<OrderBy<M>> = ordering.iter().map(|(_, desc, f)| f(*desc)).collect();
    if order_by.is_empty() {
        order_by = M::default_ordering()
            .into_iter()
            .map(|(term, desc)| OrderBy::new(term, desc))
            .collect();
    }
    order_by.push(OrderBy::new(
        Term::Column {
            path: Vec::new(),
            column: pk_column::<M>(),
        },
        true,
    ));
    order_by
}

/// Django's `_popup`: the change list in a window opened by a raw-id field's lookup link,
/// whose rows, clicked, send their key back.
pub(crate) const IS_POPUP_VAR: &str = "_popup";
/// Django's `_to_field`: the field of the row a popup sends back (always its key here).
pub(crate) const TO_FIELD_VAR: &str = "_to_field";

/// Django's `Paginator.get_elided_page_range(number, on_each_side=3, on_ends=2)`: None is
/// the ellipsis.
pub(crate) fn elided_page_range(number: u64, num_pages: u64) -> Vec<Option<u64>> {
    const ON_EACH_SIDE: u64 = 3;
    const ON_ENDS: u64 = 2;
    if num_pages <= (ON_EACH_SIDE + ON_ENDS) * 2 {
        return (1..=num_pages).map(Some).collect();
    }
    let mut out = Vec::new();
    if number > 1 + ON_EACH_SIDE + ON_ENDS + 1 {
        out.extend((1..=ON_ENDS).map(Some));
        out.push(None);
        out.extend((number - ON_EACH_SIDE..=number).map(Some));
    } else {
        out.extend((1..=number).map(Some));
    }
    if number + 1 < num_pages - ON_EACH_SIDE - ON_ENDS {
        out.extend((number + 1..=number + ON_EACH_SIDE).map(Some));
        out.push(None);
        out.extend((num_pages - ON_ENDS + 1..=num_pages).map(Some));
    } else {
        out.extend((number + 1..=num_pages).map(Some));
    }
    out
}

/// `o=2.-1` → [(2, false), (1, true)], the columns that exist only, each once.
fn parse_ordering(o: &str, columns: usize) -> Vec<(usize, bool)> {
    let mut out: Vec<(usize, bool)> = Vec::new();
    for part in o.split('.') {
        let (desc, n) = match part.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, part),
        };
        if let Ok(i) = n.parse::<usize>()
            && i < columns
            && !out.iter().any(|(c, _)| *c == i)
        {
            out.push((i, desc));
        }
    }
    out
}

fn ordering_param(ordering: &[(usize, bool)]) -> String {
    ordering
        .iter()
        .map(|(i, desc)| format!("{}{i}", if *desc { "-" } else { "" }))
        .collect::<Vec<_>>()
        .join(".")
}

impl<M: Model + Clone> ChangeList<M> {
    pub(crate) async fn new<A: ModelAdmin<Model = M>, T: Templates>(
        pages: &Pages<'_, A, T>,
    ) -> Result<Self, ViewError> {
        let request = &pages.request;
        let options = &pages.reg.options;
        let hierarchy_parameters = options
            .date_hierarchy
            .iter()
            .flat_map(|h| ["__year", "__month", "__day"].map(|part| format!("{}{part}", h.field)));
        let filter_parameters = options
            .list_filter
            .iter()
            .flat_map(|f| f.parameters())
            .chain(hierarchy_parameters);
        let params: BTreeMap<String, String> = ["q", "o", "p", "all", IS_POPUP_VAR, TO_FIELD_VAR]
            .into_iter()
            .map(str::to_owned)
            .chain(filter_parameters)
            .filter_map(|k| request.GET().get(&k).map(|v| (k.clone(), v.to_owned())))
            .collect();
        let base = pages.reg.admin.get_queryset(request);
        let search = params.get("q").cloned().unwrap_or_default();
        let searching = !search.trim().is_empty() && !options.search_fields.is_empty();
        let mut queryset = search_results(base.clone(), &options.search_fields, &search);
        // The sidebar's filters: each chosen value keeps its rows (a value that cannot be one,
        // `published__exact=maybe`, filters nothing).
        let mut filtered = false;
        for filter in &options.list_filter {
            if let Some(q) = filter.condition(&params) {
                filtered = true;
                queryset = queryset.filter(q);
            }
            if let Some(narrowed) = filter.apply(request, &params, &queryset) {
                filtered = true;
                queryset = narrowed;
            }
        }
        // The date hierarchy's year, month and day (a value that is no number filters nothing,
        // and a month needs its year, a day its month).
        let mut hierarchy = None;
        if let Some(h) = &options.date_hierarchy {
            let part = |p: &str| {
                params
                    .get(&format!("{}__{p}", h.field))
                    .and_then(|v| v.trim().parse::<i32>().ok())
            };
            let mut year = part("year");
            let mut month = year.and(part("month"));
            let day = month.and(part("day"));
            if let Some(y) = year {
                filtered = true;
                queryset = queryset.filter((h.condition)(y, month, day));
            } else {
                // Django starts where the rows are: inside their one year, and their one month.
                let years = (h.dates)(queryset.clone(), DateKind::Year).await?;
                if let [only] = years.as_slice() {
                    year = Some(only.year());
                    let months = (h.dates)(queryset.clone(), DateKind::Month).await?;
                    if let [only] = months.as_slice() {
                        month = Some(only.month() as i32);
                    }
                }
            }
            let kind = match (year, month, day) {
                (Some(_), Some(_), _) => DateKind::Day,
                (Some(_), None, _) => DateKind::Month,
                _ => DateKind::Year,
            };
            let scoped = match (year, day) {
                (Some(y), None) => queryset.clone().filter((h.condition)(y, month, None)),
                _ => queryset.clone(),
            };
            let dates = if day.is_some() {
                Vec::new()
            } else {
                (h.dates)(scoped, kind).await?
            };
            hierarchy = Some(Hierarchy {
                field: h.field,
                year,
                month,
                day,
                dates,
            });
        }
        let columns = &options.list_display;
        let ordering = params
            .get("o")
            .map(|o| parse_ordering(o, columns.len()))
            .unwrap_or_default()
            .into_iter()
            .filter(|(i, _)| columns[*i].order.is_some())
            .collect::<Vec<_>>();
        let mut order_by: Vec<OrderBy<M>> = ordering
            .iter()
            .filter_map(|(i, desc)| columns[*i].order.map(|f| f(*desc)))
            .collect();
        if order_by.is_empty() {
            order_by = default_order(&options.ordering);
        } else {
            // Django makes the order total with "-pk", so pages never repeat or skip a row.
            order_by.push(OrderBy::new(
                Term::Column {
                    path: Vec::new(),
                    column: pk_column::<M>(),
                },
                true,
            ));
        }
        let result_count = queryset.count().await?;
        let full_result_count = if searching || filtered {
            base.count().await?
        } else {
            result_count
        };
        let per_page = options.list_per_page.max(1);
        let show_all = params.contains_key("all") && result_count <= LIST_MAX_SHOW_ALL;
        let num_pages = result_count.div_ceil(per_page).max(1);
        // Django reads a page that is not a number as the first; past the end (the last page
        // emptied by "delete selected") is the last.
        let page = params
            .get("p")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, num_pages);
        let mut rows_query = (options.select_related)(queryset.order_by(order_by));
        if !show_all {
            let start = (page - 1) * per_page;
            rows_query = rows_query.slice(start..start + per_page);
        }
        let rows = rows_query.all().await?;
        Ok(ChangeList {
            rows,
            result_count,
            full_result_count,
            search,
            ordering,
            page,
            num_pages,
            show_all,
            params,
            hierarchy,
        })
    }

    /// Django's `date_hierarchy` template tag: the way back up, and the years, months or days
    /// to go into.
    fn hierarchy_context(&self) -> Option<DateHierarchyContext> {
        let h = self.hierarchy.as_ref()?;
        let key = |p: &str| format!("{}__{p}", h.field);
        let (year_key, month_key, day_key) = (key("year"), key("month"), key("day"));
        let all = [year_key.as_str(), month_key.as_str(), day_key.as_str(), "p"];
        let link = |set: &[(&str, String)]| self.url(set, &all);
        let month_title = |y: i32, m: i32| {
            chrono::NaiveDate::from_ymd_opt(y, m as u32, 1)
                .map(|d| format_date(&d, "F Y"))
                .unwrap_or_default()
        };
        let context = match (h.year, h.month, h.day) {
            (Some(y), Some(m), Some(d)) => DateHierarchyContext {
                back: Some((
                    month_title(y, m),
                    link(&[(&year_key, y.to_string()), (&month_key, m.to_string())]),
                )),
                choices: chrono::NaiveDate::from_ymd_opt(y, m as u32, d as u32)
                    .map(|day| vec![(format_date(&day, "F j"), None)])
                    .unwrap_or_default(),
            },
            (Some(y), Some(m), None) => DateHierarchyContext {
                back: Some((y.to_string(), link(&[(&year_key, y.to_string())]))),
                choices: h
                    .dates
                    .iter()
                    .map(|d| {
                        (
                            format_date(d, "F j"),
                            Some(link(&[
                                (&year_key, y.to_string()),
                                (&month_key, m.to_string()),
                                (&day_key, d.day().to_string()),
                            ])),
                        )
                    })
                    .collect(),
            },
            (Some(y), None, _) => DateHierarchyContext {
                back: Some(("All dates".into(), link(&[]))),
                choices: h
                    .dates
                    .iter()
                    .map(|d| {
                        (
                            format_date(d, "F Y"),
                            Some(link(&[
                                (&year_key, y.to_string()),
                                (&month_key, d.month().to_string()),
                            ])),
                        )
                    })
                    .collect(),
            },
            _ => DateHierarchyContext {
                back: None,
                choices: h
                    .dates
                    .iter()
                    .map(|d| {
                        (
                            d.year().to_string(),
                            Some(link(&[(&year_key, d.year().to_string())])),
                        )
                    })
                    .collect(),
            },
        };
        Some(context)
    }

    /// The URL of this change list with `set` changed and `remove` gone (Django's
    /// `get_query_string`).
    fn url(&self, set: &[(&str, String)], remove: &[&str]) -> String {
        let mut params = self.params.clone();
        for key in remove {
            params.remove(*key);
        }
        for (k, v) in set {
            if v.is_empty() {
                params.remove(*k);
            } else {
                params.insert((*k).to_owned(), v.clone());
            }
        }
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", quote_plus(v, "")))
            .collect();
        format!("?{}", query.join("&"))
    }

    /// The sidebar: each filter's "All" and choices, linked, the chosen one selected.
    async fn filter_specs(
        &self,
        options: &super::options::Options<M>,
        request: &crate::http::HttpRequest,
    ) -> Result<Vec<FilterSpec>, ViewError> {
        let mut specs = Vec::new();
        for filter in &options.list_filter {
            let list = match &filter.kind {
                FilterKind::Exact { parameter, .. } | FilterKind::Custom { parameter, .. } => {
                    let choices: Vec<(String, String)> = match &filter.kind {
                        FilterKind::Exact {
                            choices: FilterChoices::Fixed(c),
                            ..
                        } => c
                            .iter()
                            .filter(|(v, _)| !v.is_empty())
                            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
                            .collect(),
                        FilterKind::Exact {
                            choices: FilterChoices::Related(load),
                            ..
                        } => load().await?.unwrap_or_default(),
                        FilterKind::Custom { lookups, .. } => lookups(request).await?,
                        FilterKind::Date { .. } => Vec::new(),
                    };
                    let chosen = self.params.get(*parameter);
                    let mut list = vec![FilterChoice {
                        label: "All".into(),
                        url: self.url(&[], &[parameter, "p"]),
                        selected: chosen.is_none(),
                    }];
                    list.extend(choices.into_iter().map(|(value, label)| FilterChoice {
                        selected: chosen == Some(&value),
                        url: self.url(&[(parameter, value)], &["p"]),
                        label,
                    }));
                    list
                }
                FilterKind::Date {
                    field,
                    datetime,
                    null,
                    ..
                } => {
                    // A link is selected when the request's date parameters are exactly its.
                    let keys = filter.parameters();
                    let current: BTreeMap<&str, &str> = keys
                        .iter()
                        .filter_map(|k| self.params.get(k).map(|v| (k.as_str(), v.as_str())))
                        .collect();
                    let mut remove: Vec<&str> = keys.iter().map(String::as_str).collect();
                    remove.push("p");
                    date_links(field, *datetime, *null)
                        .into_iter()
                        .map(|(label, set)| {
                            let wanted: BTreeMap<&str, &str> =
                                set.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                            let set: Vec<(&str, String)> =
                                set.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                            let mut url = self.url(&set, &remove);
                            if url.is_empty() {
                                url = "?".into();
                            }
                            FilterChoice {
                                label: label.into(),
                                selected: wanted == current,
                                url,
                            }
                        })
                        .collect()
                }
            };
            specs.push(FilterSpec {
                title: filter.title.clone(),
                choices: list,
            });
        }
        Ok(specs)
    }

    /// The page's rows.
    pub(crate) fn rows(&self) -> &[M] {
        &self.rows
    }

    /// The change list in a raw-id field's lookup window (Django's `is_popup`).
    pub(crate) fn is_popup(&self) -> bool {
        self.params.contains_key(IS_POPUP_VAR)
    }

    /// The page's context; `editable` is the rows' formset of `list_editable`.
    pub(crate) async fn into_context<A: ModelAdmin<Model = M>, T: Templates>(
        self,
        pages: &Pages<'_, A, T>,
        editable: Option<&dyn EditableRows<M>>,
    ) -> Result<ChangeListContext, ViewError> {
        let options = &pages.reg.options;
        let plural = model_verbose_name_plural::<M>();
        let verbose = model_verbose_name::<M>();
        let title = if pages.perms.change {
            format!("Select {verbose} to change")
        } else {
            format!("Select {verbose} to view")
        };
        let mut admin = pages.context(title).await;
        admin
            .breadcrumbs
            .push((super::sites::capfirst(&plural), None));

        // Sorted by default when the ordering names a shown column, as Django's headers show.
        let shown_ordering: Vec<(usize, bool)> = if self.ordering.is_empty() {
            options
                .ordering
                .iter()
                .filter_map(|(name, desc, _)| {
                    options
                        .list_display
                        .iter()
                        .position(|c| c.name == *name)
                        .map(|i| (i, *desc))
                })
                .collect()
        } else {
            self.ordering.clone()
        };
        let headers = options
            .list_display
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let current = shown_ordering.iter().position(|(c, _)| *c == i);
                let sortable = column.order.is_some();
                let primary = {
                    let desc = match current {
                        Some(p) if p == 0 => !shown_ordering[p].1,
                        Some(p) => shown_ordering[p].1,
                        None => false,
                    };
                    let mut list = vec![(i, desc)];
                    list.extend(shown_ordering.iter().filter(|(c, _)| *c != i).copied());
                    list
                };
                let removed: Vec<(usize, bool)> = shown_ordering
                    .iter()
                    .filter(|(c, _)| *c != i)
                    .copied()
                    .collect();
                Header {
                    label: column.label.clone(),
                    sort_url: sortable
                        .then(|| self.url(&[("o", ordering_param(&primary))], &["p"])),
                    sorted: current.map(|p| !shown_ordering[p].1),
                    sort_priority: current.map_or(0, |p| p + 1),
                    remove_url: current
                        .map(|_| self.url(&[("o", ordering_param(&removed))], &["p"])),
                    name: column.name.to_owned(),
                }
            })
            .collect();

        let base = pages.base();
        let links: Vec<&str> = if options.list_display_links.is_empty() {
            options
                .list_display
                .first()
                .map(|c| c.name)
                .into_iter()
                .collect()
        } else {
            options.list_display_links.clone()
        };
        let popup = self.is_popup();
        let mut hidden_fields = Vec::new();
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let pk = pk_i64(row);
                let form = editable.and_then(|e| e.form_of(pk));
                if let (Some(e), Some(i)) = (editable, form) {
                    hidden_fields.push(e.hidden(i));
                }
                Row {
                    pk: pk.to_string(),
                    cells: options
                        .list_display
                        .iter()
                        .map(|column| {
                            let field =
                                editable.zip(form).and_then(|(e, i)| e.cell(i, column.name));
                            let html = match field {
                                Some(field) => field,
                                None => match (column.display)(row) {
                                    Cell::Text(text) => escape(&text),
                                    Cell::Boolean(value) => boolean_icon(value),
                                },
                            };
                            CellHtml {
                                html,
                                link: links
                                    .contains(&column.name)
                                    .then(|| format!("{base}{pk}/change/")),
                                name: column.name.to_owned(),
                            }
                        })
                        .collect(),
                }
            })
            .collect();

        let multi_page = self.num_pages > 1;
        let pages_links = if multi_page && !self.show_all {
            elided_page_range(self.page, self.num_pages)
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    url: n
                        .map_or_else(String::new, |n| self.url(&[("p", n.to_string())], &["all"])),
                    current: n == Some(self.page),
                })
                .collect()
        } else {
            Vec::new()
        };
        let show_all_url = (multi_page && !self.show_all && self.result_count <= LIST_MAX_SHOW_ALL)
            .then(|| self.url(&[("all", "1".into())], &["p"]));
        // "Delete selected" first, then the ModelAdmin's own, each for users it allows.
        let mut actions = Vec::new();
        if pages.perms.delete && !popup {
            actions.push(ActionChoice {
                name: "delete_selected".into(),
                description: format!("Delete selected {plural}"),
            });
        }
        actions.extend(
            options
                .actions
                .iter()
                .filter(|a| !popup && a.allowed(&pages.perms))
                .map(|a| ActionChoice {
                    name: a.name.into(),
                    description: a
                        .description
                        .replace("%(verbose_name_plural)s", &plural)
                        .replace("%(verbose_name)s", &verbose),
                }),
        );
        let query_string = self.url(&[], &[]);
        Ok(ChangeListContext {
            admin,
            model_name: M::NAME.to_lowercase(),
            verbose_name: verbose,
            verbose_name_plural: plural,
            headers,
            rows,
            result_count: self.result_count,
            full_result_count: self.full_result_count,
            filters: self.filter_specs(options, &pages.request).await?,
            has_search: !options.search_fields.is_empty(),
            search_query: self.search.clone(),
            clear_search_url: self.url(&[], &["q", "p"]),
            pages: pages_links,
            show_all_url,
            add_url: pages.perms.add.then(|| format!("{base}add/")),
            actions,
            query_string,
            date_hierarchy: self.hierarchy_context(),
            popup,
            list_editable: editable.map(|e| ListEditableContext {
                management_form: e.management_form(),
                hidden_fields,
                error_note: super::views::error_note(e.is_bound(), e.error_count()),
                non_form_errors: e.non_form_errors(),
            }),
        })
    }
}

/// Django's `_boolean_icon`: an inline SVG with "True"/"False"/"None" for screen readers.
fn boolean_icon(value: Option<bool>) -> String {
    let (alt, class, glyph) = match value {
        Some(true) => ("True", "icon-yes", "✔"),
        Some(false) => ("False", "icon-no", "✘"),
        None => ("None", "icon-unknown", "?"),
    };
    format!(r#"<span class="{class}" role="img" aria-label="{alt}" title="{alt}">{glyph}</span>"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn djangos_elided_page_range() {
        let shown = |n, total| -> String {
            elided_page_range(n, total)
                .iter()
                .map(|p| p.map_or("…".to_string(), |p| p.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 5), "1 2 3 4 5");
        assert_eq!(shown(1, 50), "1 2 3 4 … 49 50");
        assert_eq!(shown(25, 50), "1 2 … 22 23 24 25 26 27 28 … 49 50");
        assert_eq!(shown(50, 50), "1 2 … 47 48 49 50");
    }

    #[test]
    fn search_words_keep_quoted_phrases() {
        assert_eq!(
            search_words(r#"ada "grace hopper"  x"#),
            vec!["ada", "grace hopper", "x"]
        );
    }

    #[test]
    fn ordering_parameter() {
        assert_eq!(parse_ordering("2.-1.9.x.2", 3), vec![(2, false), (1, true)]);
        assert_eq!(ordering_param(&[(2, false), (1, true)]), "2.-1");
    }
}
