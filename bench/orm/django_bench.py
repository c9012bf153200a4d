"""The operations of bench/orm through Django's ORM, on the same schema and rows.

    python django_bench.py <sqlite file | postgres database name>

Prints `operation,django,microseconds per operation`, measured as the Rust side measures:
seven rounds after a warm-up, the median round.
"""
import os
import statistics
import sys
import tempfile
import time

import django
from django.conf import settings

target = sys.argv[1]
if target.endswith(".sqlite3"):
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": target}
else:
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": target,
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": None,
    }
settings.configure(
    DEBUG=False,
    DATABASES={"default": database},
    INSTALLED_APPS=["blog"],
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    USE_TZ=True,
)

# The app "blog", written to a temporary package: Django finds an app's models by importing it.
MODELS = """
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Post(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(max_length=200)
    views = models.IntegerField()
    created = models.DateTimeField()
"""
package = tempfile.mkdtemp()
os.makedirs(os.path.join(package, "blog"))
open(os.path.join(package, "blog", "__init__.py"), "w").close()
with open(os.path.join(package, "blog", "models.py"), "w") as f:
    f.write(MODELS)
sys.path.insert(0, package)
django.setup()

from blog.models import Author, Post  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Case, Count, OuterRef, Subquery, Value, When  # noqa: E402
from django.utils import timezone  # noqa: E402

AUTHORS, POSTS = 100, 10_000

with connection.schema_editor() as editor:
    editor.create_model(Author)
    editor.create_model(Post)
Author.objects.bulk_create([Author(name=f"Author {i}") for i in range(1, AUTHORS + 1)])
now = timezone.now()
for start in range(1, POSTS + 1, 500):
    Post.objects.bulk_create(
        [
            Post(author_id=i % AUTHORS + 1, title=f"Post {i}", views=(i * 7919) % 1000, created=now)
            for i in range(start, min(start + 500, POSTS + 1))
        ]
    )

counter = 0


def next_n():
    global counter
    counter += 1
    return counter


def get():
    pk = next_n() % POSTS + 1
    assert Post.objects.get(pk=pk).pk == pk


def page():
    offset = (next_n() % 50) * 20
    rows = list(
        Post.objects.filter(views__gte=500).select_related("author").order_by("-views", "id")[offset : offset + 20]
    )
    assert len(rows) == 20 and rows[0].author.name


def annotate():
    rows = list(Author.objects.annotate(n=Count("posts")).order_by("id"))
    assert len(rows) == AUTHORS and rows[0].n >= 100


def annotate_subquery():
    top = Post.objects.filter(author=OuterRef("pk")).order_by("-views").values("title")[:1]
    rows = list(Author.objects.annotate(top=Subquery(top)).order_by("id"))
    assert len(rows) == AUTHORS and rows[0].top


def case_when_page():
    offset = (next_n() % 50) * 20
    label = Case(When(views__gte=900, then=Value("hot")), When(views__gte=700, then=Value("warm")), default=Value("cool"))
    rows = list(
        Post.objects.filter(views__gte=500).annotate(label=label).order_by("-views", "id")[offset : offset + 20]
    )
    assert len(rows) == 20 and rows[0].label


def create():
    assert Post.objects.create(author_id=1, title="New", views=1, created=timezone.now()).pk


def bench(name, iterations, op):
    rounds = 7
    per_round = iterations // rounds
    for _ in range(min(per_round, 50)):
        op()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            op()
        times.append((time.perf_counter() - start) * 1e6 / per_round)
    print(f"{name},django,{statistics.median(times):.1f}", flush=True)


bench("get", 3000, get)
bench("page_of_20_with_authors", 1000, page)
bench("annotate_count", 200, annotate)
bench("annotate_subquery", 200, annotate_subquery)
bench("case_when_page", 1000, case_when_page)
bench("create", 2000, create)
