"""The load_content management command."""

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from modules.models import Course, Exercise, Lesson, Part, Question
from modules.services import lesson_text_edit
from tests.factories import UserFactory

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
    content_tree.replace(LESSON_1, "order: 1", "order: 1\nminutes: 5")
    content_tree.replace(LESSON_2, "part: part-1", "part: part-9")

    with pytest.raises(CommandError) as raised:
        _load(content_tree.root)

    message = str(raised.value)
    assert message.startswith("Nothing was loaded; fix these and run again:")
    assert (
        "content/lessons/01-first-lesson.md: minutes: is no longer set by hand: a lesson's "
        "reading time is worked out from its text when it is loaded (200 words a minute, "
        "rounded up). Remove this line"
    ) in message
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
    content_tree.replace(LESSON_1, "order: 1", "order: 1\nminutes: 5")

    finished = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "load_content", str(content_tree.root)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 1
    assert (
        "content/lessons/01-first-lesson.md: minutes: is no longer set by hand" in finished.stderr
    )


# --- Texts longer than their column, and files that are not files ------------------------


@pytest.fixture
def loaded_tree(content_tree):
    """The small tree, loaded: a refused load must leave these rows exactly as they are."""
    _load(content_tree.root)
    content_tree.snapshot = database_snapshot()
    return content_tree


def _refused(tree, *lines):
    """Loading `tree` is refused naming each line's file and field, and changes nothing."""
    with pytest.raises(CommandError) as raised:
        _load(tree.root)
    message = str(raised.value)
    assert message.startswith("Nothing was loaded; fix these and run again:")
    for line in lines:
        assert f"  content/{line}" in message, message
    assert database_snapshot() == tree.snapshot


def _too_long(model, name):
    """(a text one character longer than the column holds, its length message)."""
    length = model._meta.get_field(name).max_length
    return "a" * (length + 1), f"must be at most {length} characters, not {length + 1}"


def test_question_key_longer_than_field_is_refused_naming_the_file(loaded_tree):
    key, problem = _too_long(Question, "key")
    loaded_tree.replace(EXERCISE_1, "key: together", f"key: {key}")

    _refused(loaded_tree, f"{EXERCISE_1}: questions[2].key: {problem}")


def test_part_key_longer_than_field_is_refused_naming_the_file(loaded_tree):
    key, problem = _too_long(Part, "key")
    loaded_tree.replace("course.yaml", "key: part-1", f"key: {key}")
    loaded_tree.replace(LESSON_2, "part: part-1", f"part: {key}")

    _refused(loaded_tree, f"course.yaml: parts[2].key: {problem}")


def test_part_title_longer_than_field_is_refused_naming_the_file(loaded_tree):
    title, problem = _too_long(Part, "title")
    loaded_tree.replace("course.yaml", '"Part 1: The middle"', f'"{title}"')

    _refused(loaded_tree, f"course.yaml: parts[2].title: {problem}")


def test_course_title_longer_than_field_is_refused_naming_the_file(loaded_tree):
    title, problem = _too_long(Course, "title")
    loaded_tree.replace("course.yaml", 'title: "A small course"', f'title: "{title}"')

    _refused(loaded_tree, f"course.yaml: title: {problem}")


def test_course_short_title_longer_than_field_is_refused_naming_the_file(loaded_tree):
    title, problem = _too_long(Course, "short_title")
    loaded_tree.replace("course.yaml", '"Small course"', f'"{title}"')

    _refused(loaded_tree, f"course.yaml: short_title: {problem}")


def test_lesson_slug_longer_than_field_is_refused_naming_the_file(loaded_tree):
    slug, problem = _too_long(Lesson, "slug")
    loaded_tree.replace(LESSON_2, "slug: second-lesson", f"slug: {slug}")

    _refused(loaded_tree, f"{LESSON_2}: slug: {problem}")


def test_lesson_title_longer_than_field_is_refused_naming_the_file(loaded_tree):
    title, problem = _too_long(Lesson, "title")
    loaded_tree.replace(LESSON_1, 'title: "First lesson"', f'title: "{title}"')

    _refused(loaded_tree, f"{LESSON_1}: title: {problem}")


def test_lesson_summary_longer_than_field_is_refused_naming_the_file(loaded_tree):
    summary, problem = _too_long(Lesson, "summary")
    loaded_tree.replace(LESSON_1, '"Where the course begins."', f'"{summary}"')

    _refused(loaded_tree, f"{LESSON_1}: summary: {problem}")


def test_exercise_slug_longer_than_field_is_refused_naming_the_file(loaded_tree):
    slug, problem = _too_long(Exercise, "slug")
    loaded_tree.replace(EXERCISE_1, "slug: first-exercise", f"slug: {slug}")

    _refused(loaded_tree, f"{EXERCISE_1}: slug: {problem}")


def test_exercise_title_longer_than_field_is_refused_naming_the_file(loaded_tree):
    title, problem = _too_long(Exercise, "title")
    loaded_tree.replace(EXERCISE_1, '"Thinking about the first lesson"', f'"{title}"')

    _refused(loaded_tree, f"{EXERCISE_1}: title: {problem}")


def test_texts_as_long_as_their_fields_are_loaded(content_tree):
    longest = {
        name: "a" * model._meta.get_field(field).max_length
        for name, (model, field) in {
            "question key": (Question, "key"),
            "part key": (Part, "key"),
            "exercise slug": (Exercise, "slug"),
            "exercise title": (Exercise, "title"),
        }.items()
    }
    content_tree.replace(EXERCISE_1, "key: together", f"key: {longest['question key']}")
    content_tree.replace("course.yaml", "key: part-1", f"key: {longest['part key']}")
    content_tree.replace(LESSON_2, "part: part-1", f"part: {longest['part key']}")
    content_tree.replace(EXERCISE_1, "slug: first-exercise", f"slug: {longest['exercise slug']}")
    content_tree.replace(
        EXERCISE_1, '"Thinking about the first lesson"', f'"{longest["exercise title"]}"'
    )

    _load(content_tree.root)

    assert Question.objects.filter(key=longest["question key"]).exists()
    assert Part.objects.filter(key=longest["part key"]).exists()
    assert Exercise.objects.get(number=1).title == longest["exercise title"]


def test_exercises_swapping_slugs_as_long_as_the_field_are_loaded(content_tree):
    length = Exercise._meta.get_field("slug").max_length
    first, second = "a" * length, "b" * length
    content_tree.replace(EXERCISE_1, "slug: first-exercise", f"slug: {first}")
    second_exercise = content_tree.read(EXERCISE_1).replace("number: 1", "number: 2")
    content_tree.write("exercises/2-second.md", second_exercise.replace(first, second))
    _load(content_tree.root)
    content_tree.replace(EXERCISE_1, first, second)
    content_tree.replace("exercises/2-second.md", second, first)

    _load(content_tree.root)

    assert list(Exercise.objects.values_list("number", "slug")) == [(1, second), (2, first)]


def test_more_questions_than_the_settings_allow_are_refused_naming_the_file(loaded_tree):
    most = settings.EXERCISE_MAX_QUESTIONS
    questions = "".join(
        f'  - key: question-{n}\n    text: "Question {n}?"\n' for n in range(1, most + 2)
    )
    text = loaded_tree.read(EXERCISE_1)
    start, end = text.index("questions:\n") + len("questions:\n"), text.index("---\nAnswer")
    loaded_tree.write(EXERCISE_1, text[:start] + questions + text[end:])

    _refused(
        loaded_tree,
        f"{EXERCISE_1}: questions: an exercise can have at most {most} questions, not {most + 1}",
    )


def test_a_folder_named_like_a_lesson_is_refused_naming_the_folder(loaded_tree):
    (loaded_tree.root / "lessons" / "03-a-folder.md").mkdir()

    _refused(loaded_tree, "lessons/03-a-folder.md: file: is a folder, not a file")


def test_a_folder_named_like_an_exercise_is_refused_naming_the_folder(loaded_tree):
    (loaded_tree.root / "exercises" / "2-a-folder.md").mkdir()

    _refused(loaded_tree, "exercises/2-a-folder.md: file: is a folder, not a file")


def test_a_course_file_that_is_a_folder_is_refused_naming_it(content_tree):
    _load(content_tree.root)
    before = database_snapshot()
    content_tree.remove("course.yaml")
    (content_tree.root / "course.yaml").mkdir()

    with pytest.raises(CommandError, match=r"content/course.yaml: file: is a folder, not a file"):
        _load(content_tree.root)

    assert database_snapshot() == before


def test_a_course_file_that_is_not_utf8_is_refused_naming_it(content_tree):
    (content_tree.root / "course.yaml").write_bytes(b"title: \xff\xfe\n")

    with pytest.raises(CommandError, match=r"content/course.yaml: file: is not UTF-8 text"):
        _load(content_tree.root)

    assert Course.objects.count() == 0


def test_a_lesson_that_is_a_broken_link_is_refused_naming_it(loaded_tree):
    (loaded_tree.root / "lessons" / "03-gone.md").symlink_to(loaded_tree.root / "nowhere.md")

    _refused(loaded_tree, "lessons/03-gone.md: file: cannot be read: No such file or directory")


def test_a_folder_named_like_a_lesson_stops_the_command_without_a_traceback(content_tree):
    (content_tree.root / "lessons" / "03-a-folder.md").mkdir()

    finished = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "load_content", str(content_tree.root)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 1
    assert "content/lessons/03-a-folder.md: file: is a folder, not a file" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_export_content_writes_the_course_to_the_directory_given(content_tree, tmp_path):
    _load(content_tree.root)
    out = StringIO()

    call_command("export_content", "--directory", str(tmp_path / "out"), stdout=out)

    assert "Written: lessons/01-first-lesson.md" in out.getvalue()
    assert "4 written, 0 removed, 0 unchanged." in out.getvalue()
    assert "Created" not in _load(tmp_path / "out")


def test_export_content_without_a_course_says_so():
    with pytest.raises(CommandError, match="no course in the database"):
        call_command("export_content", "--directory", "/nonexistent", stdout=StringIO())


def _edit_in_browser(slug):
    lesson = Lesson.objects.get(slug=slug)
    lesson_text_edit(
        lesson=lesson,
        title=lesson.title,
        body_markdown=lesson.body_markdown + "\nAdded in the browser.\n",
        author=UserFactory(),
    )


def test_a_lesson_edited_in_the_browser_stops_the_load_naming_it(content_tree):
    _load(content_tree.root)
    _edit_in_browser("second-lesson")
    content_tree.replace("course.yaml", "A small course", "A renamed course")

    with pytest.raises(CommandError) as raised:
        _load(content_tree.root)

    message = str(raised.value)
    assert "Nothing was loaded" in message
    assert "second-lesson (Second lesson): edited in the browser" in message
    assert "first-lesson" not in message
    assert Course.objects.get().title == "A small course"


def test_a_conflict_makes_the_command_exit_non_zero(content_tree):
    """run_from_argv exits with a CommandError's returncode (a subprocess would not see
    the test database)."""
    _load(content_tree.root)
    _edit_in_browser("first-lesson")

    with pytest.raises(CommandError) as raised:
        _load(content_tree.root)

    assert raised.value.returncode == 1


def test_overwrite_loads_over_an_edit_in_the_browser(content_tree):
    _load(content_tree.root)
    _edit_in_browser("first-lesson")
    out = StringIO()

    call_command("load_content", str(content_tree.root), "--overwrite", stdout=out)

    assert "Changed: lesson first-lesson" in out.getvalue()
    assert "Added in the browser" not in Lesson.objects.get(slug="first-lesson").body_markdown


def test_a_lesson_the_sanitiser_would_truncate_is_refused_naming_the_markup(content_tree):
    _load(content_tree.root)
    content_tree.replace(
        LESSON_1,
        "The first lesson's text.",
        "The first lesson's text.\n\n<math><mtext><table><mglyph><style><img src=x>\n\n"
        "The rest of the lesson.",
    )
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        _load(content_tree.root)

    message = str(raised.value)
    assert "content/lessons/01-first-lesson.md: body: the text from “The” on would be lost" in (
        message
    )
    assert "<math>, <mtext>, <mglyph>, <style>" in message
    assert database_snapshot() == before
