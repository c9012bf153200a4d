"""Django 5.2's side of runtime/tests/forms.rs.

Reads, as JSON on stdin, cases of rjango's forms: the form's name, the submitted data (or null
for an unbound form), a prefix, and what rjango rendered and refused. Builds the same form in
Django, and prints JSON: per case, whether Django's `as_div()` is the same HTML (compared as
Django's own assertHTMLEqual compares), Django's HTML, and Django's errors and validity.

A case with a "formset" key is a formset of that form (Django's `formset_factory` with the
case's options): the answer compares the management form and each form's HTML, and gives
Django's per-form errors, non-form errors and validity.
"""
import json
import sys

import django
from django.conf import settings

settings.configure(USE_I18N=False)
django.setup()

from django import forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.test.html import parse_html  # noqa: E402


class ContactForm(forms.Form):
    subject = forms.CharField(max_length=100, help_text="A short summary.")
    message = forms.CharField(widget=forms.Textarea)
    sender = forms.EmailField()
    cc_myself = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if "spam" in data.get("subject", ""):
            raise ValidationError("No spam, please.")
        return data


class EverythingForm(forms.Form):
    slug = forms.SlugField(min_length=3)
    rating = forms.IntegerField(min_value=1, max_value=10)
    score = forms.FloatField(required=False)
    published = forms.DateField(required=False)
    status = forms.ChoiceField(
        choices=[("", "---------"), ("draft", "Draft"), ("live", "Live")]
    )
    password = forms.CharField(widget=forms.PasswordInput)
    token = forms.CharField(widget=forms.HiddenInput)
    ready = forms.BooleanField(label="Ready?")


FORMS = {"ContactForm": ContactForm, "EverythingForm": EverythingForm}

def same(a, b):
    return parse_html(a) == parse_html(b)


def formset_answer(case):
    options = case["options"]
    cls = forms.formset_factory(
        FORMS[case["formset"]],
        extra=options["extra"],
        min_num=options["min_num"],
        max_num=options["max_num"],
        can_delete=options["can_delete"],
        validate_min=options["validate_min"],
        validate_max=options["validate_max"],
    )
    kwargs = {"initial": case["initial"]} if case["initial"] else {}
    formset = cls(case["data"], **kwargs) if case["data"] is not None else cls(**kwargs)
    valid = formset.is_bound and formset.is_valid()
    forms_html = [f.as_div() for f in formset.forms]
    return {
        "same_management": same(str(formset.management_form), case["management"]),
        "management": str(formset.management_form),
        "same_forms": len(forms_html) == len(case["forms"])
        and all(same(d, r) for d, r in zip(forms_html, case["forms"])),
        "forms": [str(h) for h in forms_html],
        "errors": [
            {field: [e["message"] for e in errs] for field, errs in e.get_json_data().items()}
            for e in (formset.errors if formset.is_bound else [])
        ],
        "non_form_errors": list(formset.non_form_errors()) if formset.is_bound else [],
        "valid": valid,
    }


answers = []
for case in json.load(sys.stdin):
    if "formset" in case:
        answers.append(formset_answer(case))
        continue
    cls = FORMS[case["form"]]
    kwargs = {"prefix": case["prefix"]} if case["prefix"] else {}
    if case["data"] is None:
        form = cls(**kwargs)
    else:
        form = cls(case["data"], **kwargs)
    html = form.as_div()
    errors = {
        field: [e["message"] for e in errs]
        for field, errs in form.errors.get_json_data().items()
    }
    answers.append(
        {
            "same_html": parse_html(html) == parse_html(case["html"]),
            "html": str(html),
            "errors": errors,
            "valid": form.is_bound and form.is_valid(),
        }
    )
print(json.dumps(answers))
