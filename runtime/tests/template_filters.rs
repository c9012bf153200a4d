//! Django's everyday filters in askama templates (`rjango::template::filters`): each one
//! rendered by rjango and by Django 5.2 (from PyPI) on the same values, TIME_ZONE
//! America/Chicago, and compared character for character.

use askama::Template;
use rjango::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rjango::template::filters;

#[path = "support/venv.rs"]
mod venv;

/// The filters, one a line: rjango's spelling, and Django's.
const CASES: &[(&str, &str)] = &[
    (
        r#"{{ when|date("N j, Y, P") }}"#,
        r#"{{ when|date:"N j, Y, P" }}"#,
    ),
    (
        r#"{{ when|date("D d M Y H:i:s T O e") }}"#,
        r#"{{ when|date:"D d M Y H:i:s T O e" }}"#,
    ),
    (r#"{{ when|date("c r U") }}"#, r#"{{ when|date:"c r U" }}"#),
    (
        r#"{{ when|date("a A f g G h S t w W y z L b \\Y\\e\\s") }}"#,
        r#"{{ when|date:"a A f g G h S t w W y z L b \Y\e\s" }}"#,
    ),
    ("{{ when|date }}", "{{ when|date }}"),
    (
        "{{ when|time }} {{ noon|time }}",
        "{{ when|time }} {{ noon|time }}",
    ),
    (r#"{{ noon|time("P") }}"#, r#"{{ noon|time:"P" }}"#),
    (
        r#"{{ day|date("l jS F Y, N") }}"#,
        r#"{{ day|date:"l jS F Y, N" }}"#,
    ),
    (
        "{{ text|truncatewords(3) }}|{{ text|truncatewords(9) }}",
        "{{ text|truncatewords:3 }}|{{ text|truncatewords:9 }}",
    ),
    (
        "{{ text|truncatechars(9) }}|{{ word|truncatechars(9) }}",
        "{{ text|truncatechars:9 }}|{{ word|truncatechars:9 }}",
    ),
    ("{{ para|filters::linebreaks }}", "{{ para|linebreaks }}"),
    (
        "{{ para|filters::linebreaksbr }}",
        "{{ para|linebreaksbr }}",
    ),
    (
        r#"{{ n1|filters::pluralize }}{{ n2|filters::pluralize }} {{ n1|filters::pluralize("y,ies") }}{{ n2|filters::pluralize("y,ies") }} {{ items|filters::pluralize("es") }}"#,
        r#"{{ n1|pluralize }}{{ n2|pluralize }} {{ n1|pluralize:"y,ies" }}{{ n2|pluralize:"y,ies" }} {{ items|pluralize:"es" }}"#,
    ),
    (
        r#"{{ empty|filters::default("nothing") }} {{ zero|filters::default("none") }} {{ word|filters::default("x") }}"#,
        r#"{{ empty|default:"nothing" }} {{ zero|default:"none" }} {{ word|default:"x" }}"#,
    ),
    (
        r#"{{ none|default_if_none("—") }}"#,
        r#"{{ none|default_if_none:"—" }}"#,
    ),
    (
        r#"{{ yes|yesno }} {{ none|yesno("y,n,m") }} {{ none|yesno("y,n") }}"#,
        r#"{{ yes|yesno }} {{ none|yesno:"y,n,m" }} {{ none|yesno:"y,n" }}"#,
    ),
    (
        "{{ f1|floatformat }} {{ f2|floatformat }} {{ f1|floatformat(2) }} {{ f2|floatformat(-2) }} {{ f3|floatformat(0) }} {{ f1|floatformat(-2) }}",
        r#"{{ f1|floatformat }} {{ f2|floatformat }} {{ f1|floatformat:2 }} {{ f2|floatformat:"-2" }} {{ f3|floatformat:0 }} {{ f1|floatformat:"-2" }}"#,
    ),
    ("{{ title|slugify }}", "{{ title|slugify }}"),
    ("{{ html|striptags }}", "{{ html|striptags }}"),
    ("{{ word|capfirst }}", "{{ word|capfirst }}"),
];

/// One askama template holding every case, one a line, in CASES' order.
#[derive(Template)]
#[template(
    ext = "txt",
    source = r#"{{ when|date("N j, Y, P") }}
{{ when|date("D d M Y H:i:s T O e") }}
{{ when|date("c r U") }}
{{ when|date("a A f g G h S t w W y z L b \\Y\\e\\s") }}
{{ when|date }}
{{ when|time }} {{ noon|time }}
{{ noon|time("P") }}
{{ day|date("l jS F Y, N") }}
{{ text|truncatewords(3) }}|{{ text|truncatewords(9) }}
{{ text|truncatechars(9) }}|{{ word|truncatechars(9) }}
{{ para|filters::linebreaks }}
{{ para|filters::linebreaksbr }}
{{ n1|filters::pluralize }}{{ n2|filters::pluralize }} {{ n1|filters::pluralize("y,ies") }}{{ n2|filters::pluralize("y,ies") }} {{ items|filters::pluralize("es") }}
{{ empty|filters::default("nothing") }} {{ zero|filters::default("none") }} {{ word|filters::default("x") }}
{{ none|default_if_none("—") }}
{{ yes|yesno }} {{ none|yesno("y,n,m") }} {{ none|yesno("y,n") }}
{{ f1|floatformat }} {{ f2|floatformat }} {{ f1|floatformat(2) }} {{ f2|floatformat(-2) }} {{ f3|floatformat(0) }} {{ f1|floatformat(-2) }}
{{ title|slugify }}
{{ html|striptags }}
{{ word|capfirst }}"#
)]
struct Everything {
    when: DateTime<Utc>,
    noon: DateTime<Utc>,
    day: NaiveDate,
    text: &'static str,
    para: &'static str,
    n1: i64,
    n2: i64,
    items: Vec<i32>,
    empty: &'static str,
    zero: i64,
    none: Option<bool>,
    yes: bool,
    f1: f64,
    f2: f64,
    f3: f64,
    title: &'static str,
    html: &'static str,
    word: &'static str,
}

#[test]
fn filters_render_as_djangos() {
    rjango::conf::configure(rjango::conf::Settings {
        TIME_ZONE: "America/Chicago".into(),
        ..Default::default()
    });
    let page = Everything {
        when: Utc.with_ymd_and_hms(2024, 1, 15, 18, 30, 5).unwrap(),
        noon: Utc.with_ymd_and_hms(2024, 7, 4, 17, 0, 0).unwrap(),
        day: NaiveDate::from_ymd_opt(2024, 3, 2).unwrap(),
        text: "The  quick brown\nfox jumps",
        para: "One <b>line</b>\nand another\n\n\nA second paragraph",
        n1: 1,
        n2: 2,
        items: vec![1],
        empty: "",
        zero: 0,
        none: None,
        yes: true,
        f1: 34.23234,
        f2: 34.0,
        f3: 34.5,
        title: " Déjà vu -- Ça marche! ",
        html: "<p>Hello <i>world</i></p>",
        word: "élan",
    };
    let ours = page.render().unwrap();
    let Some(python) = venv::django_python() else {
        return;
    };
    let django_template: Vec<&str> = CASES.iter().map(|(_, d)| *d).collect();
    let theirs = venv::run_django_text(
        &python,
        "template_filters.py",
        &serde_json::json!({ "template": django_template.join("\n") }),
    );
    // Multi-line outputs (linebreaks) make lines of their own: compare the whole text, then
    // line by line for a readable failure.
    for (i, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
        assert_eq!(a, b, "line {}", i + 1);
    }
    assert_eq!(ours, theirs);
    println!(
        "{} filter cases rendered as Django renders them",
        CASES.len()
    );
    let _ = filters::date::default;
}
