"""Django 5.2's side of runtime/tests/contrib_tables.rs.

Reads JSON on stdin: the backend, the database rjango migrated ("rjango") and an empty one
("fresh"). Django migrates the empty one with the contrib apps, then compares the two as
Django's own introspection sees them: every table, column (type, size, NULL, default) and
constraint (by name: primary keys, uniques, foreign keys, indexes), and the content types and
permissions post_migrate made. It asks Django's executor what it would still apply to the
rjango database, reads the session rjango stored there with Django's database backend, and
stores one of its own for rjango to read. Prints JSON.
"""
import json
import sys

request = json.load(sys.stdin)

from django_schema import differences, schema, setup  # noqa: E402

setup(
    request["vendor"],
    {"default": request["rjango"], "fresh": request["fresh"]},
    SECRET_KEY=request["secret_key"],
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.admin",
    ],
)

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

call_command("migrate", database="fresh", verbosity=0, interactive=False)


def rows(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return [list(r) for r in cursor.fetchall()]


CONTENT_TYPES = "SELECT id, app_label, model FROM django_content_type ORDER BY id"
PERMISSIONS = "SELECT id, name, content_type_id, codename FROM auth_permission ORDER BY id"

executor = MigrationExecutor(connections["default"])
plan = executor.migration_plan(executor.loader.graph.leaf_nodes())

# The user rjango signed in, as Django's get_user reads the session; rjango's password hash,
# as Django's authenticate checks it; and a user Django makes and signs in, for rjango.
from django.contrib.auth import authenticate, get_user  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.test import Client  # noqa: E402

signed_in = HttpRequest()
signed_in.session = SessionStore(session_key=request["login_key"])
django_sees = get_user(signed_in).get_username()
django_authenticates = authenticate(username="ada", password="pw") is not None
User.objects.create_user("grace", "grace@example.com", "pw2")
client = Client()
assert client.login(username="grace", password="pw2")
grace_key = client.cookies[settings.SESSION_COOKIE_NAME].value

theirs = SessionStore()
theirs["from"] = "Django é"
theirs["n"] = [1, 2, 3]
theirs.create()
ours = Session.objects.get(session_key=request["session_key"])

print(
    json.dumps(
        {
            "schema": differences(schema("default"), schema("fresh")),
            "tables": sorted(schema("fresh")),
            "content_types": [rows("default", CONTENT_TYPES), rows("fresh", CONTENT_TYPES)],
            "permissions": [rows("default", PERMISSIONS), rows("fresh", PERMISSIONS)],
            "plan": [f"{m.app_label}.{m.name}" for m, _ in plan],
            "auth": {
                "get_user": django_sees,
                "authenticate": django_authenticates,
                "grace_key": grace_key,
            },
            "session": {
                "read": SessionStore().decode(ours.session_data),
                "expires_in": (ours.expire_date - django.utils.timezone.now()).total_seconds(),
                "key": theirs.session_key,
            },
        }
    )
)
