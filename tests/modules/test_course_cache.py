"""What the course pages keep between requests (modules.course_cache): every change to
the content shows on the next page, and nobody's state shows on another person's page."""

import shutil
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from course_editing.services import QuestionEdit, draft_publish, draft_save, exercise_edit
from modules import course_cache
from modules.models import Course, Exercise, Lesson, LessonProgress
from modules.services import content_load, lesson_archive, lesson_move, progress_mark_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(course_content):
    """The real course's lessons in reading order."""
    return list(Lesson.objects.in_order())


@pytest.fixture
def reader(client, practitioner):
    client.force_login(practitioner)
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _outline_of(home):
    return home.split("<h2>Course outline</h2>")[1]


def _writes(client, url):
    """The statements that change rows, run by one request for `url`."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    changing = ("UPDATE", "INSERT", "DELETE")
    return [query["sql"] for query in queries if query["sql"].lstrip().startswith(changing)]


# --- Every change shows at once ------------------------------------------------------------


def test_a_published_lesson_is_read_at_once(reader, course, trainer):
    lesson = course[1]
    _page(reader, lesson.get_absolute_url())
    _page(reader, "/")

    draft_save(
        lesson=lesson,
        author=trainer,
        version=lesson.edit_version,
        title="A title never seen before",
        summary=lesson.summary,
        body_markdown="Words never seen before.",
        note="Rewritten",
    )
    lesson.refresh_from_db()
    draft_publish(lesson=lesson, actor=trainer, version=lesson.edit_version)

    page = _page(reader, lesson.get_absolute_url())
    assert "Words never seen before." in page
    assert "A title never seen before" in page
    assert "A title never seen before" in _page(reader, course[0].get_absolute_url())
    assert "A title never seen before" in _page(reader, "/")


def test_an_archived_lesson_leaves_the_pages_at_once(reader, course, trainer):
    lesson = course[1]
    assert lesson.get_absolute_url() in _page(reader, "/")
    _page(reader, lesson.get_absolute_url())

    lesson_archive(lesson=lesson, actor=trainer)

    assert reader.get(lesson.get_absolute_url()).status_code == 404
    assert lesson.get_absolute_url() not in _page(reader, "/")
    assert lesson.get_absolute_url() not in _page(reader, course[0].get_absolute_url())


def test_a_moved_lesson_takes_its_new_place_at_once(reader, course, trainer):
    first, second = next((one, two) for one, two in pairwise(course) if one.part_id == two.part_id)
    outline = _outline_of(_page(reader, "/"))
    assert outline.index(first.get_absolute_url()) < outline.index(second.get_absolute_url())
    _page(reader, first.get_absolute_url())

    assert lesson_move(lesson=first, actor=trainer, later=True)

    outline = _outline_of(_page(reader, "/"))
    assert outline.index(second.get_absolute_url()) < outline.index(first.get_absolute_url())
    page = _page(reader, first.get_absolute_url())
    assert f'rel="prev" href="{second.get_absolute_url()}"' in page


def test_loaded_content_is_read_at_once(reader, course, tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, directory)
    lesson = course[0]
    path = next(
        p for p in directory.glob("lessons/*.md") if f"slug: {lesson.slug}\n" in p.read_text()
    )
    text = path.read_text()
    path.write_text(text.replace(f'title: "{lesson.title}"', 'title: "Loaded from a file"', 1))
    _page(reader, "/")
    _page(reader, lesson.get_absolute_url())

    content_load(directory=directory)

    assert "Loaded from a file" in _page(reader, "/")
    assert "Loaded from a file" in _page(reader, lesson.get_absolute_url())


def test_an_edited_exercise_is_answered_at_once(reader, course, trainer):
    exercise = Exercise.objects.order_by("number").first()
    url = reverse("reflections:exercise", args=[exercise.number])
    _page(reader, url)
    _page(reader, exercise.lesson.get_absolute_url())
    questions = list(exercise.questions.current().order_by("order"))
    edits = [
        QuestionEdit(key=question.key, text_markdown=question.text_markdown, stage=question.stage)
        for question in questions
    ]
    edits[0] = QuestionEdit(
        key=questions[0].key, text_markdown="A question never asked before?", stage=edits[0].stage
    )

    exercise_edit(
        exercise=exercise, actor=trainer, intro_markdown=exercise.intro_markdown, questions=edits
    )

    assert "A question never asked before?" in _page(reader, url)
    assert "A question never asked before?" in _page(reader, exercise.lesson.get_absolute_url())


def test_every_write_to_the_content_changes_its_version_never_back(course):
    seen = {Course.objects.get().content_version}
    read_before = Course.objects.get()

    Lesson.objects.filter(pk=course[0].pk).update(summary="Changed by an update.")
    seen.add(Course.objects.get().content_version)
    course[1].save()
    seen.add(Course.objects.get().content_version)
    read_before.save()  # a save from a row read before the changes
    seen.add(Course.objects.get().content_version)

    assert len(seen) == 4


def test_without_a_course_row_nothing_is_kept():
    built = []

    for _ in range(2):
        course_cache.kept(None, "key", lambda: built.append(1))

    assert len(built) == 2


def test_what_is_kept_is_kept_for_one_version():
    built = []

    def build():
        built.append(1)
        return len(built)

    assert [course_cache.kept("v1", "key", build) for _ in range(2)] == [1, 1]
    assert course_cache.kept("v2", "key", build) == 2


# --- Nobody's state on another's page -------------------------------------------------------


@pytest.mark.parametrize("first_to_read", ["practitioner", "colleague"])
def test_each_person_reads_their_own_progress(
    client, course, practitioner, colleague, first_to_read
):
    progress_mark_complete(user=practitioner, lesson=course[0])
    people = {"practitioner": practitioner, "colleague": colleague}
    order = [first_to_read, *(name for name in people if name != first_to_read)]
    pages = {}
    for name in order:
        client.force_login(people[name])
        pages[name] = (_page(client, course[1].get_absolute_url()), _page(client, "/"))

    lesson, home = pages["practitioner"]
    assert lesson.count("outline-item state-completed") == 2  # the contents and the outline
    assert f"1 of {len(course)} lessons completed" in home
    lesson, home = pages["colleague"]
    assert "outline-item state-completed" not in lesson
    assert f"0 of {len(course)} lessons completed" in home


# --- A view that changes nothing writes nothing ---------------------------------------------


def test_reading_a_lesson_again_at_once_writes_nothing(reader, course):
    url = course[2].get_absolute_url()
    assert _writes(reader, url)  # the first view starts the lesson

    assert _writes(reader, url) == []


def test_opening_another_lesson_and_back_moves_where_you_left_off(reader, course, practitioner):
    for lesson in (course[2], course[3], course[2]):
        _page(reader, lesson.get_absolute_url())

    latest = LessonProgress.objects.filter(user=practitioner).latest("last_viewed_at")
    assert latest.lesson == course[2]
    assert "Continue where you left off" in _page(reader, "/")
    assert course[2].get_absolute_url() in _page(reader, "/").split("Continue where")[0]


def test_a_lesson_seen_more_than_a_minute_ago_is_written_again(reader, course, practitioner):
    url = course[2].get_absolute_url()
    _page(reader, url)
    earlier = timezone.now() - timedelta(minutes=2)
    LessonProgress.objects.filter(user=practitioner).update(last_viewed_at=earlier)

    assert len(_writes(reader, url)) == 1
    assert LessonProgress.objects.get(user=practitioner).last_viewed_at > earlier


# --- Templates ----------------------------------------------------------------------------------


def test_templates_are_compiled_once_with_debug_off():
    assert not settings.DEBUG
    loaders = engines["django"].engine.template_loaders

    assert [type(loader) for loader in loaders] == [CachedLoader]
