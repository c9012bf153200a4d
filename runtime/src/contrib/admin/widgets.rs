//! Django's admin widgets (`django.contrib.admin.widgets`) for a foreign key whose related
//! model has too many rows for a select: `raw_id_fields` (Django's ForeignKeyRawIdWidget) and
//! `autocomplete_fields` (AutocompleteSelect). Neither reads the related rows: the form looks
//! up only the one its value names, to check it and to show its name.
//!
//! Both are a text input of the key, usable without JavaScript (type the key; the "Lookup"
//! link opens the related change list in another tab to find it). With the page's script the
//! lookup is a popup whose rows, clicked, fill the key in (Django's `dismissRelatedLookupPopup`),
//! and an autocomplete field becomes a search box answered by `/admin/autocomplete/`.

use crate::models::meta::app_label;
use crate::models::{Model, Relation};
use crate::template::escape;

/// How a foreign key of the change form is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationWidgetKind {
    /// `raw_id_fields`: the key, with a lookup link.
    RawId,
    /// `autocomplete_fields`: the key, searched for by the related model's `search_fields`.
    Autocomplete,
}

/// A foreign key of `raw_id_fields` or `autocomplete_fields`, as `#[admin::register]` writes
/// it.
#[derive(Debug, Clone, Copy)]
pub struct RelationWidget {
    /// The foreign key's name (`author`).
    pub field: &'static str,
    pub kind: RelationWidgetKind,
    /// The related model's app label and model name (`blog`, `author`).
    pub to: fn() -> (&'static str, String),
}

impl RelationWidget {
    pub fn raw_id<H: Relation>(field: &'static str) -> Self {
        RelationWidget {
            field,
            kind: RelationWidgetKind::RawId,
            to: to::<H::To>,
        }
    }

    pub fn autocomplete<H: Relation>(field: &'static str) -> Self {
        RelationWidget {
            field,
            kind: RelationWidgetKind::Autocomplete,
            to: to::<H::To>,
        }
    }
}

fn to<M: Model>() -> (&'static str, String) {
    (app_label(M::MODULE), M::NAME.to_lowercase())
}

/// A model whose ModelAdmin has `search_fields`, so that `autocomplete_fields` elsewhere can
/// point at it: `#[admin::register]` implements it (Django checks this at start-up, admin.E039
/// and E040).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no ModelAdmin with search_fields, which autocomplete_fields needs to search it (Django's admin.E039/E040)",
    label = "autocomplete_fields names this foreign key",
    note = "register `{Self}` with `#[admin::register({Self}, search_fields = [...])]`, or list the field in raw_id_fields instead"
)]
pub trait AutocompleteTarget {}

/// What the widget needs of the page.
pub(crate) struct WidgetInput<'a> {
    pub html_name: &'a str,
    pub id: &'a str,
    pub value: Option<&'a str>,
    pub required: bool,
    /// The chosen row's name, when the value names one.
    pub label: Option<&'a str>,
    /// The admin's prefix (`/admin/`).
    pub prefix: &'a str,
    /// The related model is registered: its change list can be searched.
    pub registered: bool,
    /// The model whose form this is (`blog`, `post`), for the autocomplete endpoint.
    pub source: (&'a str, &'a str),
}

/// The widget's HTML: Django's `admin/widgets/foreign_key_raw_id.html` (an autocomplete
/// field's input carries the endpoint's parameters for the script).
pub(crate) fn render(widget: &RelationWidget, input: &WidgetInput<'_>) -> String {
    let (app, model) = (widget.to)();
    let mut class = "vForeignKeyRawIdAdminField".to_owned();
    let mut data = String::new();
    if widget.kind == RelationWidgetKind::Autocomplete {
        class.push_str(" admin-autocomplete");
        data = format!(
            r#" data-ajax--url="{}autocomplete/" data-app-label="{}" data-model-name="{}" data-field-name="{}""#,
            escape(input.prefix),
            escape(input.source.0),
            escape(input.source.1),
            escape(widget.field)
        );
    }
    let value = input
        .value
        .filter(|v| !v.is_empty())
        .map(|v| format!(r#" value="{}""#, escape(v)))
        .unwrap_or_default();
    let required = if input.required { " required" } else { "" };
    let mut html = format!(
        r#"<span class="related-widget-wrapper"><input type="text" name="{}"{value} class="{class}"{data}{required} id="{}">"#,
        escape(input.html_name),
        escape(input.id)
    );
    if input.registered {
        let changelist = format!("{}{app}/{model}/", input.prefix);
        html.push_str(&format!(
            r#"<a href="{}?_to_field=id" class="related-lookup" id="lookup_{}" title="Lookup" target="_blank" rel="noopener">Lookup</a>"#,
            escape(&changelist),
            escape(input.id)
        ));
        html.push_str("&nbsp;<strong class=\"related-label\">");
        if let (Some(label), Some(key)) = (input.label, input.value) {
            html.push_str(&format!(
                r#"<a href="{}{}/change/">{}</a>"#,
                escape(&changelist),
                escape(key.trim()),
                escape(label)
            ));
        }
        html.push_str("</strong>");
    } else {
        html.push_str(&format!(
            "&nbsp;<strong class=\"related-label\">{}</strong>",
            escape(input.label.unwrap_or_default())
        ));
    }
    html.push_str("</span>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widget(kind: RelationWidgetKind) -> RelationWidget {
        RelationWidget {
            field: "author",
            kind,
            to: || ("blog", "author".to_owned()),
        }
    }

    fn input<'a>(value: Option<&'a str>, label: Option<&'a str>) -> WidgetInput<'a> {
        WidgetInput {
            html_name: "author",
            id: "id_author",
            value,
            required: true,
            label,
            prefix: "/admin/",
            registered: true,
            source: ("blog", "post"),
        }
    }

    #[test]
    fn raw_id_shows_the_key_a_lookup_and_the_rows_name() {
        assert_eq!(
            render(
                &widget(RelationWidgetKind::RawId),
                &input(Some("3"), Some("Ann <A>"))
            ),
            r#"<span class="related-widget-wrapper"><input type="text" name="author" value="3" class="vForeignKeyRawIdAdminField" required id="id_author"><a href="/admin/blog/author/?_to_field=id" class="related-lookup" id="lookup_id_author" title="Lookup" target="_blank" rel="noopener">Lookup</a>&nbsp;<strong class="related-label"><a href="/admin/blog/author/3/change/">Ann &lt;A&gt;</a></strong></span>"#
        );
    }

    #[test]
    fn autocomplete_carries_the_endpoints_parameters() {
        let html = render(
            &widget(RelationWidgetKind::Autocomplete),
            &input(None, None),
        );
        assert!(html.starts_with(r#"<span class="related-widget-wrapper"><input type="text" name="author" class="vForeignKeyRawIdAdminField admin-autocomplete" data-ajax--url="/admin/autocomplete/" data-app-label="blog" data-model-name="post" data-field-name="author" required id="id_author">"#), "{html}");
        assert!(
            html.ends_with(r#"<strong class="related-label"></strong></span>"#),
            "{html}"
        );
    }
}
