"""Django 5.2's side of runtime/tests/staticfiles.rs: collectstatic with
ManifestStaticFilesStorage over the directories given, into the root given; prints the
manifest."""
import json
import sys

import django
from django.conf import settings

request = json.load(sys.stdin)
settings.configure(
    INSTALLED_APPS=["django.contrib.staticfiles"],
    STATIC_URL="static/",
    STATIC_ROOT=request["root"],
    STATICFILES_DIRS=request["dirs"],
    STORAGES={
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        }
    },
)
django.setup()

from django.core.management import call_command  # noqa: E402

call_command("collectstatic", interactive=False, verbosity=0)
with open(f"{request['root']}/staticfiles.json") as f:
    print(f.read())
