"""Saving or submitting after the session has ended, without JavaScript: the page that
keeps the typed text, and signing in again from it to save."""

import logging

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from reflections.models import Answer, ExerciseResponse
from reflections.services.answers import answer_save

SAVED = "?saved=1#exercise-saved"  # back by the buttons, the confirmation beside them

pytestmark = pytest.mark.django_db

TYPED = "Typed before <b>the</b> session ended\nsecond line"
PAGE = "/reflections/exercises/7/"
RESUME = "/reflections/exercises/7/sign-in-and-save/"


@pytest.fixture
def csrf_client():
    """A browser whose session has gone but whose CSRF cookie has not."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("reflections:csrf_token"))
    return client


def posted(client, url, data):
    token = client.cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


def form(first=TYPED, second="", first_version=0, second_version=0, **extra):
    return {
        "answer-first": first,
        "version-first": str(first_version),
        "answer-second": second,
        "version-second": str(second_version),
        **extra,
    }


def sign_in(email, password, **extra):
    return form(login=email, password=password, **extra)


def stored(key="first"):
    return Answer.objects.get(question__key=key).typed_text


# --- The page --------------------------------------------------------------------------------


def test_signed_out_save_shows_the_typed_text_and_a_sign_in_form(csrf_client, exercise):
    response = posted(csrf_client, PAGE, form(second="Second answer"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You were signed out" in page
    assert "not been saved yet" in page
    assert '<label class="form-label fw-semibold" for="typed-first">' in page
    assert "\nTyped before &lt;b&gt;the&lt;/b&gt; session ended\nsecond line</textarea>" in page
    assert "\nSecond answer</textarea>" in page
    assert page.count(" readonly ") >= 2
    assert f'action="{RESUME}"' in page
    assert 'name="login"' in page
    assert 'type="password"' in page
    assert not Answer.objects.exists()


def test_signed_out_page_carries_answers_and_versions_in_hidden_fields(csrf_client, exercise):
    page = posted(csrf_client, PAGE, form(first_version=3)).content.decode()

    assert (
        '<input type="hidden" name="answer-first" value="Typed before &lt;b&gt;the&lt;/b&gt; '
        'session ended\nsecond line">'
    ) in page
    assert '<input type="hidden" name="version-first" value="3">' in page
    assert '<input type="hidden" name="action" value="save">' in page


def test_signed_out_submit_carries_the_intent_to_submit(csrf_client, exercise):
    page = posted(csrf_client, reverse("reflections:submit", args=[7]), form()).content.decode()

    assert '<input type="hidden" name="action" value="submit">' in page
    assert "Sign in and submit" in page


def test_signed_out_page_is_never_cached_and_puts_no_text_in_the_url(csrf_client, exercise):
    response = posted(csrf_client, PAGE, form())

    assert "no-store" in response["Cache-Control"]
    assert "Location" not in response
    assert f'action="{RESUME}"' in response.content.decode()


def test_signed_out_get_still_goes_to_sign_in(client, exercise):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signed_out_post_with_no_csrf_token_is_refused(exercise):
    client = Client(enforce_csrf_checks=True)

    assert client.post(PAGE, form()).status_code == 403


def test_signed_out_post_to_an_unknown_exercise_is_not_found(csrf_client, exercise):
    response = posted(csrf_client, "/reflections/exercises/99/", form())

    assert response.status_code == 404


# --- Signing in from it ------------------------------------------------------------------


def test_wrong_password_keeps_the_text_with_the_usual_message(csrf_client, practitioner, exercise):
    response = posted(csrf_client, RESUME, sign_in(practitioner.email, "not the password"))

    page = response.content.decode()
    assert "That email and password do not match an account." in page
    assert "\nTyped before &lt;b&gt;the&lt;/b&gt; session ended\nsecond line</textarea>" in page
    assert '<input type="hidden" name="version-first" value="0">' in page
    assert SESSION_KEY not in csrf_client.session
    assert not Answer.objects.exists()


def test_right_password_signs_in_saves_and_goes_to_the_exercise(
    csrf_client, practitioner, password, exercise
):
    response = posted(csrf_client, RESUME, sign_in(practitioner.email, password))

    assert response.status_code == 302
    assert response["Location"] == PAGE + SAVED
    assert csrf_client.session[SESSION_KEY] == str(practitioner.pk)
    assert stored() == TYPED
    page = csrf_client.get(PAGE).content.decode()
    assert "Signed in again and saved." in page


def test_email_is_matched_ignoring_case(csrf_client, practitioner, password, exercise):
    response = posted(csrf_client, RESUME, sign_in(practitioner.email.upper(), password))

    assert response.status_code == 302
    assert csrf_client.session[SESSION_KEY] == str(practitioner.pk)
    assert stored() == TYPED


def test_signing_in_to_submit_saves_and_submits(csrf_client, practitioner, password, exercise):
    data = sign_in(practitioner.email, password, action="submit")
    data["answer-second"] = "Second answer"

    response = posted(csrf_client, RESUME, data)

    assert response["Location"] == PAGE + SAVED
    assert ExerciseResponse.objects.get(user=practitioner).is_submitted


def test_conflict_after_signing_in_shows_both_texts(csrf_client, practitioner, password, exercise):
    answer_save(
        user=practitioner,
        exercise=exercise,
        question=exercise.questions.get(key="first"),
        text="Saved in another tab meanwhile",
        base_version=0,
    )

    response = posted(csrf_client, RESUME, sign_in(practitioner.email, password))

    page = response.content.decode()
    assert response.status_code == 409
    assert "You are signed in again." in page
    assert "\nTyped before &lt;b&gt;the&lt;/b&gt; session ended\nsecond line</textarea>" in page
    assert "\nSaved in another tab meanwhile</textarea>" in page
    assert stored() == "Saved in another tab meanwhile"


def test_failed_attempts_lock_out_but_keep_the_text(csrf_client, practitioner, password, exercise):
    for _ in range(5):
        posted(csrf_client, RESUME, sign_in(practitioner.email, "wrong"))

    response = posted(csrf_client, RESUME, sign_in(practitioner.email, password))

    page = response.content.decode()
    assert "Too many sign-in attempts for this email address" in page
    assert "\nTyped before &lt;b&gt;the&lt;/b&gt; session ended\nsecond line</textarea>" in page
    assert SESSION_KEY not in csrf_client.session
    assert not Answer.objects.exists()


def test_nothing_typed_reaches_the_log(csrf_client, practitioner, password, exercise, caplog):
    caplog.set_level(logging.DEBUG)
    posted(csrf_client, PAGE, form())
    posted(csrf_client, RESUME, sign_in(practitioner.email, "wrong"))
    posted(csrf_client, RESUME, sign_in(practitioner.email, password))

    assert stored() == TYPED  # it went all the way through, past every log line
    assert "session ended" not in caplog.text
    assert password not in caplog.text


def test_signing_in_and_saving_runs_a_fixed_number_of_queries(
    csrf_client, practitioner, password, exercise, django_assert_max_num_queries
):
    # Signing in (allauth's checks, the session, the list of sessions) and saving.
    with django_assert_max_num_queries(40):
        response = posted(csrf_client, RESUME, sign_in(practitioner.email, password))
    assert response.status_code == 302
    assert response.url == PAGE + SAVED
    assert stored() == TYPED
    for base in range(1, 8):
        for key in ("first", "second"):
            answer_save(
                user=practitioner,
                exercise=exercise,
                question=exercise.questions.get(key=key),
                text=f"More {base}",
                base_version=base - 1 if key == "second" else base,
            )
    csrf_client.logout()
    csrf_client.get(reverse("reflections:csrf_token"))
    with django_assert_max_num_queries(40):
        response = posted(
            csrf_client,
            RESUME,
            sign_in(practitioner.email, password, **{"version-first": "8", "version-second": "7"}),
        )
    assert response.status_code == 302
    assert response.url == PAGE + SAVED
    assert (stored("first"), stored("second")) == (TYPED, "")


def test_signed_out_page_runs_a_fixed_number_of_queries(
    csrf_client, exercise, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = posted(csrf_client, PAGE, form())

    assert response.status_code == 200
    assert f'action="{RESUME}"' in response.content.decode()


def test_saving_after_signing_in_in_another_tab_needs_no_password(
    csrf_client, practitioner, exercise
):
    csrf_client.force_login(practitioner)

    response = posted(csrf_client, RESUME, form(already_signed_in="1"))

    assert response.status_code == 302
    assert stored() == TYPED


def test_saving_when_not_yet_signed_in_elsewhere_keeps_the_text_and_says_so(csrf_client, exercise):
    response = posted(csrf_client, RESUME, form(already_signed_in="1"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are not signed in yet" in page
    assert "\nTyped before &lt;b&gt;the&lt;/b&gt; session ended\nsecond line</textarea>" in page
    assert not Answer.objects.exists()
