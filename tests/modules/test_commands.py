"""The load_content management command."""

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from modules.models import Lesson

from .conftest import database_snapshot
from .content_cases import EXERCISE_1, LESSON_1, LESSON_2

pytestmark = pytest.mark.django_db


def _load(directory):
    out = StringIO()
    call_command("load_content", str(directory), stdout=out)
    return out.getvalue()


def test_a_first_load_reports_what_was_created(content_tree):
    output = _load(content_tree.root)

    assert "Created: lesson first-lesson" in output
    assert "Created: exercise 1 question together" in output
    assert "8 created, 0 changed, 0 removed, 0 left alone." in output


def test_a_second_load_reports_nothing_created_or_changed(content_tree):
    _load(content_tree.root)

    output = _load(content_tree.root)

    assert "Created:" not in output
    assert "Changed:" not in output
    assert "0 created, 0 changed, 0 removed, 8 left alone." in output


def test_a_changed_lesson_is_reported_as_changed(content_tree):
    _load(content_tree.root)
    content_tree.replace(LESSON_1, "The first lesson's text.", "Rewritten.")

    output = _load(content_tree.root)

    assert "Changed: lesson first-lesson" in output
    assert "0 created, 1 changed, 0 removed, 7 left alone." in output


def test_a_retired_question_is_reported_as_removed(content_tree):
    _load(content_tree.root)
    content_tree.replace(EXERCISE_1, "  - key: together\n", "  - key: together-again\n")

    output = _load(content_tree.root)

    assert "Created: exercise 1 question together-again" in output
    assert "Removed: exercise 1 question together (retired)" in output


def test_problems_are_listed_and_nothing_is_loaded(content_tree):
    _load(content_tree.root)
    before = database_snapshot()
    content_tree.replace(LESSON_1, "minutes: 5", "minutes: ten")
    content_tree.replace(LESSON_2, "part: part-1", "part: part-9")

    with pytest.raises(CommandError) as raised:
        _load(content_tree.root)

    message = str(raised.value)
    assert message.startswith("Nothing was loaded; fix these and run again:")
    assert "content/lessons/01-first-lesson.md: minutes: must be a whole number" in message
    assert "content/lessons/02-second-lesson.md: part: unknown part 'part-9'" in message
    assert database_snapshot() == before


def test_an_exercise_missing_from_content_is_refused(content_tree):
    _load(content_tree.root)
    content_tree.remove(EXERCISE_1)

    with pytest.raises(CommandError, match="exercise 1 is in the database but not in content/"):
        _load(content_tree.root)


def test_without_a_directory_the_course_content_is_loaded():
    out = StringIO()

    call_command("load_content", stdout=out)

    assert f"Content loaded from {settings.CONTENT_DIR}" in out.getvalue()
    assert Lesson.objects.filter(slug="introduction").exists()


def test_problems_make_the_command_exit_non_zero(content_tree):
    content_tree.replace(LESSON_1, "minutes: 5", "minutes: ten")

    finished = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "load_content", str(content_tree.root)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 1
    assert "content/lessons/01-first-lesson.md: minutes: must be a whole number" in finished.stderr
