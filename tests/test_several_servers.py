"""Several app servers share one PostgreSQL and one Redis: with REDIS_URL set, a session
written by one server is read by another, and ending it on one ends it on every one.

Each "server" here is a process of its own, so nothing can pass between them in memory.
These tests need Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/0): they are
skipped without it, and fail under CI=true, where Redis runs.
"""

import json
import os
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.test_settings import _run

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _redis_answers() -> bool:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url():
    if not _redis_answers():
        if IN_CI:
            pytest.fail(f"CI=true: Redis must answer at {REDIS_URL}", pytrace=False)
        pytest.skip(f"no Redis answers at {REDIS_URL} (set TEST_REDIS_URL)")
    return REDIS_URL


@pytest.fixture
def server(tmp_path, redis_url):
    """Run one line of Python as an app server would: the test settings with REDIS_URL,
    and a database (a SQLite file) shared with the other "servers"."""
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    environment = {
        "DJANGO_SETTINGS_MODULE": "cse_course.settings.test",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
    }
    migrated = _run(["manage.py", "migrate", "sessions", "-v0"], **environment)
    assert migrated.returncode == 0, migrated.stderr

    def run(code):
        setup = (
            "import json, django; django.setup(); "
            "from django.conf import settings; from importlib import import_module; "
            "from django.core.cache import cache; "
            "Store = import_module(settings.SESSION_ENGINE).SessionStore; "
        )
        finished = _run(["-c", setup + code], **environment)
        assert finished.returncode == 0, finished.stderr
        return json.loads(finished.stdout)

    return run


def test_a_session_written_on_one_server_is_read_on_another(server):
    key = server("s = Store(); s['signed_in'] = 'sam'; s.save(); print(json.dumps(s.session_key))")

    assert server(f"print(json.dumps(Store({key!r}).load()))") == {"signed_in": "sam"}


def test_a_session_ended_on_one_server_is_ended_on_every_server(server):
    key = server("s = Store(); s['signed_in'] = 'sam'; s.save(); print(json.dumps(s.session_key))")
    server(f"print(json.dumps(Store({key!r}).load()))")  # read once, so it is in Redis

    server(f"Store().delete({key!r}); print('null')")

    assert server(f"print(json.dumps(Store({key!r}).load()))") == {}


def test_a_session_outlives_an_emptied_redis(server):
    key = server("s = Store(); s['signed_in'] = 'sam'; s.save(); print(json.dumps(s.session_key))")

    server(f"cache.delete(Store({key!r}).cache_key); print('null')")

    assert server(f"print(json.dumps(Store({key!r}).load()))") == {"signed_in": "sam"}


def _redis_cache(location):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


@pytest.mark.django_db
def test_the_health_check_uses_redis(client, redis_url):
    with override_settings(CACHES=_redis_cache(redis_url)):
        assert type(caches["default"]).__name__ == "RedisCache"
        response = client.get("/health/")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_the_health_check_answers_503_soon_when_redis_is_down(client):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    started = time.monotonic()
    with override_settings(CACHES=_redis_cache(f"redis://127.0.0.1:{port}/0")):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert time.monotonic() - started < 5
