"""Production: served by gunicorn, static files by WhiteNoise, HTTPS only.

Required environment (the settings refuse to start without each): SECRET_KEY,
ALLOWED_HOSTS, SITE_URL, EMAIL_URL (not the console), TRUSTED_PROXY_COUNT (0 when no
reverse proxy sits in front), and DATABASE_URL (PostgreSQL). They also refuse a cache
that app servers cannot share and a task backend that would send email inside requests.
docs/deploy.md lists every setting.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, DEBUG, EMAIL_CONFIG, REDIS_URL, TASKS, env

# DEBUG shows any visitor a traceback with the settings in it.
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production: unset DEBUG.")

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Every link in every email is built from SITE_URL; the request's Host header is never
# trusted for that.
SITE_URL = env("SITE_URL")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the public https:// address of the course.")

# Email that is only printed would silently lose every verification link and invitation.
if "EMAIL_URL" not in os.environ or EMAIL_CONFIG["EMAIL_BACKEND"].endswith(
    ("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")
):
    raise ImproperlyConfigured(
        "Set EMAIL_URL to a real mail server, for example smtp+tls://user:pass@host:587."
    )

# How many reverse proxies sit in front must be said, even when it is 0: a wrong guess
# makes every client look like the proxy (rate limits then lock everyone out at once)
# or lets clients choose their own address.
if "TRUSTED_PROXY_COUNT" not in os.environ:
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the course "
        "(0 if none). See docs/deploy.md."
    )

# Answers, progress and the email queue need PostgreSQL: SQLite (the default) serves one
# process on one machine and would silently keep everything in a file beside the code.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "Set DATABASE_URL to the PostgreSQL database, for example "
        "postgres://cse:password@db.example.org:5432/cse."
    )

# Database connections are kept between requests, and checked before each reuse. (Read
# here, after base.py has read any .env file, so that file can change them too.)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)

# Rate-limit counts must be shared by every app server: Redis when REDIS_URL is set,
# otherwise the database (`manage.py createcachetable`) unless CACHE_URL names another.
if not REDIS_URL:
    CACHES = {"default": env.cache("CACHE_URL", default="dbcache://cse_cache")}
# A cache in one process's memory would give each app server its own rate-limit counts.
if CACHES["default"]["BACKEND"].endswith(("locmem.LocMemCache", "dummy.DummyCache")):
    raise ImproperlyConfigured(
        "Set REDIS_URL (or CACHE_URL) to a cache every app server shares; see docs/deploy.md."
    )

# Email is queued and sent by `manage.py db_worker`; a backend that runs each task at
# once would make every page that sends email wait on the mail server, and lose the email
# when it is down.
if TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
    raise ImproperlyConfigured(
        "Production sends email through the database queue: leave TASKS_BACKEND unset "
        "(django_tasks_db.DatabaseBackend) and run `manage.py db_worker`."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS everywhere. Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# A load balancer probes each app server directly, over plain HTTP (cse_course.health).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix: a browser keeps these cookies only when they are Secure, for the
# path / and without a Domain, so neither a neighbouring subdomain nor a plain-HTTP
# page can set or replace them (the defaults: SESSION_COOKIE_PATH and CSRF_COOKIE_PATH
# "/", no *_COOKIE_DOMAIN). The exercise page's script reads the CSRF cookie by the
# name the page gives it (data-csrf-cookie).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
