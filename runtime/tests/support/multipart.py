"""Django 5.2's side of runtime/tests/client_production.rs's multipart test: each body on stdin
(a list of {content_type, body as base64}) read by Django's own request (a WSGIRequest, as a
server hands it over), answered with what request.POST and request.FILES hold, or which error
refused it."""
import base64
import io
import json
import sys

import django
from django.conf import settings

settings.configure(
    DATA_UPLOAD_MAX_NUMBER_FIELDS=5,
    DATA_UPLOAD_MAX_NUMBER_FILES=3,
    # Every file in memory, as rjango holds it.
    FILE_UPLOAD_MAX_MEMORY_SIZE=10_000_000,
)
django.setup()

from django.core.handlers.wsgi import WSGIRequest  # noqa: E402


def read(case):
    body = base64.b64decode(case["body"])
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "CONTENT_TYPE": case["content_type"],
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
        }
    )
    try:
        post = [[k, v] for k in request.POST for v in request.POST.getlist(k)]
        files = [
            [k, f.name, f.content_type or "", base64.b64encode(f.read()).decode()]
            for k in request.FILES
            for f in request.FILES.getlist(k)
        ]
    except Exception as e:  # noqa: BLE001 - the error's kind is the answer
        return {"error": type(e).__name__}
    return {"post": post, "files": files}


print(json.dumps([read(case) for case in json.load(sys.stdin)]))
