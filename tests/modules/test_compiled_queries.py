"""A queryset compiled once, run with other ids: each run answers for its own ids."""

import pytest
from django.db.models import F
from django.utils import timezone

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


def test_objects_are_built_as_the_queryset_builds_them():
    """Deferred fields stay deferred, annotations are set, and values are converted as
    the database backend converts them (aware date-times on SQLite too)."""
    lesson, sam = LessonFactory(), UserFactory()
    stored = LessonProgressFactory(user=sam, lesson=lesson, completed_at=timezone.now())
    compiled = Compiled(
        LessonProgress,
        lambda user_id: (
            LessonProgress.objects.filter(user_id=user_id)
            .only("lesson_id", "completed_at")
            .annotate(twice=F("lesson_id") * 2)
        ),
        1,
    )
    (found,) = compiled.objects(sam.pk)
    assert found.pk == stored.pk
    assert found.completed_at == stored.completed_at
    assert timezone.is_aware(found.completed_at)
    assert found.twice == 2 * lesson.pk
    assert "started_at" in found.get_deferred_fields()
    assert found._state.adding is False
