//! Django's formsets (`django.forms.formsets`): several forms of one kind in one `<form>`,
//! each field named with the form's prefix (`post_set-0-title`), counted by the management
//! form's hidden inputs (`post_set-TOTAL_FORMS`, `post_set-INITIAL_FORMS`, ...).
//!
//! ```text
//! let options = FormSetOptions { extra: 2, can_delete: true, ..FormSetOptions::default() };
//! let formset = FormSet::<ArticleForm>::bind(request.POST(), "form", &initial, options);
//! if formset.is_valid() {
//!     for (i, article) in formset.cleaned_forms() { ... }
//! }
//! // in the template: {{ formset.management_form() }} then each of formset.forms()
//! ```
//!
//! The initial forms show existing values (a model formset's rows); the extra forms are blank,
//! and one left blank is neither checked nor saved (Django's `empty_permitted`). A form whose
//! DELETE box is ticked is not checked either: it is to be deleted.

use askama::filters::Safe;

use super::utils::ErrorList;
use super::{BoundForm, Form, checked};
use crate::http::QueryDict;
use crate::template::escape;

/// Django's `DEFAULT_MAX_NUM`: the most forms a formset takes when it names no `max_num`.
pub const DEFAULT_MAX_NUM: usize = 1000;

/// Django's `formset_factory` arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormSetOptions {
    /// Blank forms shown after the initial ones.
    pub extra: usize,
    /// Forms shown (and, with `validate_min`, required) at the least.
    pub min_num: usize,
    /// Forms shown at the most (and, with `validate_max`, accepted).
    pub max_num: usize,
    /// Forms read from submitted data at the most, whatever TOTAL_FORMS says: a bound on the
    /// work a forged count can cause (Django's `absolute_max`, `max_num` + 1000).
    pub absolute_max: usize,
    /// Each form has a DELETE checkbox.
    pub can_delete: bool,
    pub validate_min: bool,
    pub validate_max: bool,
}

impl Default for FormSetOptions {
    /// Django's defaults: one extra form, no minimum, at most 1000.
    fn default() -> Self {
        FormSetOptions {
            extra: 1,
            min_num: 0,
            max_num: DEFAULT_MAX_NUM,
            absolute_max: 2 * DEFAULT_MAX_NUM,
            can_delete: false,
            validate_min: false,
            validate_max: false,
        }
    }
}

impl FormSetOptions {
    /// Sets `max_num`, and `absolute_max` as Django derives it (`max_num` + 1000).
    pub fn with_max_num(mut self, max_num: usize) -> Self {
        self.max_num = max_num;
        self.absolute_max = max_num.saturating_add(DEFAULT_MAX_NUM);
        self
    }
}

/// A formset, bound to submitted data or not: Django's `BaseFormSet` instance.
#[derive(Debug)]
pub struct FormSet<F> {
    prefix: String,
    options: FormSetOptions,
    forms: Vec<BoundForm<F>>,
    initial_count: usize,
    bound: bool,
    /// Per form: its DELETE box is ticked.
    deleted: Vec<bool>,
    /// Per form: an extra form left blank.
    empty: Vec<bool>,
    non_form_errors: Vec<String>,
    /// A bound formset's management form as submitted (TOTAL, INITIAL, MIN, MAX), shown
    /// again as it came, as Django's bound management form shows it.
    submitted: Option<[Option<String>; 4]>,
}

/// The management form's fields, in Django's order.
const MANAGEMENT: [&str; 4] = [
    "TOTAL_FORMS",
    "INITIAL_FORMS",
    "MIN_NUM_FORMS",
    "MAX_NUM_FORMS",
];

impl<F: Form> FormSet<F> {
    /// An unbound formset: a form for each of `initial`, then the extra blank ones (Django's
    /// `total_form_count()`: at least `min_num` + `extra`, at most `max_num` unless the
    /// initial forms are more).
    pub fn unbound(prefix: &str, initial: &[F], options: FormSetOptions) -> Self {
        let initial_count = initial.len();
        let mut total = initial_count.max(options.min_num) + options.extra;
        if initial_count > options.max_num {
            total = initial_count;
        } else if total > options.max_num {
            total = options.max_num;
        }
        let forms = (0..total)
            .map(|i| {
                let mut form = match initial.get(i) {
                    Some(value) => F::with_initial(value),
                    None => F::unbound(),
                };
                form.prefix = Some(form_prefix(prefix, i));
                form.use_required_attribute = false;
                form
            })
            .collect::<Vec<_>>();
        FormSet {
            prefix: prefix.to_owned(),
            options,
            deleted: vec![false; forms.len()],
            empty: vec![false; forms.len()],
            forms,
            initial_count,
            bound: false,
            non_form_errors: Vec::new(),
            submitted: None,
        }
    }

    /// A formset bound to submitted data and checked: Django's `FormSet(request.POST)` and
    /// `is_valid()`. `initial` holds the initial forms' values in the order the page showed
    /// them (a model formset matches them to the submitted keys first).
    pub fn bind(data: &QueryDict, prefix: &str, initial: &[F], options: FormSetOptions) -> Self {
        let mut set = FormSet {
            prefix: prefix.to_owned(),
            options,
            forms: Vec::new(),
            initial_count: 0,
            bound: true,
            deleted: Vec::new(),
            empty: Vec::new(),
            non_form_errors: Vec::new(),
            submitted: Some(
                MANAGEMENT.map(|name| data.get(&format!("{prefix}-{name}")).map(str::to_owned)),
            ),
        };
        let count = |name: &str| {
            data.get(&format!("{prefix}-{name}"))
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        let (Some(total), Some(initial_forms)) = (count("TOTAL_FORMS"), count("INITIAL_FORMS"))
        else {
            let missing: Vec<String> = ["TOTAL_FORMS", "INITIAL_FORMS"]
                .iter()
                .filter(|name| count(name).is_none())
                .map(|name| format!("{prefix}-{name}"))
                .collect();
            set.non_form_errors.push(format!(
                "ManagementForm data is missing or has been tampered with. Missing fields: {}. You may need to file a bug report if the issue persists.",
                missing.join(", ")
            ));
            return set;
        };
        let total_forms = total.min(options.absolute_max);
        set.initial_count = initial_forms.min(total_forms).min(initial.len());
        // Each form gets only its own fields: one pass over the data, however many forms
        // TOTAL_FORMS claims (a copy of the whole POST per form would grow with its square).
        let mut buckets: Vec<Vec<(String, String)>> = vec![Vec::new(); total_forms];
        let form_keys = format!("{prefix}-");
        for (key, value) in data.iter() {
            let Some(rest) = key.strip_prefix(&form_keys) else {
                continue;
            };
            let Some((index, _)) = rest.split_once('-') else {
                continue;
            };
            if let Some(bucket) = index.parse::<usize>().ok().and_then(|i| buckets.get_mut(i)) {
                bucket.push((key.to_owned(), value.to_owned()));
            }
        }
        // Extra forms left blank, which do not count towards min_num.
        let mut blank_forms = 0;
        for (i, pairs) in buckets.into_iter().enumerate() {
            let form_prefix = form_prefix(prefix, i);
            let values = initial.get(i).filter(|_| i < set.initial_count);
            let initial_values = values.map(Form::initial_values);
            let own = QueryDict::from_pairs(pairs);
            let deleted = options.can_delete && checked(own.get(&format!("{form_prefix}-DELETE")));
            let mut form = BoundForm::<F>::bind(own, Some(form_prefix), initial_values);
            form.use_required_attribute = false;
            // A blank extra form may stay blank, but not one of the first `min_num` (Django's
            // empty_permitted).
            let blank = i >= set.initial_count && !form.has_changed();
            if blank && !deleted {
                blank_forms += 1;
            }
            let empty = blank && i >= options.min_num;
            if empty {
                form.permit_empty();
            }
            set.forms.push(form);
            set.deleted.push(deleted);
            set.empty.push(empty);
        }
        let deleted = set.deleted.iter().filter(|d| **d).count();
        let empty = blank_forms;
        // More forms than absolute_max is refused whatever validate_max says (Django's rule):
        // never a silent cut.
        if (options.validate_max && total_forms - deleted > options.max_num)
            || total > options.absolute_max
        {
            set.non_form_errors.push(format!(
                "Please submit at most {} form{}.",
                options.max_num,
                plural(options.max_num)
            ));
        }
        if options.validate_min && total_forms - deleted - empty < options.min_num {
            set.non_form_errors.push(format!(
                "Please submit at least {} form{}.",
                options.min_num,
                plural(options.min_num)
            ));
        }
        set
    }

    /// Leaves form `i` out, as if left blank: neither checked nor saved (an admin inline's
    /// rows the user may not change). Its DELETE box still counts: deleting needs no change.
    pub(crate) fn ignore(&mut self, i: usize) {
        if let Some(form) = self.forms.get_mut(i) {
            form.permit_empty();
            self.empty[i] = true;
        }
    }

    /// Adds a refusal of the whole formset (Django's `non_form_errors`, raised by its
    /// `clean()`).
    pub fn add_non_form_error(&mut self, message: impl Into<String>) {
        self.non_form_errors.push(message.into());
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn options(&self) -> FormSetOptions {
        self.options
    }

    pub fn is_bound(&self) -> bool {
        self.bound
    }

    /// The forms, the initial ones first.
    pub fn forms(&self) -> &[BoundForm<F>] {
        &self.forms
    }

    pub fn forms_mut(&mut self) -> &mut [BoundForm<F>] {
        &mut self.forms
    }

    /// How many forms show existing values (Django's `initial_form_count()`).
    pub fn initial_form_count(&self) -> usize {
        self.initial_count
    }

    /// Whether form `i`'s DELETE box is ticked.
    pub fn is_deleted(&self, i: usize) -> bool {
        self.deleted.get(i).copied().unwrap_or(false)
    }

    /// Whether form `i` is an extra form left blank.
    pub fn is_empty(&self, i: usize) -> bool {
        self.empty.get(i).copied().unwrap_or(false)
    }

    /// The forms that count: neither deleted nor left blank.
    fn counted(&self) -> impl Iterator<Item = (usize, &BoundForm<F>)> {
        self.forms
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.is_deleted(*i) && !self.is_empty(*i))
    }

    /// Django's `is_valid()`: bound, no formset-wide refusal, and every form that counts is
    /// valid.
    pub fn is_valid(&self) -> bool {
        self.bound && self.non_form_errors.is_empty() && self.counted().all(|(_, f)| f.is_valid())
    }

    /// Every counted form's cleaned value, with its index (Django's `cleaned_data` of the
    /// forms neither deleted nor left blank).
    pub fn cleaned_forms(&self) -> Vec<(usize, &F)> {
        self.counted()
            .filter_map(|(i, f)| f.cleaned_data().map(|c| (i, c)))
            .collect()
    }

    /// The refusals of the whole formset: Django's `non_form_errors()`.
    pub fn non_form_errors(&self) -> ErrorList {
        ErrorList::new(self.non_form_errors.clone(), "errorlist nonform", None)
    }

    /// How many refusals in all (Django's `total_error_count()`).
    pub fn total_error_count(&self) -> usize {
        self.non_form_errors.len()
            + self
                .counted()
                .map(|(_, f)| f.errors().iter().map(|(_, e)| e.len()).sum::<usize>())
                .sum::<usize>()
    }

    /// The management form's hidden inputs, as Django renders them: the counts, or for a
    /// bound formset what was submitted.
    pub fn management_form(&self) -> Safe<String> {
        let counts = [
            self.forms.len(),
            self.initial_count,
            self.options.min_num,
            self.options.max_num,
        ];
        let mut html = String::new();
        let mut errors = String::new();
        for (i, name) in MANAGEMENT.iter().enumerate() {
            let value = match &self.submitted {
                Some(submitted) => {
                    // TOTAL and INITIAL are required whole numbers (Django's IntegerFields).
                    let raw = submitted[i].as_deref().map(str::trim).unwrap_or("");
                    if i < 2 && raw.parse::<usize>().is_err() {
                        let message = if raw.is_empty() {
                            "This field is required."
                        } else {
                            "Enter a whole number."
                        };
                        errors.push_str(&format!("<li>(Hidden field {name}) {message}</li>"));
                    }
                    submitted[i].as_deref().map(escape)
                }
                None => Some(counts[i].to_string()),
            };
            let name = escape(&format!("{}-{name}", self.prefix));
            let value = value
                .map(|v| format!(r#" value="{v}""#))
                .unwrap_or_default();
            html.push_str(&format!(
                r#"<input type="hidden" name="{name}"{value} id="id_{name}">"#
            ));
        }
        if errors.is_empty() {
            Safe(html)
        } else {
            // As Django's form of hidden fields with errors renders.
            Safe(format!(
                "<ul class=\"errorlist nonfield\">{errors}</ul>\n\n  <div>{html}</div>\n"
            ))
        }
    }

    /// Form `i`'s DELETE checkbox (Django's `form["DELETE"]`), ticked as submitted.
    pub fn delete_widget(&self, i: usize) -> Safe<String> {
        let name = escape(&format!("{}-DELETE", form_prefix(&self.prefix, i)));
        let ticked = if self.is_deleted(i) { " checked" } else { "" };
        Safe(format!(
            r#"<input type="checkbox" name="{name}" id="id_{name}"{ticked}>"#
        ))
    }
}

/// `post_set-0`: the prefix of a formset's form `i`.
pub fn form_prefix(prefix: &str, i: usize) -> String {
    format!("{prefix}-{i}")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
