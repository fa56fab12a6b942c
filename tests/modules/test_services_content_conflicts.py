"""content_load never silently replaces a lesson edited in the browser."""

import pytest

from audit.models import AuditEvent
from course_editing.services import QuestionEdit, exercise_edit
from modules.models import Exercise, Lesson, LessonRevision, Question
from modules.services import (
    ContentConflictError,
    content_export,
    content_load,
    lesson_text_edit,
)
from tests.factories import UserFactory

from .conftest import database_snapshot
from .content_cases import LESSON_1

EXERCISE_FILE = "exercises/1-first-exercise.md"

pytestmark = pytest.mark.django_db

EDITED = "## Opening\n\nThe first lesson's text, edited in the browser.\n"


@pytest.fixture
def edited(content_tree):
    """The small tree loaded, then the first lesson's text edited in the browser."""
    content_load(directory=content_tree.root)
    lesson_text_edit(
        lesson=Lesson.objects.get(slug="first-lesson"),
        title="First lesson",
        body_markdown=EDITED,
        author=UserFactory(),
    )
    return content_tree


def test_an_edit_in_the_browser_is_kept_as_a_revision_from_the_editor(edited):
    lesson = Lesson.objects.get(slug="first-lesson")

    latest = lesson.revisions.first()
    assert (latest.source, latest.body_markdown) == (LessonRevision.Source.EDITOR, EDITED)
    assert AuditEvent.objects.filter(action="lesson.text_edited").count() == 1


def test_a_file_unchanged_since_the_edit_does_not_revert_it(edited):
    before = database_snapshot()

    with pytest.raises(ContentConflictError) as raised:
        content_load(directory=edited.root)

    (conflict,) = raised.value.conflicts
    assert (conflict.slug, conflict.title, conflict.file_changed) == (
        "first-lesson",
        "First lesson",
        False,
    )
    assert database_snapshot() == before


def test_a_file_changed_as_well_is_a_conflict_and_nothing_changes(edited):
    edited.replace(LESSON_1, "The first lesson's text.", "The file's new text.")
    edited.replace("course.yaml", "A small course", "A renamed course")
    before = database_snapshot()

    with pytest.raises(ContentConflictError) as raised:
        content_load(directory=edited.root)

    assert [(c.slug, c.file_changed) for c in raised.value.conflicts] == [("first-lesson", True)]
    assert database_snapshot() == before


def test_overwrite_loads_the_file_and_keeps_the_edit_in_the_history(edited):
    report = content_load(directory=edited.root, overwrite=True)

    lesson = Lesson.objects.get(slug="first-lesson")
    assert report.changed == ["lesson first-lesson"]
    assert lesson.body_markdown == "## Opening\n\nThe first lesson's text.\n"
    assert [r.source for r in lesson.revisions.all()[:2]] == ["file", "editor"]
    assert not content_load(directory=edited.root).has_changes


def test_a_file_that_has_caught_up_with_the_edit_loads_without_conflict_or_change(edited):
    content_export(directory=edited.root)

    assert not content_load(directory=edited.root).has_changes
    edited.replace(LESSON_1, "edited in the browser", "changed in the file")
    assert content_load(directory=edited.root).changed == ["lesson first-lesson"]


def test_once_loaded_a_lesson_edited_only_in_its_file_is_no_conflict(content_tree):
    content_load(directory=content_tree.root)
    content_tree.replace(LESSON_1, "The first lesson's text.", "The file's new text.")

    report = content_load(directory=content_tree.root)

    assert report.changed == ["lesson first-lesson"]


def test_an_edited_lesson_whose_file_is_loaded_with_overwrite_is_no_longer_a_conflict(edited):
    content_load(directory=edited.root, overwrite=True)
    lesson_text_edit(
        lesson=Lesson.objects.get(slug="second-lesson"),
        title="Second lesson, renamed",
        body_markdown=Lesson.objects.get(slug="second-lesson").body_markdown,
        author=UserFactory(),
    )

    with pytest.raises(ContentConflictError) as raised:
        content_load(directory=edited.root)

    assert [c.slug for c in raised.value.conflicts] == ["second-lesson"]


# --- Exercises edited in the browser ----------------------------------------------------


@pytest.fixture
def exercise_edited(content_tree):
    """The small tree loaded, then exercise 1's first question reworded in the browser."""
    content_load(directory=content_tree.root)
    exercise_edit(
        exercise=Exercise.objects.get(number=1),
        actor=UserFactory(role="trainer"),
        intro_markdown="Answer on your own first.\n",
        questions=[
            QuestionEdit("on-your-own", "What do you think now?", "individual"),
            QuestionEdit("together", "What do you both think?", "pair"),
        ],
    )
    return content_tree


def test_an_exercise_edited_in_the_browser_is_not_reverted_by_its_old_file(exercise_edited):
    before = database_snapshot()

    with pytest.raises(ContentConflictError) as raised:
        content_load(directory=exercise_edited.root)

    assert [(c.slug, c.file_changed) for c in raised.value.conflicts] == [("exercise 1", False)]
    assert database_snapshot() == before


def test_overwrite_loads_the_exercise_file_over_the_edit(exercise_edited):
    content_load(directory=exercise_edited.root, overwrite=True)

    question = Question.objects.get(key="on-your-own")
    assert question.text_markdown == "What do you think?"
    assert not content_load(directory=exercise_edited.root).has_changes


def test_an_exported_exercise_edit_loads_without_conflict(exercise_edited):
    content_export(directory=exercise_edited.root)

    assert not content_load(directory=exercise_edited.root).has_changes
    assert Question.objects.get(key="on-your-own").text_markdown == "What do you think now?"


def test_an_exercise_changed_only_in_its_file_is_no_conflict(content_tree):
    content_load(directory=content_tree.root)
    content_tree.replace(EXERCISE_FILE, "What do you think?", "What do you think today?")

    report = content_load(directory=content_tree.root)

    assert report.changed == ["exercise 1 question on-your-own"]
