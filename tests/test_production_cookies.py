"""Production's session and CSRF cookies carry the __Host- prefix (Secure, path /, no
Domain), and signing in, using a page and posting with the CSRF token all work under
those names. The names are read from the production settings themselves, in a
subprocess, then applied here (the rest of the suite runs with the test settings)."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import ExerciseFactory

from .test_settings import PRODUCTION, _settings_in

pytestmark = pytest.mark.django_db

COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
]


@pytest.fixture(scope="module")
def production_cookies():
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    return _settings_in("cse_course.settings.production", COOKIE_SETTINGS, **environment)


def test_production_names_its_cookies_with_the_host_prefix(production_cookies):
    assert production_cookies == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        # What a browser requires of a __Host- cookie before it keeps it.
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
    }


def _cookie_header(response, name):
    return response.cookies[name].output(header="").strip()


def test_signing_in_and_posting_work_under_those_names(production_cookies, practitioner, password):
    with override_settings(**production_cookies):
        # Over HTTPS, Django's CSRF check also wants the page the form came from.
        client = Client(enforce_csrf_checks=True, headers={"Referer": "https://testserver/"})

        page = client.get(reverse("account_login"), secure=True)
        csrf = _cookie_header(page, "__Host-csrftoken")
        token = client.cookies["__Host-csrftoken"].value
        signed_in = client.post(
            reverse("account_login"),
            {"login": practitioner.email, "password": password, "csrfmiddlewaretoken": token},
            secure=True,
        )
        session = _cookie_header(signed_in, "__Host-sessionid")
        home = client.get("/", secure=True)
        token = client.cookies["__Host-csrftoken"].value
        signed_out = client.post(
            reverse("account_logout"), headers={"X-CSRFToken": token}, secure=True
        )

    assert "csrftoken" not in client.cookies
    assert "sessionid" not in client.cookies
    for header in (csrf, session):
        assert "Secure" in header
        assert "Path=/" in header
        assert "Domain" not in header
    assert signed_in.status_code == 302
    assert home.context["user"] == practitioner
    assert signed_out.status_code == 302
    assert client.get("/", secure=True).context["user"].is_anonymous


def test_the_exercise_page_tells_its_script_the_csrf_cookie_name(production_cookies, practitioner):
    exercise = ExerciseFactory(number=2)
    with override_settings(**production_cookies):
        client = Client()
        client.force_login(practitioner)
        response = client.get(reverse("reflections:exercise", args=[2]), secure=True)

    assert exercise.number == 2
    assert 'data-csrf-cookie="__Host-csrftoken"' in response.content.decode()
