"""Completing the course: every lesson complete and every exercise submitted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from modules.models import Course
from modules.selectors import course_outline
from modules.services import lesson_archive
from reflections.progress import (
    CompletionStatus,
    Reading,
    course_completion_for,
    course_standing,
    course_totals,
)
from tests.factories import ExerciseFactory, LessonFactory, LessonProgressFactory, UserFactory
from tests.reflections.factories import ExerciseResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    lessons = [LessonFactory() for _ in range(2)]
    exercises = [ExerciseFactory(lesson=lessons[0]) for _ in range(2)]
    return lessons, exercises


def figures(user):
    lessons, exercises = course_totals()
    return course_completion_for(
        User.objects.filter(pk=user.pk), lessons=lessons, exercises=exercises
    ).get()


def person_with(course, *, completed, submitted, drafts):
    """Someone who completed the first `completed` lessons, submitted the first
    `submitted` exercises and left `drafts` more as drafts."""
    lessons, exercises = course
    user, now = UserFactory(), timezone.now()
    for lesson in lessons[:completed]:
        LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=now, completed_at=now)
    for exercise in exercises[:submitted]:
        ExerciseResponseFactory(user=user, exercise=exercise, submitted_at=now)
    for exercise in exercises[submitted : submitted + drafts]:
        ExerciseResponseFactory(user=user, exercise=exercise)
    return user


def test_someone_who_has_opened_nothing_has_not_started(course):
    person = figures(UserFactory())
    assert person.completion_status == CompletionStatus.NOT_STARTED
    assert (person.lessons_completed, person.exercises_submitted) == (0, 0)
    assert person.started_at is None
    assert person.last_activity is None


def test_every_lesson_without_every_exercise_is_in_progress(course):
    lessons, exercises = course
    user, now = UserFactory(), timezone.now()
    for lesson in lessons:
        LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=now, completed_at=now)
    ExerciseResponseFactory(user=user, exercise=exercises[0], submitted_at=now)
    ExerciseResponseFactory(user=user, exercise=exercises[1])  # a draft only
    person = figures(user)
    assert person.completion_status == CompletionStatus.IN_PROGRESS
    assert (person.lessons_completed, person.exercises_submitted) == (2, 1)
    assert person.completed_at is None


def test_every_lesson_and_exercise_done_is_completed_at_the_last_of_them(course):
    lessons, exercises = course
    user, now = UserFactory(), timezone.now()
    earlier, last = now - timedelta(days=3), now - timedelta(days=1)
    for lesson in lessons:
        LessonProgressFactory(
            user=user, lesson=lesson, last_viewed_at=earlier, completed_at=earlier
        )
    ExerciseResponseFactory(user=user, exercise=exercises[0], submitted_at=earlier)
    ExerciseResponseFactory(user=user, exercise=exercises[1], submitted_at=last)
    person = figures(user)
    assert person.completion_status == CompletionStatus.COMPLETED
    assert person.completed_at == last
    assert person.last_activity == last


def test_an_unfinished_lesson_keeps_the_course_unfinished(course):
    lessons, exercises = course
    user, now = UserFactory(), timezone.now()
    LessonProgressFactory(user=user, lesson=lessons[0], last_viewed_at=now, completed_at=now)
    LessonProgressFactory(user=user, lesson=lessons[1], last_viewed_at=now)
    for exercise in exercises:
        ExerciseResponseFactory(user=user, exercise=exercise, submitted_at=now)
    assert figures(user).completion_status == CompletionStatus.IN_PROGRESS


def test_an_archived_lesson_is_not_in_the_course_totals(course):
    lessons, _exercises = course
    lessons[1].archived_at = timezone.now()
    lessons[1].save()

    assert course_totals() == (1, 2)


def test_a_completed_lesson_later_archived_leaves_everything_else_complete(course):
    """Someone who completed every lesson and exercise still has, once one of the
    lessons is archived; the archived lesson's completion no longer counts."""
    lessons, exercises = course
    extra = LessonFactory()
    user, now = UserFactory(), timezone.now()
    for lesson in [*lessons, extra]:
        LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=now, completed_at=now)
    for exercise in exercises:
        ExerciseResponseFactory(user=user, exercise=exercise, submitted_at=now)
    extra.archived_at = now
    extra.save()

    person = figures(user)

    assert person.completion_status == CompletionStatus.COMPLETED
    assert person.lessons_completed == 2


def test_an_archived_lesson_completed_does_not_stand_in_for_a_current_one(course):
    lessons, exercises = course
    extra = LessonFactory()
    user, now = UserFactory(), timezone.now()
    for lesson in [lessons[0], extra]:
        LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=now, completed_at=now)
    for exercise in exercises:
        ExerciseResponseFactory(user=user, exercise=exercise, submitted_at=now)
    extra.archived_at = now
    extra.save()

    person = figures(user)

    assert person.completion_status == CompletionStatus.IN_PROGRESS
    assert person.lessons_completed == 1


@pytest.mark.parametrize(
    ("completed", "submitted", "drafts"),
    [(0, 0, 0), (0, 0, 1), (1, 0, 0), (2, 1, 0), (2, 2, 0), (1, 2, 0)],
)
def test_a_persons_standing_is_one_query_with_the_same_rule(
    course, completed, submitted, drafts, django_assert_num_queries
):
    _lessons, exercises = course
    user = person_with(course, completed=completed, submitted=submitted, drafts=drafts)

    with django_assert_num_queries(1):
        standing = course_standing(user=user)

    assert standing.status == figures(user).completion_status
    assert standing.is_completed == (completed == 2 and submitted == 2)
    assert (standing.lessons_completed, standing.lessons_total) == (completed, 2)
    assert standing.exercises_open == exercises[submitted:]


def test_a_persons_standing_in_a_course_without_exercises(django_assert_max_num_queries):
    lesson, user = LessonFactory(), UserFactory()
    LessonProgressFactory(user=user, lesson=lesson, completed_at=timezone.now())

    with django_assert_max_num_queries(2):
        standing = course_standing(user=user)

    assert (standing.lessons_completed, standing.lessons_total, standing.exercises) == (1, 1, [])
    assert standing.is_completed == (figures(user).completion_status == CompletionStatus.COMPLETED)


def test_a_persons_standing_is_theirs_whoever_asked_before(course):
    """The query is compiled once and run with each person's id: one person's figures
    never show in another's standing, whichever order they come in."""
    lessons, exercises = course
    done, beginner, now = UserFactory(), UserFactory(), timezone.now()
    for lesson in lessons:
        LessonProgressFactory(user=done, lesson=lesson, last_viewed_at=now, completed_at=now)
    ExerciseResponseFactory(user=done, exercise=exercises[1], submitted_at=now)

    for _ in range(2):
        first, second = course_standing(user=done), course_standing(user=beginner)
        assert (first.lessons_completed, first.exercises_open) == (2, [exercises[0]])
        assert first.status == CompletionStatus.IN_PROGRESS
        assert (second.lessons_completed, second.exercises_open) == (0, exercises)
        assert second.status == CompletionStatus.NOT_STARTED


@pytest.mark.parametrize(
    ("completed", "submitted", "drafts", "archived"),
    [(1, 0, 0, False), (2, 1, 0, False), (2, 2, 0, False), (1, 2, 1, False), (2, 2, 0, True)],
)
def test_a_standing_from_the_pages_outline_agrees_with_the_one_query(
    course, completed, submitted, drafts, archived, django_assert_num_queries
):
    """The course home's standing takes the lessons' figures from its outline and asks
    only which exercises were submitted: the same answers as the one query."""
    Course.objects.create(title="A course", summary="s", audience="a", source_citation="c")
    user = person_with(course, completed=completed, submitted=submitted, drafts=drafts)
    if archived:  # completed, then taken out of the course
        extra, now = LessonFactory(), timezone.now()
        LessonProgressFactory(user=user, lesson=extra, last_viewed_at=now, completed_at=now)
        lesson_archive(lesson=extra, actor=UserFactory())
    outline = course_outline(user=user)
    reading = Reading(
        lessons_completed=outline.completed_count,
        lessons_total=outline.total,
        version=outline.version,
    )
    course_standing(user=user, reading=reading)  # the exercises are kept from here

    with django_assert_num_queries(1):
        from_outline = course_standing(user=user, reading=reading)
    full = course_standing(user=user)

    assert from_outline.status == full.status == figures(user).completion_status
    assert (from_outline.lessons_completed, from_outline.lessons_total) == (
        full.lessons_completed,
        full.lessons_total,
    )
    assert [(e.pk, e.is_submitted) for e in from_outline.exercises] == [
        (e.pk, e.is_submitted) for e in full.exercises
    ]


def test_a_standing_from_the_outline_is_each_persons_own(course):
    Course.objects.create(title="A course", summary="s", audience="a", source_citation="c")
    lessons, exercises = course
    done, other, now = UserFactory(), UserFactory(), timezone.now()
    for person in (done, other):
        for lesson in lessons:
            LessonProgressFactory(user=person, lesson=lesson, last_viewed_at=now, completed_at=now)
    ExerciseResponseFactory(user=done, exercise=exercises[0], submitted_at=now)
    version = Course.objects.get().content_version
    reading = Reading(lessons_completed=2, lessons_total=2, version=version)

    for _ in range(2):
        mine, theirs = (course_standing(user=p, reading=reading) for p in (done, other))
        assert mine.exercises_open == [exercises[1]]
        assert theirs.exercises_open == exercises
        assert not any(e.is_submitted for e in theirs.exercises)
