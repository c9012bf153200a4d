"""Django 5.2's side of the migration matrix in runtime/tests/migrate.rs.

A conversation in JSON lines. The first line on stdin names the backend, the database rjango
migrates ("rjango") and an empty one for Django ("django"). Each next line names a migration of
app `shop` to migrate to (or "zero"), whether constraints are compared by name (not after a
rename: rjango renames them, Django leaves the old names) and the columns whose model declares
a default (rjango keeps it as the column's default, Django does not). Django migrates its
database there with django_shop/, the same chain written by hand as Django migrations, and
prints one line: where the two schemas part as Django's introspection reads them, Django's
tables, and the known departures it set aside. rjango's expected schema at each step,
forwards and backwards, join tables included, is so Django's own.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "django_shop"))

from django_schema import differences, schema, setup  # noqa: E402

first = json.loads(sys.stdin.readline())
setup(
    first["vendor"],
    {"default": first["django"], "rjango": first["rjango"]},
    INSTALLED_APPS=["shop"],
    # As startproject's settings.py, and rjango's default for a project's apps.
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)

from django.core.management import call_command  # noqa: E402

for line in sys.stdin:
    question = json.loads(line)
    call_command("migrate", "shop", question["target"], verbosity=0, interactive=False)
    theirs = schema("default", question["by_name"])
    ours = schema("rjango", question["by_name"])
    # rjango keeps a field's default as the column's default too (schema_editor's documented
    # departure); Django keeps it in Python. The Rust side checks the value against the models.
    for table, column in question["kept_defaults"]:
        ours.get(table, {}).get("columns", {}).get(column, {})["default"] = None
    # Not yet as Django: on MariaDB 10.7+ Django 5 makes a UUIDField the native UUID type;
    # rjango's schema editor, a function of the dialect alone, writes char(32) as on MySQL.
    departures = []
    for table, columns in theirs.items():
        for name, column in columns["columns"].items():
            mine = ours.get(table, {}).get("columns", {}).get(name)
            if column["field"] == "UUIDField" and mine and mine["field"] == "CharField":
                columns["columns"][name] = mine
                departures.append(f"{table}.{name}: char(32), not MariaDB's uuid")
    print(
        json.dumps(
            {
                "differences": differences(ours, theirs),
                "tables": sorted(theirs),
                "departures": departures,
            }
        ),
        flush=True,
    )
