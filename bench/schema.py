"""Writes the benchmark schema, 1000 models in 50 apps (mixed field types, a foreign key each),
as rjango models.rs files and as Django models.py files, from one description so both sides
declare exactly the same schema.

usage: schema.py rjango PROJECT_DIR   |   schema.py django PROJECT_DIR
"""
import sys
from pathlib import Path

APPS, PER_APP = 50, 20

# (rjango type, rjango attrs, Django field) for the mixed fields of every model.
FIELDS = [
    ("CharField", "max_length = 100", "models.CharField(max_length=100)"),
    ("TextField", "", "models.TextField()"),
    ("IntegerField", "default = 0", "models.IntegerField(default=0)"),
    ("BooleanField", "default = false", "models.BooleanField(default=False)"),
    ("DateTimeField", "", "models.DateTimeField(null=True)"),
    ("DecimalField", "max_digits = 10, decimal_places = 2", "models.DecimalField(max_digits=10, decimal_places=2)"),
    ("SlugField", "", "models.SlugField()"),
    ("FloatField", "", "models.FloatField(null=True)"),
]


def model_names(app):
    return [f"Model{app:02d}x{i:02d}" for i in range(PER_APP)]


def fk_target(app, i):
    """The previous model of the app; the first model of an app points at the previous app's last."""
    if i > 0:
        return app, model_names(app)[i - 1]
    if app > 0:
        return app - 1, model_names(app - 1)[-1]
    return None


def rjango(root: Path):
    for app in range(APPS):
        lines = ["use rjango::models::prelude::*;", ""]
        for i, name in enumerate(model_names(app)):
            lines.append("#[model]")
            lines.append(f"pub struct {name} {{")
            for k, (ty, attrs, _) in enumerate(FIELDS):
                nullable = ty in ("DateTimeField", "FloatField")
                if attrs:
                    lines.append(f"    #[field({attrs})]")
                rust_ty = f"Option<{ty}>" if nullable else ty
                lines.append(f"    pub f{k}: {rust_ty},")
            target = fk_target(app, i)
            if target:
                tapp, tname = target
                path = tname if tapp == app else f"crate::app{tapp:02d}::models::{tname}"
                lines.append("    #[field(on_delete = Cascade)]")
                lines.append(f"    pub parent: ForeignKey<{path}>,")
            lines.append("}")
            lines.append("")
        (root / "src" / f"app{app:02d}" / "models.rs").write_text("\n".join(lines))


# The contrib apps Django's startproject lists, as rjango's startproject lists its own: both
# sides migrate them and make every model's content type and permissions after migrate.
CONTRIB = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]


def django(root: Path):
    apps = CONTRIB + [f"app{a:02d}" for a in range(APPS)]
    (root / "benchsite").mkdir(parents=True, exist_ok=True)
    (root / "benchsite" / "__init__.py").write_text("")
    (root / "benchsite" / "settings.py").write_text(
        "SECRET_KEY = 'bench'\nDEBUG = False\nUSE_TZ = True\n"
        f"INSTALLED_APPS = {apps!r}\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}\n"
        "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n"
    )
    (root / "manage.py").write_text(
        "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchsite.settings')\n"
        "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n"
    )
    for app in range(APPS):
        d = root / f"app{app:02d}"
        (d / "migrations").mkdir(parents=True, exist_ok=True)
        (d / "__init__.py").write_text("")
        (d / "migrations" / "__init__.py").write_text("")
        lines = ["from django.db import models", ""]
        for i, name in enumerate(model_names(app)):
            lines.append(f"class {name}(models.Model):")
            for k, (_, _, field) in enumerate(FIELDS):
                lines.append(f"    f{k} = {field}")
            target = fk_target(app, i)
            if target:
                tapp, tname = target
                ref = tname if tapp == app else f"app{tapp:02d}.{tname}"
                lines.append(f"    parent = models.ForeignKey('{ref}', on_delete=models.CASCADE)")
            lines.append("")
        (d / "models.py").write_text("\n".join(lines))


if __name__ == "__main__":
    {"rjango": rjango, "django": django}[sys.argv[1]](Path(sys.argv[2]))
