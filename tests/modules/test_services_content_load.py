"""content_load: making the database match content/, all or nothing."""

import html
import math
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from modules.content import ContentError, read_content
from modules.models import (
    Course,
    Exercise,
    Lesson,
    LessonProgress,
    LessonRevision,
    Part,
    Question,
)
from modules.rendering import WORDS_PER_MINUTE, word_count
from modules.services import (
    content_export,
    content_load,
    progress_mark_complete,
    progress_mark_incomplete,
    progress_record_view,
)
from reflections.models import Answer, ExerciseResponse
from tests.factories import UserFactory

from .conftest import SECOND_LESSON as LESSON_2_TEXT
from .conftest import database_snapshot
from .content_cases import BROKEN_CASES, CASE_IDS, EXERCISE_1, LESSON_1, LESSON_2

pytestmark = pytest.mark.django_db

REAL_CONTENT = Path(settings.CONTENT_DIR)
CELL_END = re.compile(r"</(?:td|th|caption|summary|figcaption)>")
CHART_BARS = re.compile(
    r'<div class="chart-bars" aria-hidden="true">(?:<div class="chart-row">.*?</div>)*</div>'
)


@pytest.fixture
def loaded(content_tree):
    """The small tree, loaded once."""
    content_load(directory=content_tree.root)
    return content_tree


def _second_exercise(tree):
    tree.write(
        "exercises/2-second-exercise.md",
        """\
        ---
        number: 2
        slug: second-exercise
        title: "Thinking about the second lesson"
        lesson: second-lesson
        minutes: 10
        questions:
          - key: a-question
            text: "Anything?"
        ---
        """,
    )


# --- A good tree -------------------------------------------------------------------


def test_a_good_tree_creates_the_course_parts_lessons_exercise_and_questions(content_tree):
    content_load(directory=content_tree.root)

    assert Course.objects.get().title == "A small course"
    assert list(Part.objects.values_list("key", "order")) == [("introduction", 1), ("part-1", 2)]
    assert list(Lesson.objects.values_list("slug", "order", "part__key", "minutes")) == [
        ("first-lesson", 1, "introduction", 1),
        ("second-lesson", 2, "part-1", 1),
    ]
    exercise = Exercise.objects.get()
    assert (exercise.number, exercise.lesson.slug, exercise.pairing) == (1, "first-lesson", "pair")
    assert list(exercise.questions.values_list("key", "order", "stage", "retired")) == [
        ("on-your-own", 1, "individual", False),
        ("together", 2, "pair", False),
    ]


def test_loading_stores_rendered_html_beside_the_markdown(content_tree):
    content_load(directory=content_tree.root)

    lesson = Lesson.objects.get(slug="first-lesson")
    assert lesson.body_html == '<h2 id="opening">Opening</h2>\n<p>The first lesson\'s text.</p>'
    assert Question.objects.get(key="together").text_html == "<p>What do you both think?</p>"
    assert Exercise.objects.get().intro_html == "<p>Answer on your own first.</p>"


def test_each_new_lesson_gets_its_first_revision_from_the_file(content_tree):
    content_load(directory=content_tree.root)

    revisions = LessonRevision.objects.order_by("lesson__order")
    assert [(r.lesson.slug, r.source, r.author) for r in revisions] == [
        ("first-lesson", "file", None),
        ("second-lesson", "file", None),
    ]
    assert revisions[0].body_markdown == Lesson.objects.get(order=1).body_markdown


def test_the_first_load_reports_everything_as_created(content_tree):
    report = content_load(directory=content_tree.root)

    assert report.created == [
        "course",
        "part introduction",
        "part part-1",
        "lesson first-lesson",
        "lesson second-lesson",
        "exercise 1",
        "exercise 1 question on-your-own",
        "exercise 1 question together",
    ]
    assert report.changed == report.unchanged == report.removed == []


# --- A bad tree changes nothing --------------------------------------------------------


@pytest.mark.parametrize(("name", "change", "path", "field", "words"), BROKEN_CASES, ids=CASE_IDS)
def test_a_broken_file_leaves_a_loaded_course_exactly_as_it_was(
    loaded, name, change, path, field, words
):
    before = database_snapshot()
    change(loaded)

    with pytest.raises(ContentError) as raised:
        content_load(directory=loaded.root)

    assert any(p.path == f"content/{path}" and p.field == field for p in raised.value.problems)
    assert database_snapshot() == before


def test_a_broken_file_on_an_empty_database_creates_nothing(content_tree):
    content_tree.replace(LESSON_2, "part: part-1", "part: part-9")

    with pytest.raises(ContentError):
        content_load(directory=content_tree.root)

    assert all(rows == [] for rows in database_snapshot().values())


def test_good_changes_alongside_a_bad_file_are_not_applied(loaded):
    before = database_snapshot()
    loaded.replace(LESSON_1, "The first lesson's text.", "New text.")
    loaded.replace(EXERCISE_1, "key: together", "key: on-your-own")

    with pytest.raises(ContentError):
        content_load(directory=loaded.root)

    assert database_snapshot() == before


def test_an_exercise_missing_from_content_is_refused_and_nothing_changes(loaded):
    before = database_snapshot()
    loaded.replace(LESSON_1, "The first lesson's text.", "New text.")
    loaded.remove(EXERCISE_1)

    with pytest.raises(ContentError) as raised:
        content_load(directory=loaded.root)

    (problem,) = raised.value.problems
    assert problem.path == "content/exercises"
    assert "exercise 1 is in the database but not in content/" in problem.message
    assert database_snapshot() == before


# --- Loading again -------------------------------------------------------------------------


def test_loading_twice_changes_nothing_the_second_time(loaded):
    before = database_snapshot()

    report = content_load(directory=loaded.root)

    assert report.created == report.changed == report.removed == []
    assert len(report.unchanged) == 8
    assert database_snapshot() == before


def test_changing_one_lessons_text_changes_only_that_lesson(loaded):
    second_before = Lesson.objects.values().get(slug="second-lesson")
    loaded.replace(LESSON_1, "The first lesson's text.", "The first lesson, *rewritten*.")

    report = content_load(directory=loaded.root)

    assert report.changed == ["lesson first-lesson"]
    assert report.created == []
    first = Lesson.objects.get(slug="first-lesson")
    assert "<em>rewritten</em>" in first.body_html
    assert Lesson.objects.values().get(slug="second-lesson") == second_before


def test_changing_one_lessons_text_adds_one_revision_to_that_lesson(loaded):
    loaded.replace(LESSON_1, "The first lesson's text.", "Rewritten.")

    content_load(directory=loaded.root)

    first = Lesson.objects.get(slug="first-lesson")
    assert first.revisions.count() == 2
    assert first.revisions.first().body_markdown == "## Opening\n\nRewritten.\n"
    assert LessonRevision.objects.count() == 3


def test_changing_a_lessons_title_adds_a_revision(loaded):
    loaded.replace(LESSON_1, 'title: "First lesson"', 'title: "The first lesson"')

    content_load(directory=loaded.root)

    assert Lesson.objects.get(slug="first-lesson").revisions.first().title == "The first lesson"


def test_changing_only_a_lessons_summary_adds_no_revision(loaded):
    loaded.replace(LESSON_1, "Where the course begins.", "Where it all begins.")

    report = content_load(directory=loaded.root)

    assert report.changed == ["lesson first-lesson"]
    assert Lesson.objects.get(slug="first-lesson").summary == "Where it all begins."
    assert LessonRevision.objects.count() == 2


@pytest.mark.parametrize(("words", "minutes"), [(1, 1), (200, 1), (201, 2), (1000, 5), (1001, 6)])
def test_a_lessons_reading_time_is_its_words_at_200_a_minute_rounded_up(loaded, words, minutes):
    loaded.replace(LESSON_1, "The first lesson's text.", " ".join(["word"] * (words - 1)))

    content_load(directory=loaded.root)

    # The heading "Opening" is one of the words.
    assert Lesson.objects.get(slug="first-lesson").minutes == minutes


def test_a_reading_time_stored_some_other_way_is_refreshed_without_a_revision(loaded):
    Lesson.objects.filter(slug="first-lesson").update(minutes=99)

    report = content_load(directory=loaded.root)

    assert report.changed == ["lesson first-lesson"]
    assert Lesson.objects.get(slug="first-lesson").minutes == 1
    assert LessonRevision.objects.count() == 2


def test_html_stored_by_an_older_renderer_is_refreshed_without_a_revision(loaded):
    Lesson.objects.filter(slug="first-lesson").update(body_html="<p>stale rendering</p>")
    Question.objects.update(text_html="<p>stale</p>")

    report = content_load(directory=loaded.root)

    first = Lesson.objects.get(slug="first-lesson")
    assert "stale" not in first.body_html
    assert "lesson first-lesson" in report.changed
    assert first.revisions.count() == 1
    assert not Question.objects.filter(text_html="<p>stale</p>").exists()
    assert content_load(directory=loaded.root).has_changes is False


def test_two_lessons_can_swap_places(loaded):
    loaded.replace(LESSON_1, "order: 1", "order: 2")
    loaded.replace(LESSON_2, "order: 2", "order: 1")

    report = content_load(directory=loaded.root)

    assert sorted(report.changed) == ["lesson first-lesson", "lesson second-lesson"]
    assert list(Lesson.objects.values_list("slug", flat=True)) == ["second-lesson", "first-lesson"]
    assert LessonRevision.objects.count() == 2


def test_a_new_lesson_is_added_between_two_others(loaded):
    loaded.replace(LESSON_2, "order: 2", "order: 3")
    loaded.write(
        "lessons/015-middle.md",
        loaded.read(LESSON_1)
        .replace("first-lesson", "middle-lesson")
        .replace("order: 1", "order: 2"),
    )

    report = content_load(directory=loaded.root)

    assert report.created == ["lesson middle-lesson"]
    assert list(Lesson.objects.values_list("slug", flat=True)) == [
        "first-lesson",
        "middle-lesson",
        "second-lesson",
    ]


# --- A lesson split in two keeps everyone's progress --------------------------------------


SPLIT_LESSON = """\
---
title: "Split from the first"
slug: split-lesson
part: introduction
order: 3
carries_progress_from: first-lesson
summary: "Half of what the first lesson held."
---
## Split

Text that was in the first lesson.
"""


@pytest.fixture
def split(loaded, practitioner, colleague):
    """The first lesson complete for `practitioner`, in progress for `colleague`,
    then a lesson split from it loaded."""
    first = Lesson.objects.get(slug="first-lesson")
    progress_mark_complete(user=practitioner, lesson=first)
    progress_record_view(user=colleague, lesson=first)
    loaded.write("lessons/03-split-lesson.md", SPLIT_LESSON)
    return content_load(directory=loaded.root)


def test_a_split_lesson_is_complete_for_whoever_completed_the_lesson_it_came_from(
    split, practitioner
):
    first = LessonProgress.objects.get(user=practitioner, lesson__slug="first-lesson")
    carried = LessonProgress.objects.get(user=practitioner, lesson__slug="split-lesson")

    assert carried.completed_at == first.completed_at
    assert carried.started_at == first.started_at
    assert split.carried == [
        "lesson split-lesson is complete for the 1 person who had completed lesson first-lesson"
    ]


def test_a_split_lesson_is_not_started_for_whoever_had_not_completed_it(split, colleague):
    assert not LessonProgress.objects.filter(user=colleague, lesson__slug="split-lesson").exists()
    assert (
        LessonProgress.objects.get(user=colleague, lesson__slug="first-lesson").completed_at is None
    )


def test_progress_is_carried_once_only_when_the_split_lesson_first_loads(
    split, loaded, practitioner, colleague
):
    first = Lesson.objects.get(slug="first-lesson")
    progress_mark_complete(user=colleague, lesson=first)
    progress_mark_incomplete(user=practitioner, lesson=Lesson.objects.get(slug="split-lesson"))

    report = content_load(directory=loaded.root)

    assert report.carried == []
    assert report.has_changes is False
    assert not LessonProgress.objects.filter(user=colleague, lesson__slug="split-lesson").exists()
    assert not LessonProgress.objects.filter(
        user=practitioner, lesson__slug="split-lesson", completed_at__isnull=False
    ).exists()


def test_a_lesson_taken_out_of_content_is_archived_not_deleted(loaded):
    loaded.remove(LESSON_2)

    report = content_load(directory=loaded.root)

    assert report.removed == ["lesson second-lesson (archived)"]
    assert list(Lesson.objects.current().values_list("slug", flat=True)) == ["first-lesson"]
    assert Lesson.objects.get(slug="second-lesson").is_archived


def test_an_archived_lessons_progress_and_revisions_survive(loaded, practitioner):
    second = Lesson.objects.get(slug="second-lesson")
    progress_mark_complete(user=practitioner, lesson=second)
    revisions = list(second.revisions.values_list("pk", flat=True))
    loaded.remove(LESSON_2)

    content_load(directory=loaded.root)

    assert LessonProgress.objects.get(user=practitioner, lesson=second).is_completed
    assert list(second.revisions.values_list("pk", flat=True)) == revisions


def test_loading_again_leaves_an_archived_lesson_alone(loaded):
    loaded.remove(LESSON_2)
    content_load(directory=loaded.root)
    before = database_snapshot()

    report = content_load(directory=loaded.root)

    assert not report.has_changes
    assert database_snapshot() == before


def test_a_lesson_back_in_content_is_restored_with_its_progress(loaded, practitioner):
    second = Lesson.objects.get(slug="second-lesson")
    progress_mark_complete(user=practitioner, lesson=second)
    text = loaded.read(LESSON_2)
    loaded.remove(LESSON_2)
    content_load(directory=loaded.root)
    loaded.write(LESSON_2, text)

    report = content_load(directory=loaded.root)

    assert report.restored == ["lesson second-lesson"]
    second.refresh_from_db()
    assert not second.is_archived
    assert second.order == 2
    assert LessonProgress.objects.get(user=practitioner, lesson=second).is_completed


def test_two_archived_lessons_can_have_had_the_same_order(loaded):
    loaded.remove(LESSON_2)
    content_load(directory=loaded.root)
    loaded.write("lessons/02-another.md", LESSON_2_TEXT.replace("second-lesson", "another"))
    content_load(directory=loaded.root)
    loaded.remove("lessons/02-another.md")

    content_load(directory=loaded.root)

    archived = Lesson.objects.filter(archived_at__isnull=False)
    assert sorted(archived.values_list("slug", flat=True)) == ["another", "second-lesson"]


def test_a_lesson_whose_exercise_still_names_it_cannot_leave_content(loaded):
    """Answers are stored against the exercise: it must move to another lesson first,
    so an exercise never sits in an archived lesson."""
    loaded.remove(LESSON_1)

    with pytest.raises(ContentError, match="no lesson has the slug 'first-lesson'"):
        content_load(directory=loaded.root)

    assert not Lesson.objects.get(slug="first-lesson").is_archived


def test_a_lesson_can_take_the_order_of_a_lesson_taken_out(loaded):
    loaded.remove(LESSON_1)
    loaded.replace(EXERCISE_1, "lesson: first-lesson", "lesson: second-lesson")
    loaded.replace(LESSON_2, "order: 2", "order: 1")

    content_load(directory=loaded.root)

    assert list(Lesson.objects.current().values_list("slug", "order")) == [("second-lesson", 1)]
    assert Exercise.objects.get().lesson.slug == "second-lesson"


def test_a_part_can_take_the_place_of_a_part_taken_out(loaded):
    loaded.replace("course.yaml", "key: part-1", "key: part-one")
    loaded.replace(LESSON_2, "part: part-1", "part: part-one")

    report = content_load(directory=loaded.root)

    current = Part.objects.current()
    assert list(current.values_list("key", "order")) == [("introduction", 1), ("part-one", 2)]
    assert Lesson.objects.get(slug="second-lesson").part.key == "part-one"
    assert "part part-1 (archived)" in report.removed


def test_a_part_left_with_only_archived_lessons_is_archived_not_deleted(loaded):
    loaded.remove(LESSON_2)
    loaded.replace("course.yaml", '  - key: part-1\n    title: "Part 1: The middle"\n', "")

    content_load(directory=loaded.root)

    assert Part.objects.get(key="part-1").is_archived
    assert Lesson.objects.get(slug="second-lesson").part.key == "part-1"


def test_an_archived_part_is_not_exported(loaded, tmp_path):
    loaded.remove(LESSON_2)
    loaded.replace("course.yaml", '  - key: part-1\n    title: "Part 1: The middle"\n', "")
    content_load(directory=loaded.root)

    content_export(directory=tmp_path)

    assert "part-1" not in (tmp_path / "course.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "lessons").iterdir()) == ["01-first-lesson.md"]


def test_two_parts_can_swap_places(loaded):
    text = loaded.read("course.yaml")
    first, second = (
        '  - key: introduction\n    title: "Introduction"\n',
        ('  - key: part-1\n    title: "Part 1: The middle"\n'),
    )
    loaded.write("course.yaml", text.replace(first + second, second + first))

    content_load(directory=loaded.root)

    assert list(Part.objects.values_list("key", flat=True)) == ["part-1", "introduction"]


def test_a_question_taken_out_of_content_is_retired_and_its_answers_survive(loaded):
    question = Question.objects.get(key="together")
    response = ExerciseResponse.objects.create(user=UserFactory(), exercise=question.exercise)
    answer = Answer.objects.create(response=response, question=question, text="Our answer.")
    text = loaded.read(EXERCISE_1)
    loaded.write(EXERCISE_1, re.sub(r"  - key: together\n.*\n.*\n", "", text))

    report = content_load(directory=loaded.root)

    assert report.removed == ["exercise 1 question together (retired)"]
    question.refresh_from_db()
    assert question.retired
    assert Answer.objects.get(pk=answer.pk).text == "Our answer."
    assert list(Question.objects.current().values_list("key", flat=True)) == ["on-your-own"]


def test_a_retired_question_put_back_is_asked_again(loaded):
    original = loaded.read(EXERCISE_1)
    loaded.write(EXERCISE_1, re.sub(r"  - key: together\n.*\n.*\n", "", original))
    content_load(directory=loaded.root)
    loaded.write(EXERCISE_1, original)

    content_load(directory=loaded.root)

    assert not Question.objects.get(key="together").retired
    assert Question.objects.get(key="together").retired_at is None


def test_the_loader_records_when_it_retired_a_question(loaded):
    text = loaded.read(EXERCISE_1)
    loaded.write(EXERCISE_1, re.sub(r"  - key: together\n.*\n.*\n", "", text))
    before = timezone.now()

    content_load(directory=loaded.root)

    retired_at = Question.objects.get(key="together").retired_at
    assert retired_at is not None
    assert before <= retired_at <= timezone.now()


def test_rewording_a_question_keeps_its_row(loaded):
    question = Question.objects.get(key="together")
    loaded.replace(EXERCISE_1, "What do you both think?", "What do the two of you think?")

    report = content_load(directory=loaded.root)

    assert report.changed == ["exercise 1 question together"]
    assert Question.objects.get(pk=question.pk).text_html == "<p>What do the two of you think?</p>"


def test_two_exercises_can_swap_slugs(loaded):
    _second_exercise(loaded)
    content_load(directory=loaded.root)
    loaded.replace(EXERCISE_1, "slug: first-exercise", "slug: second-exercise")
    second = "exercises/2-second-exercise.md"
    loaded.replace(second, "slug: second-exercise", "slug: first-exercise")

    content_load(directory=loaded.root)

    assert list(Exercise.objects.values_list("number", "slug")) == [
        (1, "second-exercise"),
        (2, "first-exercise"),
    ]


def test_an_exercise_can_move_to_another_lesson(loaded):
    loaded.replace(EXERCISE_1, "lesson: first-lesson", "lesson: second-lesson")

    report = content_load(directory=loaded.root)

    assert report.changed == ["exercise 1"]
    assert Exercise.objects.get().lesson.slug == "second-lesson"


# --- The real course -----------------------------------------------------------------------------


@pytest.fixture
def real_tree():
    return read_content(REAL_CONTENT)


def test_the_real_content_loads_five_exercises_numbered_one_to_five(course_content):
    assert list(Exercise.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_the_real_content_loads_every_question_of_every_exercise_file(course_content, real_tree):
    for spec in real_tree.exercises:
        stored = Exercise.objects.get(number=spec.number).questions.order_by("order")
        assert [(q.key, q.stage, q.kind, q.text_markdown, q.retired) for q in stored] == [
            (q.key, q.stage, q.kind, q.text_markdown, False) for q in spec.questions
        ]


@pytest.mark.parametrize(
    ("number", "individual", "pair", "commitments"),
    [(1, 3, 2, 0), (2, 3, 1, 0), (3, 2, 0, 0), (4, 3, 0, 1), (5, 3, 0, 0)],
)
def test_each_real_exercise_has_the_sources_questions(
    course_content, number, individual, pair, commitments
):
    questions = Question.objects.current().filter(exercise__number=number)

    assert questions.filter(stage="individual").count() == individual
    assert questions.filter(stage="pair").count() == pair
    assert questions.filter(kind="commitment").count() == commitments


def test_the_real_exercise_files_match_their_question_keys(real_tree):
    keys = {spec.number: [q.key for q in spec.questions] for spec in real_tree.exercises}

    assert keys[1] == [
        "individual-responsibilities",
        "action-if-concerned",
        "who-to-discuss-with",
        "compare-answers",
        "what-to-find-out",
    ]
    assert keys[4][2] == "priority-action"


def test_exercise_five_holds_the_ahmina_and_lauren_case_study(course_content):
    intro = Exercise.objects.get(number=5).intro_html

    assert "Case study: Ahmina and Lauren" in intro
    assert "<strong>both 14</strong>" in intro
    assert "Both young women say they are not being subjected to CSE." in intro


def test_every_real_lesson_ends_with_a_references_section(course_content):
    lessons = Lesson.objects.all()

    assert lessons.count() == len(list((REAL_CONTENT / "lessons").glob("*.md")))
    for lesson in lessons:
        assert "\n## References\n" in lesson.body_markdown, lesson.slug
        assert '<h2 id="references">References</h2>' in lesson.body_html, lesson.slug


def test_the_resources_five_boxes_appear_with_their_titles(course_content):
    titles = re.findall(
        r'^!!! box "(.+)"$',
        "\n".join(p.read_text() for p in (REAL_CONTENT / "lessons").glob("*.md")),
        re.MULTILINE,
    )
    stored = "".join(Lesson.objects.values_list("body_html", flat=True))

    assert sorted(title.split(":")[0] for title in titles) == [f"Box {n}" for n in range(1, 6)]
    for title in titles:
        assert re.search(
            rf'<h(\d) class="admonition-title">{re.escape(html.escape(title, quote=False))}</h\1>',
            stored,
        )


def test_the_prevalence_lesson_has_charts_with_their_figures_as_tables(course_content):
    body = Lesson.objects.get(slug="how-common-is-cse").body_html

    assert body.count('<figure class="chart">') == 2
    assert body.count('<details class="chart-data"><summary>The figures as a table') == 2
    assert '<th scope="row">Under-18s affected in England and Wales' in body
    assert "<td>5,000</td>" in body
    assert "<td>40,000</td>" in body


def test_each_real_lessons_reading_time_comes_from_its_words(course_content):
    for lesson in Lesson.objects.all():
        words = word_count(lesson.body_html)
        # Counted another way: the page's text without the charts' bars (their table
        # repeats them), split at spaces, with table cells kept apart.
        text = strip_tags(CELL_END.sub(" ", CHART_BARS.sub(" ", lesson.body_html)))
        assert words == len(text.split()), lesson.slug
        assert lesson.minutes == max(1, math.ceil(words / WORDS_PER_MINUTE)), lesson.slug
        # So every lesson implies between 100 and 200 words a minute, 200 for long ones.
        assert WORDS_PER_MINUTE * (lesson.minutes - 1) < words <= WORDS_PER_MINUTE * lesson.minutes


def test_the_real_content_loads_a_second_time_without_changes(course_content):
    before = database_snapshot()

    report = content_load(directory=REAL_CONTENT)

    assert report.created == report.changed == report.removed == []
    assert database_snapshot() == before


def test_completing_the_law_lesson_before_the_split_completes_both_after_it(
    tmp_path, practitioner, colleague
):
    """The real course as it was before police powers had their own lesson, then as it is."""
    before = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, before)
    (before / "lessons" / "08-police-disruption-powers.md").unlink()
    content_load(directory=before)
    law = Lesson.objects.get(slug="the-law-and-cse")
    progress_mark_complete(user=practitioner, lesson=law)
    progress_record_view(user=colleague, lesson=law)

    report = content_load(directory=REAL_CONTENT)

    assert report.created == ["lesson police-disruption-powers"]
    completed = LessonProgress.objects.completed()
    assert set(completed.filter(user=practitioner).values_list("lesson__slug", flat=True)) == {
        "the-law-and-cse",
        "police-disruption-powers",
    }
    assert not completed.filter(user=colleague).exists()
    assert not LessonProgress.objects.filter(
        user=colleague, lesson__slug="police-disruption-powers"
    ).exists()
