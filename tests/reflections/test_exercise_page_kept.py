"""The exercise page's parts kept per content version are exactly what rendering their
templates in full gives: each answer field from its question's shell, with the person's
values filled in, in every state the page can show; and the share panel of someone no
share concerns."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from modules import course_cache
from reflections.models import ExerciseResponse, Share
from reflections.selectors.answers import own_response_get
from reflections.selectors.sharing import exercise_sharing
from reflections.services.sharing import share_end
from reflections.views.exercise_page import (
    answer_field_html,
    answer_fields,
    exercise_html,
    share_panel_html,
)

from .conftest import write
from .factories import AnswerFactory, ExerciseResponseFactory, ShareFactory

pytestmark = pytest.mark.django_db

VERSION = "test-version"


@pytest.fixture(autouse=True)
def nothing_kept():
    course_cache.forget()
    yield
    course_cache.forget()


def fields_in_full_and_kept(user, exercise):
    """Each field of `user`'s page rendered in full, beside its kept rendering."""
    exercise.current_questions = list(exercise.questions.current().order_by("order"))
    own = own_response_get(user=user, exercise=exercise)
    sharing = exercise_sharing(viewer=user, exercise=exercise)
    pairs = []
    for field in answer_fields(exercise, own, sharing):
        context = {"field": field, "sharing": sharing, "dates": None}
        full = render_to_string("reflections/_answer_field.html", context)
        pairs.append((full, answer_field_html(field, sharing, None, version=VERSION)))
    return pairs


def assert_kept_is_full(user, exercise):
    pairs = fields_in_full_and_kept(user, exercise)
    assert pairs
    for full, kept in pairs:
        assert kept == full


def test_a_field_not_started_is_the_same_kept(practitioner, exercise):
    assert_kept_is_full(practitioner, exercise)


def test_a_draft_with_text_to_escape_is_the_same_kept(practitioner, exercise):
    response = ExerciseResponseFactory(user=practitioner, exercise=exercise)
    first = exercise.questions.get(key="first")
    AnswerFactory(response=response, question=first, text="<b>\"Me\" & 'you'</b>\nline two")
    assert_kept_is_full(practitioner, exercise)
    assert (
        "&lt;b&gt;&quot;Me&quot; &amp; &#x27;you&#x27;"
        in fields_in_full_and_kept(practitioner, exercise)[0][1]
    )


def test_a_submitted_response_is_the_same_kept(practitioner, exercise):
    write(practitioner, exercise, "Sam")
    assert_kept_is_full(practitioner, exercise)


def test_a_revealed_share_is_the_same_kept(practitioner, colleague, exercise):
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex")
    ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    pairs = fields_in_full_and_kept(practitioner, exercise)
    assert "You and Alex Jones" in pairs[0][1]
    assert_kept_is_full(practitioner, exercise)


def test_a_share_ended_after_it_was_revealed_is_the_same_kept(practitioner, colleague, exercise):
    write(colleague, exercise, "Alex")
    ExerciseResponse.objects.create(
        user=practitioner, exercise=exercise, submitted_at=timezone.now()
    )
    share = Share.objects.create(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    share_end(share=share, user=colleague)
    pairs = fields_in_full_and_kept(practitioner, exercise)
    assert "Alex Jones ended comparing answers" in pairs[-1][1]
    assert_kept_is_full(practitioner, exercise)


def test_an_invitation_waiting_is_the_same_kept(practitioner, colleague, exercise):
    ShareFactory(owner=colleague, colleague=practitioner, exercise=exercise)
    assert_kept_is_full(practitioner, exercise)


def test_a_field_with_an_error_is_rendered_in_full(practitioner, exercise):
    exercise.current_questions = list(exercise.questions.current().order_by("order"))
    own = own_response_get(user=practitioner, exercise=exercise)
    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)
    field = answer_fields(exercise, own, sharing)[0]
    field.error = "Too long."
    assert answer_field_html(field, sharing, None, version=VERSION) == ""


def test_a_question_whose_text_holds_a_holes_characters_is_rendered_in_full(practitioner, exercise):
    exercise.current_questions = list(exercise.questions.current().order_by("order"))
    exercise.current_questions[0].text_html = "<p>\ue000text\ue001</p>"
    own = own_response_get(user=practitioner, exercise=exercise)
    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)
    field = answer_fields(exercise, own, sharing)[0]
    assert answer_field_html(field, sharing, None, version=VERSION) == ""


def test_the_share_panel_of_someone_no_share_concerns_is_the_same_kept(practitioner, exercise):
    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)
    request = RequestFactory().get("/")
    request.user = practitioner
    context = {"sharing": sharing, "exercise": exercise}
    full = render_to_string("reflections/_share_panel.html", context, request=request)
    assert "Compare answers with a colleague" in full
    assert share_panel_html(sharing, exercise, version=VERSION) == full


def test_the_share_panel_of_someone_a_share_concerns_is_rendered_in_full(
    practitioner, colleague, exercise
):
    ShareFactory(owner=colleague, colleague=practitioner, exercise=exercise)
    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)
    assert share_panel_html(sharing, exercise, version=VERSION) == ""


def test_the_exercise_heading_is_kept_per_content_version(exercise):
    kept = exercise_html(exercise, version=VERSION)
    assert f"Reflective exercise 7: {exercise.title}" in kept["heading"]
    assert kept["action_url"] == "/reflections/exercises/7/"
    exercise.title = "Retitled"
    assert exercise_html(exercise, version=VERSION) is kept
    assert "Retitled" in exercise_html(exercise, version="next-version")["heading"]
