"""Django 5.2's side of runtime/tests/django_compat.rs.

Reads rjango's password hashes and signed values as JSON on stdin, checks each with Django's
own code, and prints JSON: what Django made of rjango's, and Django's own hashes and signed
values for rjango to check.
"""
import json
import sys

import django
from django.conf import settings

request = json.load(sys.stdin)
key = request["key"]
settings.configure(
    SECRET_KEY=key,
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
django.setup()

from django.contrib.auth.hashers import (  # noqa: E402
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
)
from django.core import signing  # noqa: E402

password = request["password"]


def must_update(encoded):
    # Django's verify_password: another algorithm than the preferred one, or weaker
    # parameters than its own.
    preferred = get_hasher("default")
    hasher = identify_hasher(encoded)
    return hasher.algorithm != preferred.algorithm or preferred.must_update(encoded)


verified = {}
for name, encoded in request["hashes"].items():
    verified[name] = [
        check_password(password, encoded),
        check_password(password + "x", encoded),
        must_update(encoded),
    ]

signed = request["signed"]
unsigned = {
    "signer": signing.Signer(key=key).unsign(signed["signer"]),
    "salted": signing.Signer(key=key, salt="compat").unsign(signed["salted"]),
    "timestamped": signing.TimestampSigner(key=key).unsign(signed["timestamped"], max_age=600),
    "dumps": signing.loads(signed["dumps"], key=key),
    "dumps_compressed": signing.loads(signed["dumps_compressed"], key=key),
}
try:
    signing.Signer(key=key).unsign(signed["tampered"])
    unsigned["tampered"] = "accepted"
except signing.BadSignature as e:
    unsigned["tampered"] = str(e)

from django.contrib.sessions.backends.signed_cookies import SessionStore  # noqa: E402

unsigned["session"] = SessionStore(session_key=request["session"]).load()
django_session = SessionStore()
django_session["user"] = "ada"
django_session["cart"] = [1, 2, 3]
django_session.save()

from django.contrib.messages.storage.base import Message  # noqa: E402
from django.contrib.messages.storage.cookie import CookieStorage  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.middleware import csrf  # noqa: E402

message_storage = CookieStorage(HttpRequest())
unsigned["messages"] = [
    [m.level, m.message, m.extra_tags] for m in message_storage._decode(request["messages"])
]
django_messages = message_storage._encode(
    [Message(25, "Saved é."), Message(40, "Broken", extra_tags="urgent")]
)

csrf_in = request["csrf"]
unsigned["csrf"] = [
    csrf._does_token_match(csrf_in["token"], csrf_in["secret"]),
    csrf._unmask_cipher_token(csrf_in["token"]) == csrf_in["secret"],
    csrf._does_token_match(csrf_in["token"], csrf._get_new_csrf_string()),
]
django_secret = csrf._get_new_csrf_string()

algorithms = ["pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256", "bcrypt", "scrypt"]
obj = {"a": "é", "n": list(range(40))}
print(
    json.dumps(
        {
            "verified": verified,
            "unsigned": unsigned,
            "hashes": {a: make_password(password, hasher=a) for a in algorithms},
            "signed": {
                "signer": signing.Signer(key=key).sign("hello é"),
                "timestamped": signing.TimestampSigner(key=key).sign("v"),
                "dumps": signing.dumps(obj, key=key),
                "dumps_compressed": signing.dumps(obj, key=key, compress=True),
                "object": obj,
            },
            "session": django_session.session_key,
            "messages": django_messages,
            "csrf": {"secret": django_secret, "token": csrf._mask_cipher_secret(django_secret)},
        }
    )
)
