"""Bodies the autosave endpoints cannot use are a 400 with the endpoint's own plain JSON
message, never a server error or a message from Python."""

import json

import pytest

from modules.models import Question
from reflections.models import Answer, Commitment

from .records_data import iso

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("course_content")]

ANSWER = "/reflections/exercises/1/answers/{key}/"
DATES = "/reflections/exercises/4/commitment/dates/"
DEEPLY_NESTED = "[" * 100_000 + "]" * 100_000
LONG_NUMBER = "9" * 5_000


@pytest.fixture
def answer_url():
    key = Question.objects.filter(exercise__number=1).order_by("order").first().key
    return ANSWER.format(key=key)


def assert_plain_400(response, message):
    assert response.status_code == 400
    body = response.json()
    assert body == {"status": "invalid", "message": message}


def test_deeply_nested_json_autosave_is_a_400(signed_in, answer_url):
    response = signed_in.post(answer_url, DEEPLY_NESTED, content_type="application/json")

    assert_plain_400(response, "Not saved: The save request could not be read. Please try again.")
    assert not Answer.objects.exists()


def test_deeply_nested_json_dates_are_a_400(signed_in):
    response = signed_in.post(DATES, DEEPLY_NESTED, content_type="application/json")

    assert_plain_400(response, "Not saved: The save request could not be read. Please try again.")
    assert not Commitment.objects.exists()


def test_a_5000_digit_version_in_json_is_a_400_without_pythons_message(signed_in, answer_url):
    body = '{"text": "x", "version": ' + LONG_NUMBER + "}"

    response = signed_in.post(answer_url, body, content_type="application/json")

    assert_plain_400(response, "Not saved: The save request could not be read. Please try again.")
    assert "digits" not in response.content.decode()
    assert not Answer.objects.exists()


def test_a_5000_digit_version_in_a_form_is_a_400_without_pythons_message(signed_in, answer_url):
    response = signed_in.post(answer_url, {"text": "x", "version": LONG_NUMBER})

    assert_plain_400(
        response,
        "Not saved: The save request did not say which version it was based on. Please try again.",
    )
    assert "digits" not in response.content.decode()


@pytest.mark.parametrize("version", [1.0, "1.0", [0], {"n": 0}])
def test_a_version_that_is_not_a_whole_number_is_a_400(signed_in, answer_url, version):
    body = json.dumps({"text": "x", "version": version})

    response = signed_in.post(answer_url, body, content_type="application/json")

    assert response.status_code == 400
    assert "which version" in response.json()["message"]


@pytest.mark.parametrize("value", [5, [], {"day": 1}, None])
def test_dates_that_are_not_text_are_a_400_per_field(signed_in, value):
    body = json.dumps({"due_on": value, "review_on": iso(10)})

    response = signed_in.post(DATES, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["due_on"]
    assert not Commitment.objects.exists()


def test_an_answer_may_hold_a_nul_and_surrounding_spaces(signed_in, answer_url):
    body = json.dumps({"text": "  a\x00b  ", "version": 0})

    response = signed_in.post(answer_url, body, content_type="application/json")

    assert response.status_code == 200
    assert Answer.objects.get().typed_text == "  a\x00b  "
