"""bench/http's Django side: the bench's eight endpoints on Django 5.2, as a WSGI application
for gunicorn, with startproject's INSTALLED_APPS and MIDDLEWARE, DEBUG off, SQLite."""
import json
import os
import sys

import django
from django.conf import settings

sys.path.insert(0, os.path.dirname(__file__))

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "blog",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DJANGO_DB"]}},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    STATIC_URL="static/",
    USE_TZ=True,
)
django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse  # noqa: E402
from django.shortcuts import get_object_or_404, render  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from blog.models import Post  # noqa: E402


def hello(request):
    return HttpResponse("Hello, world")


def item_detail(request, item_id):
    return JsonResponse({"item_id": item_id})


def search(request):
    q = request.GET.get("q", "")
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return HttpResponseBadRequest("page must be an integer")
    return JsonResponse({"q": q, "page": page})


def post_detail(request, post_id):
    post = get_object_or_404(Post.objects.select_related("author"), pk=post_id)
    author = {"id": post.author.id, "name": post.author.name}
    return JsonResponse({"id": post.id, "title": post.title, "body": post.body, "author": author})


def page(request):
    items = [f"Item {i} & <more>" for i in range(1, 21)]
    return render(request, "page.html", {"title": "Items", "items": items})


@csrf_exempt
def echo(request):
    if request.content_type != "application/json":
        return JsonResponse({"error": "expected application/json"}, status=415)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("invalid JSON")
    return JsonResponse({"received": payload})


def post_list(request):
    posts = Post.objects.select_related("author").order_by("id")
    page = Paginator(posts, 20).get_page(request.GET.get("page"))
    return render(request, "posts.html", {"page": page})


@csrf_exempt
def post_create(request):
    new = json.loads(request.body)
    post = Post.objects.create(author_id=new["author"], title=new["title"], body=new["body"])
    return JsonResponse({"id": post.id}, status=201)


urlpatterns = [
    path("hello/", hello),
    path("items/<int:item_id>/", item_detail),
    path("search/", search),
    path("posts/<int:post_id>/", post_detail),
    path("page/", page),
    path("echo/", echo),
    path("posts/", post_list),
    path("api/posts/", post_create),
]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
