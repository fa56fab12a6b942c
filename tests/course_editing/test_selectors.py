from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from course_editing import selectors
from course_editing.models import LessonDraft
from modules.models import Lesson
from tests.factories import ExerciseFactory, LessonFactory, PartFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "superuser", "expected"),
    [
        ("practitioner", False, False),
        ("team_manager", False, False),
        ("organisation_admin", False, False),
        ("trainer", False, True),
        ("administrator", False, True),
        ("practitioner", True, True),
    ],
)
def test_who_may_edit_the_course(role, superuser, expected):
    assert selectors.may_edit_course(UserFactory(role=role, is_superuser=superuser)) is expected


def test_a_deactivated_trainer_may_not():
    assert not selectors.may_edit_course(UserFactory(role="trainer", is_active=False))


def test_months_before_keeps_the_day_or_the_months_last():
    assert selectors.months_before(datetime(2025, 3, 31, tzinfo=UTC), 1) == datetime(
        2025, 2, 28, tzinfo=UTC
    )
    assert selectors.months_before(datetime(2025, 1, 15, tzinfo=UTC), 12) == datetime(
        2024, 1, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("note", "reviewed_days_ago", "status"),
    [
        ("Check it.", None, "never"),
        ("", None, "not_needed"),
        ("Check it.", 30, "current"),
        ("", 400, "overdue"),
        ("Check it.", 400, "overdue"),
    ],
)
def test_legal_review_status(settings, note, reviewed_days_ago, status):
    settings.LEGAL_REVIEW_MONTHS = 12
    reviewed = None
    if reviewed_days_ago is not None:
        reviewed = timezone.now() - timedelta(days=reviewed_days_ago)
    lesson = LessonFactory(legal_review=note, legally_reviewed_at=reviewed)
    assert selectors.legal_review_status(lesson) == status


def test_the_period_comes_from_the_settings(settings):
    lesson = LessonFactory(legally_reviewed_at=timezone.now() - timedelta(days=100))
    settings.LEGAL_REVIEW_MONTHS = 3
    assert selectors.legal_review_status(lesson) == "overdue"
    settings.LEGAL_REVIEW_MONTHS = 4
    assert selectors.legal_review_status(lesson) == "current"


def test_the_overview_lists_every_lesson_in_order_and_counts_the_flagged(
    django_assert_max_num_queries,
):
    part = PartFactory()
    second = LessonFactory(part=part, order=2, legal_review="Check.")
    first = LessonFactory(part=part, order=1)
    gone = LessonFactory(part=part, order=3, legal_review="Check.")
    Lesson.objects.filter(pk=gone.pk).update(archived_at=timezone.now(), order=2_000_000)
    ExerciseFactory(lesson=first)
    LessonDraft.objects.create(lesson=second, title="T", body_markdown="B", note="n")

    with django_assert_max_num_queries(5):
        overview = selectors.editing_overview()
        rows = [row for part in overview.parts for row in part.rows]
        assert [row.lesson for row in rows] == [first, second]
        assert [row.lesson for row in overview.archived] == [gone]
        assert len(rows[0].exercises) == 1
        assert rows[1].states == ["published", "draft"]
        assert overview.archived[0].states == ["archived"]
        assert overview.flagged_count == 1  # the archived lesson is not counted
        assert overview.draft_count == 1
