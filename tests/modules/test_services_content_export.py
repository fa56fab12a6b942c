"""content_export: the course written back to files in the form content_load reads."""

import difflib
from pathlib import Path

import pytest
from django.conf import settings

from course_editing.services import QuestionEdit, draft_publish, exercise_edit, lesson_create
from modules.models import Exercise, Lesson, Part, Question
from modules.services import content_export, content_load
from tests.factories import UserFactory

from .conftest import database_snapshot

pytestmark = pytest.mark.django_db

REAL_CONTENT = Path(settings.CONTENT_DIR)
# Not read by the loader: documentation for whoever edits the folder.
NOT_CONTENT = {"README.md"}


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and str(path.relative_to(root)) not in NOT_CONTENT
    }


def test_exporting_the_loaded_real_content_reproduces_every_file_byte_for_byte(
    course_content, tmp_path
):
    content_export(directory=tmp_path)

    exported, original = _files(tmp_path), _files(REAL_CONTENT)
    assert sorted(exported) == sorted(original)
    assert "course.yaml" in exported
    assert any(name.startswith("exercises/") for name in exported)
    for name, data in original.items():
        assert exported[name] == data, name


def test_exporting_twice_gives_identical_files_and_writes_nothing_the_second_time(
    course_content, tmp_path
):
    content_export(directory=tmp_path)
    first = _files(tmp_path)

    report = content_export(directory=tmp_path)

    assert report.written == report.removed == []
    assert _files(tmp_path) == first


def test_loading_an_export_reports_no_changes(course_content, tmp_path):
    content_export(directory=tmp_path)
    before = database_snapshot()

    report = content_load(directory=tmp_path)

    assert not report.has_changes
    assert database_snapshot() == before


def test_loading_an_export_of_the_small_tree_reports_no_changes(content_tree, tmp_path):
    content_load(directory=content_tree.root)
    content_export(directory=tmp_path / "out")

    assert not content_load(directory=tmp_path / "out").has_changes


def test_a_body_edited_in_the_database_is_exactly_the_change_in_the_exported_file(
    course_content, tmp_path
):
    lesson = Lesson.objects.get(slug="defining-cse")
    old_body = lesson.body_markdown
    lesson.body_markdown = old_body.replace(
        "Before looking at definitions", "Before we look at definitions", 1
    )
    assert lesson.body_markdown != old_body
    lesson.save()

    content_export(directory=tmp_path)

    name = "lessons/03-defining-cse.md"
    exported = (tmp_path / name).read_text(encoding="utf-8")
    original = (REAL_CONTENT / name).read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.ndiff(original.splitlines(), exported.splitlines())
        if line[:2] in {"- ", "+ "}
    ]
    assert changed == [
        "- Before looking at definitions of CSE, it helps to be clear about the words "
        "this course uses for different age groups.",
        "+ Before we look at definitions of CSE, it helps to be clear about the words "
        "this course uses for different age groups.",
    ]
    others = {n: d for n, d in _files(tmp_path).items() if n != name}
    assert others == {n: d for n, d in _files(REAL_CONTENT).items() if n != name}


def test_a_retired_question_is_not_exported(loaded_small_tree, tmp_path):
    Question.objects.filter(key="together").update(retired=True)

    content_export(directory=tmp_path)

    exercise = (tmp_path / "exercises/1-first-exercise.md").read_text(encoding="utf-8")
    assert "on-your-own" in exercise
    assert "together" not in exercise


def test_a_renumbered_lesson_leaves_no_file_under_its_old_name(loaded_small_tree, tmp_path):
    content_export(directory=tmp_path)
    Lesson.objects.filter(slug="second-lesson").update(order=7)

    report = content_export(directory=tmp_path)

    assert report.removed == ["lessons/02-second-lesson.md"]
    assert report.written == ["lessons/07-second-lesson.md"]
    assert not content_load(directory=tmp_path).has_changes


def test_exporting_writes_text_that_yaml_must_quote_and_reads_it_back(loaded_small_tree, tmp_path):
    awkward = 'A "quoted" title: with a colon, a back\\slash, # and a hash'
    Lesson.objects.filter(slug="first-lesson").update(title=awkward, summary="yes")

    content_export(directory=tmp_path)
    content_load(directory=tmp_path)

    lesson = Lesson.objects.get(slug="first-lesson")
    assert (lesson.title, lesson.summary) == (awkward, "yes")


@pytest.fixture
def loaded_small_tree(content_tree):
    content_load(directory=content_tree.root)
    return content_tree


def test_a_lesson_created_in_the_editor_is_exported_and_loads_back_unchanged(
    loaded_small_tree, tmp_path
):
    trainer = UserFactory(role="trainer")
    lesson = lesson_create(
        part=Part.objects.get(key="introduction"),
        author=trainer,
        slug="a-new-lesson",
        title="A new lesson",
        summary="Written in the browser.",
        body_markdown="## New\n\nA lesson written in the browser.\n",
        note="New lesson",
    )
    content_export(directory=tmp_path)
    assert "lessons/02-a-new-lesson.md" not in _files(tmp_path)  # a draft is not exported

    lesson.refresh_from_db()
    draft_publish(lesson=lesson, actor=trainer, version=lesson.edit_version)
    report = content_export(directory=tmp_path)

    # Last of the introduction, so the lesson of the next part moves one place on.
    assert sorted(report.written) == ["lessons/02-a-new-lesson.md", "lessons/03-second-lesson.md"]
    assert report.removed == ["lessons/02-second-lesson.md"]
    exported = (tmp_path / "lessons/02-a-new-lesson.md").read_text(encoding="utf-8")
    assert "A lesson written in the browser." in exported
    text_before = list(Lesson.objects.order_by("order").values_list("slug", "order", "title"))
    assert not content_load(directory=tmp_path).has_changes
    text_after = list(Lesson.objects.order_by("order").values_list("slug", "order", "title"))
    assert text_after == text_before


def test_an_exercise_edited_in_the_editor_is_exported_and_loads_back_unchanged(
    loaded_small_tree, tmp_path
):
    exercise = Exercise.objects.get(number=1)
    exercise_edit(
        exercise=exercise,
        actor=UserFactory(role="trainer"),
        intro_markdown="Answer on your own first, then talk it over.",
        questions=[
            QuestionEdit("on-your-own", "What do *you* think?", "individual"),
            QuestionEdit("together", "What do you both think?", "pair", removed=True),
            QuestionEdit("next", "What will you change?", "individual"),
        ],
    )

    report = content_export(directory=tmp_path)

    assert "exercises/1-first-exercise.md" in report.written
    exported = (tmp_path / "exercises/1-first-exercise.md").read_text(encoding="utf-8")
    assert "Answer on your own first, then talk it over." in exported
    assert "What do *you* think?" in exported
    assert "together" not in exported
    assert "key: next" in exported
    before = _exercises_and_questions()
    assert not content_load(directory=tmp_path).has_changes
    assert _exercises_and_questions() == before


def _exercises_and_questions():
    """What the exercises say, without the loader's bookkeeping (`loaded_sha256`, set
    when the file has caught up with an edit made in the browser)."""
    snapshot = database_snapshot()
    exercises = [
        tuple(item for item in row if item[0] != "loaded_sha256") for row in snapshot["Exercise"]
    ]
    return exercises, snapshot["Question"]
