"""The Django side of bench/auth: the same two views on Django 5.2's contrib apps and
startproject's MIDDLEWARE, as a WSGI application for gunicorn (DEBUG off, SQLite)."""
import os

import django
from django.conf import settings
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
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
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DJANGO_DB"]}},
    USE_TZ=True,
)
django.setup()

from django.contrib.auth import authenticate, login as auth_login  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt
def login(request):
    user = authenticate(
        request,
        username=request.POST.get("username", ""),
        password=request.POST.get("password", ""),
    )
    if user is None:
        return HttpResponse("refused", status=401)
    auth_login(request, user)
    return HttpResponse("signed in")


def me(request):
    visits = request.session.get("visits", 0)
    return HttpResponse(f"user {request.user.get_username()} ({visits} visits)")


urlpatterns = [path("login/", login), path("me/", me)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
