"""Django 5.2's side of runtime/tests/forms.rs.

Reads, as JSON on stdin, cases of rjango's forms: the form's name, the submitted data (or null
for an unbound form), a prefix, and what rjango rendered and refused. Builds the same form in
Django, and prints JSON: per case, whether Django's `as_div()` is the same HTML (compared as
Django's own assertHTMLEqual compares), Django's HTML, and Django's errors and validity.
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

answers = []
for case in json.load(sys.stdin):
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
