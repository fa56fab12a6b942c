"""Settings come from the environment; production passes Django's deployment checks."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import LessonFactory

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cse_course.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "course.example.org",
    "SITE_URL": "https://course.example.org",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
    "TRUSTED_PROXY_COUNT": "1",
    # Never connected to: the settings and the deployment checks only read it.
    "DATABASE_URL": "postgres://cse:secret@db.example.org:5432/cse",
}


def _run(args, **environment):
    """Run Python in a clean environment holding only what the test gives it."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    env.update(environment)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings_in(module, names, **environment):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    finished = _run(["-c", code], DJANGO_SETTINGS_MODULE=module, **environment)
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def test_production_passes_the_deployment_checks():
    finished = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert finished.returncode == 0, finished.stderr
    assert "System check identified no issues" in finished.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    finished = _run(["manage.py", "check"], **environment)

    assert finished.returncode != 0
    assert "Set the SECRET_KEY environment variable" in finished.stderr


def test_production_is_https_only_with_debug_off():
    values = _settings_in(
        "cse_course.settings.production",
        ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"],
        **{k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"},
    )

    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_the_database_is_read_from_database_url():
    values = _settings_in(
        "cse_course.settings.base",
        ["DATABASES"],
        DATABASE_URL="postgres://course:s3cret@db.example.org:5433/cse_course",
    )

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.org",
        5433,
        "cse_course",
    )
    assert (database["USER"], database["PASSWORD"]) == ("course", "s3cret")


# Runs with the production settings against the test database: keeps a connection
# (CONN_MAX_AGE), has PostgreSQL end it as a restart or failover would, then starts the
# next unit of work the way a request or a turn of the task worker does.
_DROPPED_CONNECTION = """
import django, psycopg2
django.setup()
from django.db import close_old_connections, connection
connection.ensure_connection()
pid = connection.connection.get_backend_pid()
other = psycopg2.connect(**connection.get_connection_params())
other.autocommit = True
other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
close_old_connections()
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
print("reconnected" if connection.connection.get_backend_pid() != pid else "same")
"""


@pytest.mark.django_db
@pytest.mark.parametrize(("health_checks", "works"), [("true", True), ("false", False)])
def test_a_kept_database_connection_the_server_dropped_is_replaced(health_checks, works):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) to drop a connection")
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {**PRODUCTION, "DATABASE_URL": url, "CONN_MAX_AGE": "600"}
    if health_checks == "false":
        environment["CONN_HEALTH_CHECKS"] = "false"

    finished = _run(["-c", _DROPPED_CONNECTION], **environment)

    if works:
        assert finished.returncode == 0, finished.stderr
        assert finished.stdout.strip() == "reconnected"
    else:
        assert "OperationalError" in finished.stderr


def test_kept_database_connections_are_health_checked_unless_turned_off():
    on = _settings_in("cse_course.settings.base", ["DATABASES"], CONN_MAX_AGE="600")
    off = _settings_in("cse_course.settings.base", ["DATABASES"], CONN_HEALTH_CHECKS="false")

    assert on["DATABASES"]["default"]["CONN_MAX_AGE"] == 600
    assert on["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    assert off["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_without_database_url_a_local_sqlite_file_is_used():
    database = _settings_in("cse_course.settings.local", ["DATABASES"])["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"].endswith("db.sqlite3")


def test_email_goes_to_the_console_unless_email_url_says_otherwise():
    values = _settings_in("cse_course.settings.base", ["EMAIL_BACKEND"])

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_email_url_sets_the_mail_server():
    values = _settings_in(
        "cse_course.settings.base",
        ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS"],
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587",
    )

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_USE_TLS": True,
    }


def test_forwarded_addresses_are_trusted_only_when_a_proxy_count_is_set():
    names = ["TRUSTED_PROXY_COUNT"]

    assert _settings_in("cse_course.settings.base", names) == dict.fromkeys(names, 0)
    assert _settings_in("cse_course.settings.base", names, TRUSTED_PROXY_COUNT="2") == (
        dict.fromkeys(names, 2)
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("TRUSTED_PROXY_COUNT", "Set TRUSTED_PROXY_COUNT"),
        ("SITE_URL", "Set the SITE_URL environment variable"),
        ("EMAIL_URL", "Set EMAIL_URL to a real mail server"),
        ("DATABASE_URL", "Set DATABASE_URL to the PostgreSQL database"),
        ("ALLOWED_HOSTS", "Set the ALLOWED_HOSTS environment variable"),
    ],
)
def test_production_refuses_to_start_without_a_required_setting(missing, message):
    environment = {k: v for k, v in PRODUCTION.items() if k != missing}

    finished = _run(["manage.py", "check"], **environment)

    assert finished.returncode != 0
    assert message in finished.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EMAIL_URL", "consolemail://", "Set EMAIL_URL to a real mail server"),
        ("SITE_URL", "http://course.example.org", "SITE_URL must be the public https://"),
        ("DEBUG", "true", "DEBUG must be off in production"),
        ("DATABASE_URL", "sqlite:////srv/cse/db.sqlite3", "Set DATABASE_URL to the PostgreSQL"),
        ("CACHE_URL", "locmemcache://", "Set REDIS_URL (or CACHE_URL) to a cache every app"),
        ("CACHE_URL", "dummycache://", "Set REDIS_URL (or CACHE_URL) to a cache every app"),
        (
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend",
            "Production sends email through the database queue",
        ),
        (
            "TASKS_BACKEND",
            "django_tasks.backends.dummy.DummyBackend",
            "Production sends email through the database queue",
        ),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(name, value, message):
    finished = _run(["manage.py", "check"], **{**PRODUCTION, name: value})

    assert finished.returncode != 0
    assert message in finished.stderr


def test_redis_url_and_cache_url_together_are_refused():
    finished = _run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="cse_course.settings.local",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="locmemcache://",
    )

    assert finished.returncode != 0
    assert "Set REDIS_URL or CACHE_URL, not both" in finished.stderr


# --- Database connections, cache and sessions ------------------------------------------


def _production_settings(names, **environment):
    base = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    return _settings_in("cse_course.settings.production", names, **{**base, **environment})


def test_production_keeps_database_connections_and_checks_them():
    database = _production_settings(["DATABASES"])["DATABASES"]["default"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (600, True)


def test_connection_lifetime_is_read_from_the_environment():
    values = _production_settings(["DATABASES"], CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="false")
    database = values["DATABASES"]["default"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (0, False)


@pytest.mark.parametrize("module", ["cse_course.settings.local", "cse_course.settings.test"])
def test_local_runs_and_tests_open_a_connection_per_request(module):
    database = _settings_in(module, ["DATABASES"])["DATABASES"]["default"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (0, False)


def test_production_shares_its_cache_in_the_database_without_redis():
    values = _production_settings(["CACHES", "SESSION_ENGINE"])

    assert values["CACHES"]["default"]["BACKEND"] == ("django.core.cache.backends.db.DatabaseCache")
    assert values["CACHES"]["default"]["LOCATION"] == "cse_cache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_production_keeps_a_cache_url_that_was_set():
    values = _production_settings(["CACHES"], CACHE_URL="dbcache://other_cache")

    assert values["CACHES"]["default"]["LOCATION"] == "other_cache"


@pytest.mark.parametrize("module", ["cse_course.settings.production", "cse_course.settings.local"])
def test_redis_url_puts_the_cache_and_sessions_in_redis(module):
    base = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    values = _settings_in(
        module, ["CACHES", "SESSION_ENGINE"], **base, REDIS_URL="redis://cache.internal:6379/2"
    )

    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_without_redis_a_local_run_keeps_its_cache_in_memory():
    values = _settings_in("cse_course.settings.local", ["CACHES", "SESSION_ENGINE"])

    assert values["CACHES"]["default"]["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_production_requires_a_second_factor_for_privileged_roles():
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    values = _settings_in(
        "cse_course.settings.production", ["REQUIRE_SECOND_FACTOR"], **environment
    )

    assert values == {"REQUIRE_SECOND_FACTOR": True}


def test_the_local_run_leaves_the_second_factor_optional_and_tests_require_it():
    names = ["REQUIRE_SECOND_FACTOR"]

    assert _settings_in("cse_course.settings.local", names) == {"REQUIRE_SECOND_FACTOR": False}
    assert _settings_in("cse_course.settings.test", names) == {"REQUIRE_SECOND_FACTOR": True}


def test_local_settings_turn_debug_on():
    assert _settings_in("cse_course.settings.local", ["DEBUG"]) == {"DEBUG": True}


# --- Content-Security-Policy ---------------------------------------------------------------


def _policy(response):
    header = response.headers["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in header.split(";"))
        if directive
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", reverse("account_login"), reverse("account_signup"), "lesson"]
)
def test_pages_carry_a_strict_content_security_policy(client, practitioner, url):
    if url == "lesson":
        client.force_login(practitioner)
        url = LessonFactory().get_absolute_url()

    policy = _policy(client.get(url))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-inline'" not in sources for sources in policy.values())
    assert all("'unsafe-eval'" not in sources for sources in policy.values())


@pytest.mark.django_db
def test_pages_cannot_be_framed(client):
    response = client.get("/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
