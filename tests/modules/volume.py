"""More of everything, to show a page's query count does not grow with the data."""

from django.utils import timezone

from modules.models import LessonProgress
from tests.factories import (
    ExerciseFactory,
    LessonFactory,
    QuestionFactory,
    TeamFactory,
    UserFactory,
)


def add_volume(*, lessons=25, people=12, user=None):
    """Add lessons (with exercises and questions), people, and progress for all of them.

    `user`, when given, gets progress in every new lesson too.
    """
    new_lessons = LessonFactory.create_batch(lessons)
    for lesson in new_lessons[::5]:
        exercise = ExerciseFactory(lesson=lesson)
        QuestionFactory.create_batch(3, exercise=exercise)
    team = TeamFactory()
    people_list = [*UserFactory.create_batch(people, team=team), *([user] if user else [])]
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(
            user=person,
            lesson=lesson,
            last_viewed_at=now,
            completed_at=now if (index + lesson.order) % 2 else None,
        )
        for index, person in enumerate(people_list)
        for lesson in new_lessons
    )
    return new_lessons
