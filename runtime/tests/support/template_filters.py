"""Django 5.2's side of runtime/tests/template_filters.rs: renders the template given with
Django's engine and filters, TIME_ZONE America/Chicago, on the same values; prints it."""
import datetime
import json
import sys

import django
from django.conf import settings

request = json.load(sys.stdin)
settings.configure(
    USE_TZ=True,
    TIME_ZONE="America/Chicago",
    USE_I18N=False,
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
)
django.setup()

from django.template import engines  # noqa: E402

context = {
    "when": datetime.datetime(2024, 1, 15, 18, 30, 5, tzinfo=datetime.timezone.utc),
    "noon": datetime.datetime(2024, 7, 4, 17, 0, tzinfo=datetime.timezone.utc),
    "day": datetime.date(2024, 3, 2),
    "text": "The  quick brown\nfox jumps",
    "para": "One <b>line</b>\nand another\n\n\nA second paragraph",
    "n1": 1,
    "n2": 2,
    "items": [1],
    "empty": "",
    "zero": 0,
    "none": None,
    "yes": True,
    "f1": 34.23234,
    "f2": 34.0,
    "f3": 34.5,
    "f4": 2.675,
    "title": " Déjà vu -- Ça marche! ",
    "html": "<p>Hello <i>world</i></p>",
    "word": "élan",
}
print(engines["django"].from_string(request["template"]).render(context), end="")
