"""A save that includes an answer to a question that takes no answers now (removed from
the exercise since the page was loaded, or a pair question after the share ended) is
never reported as saved: the text comes back with the true reason. A pair answer after a
revealed share ended is the person's own words, and is stored."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reflections.models import Answer, ExerciseResponse, Share
from reflections.services.answers import answer_save
from reflections.services.sharing import share_end

from .conftest import write

pytestmark = pytest.mark.django_db

RETIRED_AT = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
PAGE = "/reflections/exercises/7/"
SUBMIT = "/reflections/exercises/7/submit/"


def retire(exercise, key):
    exercise.questions.filter(key=key).update(retired=True, retired_at=RETIRED_AT)


def form(**answers):
    data = {}
    for key, text in answers.items():
        data[f"answer-{key}"] = text
        data[f"version-{key}"] = "0"
    return data


def stored(user, key):
    answer = Answer.objects.filter(response__user=user, question__key=key).first()
    return answer.typed_text if answer else None


@pytest.fixture
def revealed_then_ended(practitioner, colleague, exercise):
    """Sam and Alex compared answers to exercise 7; then Alex ended the share."""
    write(colleague, exercise, "Alex")
    ExerciseResponse.objects.create(
        user=practitioner, exercise=exercise, submitted_at=timezone.now()
    )
    share = Share.objects.create(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    return share_end(share=share, user=colleague)


# --- A question removed since the page was loaded ----------------------------------------


def test_saving_an_answer_to_a_retired_question_shows_the_text_with_the_date_removed(
    signed_in, practitioner, exercise
):
    retire(exercise, "second")

    response = signed_in.post(PAGE, form(first="Still asked", second="Words about a gone question"))

    assert response.status_code == 409
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This question was removed from the exercise on 3 March 2026" in page
    assert "Words about a gone question" in page
    assert "no changes to save" not in page
    assert "Everything else on this page is saved." in page
    assert stored(practitioner, "first") == "Still asked"
    assert stored(practitioner, "second") is None


def test_submitting_with_an_answer_to_a_retired_question_does_not_submit(
    signed_in, practitioner, exercise
):
    retire(exercise, "second")

    response = signed_in.post(SUBMIT, form(first="One", second="Gone", together=""))

    assert response.status_code == 409
    assert "You have submitted" not in response.content.decode()
    assert "Gone" in response.content.decode()
    assert ExerciseResponse.objects.get(user=practitioner).submitted_at is None


def test_an_unchanged_answer_to_a_retired_question_is_not_a_problem(
    signed_in, practitioner, exercise
):
    answer_save(
        user=practitioner,
        exercise=exercise,
        question=exercise.questions.get(key="second"),
        text="Kept",
        base_version=0,
    )
    retire(exercise, "second")

    response = signed_in.post(PAGE, form(first="New", second="Kept"))

    assert response.status_code == 302
    assert stored(practitioner, "second") == "Kept"


def test_autosave_to_a_retired_question_says_when_it_was_removed(signed_in, exercise):
    retire(exercise, "second")

    response = signed_in.post(
        reverse("reflections:autosave", args=[7, "second"]),
        json.dumps({"text": "Typed", "version": 0}),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "status": "closed",
        "message": "Not saved: This question was removed from the exercise on 3 March 2026; "
        "copy your text if you want to keep it.",
    }
    assert not Answer.objects.exists()


# --- A pair question after the share ended -------------------------------------------------


def test_a_pair_answer_posted_after_a_revealed_share_ended_is_saved(
    signed_in, practitioner, exercise, revealed_then_ended
):
    response = signed_in.post(PAGE, form(together="What we agreed"), follow=True)

    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    assert stored(practitioner, "together") == "What we agreed"


def test_a_pair_answer_autosaved_after_a_revealed_share_ended_is_saved(
    signed_in, practitioner, exercise, revealed_then_ended
):
    response = signed_in.post(
        reverse("reflections:autosave", args=[7, "together"]),
        json.dumps({"text": "What we agreed", "version": 0}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    assert stored(practitioner, "together") == "What we agreed"


def test_the_page_says_who_ended_the_share_and_that_the_pair_answers_stay_editable(
    signed_in, exercise, revealed_then_ended
):
    response = signed_in.get(PAGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alex Jones ended comparing answers" in page
    assert "Alex on together" not in page  # no longer readable


def test_a_pair_answer_posted_to_a_share_ended_before_it_was_revealed_is_shown_with_why(
    signed_in, practitioner, colleague, exercise
):
    share = Share.objects.create(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    share_end(share=share, user=colleague)

    response = signed_in.post(PAGE, form(together="Our shared view"))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Alex Jones ended comparing answers, so this question is closed" in page
    assert "Our shared view" in page
    assert stored(practitioner, "together") is None


def test_autosave_of_a_closed_pair_question_gives_the_true_reason(
    signed_in, practitioner, colleague, exercise
):
    share = Share.objects.create(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    share_end(share=share, user=colleague)

    response = signed_in.post(
        reverse("reflections:autosave", args=[7, "together"]),
        json.dumps({"text": "x", "version": 0}),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["status"] == "closed"
    assert "Alex Jones ended comparing answers" in response.json()["message"]


# --- A save sent again after its reply was lost ---------------------------------------------


def test_a_form_save_sent_again_after_its_reply_was_lost_is_not_a_conflict(
    signed_in, practitioner, exercise
):
    signed_in.post(PAGE, form(first="Typed once"))  # the reply never reached the browser

    response = signed_in.post(PAGE, form(first="Typed once"), follow=True)

    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()
    assert "There were no changes to save." in response.content.decode()
    assert Answer.objects.get(question__key="first").version == 1
