"""Recording a person's progress: views, completion, and taking completion back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.models import LessonProgress
from modules.services import (
    progress_mark_complete,
    progress_mark_incomplete,
    progress_mark_read_again,
    progress_record_view,
)
from tests.factories import LessonFactory, LessonProgressFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return LessonFactory()


def test_viewing_a_lesson_starts_it(practitioner, lesson):
    progress_record_view(user=practitioner, lesson=lesson)

    progress = LessonProgress.objects.get(user=practitioner, lesson=lesson)
    assert progress.last_viewed_at is not None
    assert not progress.is_completed


def test_viewing_again_moves_the_last_viewed_time_and_keeps_one_row(practitioner, lesson):
    earlier = timezone.now() - timedelta(days=2)
    LessonProgressFactory(user=practitioner, lesson=lesson, last_viewed_at=earlier)

    progress_record_view(user=practitioner, lesson=lesson)

    progress = LessonProgress.objects.get(user=practitioner, lesson=lesson)
    assert progress.last_viewed_at > earlier


def test_viewing_a_completed_lesson_keeps_it_completed(practitioner, lesson):
    progress_mark_complete(user=practitioner, lesson=lesson)

    progress_record_view(user=practitioner, lesson=lesson)

    assert LessonProgress.objects.get(user=practitioner, lesson=lesson).is_completed


def test_marking_complete_records_when(practitioner, lesson):
    before = timezone.now()

    progress = progress_mark_complete(user=practitioner, lesson=lesson)

    assert progress.completed_at >= before
    assert LessonProgress.objects.completed().for_user(practitioner).get() == progress


def test_marking_complete_twice_keeps_the_first_completion_time(practitioner, lesson):
    first = progress_mark_complete(user=practitioner, lesson=lesson).completed_at

    again = progress_mark_complete(user=practitioner, lesson=lesson)

    assert again.completed_at == first
    assert LessonProgress.objects.filter(user=practitioner).count() == 1


def test_marking_complete_a_started_lesson_completes_the_same_row(practitioner, lesson):
    progress_record_view(user=practitioner, lesson=lesson)

    progress_mark_complete(user=practitioner, lesson=lesson)

    assert LessonProgress.objects.get(user=practitioner, lesson=lesson).is_completed


def test_marking_not_complete_takes_the_completion_back(practitioner, lesson):
    progress_mark_complete(user=practitioner, lesson=lesson)

    progress_mark_incomplete(user=practitioner, lesson=lesson)

    progress = LessonProgress.objects.get(user=practitioner, lesson=lesson)
    assert progress.completed_at is None


def test_marking_not_complete_a_lesson_never_opened_does_nothing(practitioner, lesson):
    progress_mark_incomplete(user=practitioner, lesson=lesson)

    assert not LessonProgress.objects.exists()


def test_one_persons_progress_leaves_anothers_alone(practitioner, colleague, lesson):
    progress_mark_complete(user=colleague, lesson=lesson)

    progress_mark_complete(user=practitioner, lesson=lesson)
    progress_mark_incomplete(user=practitioner, lesson=lesson)

    assert LessonProgress.objects.get(user=colleague).is_completed
    assert not LessonProgress.objects.get(user=practitioner).is_completed


def test_marking_complete_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    lessons = LessonFactory.create_batch(5)
    user = UserFactory()
    for other in lessons[1:]:
        progress_mark_complete(user=user, lesson=other)

    # Look up, then create inside a savepoint (two statements around the insert).
    with django_assert_max_num_queries(4):
        progress_mark_complete(user=user, lesson=lessons[0])

    assert LessonProgress.objects.get(user=user, lesson=lessons[0]).is_completed


def test_reading_again_after_an_update_keeps_the_completion(practitioner, lesson):
    progress = progress_mark_complete(user=practitioner, lesson=lesson)
    lesson.reread_requested_at, lesson.reread_summary = timezone.now(), "New figures."
    lesson.save()

    progress_mark_read_again(user=practitioner, lesson=lesson)

    progress.refresh_from_db()
    assert progress.read_again_at >= lesson.reread_requested_at
    assert progress.is_completed
    assert not LessonProgress.objects.needs_rereading().exists()
