"""Django set up on test databases, and Django's introspection of a database in one comparable
shape: shared by the scripts that compare rjango's schemas with Django's (contrib_tables.py,
migration_matrix.py)."""
import re

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgresql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
}


def setup(vendor, databases, **settings_):
    """Configures Django with `databases` (alias: DATABASES entry without ENGINE), all of
    `vendor`, and the other settings given."""
    if vendor == "mysql":
        import pymysql

        # PyMySQL stands in for mysqlclient, which needs a C toolchain and headers to install.
        pymysql.version_info = (2, 2, 7, "final", 0)
        pymysql.install_as_MySQLdb()

    import django
    from django.conf import settings

    settings.configure(
        DATABASES={
            alias: {"ENGINE": ENGINES[vendor], **params} for alias, params in databases.items()
        },
        USE_TZ=True,
        **settings_,
    )
    django.setup()


def schema(alias, by_content=()):
    """Every table but the migration recorder's, as Django's introspection reads it: columns
    (type, size, NULL, default) and constraints (primary keys, uniques, foreign keys, indexes,
    checks) by name, or, for the tables in `by_content`, by what they are: a rename leaves
    Django's names behind where rjango renames them with the table or column."""
    from django.db import connections

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
            found = conn.introspection.get_constraints(cursor, table)
            if conn.vendor == "mysql":
                found = fk_indexes_apart(found)
            for name, info in found.items():
                if name.startswith("__unnamed_constraint_"):
                    # SQLite numbers a table's unnamed constraints in column order, which
                    # Django's table remakes shuffled: keyed by what they hold instead.
                    name = "unnamed " + ",".join(info["columns"] or [])
                if conn.vendor == "mysql" and info.get("check"):
                    # A positive field's CHECK: Django's is inline (MariaDB leaves it
                    # unnamed, MySQL names it <table>_chk_<n> by the table's history), rjango
                    # names it so a later migration can find it. Compared by what it checks.
                    name = "check " + ",".join(info["columns"] or [])
                if conn.vendor == "sqlite" and re.fullmatch(r"fk_\d+", name):
                    # SQLite numbers foreign keys in column order too.
                    name = "foreign key " + ",".join(info["columns"] or [])
                what = {
                    k: info.get(k)
                    for k in ("columns", "primary_key", "unique", "foreign_key", "index", "check")
                }
                if table in by_content:
                    name = ", ".join(f"{k}={v}" for k, v in what.items() if v)
                    while name in constraints:
                        name += " (again)"
                constraints[name] = what
            out[table] = {"columns": columns, "constraints": constraints}
    return out


def fk_indexes_apart(found):
    """MySQL's constraints with the index of each foreign key apart from it, under one name.

    InnoDB makes a foreign key an index named after it unless another index starts with its
    columns, and drops that index when one is made. Before dropping such a covering index,
    Django creates an explicit index on the foreign key's columns (`_create_missing_fk_index`,
    left behind for good); rjango drops and adds the foreign key around it instead, so InnoDB
    makes its own again (schema_editor's `fk_index_handover`). Either way the foreign key has
    an index of its own; which index that is, is InnoDB's business, and one that another index
    covers is left out."""
    fk_columns = [info["columns"] for info in found.values() if info.get("foreign_key")]
    out = {}

    def put(name, info):
        while name in out:
            name += " (again)"
        out[name] = info

    for name, info in found.items():
        info = dict(info)
        if info.get("foreign_key") and info.get("index"):
            info["index"] = False
            put(name, info)
            put("index of foreign key " + ",".join(info["columns"]), plain_index(info["columns"]))
        elif (
            info.get("index")
            and not any(info.get(k) for k in ("primary_key", "unique", "foreign_key", "check"))
            and info["columns"] in fk_columns
        ):
            put("index of foreign key " + ",".join(info["columns"]), info)
        else:
            put(name, info)
    # Covered: another index begins with the foreign key's columns. InnoDB then drops its
    # own; Django's explicit one stays behind when the migration that dropped the covering
    # index is undone, so Django's schema there is not its own of the same state going forward.
    for name in [n for n in out if n.startswith("index of foreign key ")]:
        columns = out[name]["columns"]
        if any(
            other != name
            and (info.get("index") or info.get("unique"))
            and not info.get("foreign_key")
            and len(info["columns"]) > len(columns)
            and info["columns"][: len(columns)] == columns
            for other, info in out.items()
        ):
            del out[name]
    return out


def plain_index(columns):
    return {
        "columns": columns,
        "primary_key": False,
        "unique": False,
        "foreign_key": None,
        "index": True,
        "check": False,
    }


def differences(ours, theirs, path=""):
    """Where rjango's schema (`ours`) and Django's (`theirs`) part, one line each."""
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
