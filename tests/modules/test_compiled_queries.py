"""A queryset compiled once, run with other ids: each run answers for its own ids."""

import pytest

from modules.compiled_queries import Compiled
from modules.models import LessonProgress
from tests.factories import LessonFactory, LessonProgressFactory, UserFactory

pytestmark = pytest.mark.django_db


def _read_by(user_id, lesson_id):
    return LessonProgress.objects.filter(user_id=user_id, lesson_id=lesson_id).values_list(
        "user_id", "lesson_id"
    )


def test_each_run_answers_for_its_own_ids(django_assert_num_queries):
    first, second = LessonFactory(), LessonFactory()
    sam, alex = UserFactory(), UserFactory()
    LessonProgressFactory(user=sam, lesson=first)
    LessonProgressFactory(user=alex, lesson=second)
    compiled = Compiled(LessonProgress, _read_by, arguments=2)

    for _ in range(2):  # the second time round, from the SQL kept
        with django_assert_num_queries(1):
            assert list(compiled.rows(sam.pk, first.pk)) == [(sam.pk, first.pk)]
        assert list(compiled.rows(alex.pk, second.pk)) == [(alex.pk, second.pk)]
        assert list(compiled.rows(sam.pk, second.pk)) == []
        assert list(compiled.rows(alex.pk, first.pk)) == []


def test_objects_are_model_instances_of_the_ids_given():
    lesson, sam, alex = LessonFactory(), UserFactory(), UserFactory()
    mine = LessonProgressFactory(user=sam, lesson=lesson)
    LessonProgressFactory(user=alex, lesson=lesson)
    compiled = Compiled(
        LessonProgress, lambda user_id: LessonProgress.objects.filter(user_id=user_id), 1
    )
    assert [row.pk for row in compiled.objects(sam.pk)] == [mine.pk]


def test_a_builder_that_ignores_an_argument_is_refused():
    compiled = Compiled(LessonProgress, lambda user_id: LessonProgress.objects.all(), 1)
    with pytest.raises(AssertionError):
        compiled.rows(1)
