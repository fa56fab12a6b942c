"""Reading and checking content/ without the database."""

from pathlib import Path

import pytest
from django.conf import settings

from modules.content import (
    ContentError,
    Problem,
    content_files,
    course_file_text,
    lesson_file_name,
    lesson_file_text,
    read_content,
    split_front_matter,
)

from .content_cases import BROKEN_CASES, CASE_IDS, EXERCISE_1, LESSON_1, LESSON_2


def _problems(tree):
    with pytest.raises(ContentError) as raised:
        read_content(tree.root)
    return raised.value.problems


def test_a_good_tree_reads_the_course_and_its_parts(content_tree):
    tree = read_content(content_tree.root)

    assert tree.course.title == "A small course"
    assert tree.course.source_citation == "Someone, A. (2017) A resource. A university."
    assert tree.course.parts == [("introduction", "Introduction"), ("part-1", "Part 1: The middle")]


def test_a_good_tree_reads_every_lesson_field(content_tree):
    first, second = read_content(content_tree.root).lessons

    assert (first.slug, first.title, first.part, first.order) == (
        "first-lesson",
        "First lesson",
        "introduction",
        1,
    )
    assert first.summary == "Where the course begins."
    assert first.legal_review == ""
    assert first.body_markdown == "## Opening\n\nThe first lesson's text.\n"
    assert second.legal_review == "Check the law here."


def test_a_good_tree_reads_exercises_with_their_questions_in_order(content_tree):
    (exercise,) = read_content(content_tree.root).exercises

    assert exercise.number == 1
    assert (exercise.slug, exercise.lesson) == ("first-exercise", "first-lesson")
    assert (exercise.placement, exercise.pairing, exercise.minutes) == ("end", "pair", 20)
    assert exercise.intro_markdown == "Answer on your own first.\n"
    assert [(q.order, q.key, q.stage, q.kind) for q in exercise.questions] == [
        (1, "on-your-own", "individual", "text"),
        (2, "together", "pair", "text"),
    ]


def test_optional_exercise_fields_take_their_defaults(content_tree):
    content_tree.replace(EXERCISE_1, "placement: end\npairing: pair\n", "")
    content_tree.replace(EXERCISE_1, "    stage: individual\n", "")

    (exercise,) = read_content(content_tree.root).exercises

    assert (exercise.placement, exercise.pairing) == ("end", "solo")
    assert exercise.questions[0].stage == "individual"


@pytest.mark.parametrize(("name", "change", "path", "field", "words"), BROKEN_CASES, ids=CASE_IDS)
def test_a_broken_file_is_refused_naming_file_field_and_problem(
    content_tree, name, change, path, field, words
):
    change(content_tree)

    problems = _problems(content_tree)

    matching = [p for p in problems if p.path == f"content/{path}" and p.field == field]
    assert matching, f"no problem for {path} {field}: {problems}"
    assert any(words in p.message for p in matching), [p.message for p in matching]


def test_every_problem_in_the_tree_is_reported_at_once(content_tree):
    content_tree.replace(LESSON_1, "order: 1", 'order: "first"')
    content_tree.replace(LESSON_2, "part: part-1", "part: part-9")
    content_tree.replace(EXERCISE_1, "key: together", "key: on-your-own")

    problems = _problems(content_tree)

    assert {(p.path, p.field) for p in problems} >= {
        ("content/lessons/01-first-lesson.md", "order"),
        ("content/lessons/02-second-lesson.md", "part"),
        ("content/exercises/1-first-exercise.md", "questions[2].key"),
    }


def test_the_error_message_lists_each_problem_on_its_own_line(content_tree):
    content_tree.replace(LESSON_1, "order: 1", 'order: "first"')
    content_tree.replace(LESSON_2, "order: 2", "order: 0")

    with pytest.raises(ContentError) as raised:
        read_content(content_tree.root)

    lines = str(raised.value).splitlines()
    assert "content/lessons/01-first-lesson.md: order: must be a whole number" in lines[0]
    assert lines[1].startswith("content/lessons/02-second-lesson.md: order: ")


def test_a_missing_course_file_is_refused(content_tree):
    content_tree.remove("course.yaml")

    problems = _problems(content_tree)

    assert Problem("content/course.yaml", "file", "course.yaml is missing") in problems


def test_a_course_without_parts_is_refused(content_tree):
    content_tree.write("course.yaml", 'title: "T"\nsummary: "S"\naudience: "A"\n')

    problems = _problems(content_tree)

    assert Problem("content/course.yaml", "parts", "at least one part is needed") in problems


def test_a_duplicate_part_key_is_refused(content_tree):
    content_tree.replace("course.yaml", "key: part-1", "key: introduction")

    problems = _problems(content_tree)

    assert (
        Problem("content/course.yaml", "parts[2].key", "duplicate part key 'introduction'")
        in problems
    )


def test_a_tree_without_lessons_is_refused(content_tree):
    content_tree.remove(LESSON_1)
    content_tree.remove(LESSON_2)

    problems = _problems(content_tree)

    assert Problem("content/lessons", "file", "there are no lessons") in problems


def test_a_file_that_is_not_utf8_is_refused(content_tree):
    (content_tree.root / LESSON_1).write_bytes(b"---\ntitle: \xff\xfe\n---\n")

    problems = _problems(content_tree)

    assert Problem("content/lessons/01-first-lesson.md", "file", "is not UTF-8 text") in problems


def test_a_file_with_a_nul_character_is_refused(content_tree):
    content_tree.replace(LESSON_1, "The first lesson's text.", "Text\x00with a NUL.")

    problems = _problems(content_tree)

    assert Problem("content/lessons/01-first-lesson.md", "file", "contains a NUL character") in (
        problems
    )


def test_windows_line_endings_read_the_same(content_tree):
    path = content_tree.root / LESSON_1
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))

    first = read_content(content_tree.root).lessons[0]

    assert first.title == "First lesson"
    assert first.body_markdown == "## Opening\n\nThe first lesson's text.\n"


def test_a_byte_order_mark_at_the_start_is_ignored(content_tree):
    path = content_tree.root / LESSON_1
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    assert read_content(content_tree.root).lessons[0].slug == "first-lesson"


class TestSplitFrontMatter:
    def test_returns_the_fields_and_the_body(self):
        assert split_front_matter("---\ntitle: A\n---\nBody\n") == ({"title": "A"}, "Body\n")

    def test_blank_lines_before_the_body_are_dropped(self):
        assert split_front_matter("---\na: 1\n---\n\n\nBody") == ({"a": 1}, "Body")

    def test_a_horizontal_rule_in_the_body_stays_in_the_body(self):
        data, body = split_front_matter("---\na: 1\n---\nOne\n\n---\n\nTwo\n")

        assert data == {"a": 1}
        assert body == "One\n\n---\n\nTwo\n"

    def test_text_without_an_opening_line_is_refused(self):
        with pytest.raises(ValueError, match="must start with front matter"):
            split_front_matter("title: A\n---\nBody")

    def test_text_without_a_closing_line_is_refused(self):
        with pytest.raises(ValueError, match="no closing '---' line"):
            split_front_matter("---\ntitle: A\nBody")


class TestWritingBack:
    """content_files: the inverse of read_content."""

    def test_the_real_content_is_written_back_byte_for_byte(self):
        root = Path(settings.CONTENT_DIR)

        files = content_files(read_content(root))

        on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - {"README.md"}
        assert set(files) == on_disk
        for name, text in files.items():
            assert text.encode("utf-8") == (root / name).read_bytes(), name

    @pytest.mark.parametrize(
        "value",
        [
            'She said "no"',
            "a back\\slash",
            "two\nlines",
            "tab\there",
            "  leading and trailing  ",
            "“curly” quotes and é",
            "# not a comment",
            "yes",
            "\u2028line separator\x85",
        ],
    )
    def test_a_text_yaml_must_quote_reads_back_the_same(self, content_tree, value):
        (lesson,) = read_content(content_tree.root).lessons[:1]
        lesson.title = value
        lesson.summary = value
        content_tree.write(f"lessons/{lesson_file_name(lesson)}", lesson_file_text(lesson))

        (read,) = read_content(content_tree.root).lessons[:1]
        assert (read.title, read.summary) == (value.strip(), value.strip())

    def test_a_long_course_text_that_cannot_be_folded_is_quoted(self, content_tree):
        tree = read_content(content_tree.root)
        tree.course.summary = "two  spaces stay two " * 10
        tree.course.summary = tree.course.summary.strip()
        content_tree.write("course.yaml", course_file_text(tree.course))

        assert read_content(content_tree.root).course.summary == tree.course.summary


def test_an_unknown_course_field_is_refused(content_tree):
    content_tree.replace("course.yaml", "parts:", 'author: "Someone"\nparts:')

    assert Problem("content/course.yaml", "author", "is not a field this file can have") in (
        _problems(content_tree)
    )


def test_an_unknown_source_field_is_refused(content_tree):
    content_tree.replace("course.yaml", "  citation:", "  year: 2017\n  citation:")

    assert Problem("content/course.yaml", "source.year", "is not a field this file can have") in (
        _problems(content_tree)
    )
