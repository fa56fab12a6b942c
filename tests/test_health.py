"""/health/, probed by load balancers: the database and the cache answer, and nothing else
is said."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from tests.test_settings import PRODUCTION, _settings_in

pytestmark = pytest.mark.django_db

URL = "/health/"


def test_the_health_check_is_at_health():
    assert reverse("health") == URL


def test_answers_ok_when_the_database_and_the_cache_answer(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1; the test settings' cache is in memory
        response = client.get(URL)

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_with_the_database_cache_of_production_it_stays_a_handful_of_queries(
    client, settings, django_assert_max_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cse_cache",
        }
    }
    call_command("createcachetable", verbosity=0)

    # SELECT 1; the set (count, savepoint, look up, insert, release), the get, the delete.
    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_answer_is_never_stored_and_sets_no_cookie(client):
    response = client.get(URL)

    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_no_header_says_more_than_any_other_response_does(client):
    """Only the headers every response carries (security headers and the like), plus
    those that forbid caching: nothing naming the server, its version or what it checked."""
    everywhere = set(client.get("/no-such-page/").headers)

    extra = set(client.get(URL).headers) - everywhere

    assert extra <= {"Cache-Control", "Expires"}


def test_the_probe_leaves_nothing_in_the_cache(client):
    client.get(URL)

    assert not cache._cache  # the test settings' in-memory cache, emptied before each test


def test_a_signed_in_browser_gets_no_cookie_either(client, practitioner):
    client.force_login(practitioner)

    response = client.get(URL)

    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.parametrize("broken", ["database_answers", "cache_answers"])
def test_answers_503_naming_nothing_when_a_service_fails(client, broken, caplog):
    secret = "connection to server at db.internal (10.0.0.7) failed: password"
    with mock.patch(f"cse_course.health.{broken}", side_effect=OperationalError(secret)):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    # The reason goes to the server's log only.
    assert secret in caplog.text


def test_a_real_database_failure_answers_503(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_a_cache_that_loses_what_it_was_given_answers_503(client):
    with mock.patch("django.core.cache.cache.get", return_value=None):
        response = client.get(URL)

    assert response.status_code == 503


def test_a_cache_that_is_down_answers_503(client):
    with mock.patch("django.core.cache.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_only_reading_is_allowed(client):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


def test_a_balancer_reaches_it_over_plain_http_in_production(client, settings):
    """Production redirects every other address to HTTPS; the probe comes over HTTP."""
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    production = _settings_in(
        "cse_course.settings.production",
        ["SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT"],
        **environment,
    )
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    settings.SECURE_REDIRECT_EXEMPT = production["SECURE_REDIRECT_EXEMPT"]

    assert client.get(URL).status_code == 200
    assert client.get("/").status_code == 301
    assert client.get("/health/x").status_code == 301


def test_a_balancer_probing_by_address_needs_the_address_in_allowed_hosts(client, settings):
    """docs/deploy.md, "The health check": a host Django does not know gets 400."""
    settings.ALLOWED_HOSTS = ["course.example.org"]
    assert client.get(URL, headers={"host": "10.0.0.11:8001"}).status_code == 400

    settings.ALLOWED_HOSTS = ["course.example.org", "10.0.0.11"]
    assert client.get(URL, headers={"host": "10.0.0.11:8001"}).status_code == 200
