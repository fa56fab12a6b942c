from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from modules.models import Exercise
from reflections.models import Commitment, ExerciseResponse, answer_text_decode
from reflections.services.records import (
    commitment_dates_problems,
    commitment_review_save,
    commitment_save,
)

from .records_data import commitment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n):
    return TODAY() + timedelta(days=n)


@pytest.fixture
def exercise4(course_content):
    return Exercise.objects.get(number=4)


def test_commitment_save_starts_the_response_when_there_is_none(practitioner, exercise4):
    saved = commitment_save(
        user=practitioner, exercise=exercise4, due_on=days(7), review_on=days(30)
    ).commitment

    response = ExerciseResponse.objects.get(user=practitioner, exercise=exercise4)
    assert (saved.response, saved.due_on, saved.review_on) == (response, days(7), days(30))


def test_commitment_save_updates_the_same_row(practitioner, exercise4):
    first = commitment_save(
        user=practitioner, exercise=exercise4, due_on=days(7), review_on=days(30)
    ).commitment
    second = commitment_save(
        user=practitioner, exercise=exercise4, due_on=days(10), review_on=days(40)
    ).commitment

    assert first.pk == second.pk
    assert Commitment.objects.get().due_on == days(10)


def test_commitment_save_records_an_audit_event_with_ids_only(practitioner, exercise4):
    saved = commitment_save(
        user=practitioner, exercise=exercise4, due_on=days(7), review_on=days(30)
    ).commitment

    event = AuditEvent.objects.get(action="commitment.created")
    assert (event.actor, event.target_id, event.detail) == (practitioner, str(saved.pk), {})


def test_moving_the_review_date_starts_a_new_review(practitioner, exercise4):
    row = commitment(
        practitioner, review_in=0, reviewed_at=timezone.now(), review_outcome="Went ok"
    )

    commitment_save(user=practitioner, exercise=exercise4, due_on=row.due_on, review_on=days(20))

    row.refresh_from_db()
    assert row.reviewed_at is None
    assert row.review_outcome == "Went ok"


def test_keeping_the_review_date_keeps_the_review(practitioner, exercise4):
    row = commitment(practitioner, review_in=0, due_in=0, reviewed_at=timezone.now())

    commitment_save(user=practitioner, exercise=exercise4, due_on=days(3), review_on=row.review_on)

    row.refresh_from_db()
    assert row.reviewed_at is not None


def test_dates_in_the_past_are_refused():
    problems = commitment_dates_problems(due_on=days(-1), review_on=days(-1), today=TODAY())

    assert set(problems) == {"due_on", "review_on"}
    assert "past" in problems["due_on"]


def test_a_saved_date_that_has_passed_may_stay(practitioner, course_content):
    row = commitment(practitioner, due_in=-5, review_in=-1)

    problems = commitment_dates_problems(
        due_on=row.due_on, review_on=days(3), today=TODAY(), previous=row
    )

    assert problems == {}


def test_review_before_the_due_date_is_refused():
    problems = commitment_dates_problems(due_on=days(10), review_on=days(5), today=TODAY())

    assert list(problems) == ["review_on"]


def test_review_on_the_due_date_is_allowed():
    assert commitment_dates_problems(due_on=days(0), review_on=days(0), today=TODAY()) == {}


def test_dates_years_ahead_are_refused_as_a_likely_slip():
    problems = commitment_dates_problems(due_on=days(1), review_on=days(365 * 40), today=TODAY())

    assert list(problems) == ["review_on"]


def test_commitment_review_save_keeps_the_text_exactly(practitioner, course_content):
    row = commitment(practitioner, review_in=0, due_in=0)
    typed = "It went well.\n\nNUL here:\x00 and \ue000 too"

    commitment_review_save(commitment=row, outcome=typed)

    row.refresh_from_db()
    assert answer_text_decode(row.review_outcome) == typed
    assert row.reviewed_at is not None


def test_commitment_review_save_again_edits_the_review(practitioner, course_content):
    row = commitment(practitioner, review_in=0, due_in=0)
    commitment_review_save(commitment=row, outcome="First")

    commitment_review_save(commitment=row, outcome="Second thoughts")

    row.refresh_from_db()
    assert answer_text_decode(row.review_outcome) == "Second thoughts"
