"""Django's own loaddata and dumpdata on a database rjango migrated, for the fixture
compatibility test: the same models declared as Django models of an app labelled `blog`, on the
SQLite file given.

usage: django_fixtures.py DB_PATH loaddata FIXTURE
       django_fixtures.py DB_PATH dumpdata OUTPUT      (blog, --indent 2)
"""
import os
import sys
import tempfile

import django
from django.conf import settings

db_path, command, arg = sys.argv[1], sys.argv[2], sys.argv[3]

package = tempfile.mkdtemp()
os.makedirs(os.path.join(package, "blog"))
open(os.path.join(package, "blog", "__init__.py"), "w").close()
with open(os.path.join(package, "blog", "models.py"), "w") as f:
    f.write('''
from django.db import models

class Author(models.Model):
    name = models.CharField(max_length=100)

class Post(models.Model):
    author = models.ForeignKey(Author, models.CASCADE, related_name="posts")
    title = models.CharField(max_length=200)
    body = models.TextField()
    views = models.IntegerField(default=0)
    featured = models.BooleanField(default=False)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateTimeField(null=True)
    tags = models.ManyToManyField("Tag", related_name="posts")

class Tag(models.Model):
    name = models.CharField(max_length=30)

    class Meta:
        ordering = ["name"]
''')
sys.path.insert(0, package)
settings.configure(
    INSTALLED_APPS=["blog"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
    USE_TZ=True,
    TIME_ZONE="UTC",
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()
from django.core.management import call_command

if command == "loaddata":
    call_command("loaddata", arg, verbosity=0)
else:
    call_command("dumpdata", "blog", indent=2, output=arg, verbosity=0)
