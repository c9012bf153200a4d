"""Django 5.2's side of the migration matrix in runtime/tests/migrate.rs.

A conversation in JSON lines. The first line on stdin names the backend, the database rjango
migrates ("rjango") and an empty one for Django ("django"). Each next line names a migration of
app `shop` to migrate to (or "zero"), the tables whose constraints are compared by what they
are rather than by name (after a rename: rjango renames them, Django leaves the old names), and
the columns whose model declares a default (rjango keeps it as the column's default, Django
does not). Django migrates its
database there with django_shop/, the same chain written by hand as Django migrations, and
prints one line: where the two schemas part as Django's introspection reads them, Django's
tables, and the known departures it set aside. rjango's expected schema at each step,
forwards and backwards, join tables included, is so Django's own.
"""
import json
import os
import re
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
from django.db import connections  # noqa: E402

for line in sys.stdin:
    question = json.loads(line)
    call_command("migrate", "shop", question["target"], verbosity=0, interactive=False)
    theirs = schema("default", question["by_content"])
    ours = schema("rjango", question["by_content"])
    # rjango keeps a field's default as the column's default too (schema_editor's documented
    # departure); Django keeps it in Python. The Rust side checks the value against the models.
    for table, column in question["kept_defaults"]:
        ours.get(table, {}).get("columns", {}).get(column, {})["default"] = None
    departures = []
    # A field made unique after CREATE TABLE: rjango names the constraint as the database
    # names an inline UNIQUE (PostgreSQL's <table>_<column>_key, MySQL's <column>), so a later
    # migration finds it by one name however it came; Django names it <table>_<column>_<hash>_uniq.
    for table, mine in ours.items():
        their_constraints = theirs.get(table, {}).get("constraints", {})
        for name, info in list(their_constraints.items()):
            columns = info["columns"] or []
            if not (info["unique"] and len(columns) == 1):
                continue
            if not re.fullmatch(rf"{re.escape(table)}_{re.escape(columns[0])}_[0-9a-f]{{8}}_uniq", name):
                continue
            for inline in (f"{table}_{columns[0]}_key", columns[0]):
                if inline in mine["constraints"] and inline not in their_constraints:
                    their_constraints[inline] = their_constraints.pop(name)
                    departures.append(f"{table}.{columns[0]}: unique named {inline}, not {name}")
                    break
    if connections["default"].vendor == "mysql":
        for table, mine in ours.items():
            for name, column in mine["columns"].items():
                theirs_column = theirs.get(table, {}).get("columns", {}).get(name)
                # Not yet as Django: on MariaDB 10.7+ Django 5 makes a UUIDField the native
                # UUID type; rjango's schema editor, a function of the dialect alone, writes
                # char(32) as on MySQL. Only the type is set aside.
                if (
                    connections["default"].mysql_is_mariadb
                    and theirs_column
                    and theirs_column["field"] == "UUIDField"
                    and column["field"] == "CharField"
                ):
                    for key in ("type", "field", "size"):
                        theirs_column[key] = column[key]
                    departures.append(f"{table}.{name}: char(32), not MariaDB's uuid")
                # An unsigned column's CHECK (>= 0): Django writes it inline, and MariaDB
                # drops an inline CHECK with the column definition an AlterField's MODIFY
                # replaces; rjango's is a named constraint that stays. Set aside only where
                # rjango has it and Django lost it.
                check = "check " + name
                if (
                    column["field"].startswith("Positive")
                    and check in mine["constraints"]
                    and check not in theirs.get(table, {}).get("constraints", {})
                ):
                    del mine["constraints"][check]
                    departures.append(f"{table}.{name}: rjango keeps the CHECK Django's MODIFY drops")
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
