"""The course outline, the place to resume, and the lesson as read."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from modules.models import Lesson
from modules.selectors import LessonState, course_get, course_outline, lesson_get_for_reading
from tests.factories import (
    CourseFactory,
    ExerciseFactory,
    LessonFactory,
    LessonProgressFactory,
    PartFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _text_of(minutes):
    """Lesson Markdown that takes `minutes` to read at 200 words a minute."""
    return "word " * (200 * minutes)


@pytest.fixture
def lessons():
    first_part, second_part = PartFactory(), PartFactory()
    return [
        LessonFactory(part=first_part, order=1, body_markdown=_text_of(5)),
        LessonFactory(part=first_part, order=2, body_markdown=_text_of(10)),
        LessonFactory(part=second_part, order=3, body_markdown=_text_of(15)),
        LessonFactory(part=second_part, order=4, body_markdown=_text_of(30)),
    ]


def _progress(user, lesson, *, hours_ago, completed=False):
    viewed = NOW - timedelta(hours=hours_ago)
    return LessonProgressFactory(
        user=user, lesson=lesson, last_viewed_at=viewed, completed_at=viewed if completed else None
    )


def _resume(user):
    return course_outline(user=user).resume_lesson


# --- Resume ------------------------------------------------------------------------


def test_someone_who_has_not_started_resumes_at_the_first_lesson(practitioner, lessons):
    assert _resume(practitioner) == lessons[0]


def test_a_signed_out_visitor_is_pointed_at_the_first_lesson(lessons):
    assert _resume(AnonymousUser()) == lessons[0]


def test_the_last_viewed_lesson_is_resumed_when_not_completed(practitioner, lessons):
    _progress(practitioner, lessons[0], hours_ago=3)
    _progress(practitioner, lessons[2], hours_ago=1)
    _progress(practitioner, lessons[1], hours_ago=2)

    assert _resume(practitioner) == lessons[2]


def test_after_completing_the_last_viewed_lesson_the_next_unfinished_one_is_resumed(
    practitioner, lessons
):
    _progress(practitioner, lessons[0], hours_ago=1, completed=True)

    assert _resume(practitioner) == lessons[1]


def test_completed_lessons_after_the_last_viewed_one_are_skipped(practitioner, lessons):
    _progress(practitioner, lessons[1], hours_ago=5, completed=True)
    _progress(practitioner, lessons[0], hours_ago=1, completed=True)

    assert _resume(practitioner) == lessons[2]


def test_lessons_started_but_not_completed_count_as_unfinished(practitioner, lessons):
    _progress(practitioner, lessons[1], hours_ago=5)
    _progress(practitioner, lessons[0], hours_ago=1, completed=True)

    assert _resume(practitioner) == lessons[1]


def test_resuming_wraps_round_to_an_unfinished_earlier_lesson(practitioner, lessons):
    _progress(practitioner, lessons[3], hours_ago=1, completed=True)
    _progress(practitioner, lessons[2], hours_ago=2, completed=True)

    assert _resume(practitioner) == lessons[0]


def test_there_is_nothing_to_resume_when_every_lesson_is_completed(practitioner, lessons):
    for hours_ago, lesson in enumerate(lessons, start=1):
        _progress(practitioner, lesson, hours_ago=hours_ago, completed=True)

    assert _resume(practitioner) is None


def test_there_is_nothing_to_resume_in_a_course_without_lessons(practitioner):
    assert _resume(practitioner) is None


def test_another_persons_progress_does_not_move_the_resume_point(practitioner, lessons):
    _progress(UserFactory(), lessons[3], hours_ago=0)

    assert _resume(practitioner) == lessons[0]


# --- Outline ---------------------------------------------------------------------------


def test_each_lesson_is_not_started_in_progress_or_completed(practitioner, lessons):
    _progress(practitioner, lessons[0], hours_ago=2, completed=True)
    _progress(practitioner, lessons[1], hours_ago=1)

    outline = course_outline(user=practitioner)

    assert [entry.state for entry in outline.entries] == [
        LessonState.COMPLETED,
        LessonState.IN_PROGRESS,
        LessonState.NOT_STARTED,
        LessonState.NOT_STARTED,
    ]
    assert [entry.state_label for entry in outline.entries[:3]] == [
        "Completed",
        "In progress",
        "Not started",
    ]


def test_lessons_are_numbered_and_grouped_by_part_in_reading_order(practitioner, lessons):
    outline = course_outline(user=practitioner)

    assert [entry.number for entry in outline.entries] == [1, 2, 3, 4]
    assert [group.part for group in outline.parts] == [lessons[0].part, lessons[2].part]
    assert [[e.lesson for e in group.entries] for group in outline.parts] == [
        lessons[:2],
        lessons[2:],
    ]


def test_the_percentage_complete_counts_completed_lessons_only(practitioner, lessons):
    _progress(practitioner, lessons[0], hours_ago=2, completed=True)
    _progress(practitioner, lessons[1], hours_ago=1)

    outline = course_outline(user=practitioner)

    assert (outline.completed_count, outline.total, outline.percent_complete) == (1, 4, 25)


def test_the_percentage_is_rounded_to_a_whole_number(practitioner):
    lessons = LessonFactory.create_batch(3)
    _progress(practitioner, lessons[0], hours_ago=1, completed=True)

    assert course_outline(user=practitioner).percent_complete == 33


def test_an_empty_course_is_zero_percent_complete(practitioner):
    outline = course_outline(user=practitioner)

    assert (outline.total, outline.percent_complete) == (0, 0)


def test_the_outline_adds_up_the_reading_time(practitioner, lessons):
    assert course_outline(user=practitioner).total_minutes == 60


def test_the_outline_adds_each_lessons_exercise_time_to_its_own(practitioner, lessons):
    ExerciseFactory(lesson=lessons[1], minutes=20)
    ExerciseFactory(lesson=lessons[1], minutes=5)
    ExerciseFactory(lesson=lessons[3], minutes=15)

    outline = course_outline(user=practitioner)

    assert [(e.lesson.minutes, e.exercise_minutes, e.minutes) for e in outline.entries] == [
        (5, 0, 5),
        (10, 25, 35),
        (15, 0, 15),
        (30, 15, 45),
    ]
    assert (outline.total_minutes, outline.total_exercise_minutes) == (60, 40)
    assert outline.total_minutes_with_exercises == 100


def test_the_outline_knows_whether_someone_has_started(practitioner, lessons):
    assert not course_outline(user=practitioner).is_started

    _progress(practitioner, lessons[2], hours_ago=1)

    assert course_outline(user=practitioner).is_started


def test_a_signed_out_visitor_sees_every_lesson_not_started(lessons):
    _progress(UserFactory(), lessons[0], hours_ago=1, completed=True)

    outline = course_outline(user=AnonymousUser())

    assert {entry.state for entry in outline.entries} == {LessonState.NOT_STARTED}


def test_the_outline_shows_only_the_persons_own_progress(practitioner, colleague, lessons):
    _progress(colleague, lessons[0], hours_ago=1, completed=True)

    assert course_outline(user=practitioner).completed_count == 0
    assert course_outline(user=colleague).completed_count == 1


def test_neighbours_are_the_lessons_either_side(practitioner, lessons):
    outline = course_outline(user=practitioner)

    assert outline.neighbours(lessons[0]) == (None, lessons[1])
    assert outline.neighbours(lessons[2]) == (lessons[1], lessons[3])
    assert outline.neighbours(lessons[3]) == (lessons[2], None)


def test_entry_for_finds_a_lessons_number_and_state(practitioner, lessons):
    _progress(practitioner, lessons[2], hours_ago=1)

    entry = course_outline(user=practitioner).entry_for(lessons[2])

    assert (entry.number, entry.state) == (3, LessonState.IN_PROGRESS)


def test_the_outline_takes_two_queries_however_many_lessons_and_people(
    django_assert_num_queries, practitioner
):
    CourseFactory()
    lessons = LessonFactory.create_batch(30)
    for user in [practitioner, *UserFactory.create_batch(5)]:
        for hours_ago, lesson in enumerate(lessons[:20]):
            _progress(user, lesson, hours_ago=hours_ago, completed=hours_ago % 2 == 0)
    with django_assert_num_queries(3):  # the course, its lessons (then kept), the progress
        course_outline(user=practitioner)

    with django_assert_num_queries(2):  # the course and the progress
        outline = course_outline(user=practitioner)
        shown = [(entry.lesson.part.title, entry.state) for entry in outline.entries]

    assert len(shown) == 30
    assert outline.completed_count == 10


def test_the_outline_does_not_load_lesson_bodies(practitioner, lessons):
    entry = course_outline(user=practitioner).entries[0]

    assert {"body_markdown", "body_html"} <= entry.lesson.get_deferred_fields()


# --- Reading a lesson -----------------------------------------------------------------------


def test_a_lesson_is_read_with_its_exercises_and_current_questions(django_assert_num_queries):
    lesson = LessonFactory()
    exercise = ExerciseFactory(lesson=lesson)
    second = QuestionFactory(exercise=exercise, order=2)
    first = QuestionFactory(exercise=exercise, order=1)
    QuestionFactory(exercise=exercise, order=3, retired=True)

    with django_assert_num_queries(3):
        read = lesson_get_for_reading(slug=lesson.slug)
        questions = [list(e.questions.all()) for e in read.exercises.all()]
        part_title = read.part.title

    assert questions == [[first, second]]
    assert part_title == lesson.part.title


def test_reading_an_unknown_lesson_raises_does_not_exist():
    with pytest.raises(LessonFactory._meta.model.DoesNotExist):
        lesson_get_for_reading(slug="no-such-lesson")


def test_course_get_returns_the_course(course_content):
    assert course_get().title.startswith("Child Sexual Exploitation")


# --- Archived lessons -------------------------------------------------------------------


def _archive(lesson):
    Lesson.objects.filter(pk=lesson.pk).update(archived_at=NOW, order=2_000_000 + lesson.pk)


def test_an_archived_lesson_is_not_in_the_outline(practitioner, lessons):
    _archive(lessons[1])

    outline = course_outline(user=practitioner)

    assert [entry.lesson for entry in outline.entries] == [lessons[0], lessons[2], lessons[3]]
    assert [entry.number for entry in outline.entries] == [1, 2, 3]


def test_a_completed_archived_lesson_does_not_count_towards_the_percentage(practitioner, lessons):
    _progress(practitioner, lessons[0], hours_ago=2, completed=True)
    _progress(practitioner, lessons[1], hours_ago=1, completed=True)
    _archive(lessons[1])

    outline = course_outline(user=practitioner)

    assert (outline.completed_count, outline.total) == (1, 3)


def test_someone_last_in_an_archived_lesson_resumes_in_the_course(practitioner, lessons):
    _progress(practitioner, lessons[0], hours_ago=2, completed=True)
    _progress(practitioner, lessons[1], hours_ago=1)
    _archive(lessons[1])

    assert _resume(practitioner) == lessons[2]


def test_an_archived_lesson_cannot_be_read(lessons):
    _archive(lessons[0])

    with pytest.raises(Lesson.DoesNotExist):
        lesson_get_for_reading(slug=lessons[0].slug)
