import pytest
from django.utils import timezone

from tests.factories import (
    ExerciseFactory,
    LessonFactory,
    LessonProgressFactory,
    UserFactory,
    second_factor_for,
)
from tests.log_capture import no_secrets_in_logs  # noqa: F401 (autouse: every log line checked)


@pytest.fixture
def lessons(db):
    return [LessonFactory(title=f"Lesson {n}") for n in range(1, 4)]


@pytest.fixture
def exercises(lessons):
    return [ExerciseFactory(lesson=lessons[n % 3]) for n in range(5)]


@pytest.fixture
def manager_client(client, manager):
    second_factor_for(manager)
    client.force_login(manager)
    return client


@pytest.fixture
def member_factory(team):
    def make(**kwargs):
        kwargs.setdefault("team", team)
        return UserFactory(**kwargs)

    return make


def complete_lessons(user, lessons, *, at=None):
    at = at or timezone.now()
    for lesson in lessons:
        LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=at, completed_at=at)
