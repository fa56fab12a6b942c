"""The largest request the course accepts (DATA_UPLOAD_MAX_MEMORY_SIZE), and the page a
larger one gets (templates/400.html through cse_course.views.bad_request)."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from cse_course.settings import base
from modules.models import Exercise
from reflections.models import ANSWER_MAX_LENGTH, Answer
from tests.factories import ExerciseFactory, QuestionFactory

pytestmark = pytest.mark.django_db

FOUR_BYTES = "\U0001f600"  # 😀: four bytes in UTF-8, %F0%9F%98%80 in a form body
FRIENDLY = "This could not be sent"


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


@pytest.fixture
def largest_exercise():
    """An exercise with as many questions as the content loader allows."""
    exercise = ExerciseFactory(number=7)
    for order in range(1, settings.EXERCISE_MAX_QUESTIONS + 1):
        QuestionFactory(exercise=exercise, key=f"question-{order}", order=order)
    return exercise


def _post_form(client, exercise, fields):
    """Post as a browser posts the form: URL-encoded UTF-8, not the test client's multipart."""
    body = urlencode(fields)
    response = client.post(
        reverse("reflections:exercise", args=[exercise.number]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    return response, len(body.encode())


def test_the_limit_is_worked_out_from_the_answer_length_the_answers_keep():
    assert base._ANSWER_MAX_LENGTH == ANSWER_MAX_LENGTH


def test_the_course_has_no_exercise_with_more_questions_than_the_limit_allows(course_content):
    counts = Exercise.objects.annotate(asked=Count("questions", filter=Q(questions__retired=False)))

    assert counts.count() == 5
    assert max(exercise.asked for exercise in counts) <= settings.EXERCISE_MAX_QUESTIONS


def test_every_question_with_a_longest_answer_and_a_conflict_is_accepted(
    signed_in, practitioner, largest_exercise
):
    answer = FOUR_BYTES * ANSWER_MAX_LENGTH
    fields = {}
    for question in largest_exercise.questions.all():
        fields[f"answer-{question.key}"] = answer
        fields[f"version-{question.key}"] = "0"
        # The combined text a conflict offers (this tab's + the saved one), sent as well.
        fields[f"merged-{question.key}"] = answer + "\n\n" + answer

    response, size = _post_form(signed_in, largest_exercise, fields)

    assert size <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert size > 0.98 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # the limit is not loose
    assert response.status_code == 302
    stored = Answer.objects.filter(response__user=practitioner)
    assert stored.count() == settings.EXERCISE_MAX_QUESTIONS
    assert [saved.typed_text for saved in stored] == [answer] * settings.EXERCISE_MAX_QUESTIONS


def test_a_form_over_the_limit_gets_the_page_saying_it_was_too_large(
    signed_in, practitioner, largest_exercise
):
    question = largest_exercise.questions.first()
    fields = {
        f"answer-{question.key}": "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        f"version-{question.key}": "0",
    }

    response, size = _post_form(signed_in, largest_exercise, fields)

    assert size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<h1>{FRIENDLY}</h1>" in html
    assert "the page was too large to send" in html
    assert "Your text should still be in the page you came from" in html
    assert f"up to {ANSWER_MAX_LENGTH:,} characters" in html
    assert "Sign out" in html  # the site's layout, for the person signed in
    assert "aaaa" not in html
    assert not Answer.objects.filter(response__user=practitioner).exists()


def test_a_three_megabyte_answer_is_refused_with_the_text_kept(signed_in, largest_exercise):
    """Under the limit, a too-long answer reaches the exercise page, which keeps the text."""
    question = largest_exercise.questions.first()
    fields = {
        f"answer-{question.key}": "a" * 3_000_000,
        f"version-{question.key}": "0",
    }

    response, _size = _post_form(signed_in, largest_exercise, fields)

    assert response.status_code == 400
    html = response.content.decode()
    assert "This answer is 3,000,000 characters long" in html
    assert "a" * 3_000_000 in html


def test_another_bad_request_gets_the_same_page_without_failing(client):
    response = client.get(reverse("modules:home"), HTTP_HOST="not-this-site.example")

    assert response.status_code == 400
    assert f"<h1>{FRIENDLY}</h1>" in response.content.decode()
