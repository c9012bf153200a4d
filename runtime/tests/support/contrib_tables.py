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
vendor = request["vendor"]
if vendor == "mysql":
    import pymysql

    # PyMySQL stands in for mysqlclient, which needs a C toolchain and headers to install.
    pymysql.version_info = (2, 2, 7, "final", 0)
    pymysql.install_as_MySQLdb()

import django  # noqa: E402
from django.conf import settings  # noqa: E402

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgresql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
}


def database(params):
    return {"ENGINE": ENGINES[vendor], **params}


settings.configure(
    SECRET_KEY=request["secret_key"],
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.admin",
    ],
    DATABASES={
        "default": database(request["rjango"]),
        "fresh": database(request["fresh"]),
    },
    USE_TZ=True,
)
django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

call_command("migrate", database="fresh", verbosity=0, interactive=False)


def schema(alias):
    conn = connections[alias]
    out = {}
    with conn.cursor() as cursor:
        tables = sorted(
            t.name
            for t in conn.introspection.get_table_list(cursor)
            if t.type == "t" and t.name != "django_migrations"
        )
        for table in tables:
            columns = {}
            for c in conn.introspection.get_table_description(cursor, table):
                columns[c.name] = {
                    "type": str(c.type_code),
                    "field": conn.introspection.get_field_type(c.type_code, c),
                    "size": c.internal_size,
                    "null": bool(c.null_ok),
                    "default": c.default,
                }
            constraints = {}
            for name, info in conn.introspection.get_constraints(cursor, table).items():
                if name.startswith("__unnamed_constraint_"):
                    # SQLite numbers a table's unnamed constraints in column order, which
                    # Django's table remakes shuffled: keyed by what they hold instead.
                    name = "unnamed " + ",".join(info["columns"] or [])
                if vendor == "mysql" and info.get("check"):
                    # A positive field's CHECK: Django's is inline (MariaDB leaves it
                    # unnamed, MySQL names it <table>_chk_<n> by the table's history), rjango
                    # names it so a later migration can find it. Compared by what it checks.
                    name = "check " + ",".join(info["columns"] or [])
                constraints[name] = {
                    k: info.get(k)
                    for k in ("columns", "primary_key", "unique", "foreign_key", "index", "check")
                }
            out[table] = {"columns": columns, "constraints": constraints}
    return out


def rows(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return [list(r) for r in cursor.fetchall()]


def differences(ours, theirs, path=""):
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = []
        for key in sorted(set(ours) | set(theirs)):
            where = f"{path}/{key}"
            if key not in ours:
                out.append(f"{where}: only Django's has it: {theirs[key]!r}")
            elif key not in theirs:
                out.append(f"{where}: only rjango's has it: {ours[key]!r}")
            else:
                out.extend(differences(ours[key], theirs[key], where))
        return out
    return [] if ours == theirs else [f"{path}: rjango {ours!r}, Django {theirs!r}"]


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
