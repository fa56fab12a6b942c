"""New lessons (a draft, out of the course until first published) and moving lessons
within their part: orders stay unique, and each change is audited."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from course_editing import services
from course_editing.models import LessonDraft
from modules.models import Lesson
from modules.services import lesson_move
from tests.factories import LessonFactory, PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts():
    return PartFactory(order=1, key="first"), PartFactory(order=2, key="second")


@pytest.fixture
def course(parts):
    first, second = parts
    return [
        LessonFactory(part=first, order=1, slug="one"),
        LessonFactory(part=first, order=2, slug="two"),
        LessonFactory(part=second, order=3, slug="three"),
    ]


def _create(part, author, slug="brand-new"):
    return services.lesson_create(
        part=part,
        author=author,
        slug=slug,
        title="Brand new",
        summary="Something new.",
        body_markdown="## New\n\nNew words.",
        note="New lesson",
    )


def _orders():
    return list(Lesson.objects.current().order_by("order").values_list("slug", "order"))


def test_a_new_lesson_is_a_draft_out_of_the_course(course, parts, editor, practitioner):
    lesson = _create(parts[0], editor)

    assert lesson.is_archived
    assert lesson.awaiting_first_publish
    assert LessonDraft.objects.get(lesson=lesson).author == editor
    assert _orders() == [("one", 1), ("two", 2), ("three", 3)]
    assert AuditEvent.objects.for_target(lesson).get().action == "lesson.created"
    reader = Client()
    reader.force_login(practitioner)
    assert reader.get(lesson.get_absolute_url()).status_code == 404
    assert "Brand new" not in reader.get("/").content.decode()


def test_publishing_a_new_lesson_puts_it_last_in_its_part(course, parts, editor):
    lesson = _create(parts[0], editor)

    services.draft_publish(lesson=lesson, actor=editor, version=lesson.edit_version)

    assert _orders() == [("one", 1), ("two", 2), ("brand-new", 3), ("three", 4)]
    lesson.refresh_from_db()
    assert not lesson.is_archived
    assert not lesson.awaiting_first_publish
    assert lesson.revisions.get().source == "editor"


def test_a_new_lesson_in_an_empty_part_follows_the_parts_before(parts, editor):
    LessonFactory(part=parts[0], order=1, slug="one")
    empty = PartFactory(order=3, key="third")
    LessonFactory(part=PartFactory(order=4, key="fourth"), order=2, slug="later")
    lesson = _create(empty, editor)

    services.draft_publish(lesson=lesson, actor=editor, version=lesson.edit_version)

    assert _orders() == [("one", 1), ("brand-new", 2), ("later", 3)]


def test_discarding_a_new_lessons_draft_leaves_it_out_of_the_course(parts, editor):
    lesson = _create(parts[0], editor)
    services.draft_discard(lesson=lesson, actor=editor, version=lesson.edit_version)

    lesson.refresh_from_db()
    assert lesson.is_archived
    assert lesson.awaiting_first_publish


def test_moving_a_lesson_swaps_it_with_its_neighbour_and_is_audited(course, editor):
    assert lesson_move(lesson=course[1], actor=editor, later=False)

    assert _orders() == [("two", 1), ("one", 2), ("three", 3)]
    event = AuditEvent.objects.for_target(course[1]).get(action="lesson.moved")
    assert (event.actor, event.detail) == (editor, {"from_order": 2, "to_order": 1})


def test_a_lesson_does_not_move_out_of_its_part(course, editor):
    assert not lesson_move(lesson=course[1], actor=editor, later=True)
    assert not lesson_move(lesson=course[2], actor=editor, later=False)
    assert not lesson_move(lesson=course[0], actor=editor, later=False)

    assert _orders() == [("one", 1), ("two", 2), ("three", 3)]
    assert not AuditEvent.objects.filter(action="lesson.moved").exists()


def test_a_lesson_no_longer_where_the_page_showed_it_does_not_move(course, editor):
    assert lesson_move(lesson=course[1], actor=editor, later=False, from_order=2)

    assert not lesson_move(lesson=course[1], actor=editor, later=False, from_order=2)
    assert _orders() == [("two", 1), ("one", 2), ("three", 3)]
