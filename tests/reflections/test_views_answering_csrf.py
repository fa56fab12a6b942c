"""The exercise form posted with a CSRF token that is no longer valid (signing in again
in another tab replaces it), without JavaScript: a 403 page that shows what was typed,
with a fresh token to save it, and nothing of the text in the log."""

import html
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from reflections.models import Answer, ExerciseResponse

pytestmark = pytest.mark.django_db

TYPED = "Typed <b>before</b> the token changed\nsecond line"
PAGE = "/reflections/exercises/7/"
SUBMIT = "/reflections/exercises/7/submit/"
STALE = "stale" * 8


@pytest.fixture
def strict(practitioner):
    """A signed-in browser that checks CSRF tokens, with its CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    client.get(reverse("reflections:csrf_token"))
    return client


def form(first=TYPED, second="Second answer", token=STALE):
    return {
        "csrfmiddlewaretoken": token,
        "answer-first": first,
        "version-first": "0",
        "answer-second": second,
        "version-second": "0",
    }


def fresh_form(page):
    """The hidden fields and the action of the page's form that posts the text again."""
    found = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-post-again>(.*?)</form>', page, re.S
    )
    hidden = r'<input type="hidden" name="([^"]+)" value="([^"]*)"'
    fields = {name: html.unescape(value) for name, value in re.findall(hidden, found.group(2))}
    return found.group(1), fields


def test_a_stale_token_shows_the_typed_answers_with_a_fresh_form(strict, exercise):
    response = strict.post(PAGE, form())

    assert response.status_code == 403
    page = response.content.decode()
    assert "This page had expired" in page
    assert "Typed &lt;b&gt;before&lt;/b&gt; the token changed\nsecond line</textarea>" in page
    assert "Second answer" in page
    action, fields = fresh_form(page)
    assert action == PAGE
    assert fields["csrfmiddlewaretoken"] != STALE
    assert not Answer.objects.exists()


def test_saving_from_the_expired_page_saves_the_text(strict, practitioner, exercise):
    page = strict.post(PAGE, form()).content.decode()
    action, fields = fresh_form(page)

    response = strict.post(action, fields, follow=True)

    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    assert Answer.objects.get(question__key="first").typed_text == TYPED.replace("\r\n", "\n")
    assert Answer.objects.get(question__key="second").typed_text == "Second answer"


def test_a_submit_with_a_stale_token_submits_from_the_expired_page(strict, practitioner, exercise):
    page = strict.post(SUBMIT, form()).content.decode()
    action, fields = fresh_form(page)
    assert action == SUBMIT
    assert "Save and submit now" in page

    response = strict.post(action, fields, follow=True)

    assert "You have submitted exercise 7" in response.content.decode()
    assert ExerciseResponse.objects.get(user=practitioner).submitted_at is not None


def test_signed_out_with_a_stale_token_gets_the_signed_out_page(exercise):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("reflections:csrf_token"))

    response = client.post(PAGE, form())

    assert response.status_code == 403
    page = response.content.decode()
    assert "You were signed out" in page
    assert "Second answer" in page
    assert 'name="password"' in page


def test_the_typed_text_never_reaches_the_log(strict, exercise, caplog):
    with caplog.at_level(logging.DEBUG):
        response = strict.post(PAGE, form(first="PRIVATE-WORDS"))

    assert response.status_code == 403
    assert "PRIVATE-WORDS" in response.content.decode()
    assert any(record.name == "django.security.csrf" for record in caplog.records)
    assert "PRIVATE-WORDS" not in caplog.text
    for record in caplog.records:
        assert "PRIVATE-WORDS" not in record.getMessage()


def test_another_form_with_a_stale_token_gets_a_plain_expired_page(strict, practitioner):
    response = strict.post(reverse("reflections:mine"), {"csrfmiddlewaretoken": STALE})

    assert response.status_code == 403
    page = response.content.decode()
    assert "This page had expired" in page
    assert "go back" in page.lower()
    assert "What you typed" not in page
