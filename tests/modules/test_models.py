"""The model rules: who is asked to read a lesson again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.models import LessonProgress
from tests.factories import LessonFactory, LessonProgressFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = timedelta(days=1)


# (completed, read again, asked to re-read) as days before now (None: never) -> needs it
CASES = [
    pytest.param(3, None, 1, True, id="completed-before-the-request"),
    pytest.param(3, 2, 1, True, id="read-again-before-the-request"),
    pytest.param(3, 0, 1, False, id="read-again-after-the-request"),
    pytest.param(1, None, 3, False, id="completed-after-the-request"),
    pytest.param(None, None, 1, False, id="never-completed"),
    pytest.param(3, None, None, False, id="never-asked"),
]


def _days_ago(days):
    return None if days is None else NOW - days * DAY


@pytest.mark.parametrize(("completed", "read_again", "asked", "expected"), CASES)
def test_the_query_and_the_property_say_the_same_about_rereading(
    completed, read_again, asked, expected
):
    lesson = LessonFactory(reread_requested_at=_days_ago(asked), reread_summary="New figures")
    progress = LessonProgressFactory(
        lesson=lesson, completed_at=_days_ago(completed), read_again_at=_days_ago(read_again)
    )

    assert progress.needs_rereading is expected
    assert LessonProgress.objects.needs_rereading().filter(pk=progress.pk).exists() is expected
