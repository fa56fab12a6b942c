"""Every endpoint the exercise page's scripts call answers JSON, whatever goes wrong:
a wrong method, a missing exercise, an unverified account, a stale CSRF token, a body
over the size limit. An HTML page there would be unreadable to the script."""

import json

import pytest
from django.conf import settings
from django.test import Client

from reflections.models import Answer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWER = "/reflections/exercises/7/answers/first/"
DATES = "/reflections/exercises/7/commitment/dates/"
TOKEN = "/reflections/csrf-token/"
SEARCH = "/reflections/colleagues/search/"


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def assert_json(response, status, word):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == word
    assert response.json()["message"]


@pytest.mark.parametrize(
    ("url", "method"),
    [(ANSWER, "get"), (DATES, "get"), (TOKEN, "post"), (SEARCH, "post"), (ANSWER, "put")],
)
def test_a_wrong_method_is_a_json_405(signed_in, exercise, url, method):
    response = getattr(signed_in, method)(url)

    assert_json(response, 405, "method_not_allowed")
    assert "Allow" in response


def test_an_unknown_exercise_is_a_json_404(signed_in, exercise):
    response = post_json(signed_in, "/reflections/exercises/99/answers/first/", {"text": "x"})

    assert_json(response, 404, "not_found")


def test_dates_for_an_exercise_without_a_commitment_are_a_json_404(signed_in, exercise):
    response = post_json(signed_in, DATES, {"due_on": "2030-01-01", "review_on": "2030-02-01"})

    assert_json(response, 404, "not_found")


def test_an_unverified_account_gets_a_json_403(client, exercise):
    client.force_login(UserFactory(verified=False))

    response = post_json(client, ANSWER, {"text": "x", "version": 0})

    assert_json(response, 403, "forbidden")
    assert "verify your email address" in response.json()["message"]
    assert not Answer.objects.exists()


def test_an_unverified_account_still_gets_the_page_elsewhere(client, exercise):
    client.force_login(UserFactory(verified=False))

    response = client.get("/reflections/exercises/7/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_a_stale_csrf_token_is_a_json_403(practitioner, exercise):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)

    response = strict.post(
        ANSWER,
        json.dumps({"text": "x", "version": 0}),
        content_type="application/json",
        headers={"X-CSRFToken": "stale" * 8},
    )

    assert_json(response, 403, "forbidden")
    assert "security token" in response.json()["message"]


def test_a_json_body_over_the_size_limit_is_a_json_400(signed_in, exercise):
    body = json.dumps({"text": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "version": 0})

    response = signed_in.post(ANSWER, body, content_type="application/json")

    assert_json(response, 400, "invalid")
    assert "too large" in response.json()["message"]


def test_a_form_body_over_the_size_limit_read_before_the_view_is_a_json_400(practitioner, exercise):
    # The CSRF check reads a form body before the view runs: the 400 handler answers.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    strict.get(TOKEN)  # the CSRF cookie, so the check goes on to read the form
    body = "text=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + "&version=0"

    response = strict.post(ANSWER, body, content_type="application/x-www-form-urlencoded")

    assert_json(response, 400, "invalid")


def test_signed_out_colleague_search_is_a_json_401(client, exercise):
    response = client.get(SEARCH, {"q": "Al"})

    assert_json(response, 401, "signed_out")
