"""Django 5.2's side of runtime/tests/json_style.rs: the bytes of Django's JsonResponse for the
value on stdin, printed as they are."""
import json
import sys

import django
from django.conf import settings

settings.configure()
django.setup()

from django.http import JsonResponse  # noqa: E402

value = json.load(sys.stdin)
sys.stdout.buffer.write(JsonResponse(value).content)
