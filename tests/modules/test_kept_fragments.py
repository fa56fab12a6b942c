"""Fragments kept between requests ({% kept %}): each page still shows its own person's
name, state and CSRF token, and a change to the content or to what a fragment varies on
shows at once."""

import re
from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix
from django.utils import timezone

from modules import course_cache
from modules.models import Course, Exercise, Lesson, content_version_new
from modules.selectors import course_and_progress
from modules.services import progress_mark_complete
from modules.templatetags import course as course_tags
from reflections.models import ExerciseResponse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def course(course_content):
    return list(Lesson.objects.in_order())


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _render(source, **context):
    return Template("{% load course %}" + source).render(Context(context))


def test_each_page_carries_its_own_csrf_token(client, course, practitioner):
    client.force_login(practitioner)
    url = course[1].get_absolute_url()
    first = TOKEN.findall(_page(client, url))
    client.cookies.clear()
    client.force_login(practitioner)
    second = TOKEN.findall(_page(client, url))

    # The sign-out form in the header and the lesson's own form, on each page.
    assert len(first) == len(second) == 2
    assert set(first).isdisjoint(second)
    assert "csrf" not in "".join(first + second)  # never the kept stand-in


def test_the_header_shows_whoever_is_signed_in(client, course, practitioner, team):
    other = UserFactory(organisation=team.organisation, team=team, full_name="Robin Other")
    for person in (practitioner, other):
        client.force_login(person)
        page = _page(client, "/")
        assert f'Sign out <span class="visually-hidden">({person.full_name})</span>' in page


def test_a_completed_lesson_shows_on_the_next_page(client, course, practitioner):
    client.force_login(practitioner)
    url = course[0].get_absolute_url()
    assert "Mark complete and continue" in _page(client, url)

    progress_mark_complete(user=practitioner, lesson=course[0])

    page = _page(client, url)
    assert "You have completed this lesson." in page
    assert "Mark complete and continue" not in page


def test_a_renamed_course_shows_at_once(client, course, practitioner):
    client.force_login(practitioner)
    _page(client, "/")
    course_row = Course.objects.get()
    course_row.source_citation = "A new citation (2026)."
    course_row.save()

    assert "A new citation (2026)." in _page(client, "/")


def test_a_fragment_varies_on_the_values_given(course):
    course_row = Course.objects.get()
    source = '{% kept "greeting" name %}Hello {{ name }}{% endkept %}'

    for name in ("Sam", "Alex", "Sam"):
        html = _render(source, name=name, course=course_row, csrf_token="t0ken")
        assert html == f"Hello {name}"


def test_a_model_instance_is_refused_as_what_a_fragment_varies_on(course, practitioner):
    source = '{% kept "person" person %}{{ person.full_name }}{% endkept %}'
    with pytest.raises(TypeError):
        _render(source, person=practitioner, course=Course.objects.get(), csrf_token="t0ken")


def test_a_fragment_needs_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load course %}{% kept %}x{% endkept %}")


def test_without_a_request_nothing_is_kept(course):
    """No CSRF token (an email, say): rendered each time, never kept."""
    course_cache.forget()
    _render('{% kept "plain" %}x{% endkept %}', course=Course.objects.get())

    assert course_cache._fragments[1] == {}


def test_kept_fragments_are_bounded_by_their_size(course, monkeypatch):
    monkeypatch.setattr(course_cache, "FRAGMENTS_MAX_CHARACTERS", 250)
    course_row = Course.objects.get()
    for n in range(10):
        _render(
            '{% kept "long" n %}{{ text }}{% endkept %}',
            n=n,
            text="x" * 100,
            course=course_row,
            csrf_token="t0ken",
        )

    assert sum(len(html) for html in course_cache._fragments[1].values()) <= 250


# --- The course row and the reader's progress in one query --------------------------------


def _request(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def test_the_course_and_progress_are_read_in_one_query(rf, course, practitioner):
    progress_mark_complete(user=practitioner, lesson=course[0])
    course_and_progress(_request(rf, practitioner))  # the course row is kept from here

    with CaptureQueriesContext(connection) as queries:
        course_row, progress = course_and_progress(_request(rf, practitioner))

    assert len(queries) == 1
    assert course_row == Course.objects.get()
    assert list(progress) == [course[0].pk]


def test_a_changed_course_is_read_again(rf, course, practitioner):
    progress_mark_complete(user=practitioner, lesson=course[0])
    course_and_progress(_request(rf, practitioner))
    Course.objects.update(summary="Changed.", content_version=content_version_new())

    course_row, _progress = course_and_progress(_request(rf, practitioner))

    assert course_row.summary == "Changed."


def test_someone_without_progress_gets_the_course_too(rf, course, practitioner):
    course_row, progress = course_and_progress(_request(rf, practitioner))

    assert course_row == Course.objects.get()
    assert progress == {}


def test_the_homes_standing_asks_only_for_the_submitted_exercises(client, course, practitioner):
    """Every lesson read: the home says what is left, its lessons' figures taken from the
    outline it already has; only the submitted exercises are asked for."""
    for lesson in course:
        progress_mark_complete(user=practitioner, lesson=lesson)
    first = Exercise.objects.order_by("number").first()
    ExerciseResponse.objects.create(user=practitioner, exercise=first, submitted_at=timezone.now())
    client.force_login(practitioner)
    _page(client, "/")

    with CaptureQueriesContext(connection) as queries:
        page = _page(client, "/")

    assert "You have read every lesson. The course is not complete yet." in page
    total = Exercise.objects.count()
    assert f"1 of {total} reflective exercises submitted" in page
    assert f"Exercise {first.number}: {first.title}</a>" not in page
    reflections_queries = [q["sql"] for q in queries.captured_queries if "reflections_" in q["sql"]]
    assert len(reflections_queries) == 1
    assert "modules_lesson" not in reflections_queries[0]  # the lessons are not counted again


def test_the_homes_standing_shows_a_new_submission_at_once(client, course, practitioner):
    for lesson in course:
        progress_mark_complete(user=practitioner, lesson=lesson)
    first, second = Exercise.objects.order_by("number")[:2]
    client.force_login(practitioner)
    total = Exercise.objects.count()
    assert f"0 of {total} reflective exercises submitted" in _page(client, "/")

    for done, exercise in enumerate((first, second), start=1):
        ExerciseResponse.objects.create(
            user=practitioner, exercise=exercise, submitted_at=timezone.now()
        )
        page = _page(client, "/")
        assert f"{done} of {total} reflective exercises submitted" in page
        assert f"Exercise {exercise.number}: {exercise.title}</a>" not in page


def test_today_is_the_date_now_would_print():
    assert _render('{% today "j F Y" %}') == _render('{% now "j F Y" %}')


def test_today_moves_on_with_the_date(monkeypatch):
    for day in (date(2026, 11, 27), date(2026, 11, 28)):
        monkeypatch.setattr(course_tags.timezone, "localdate", lambda day=day: day)
        assert _render('{% today "j F Y" %}') == f"{day.day} November 2026"


def test_the_footer_of_each_page_is_its_own(client, course, practitioner):
    client.force_login(practitioner)
    citation = Course.objects.get().source_citation

    assert f"This lesson is adapted from: {citation}" in _page(client, course[0].get_absolute_url())
    home = _page(client, "/")
    assert f"Adapted from: {citation}" in home
    assert "This lesson is adapted from" not in home


def test_each_script_prefix_has_its_own_fragment(course):
    course_row = Course.objects.get()
    source = "{% kept \"link\" %}{% fixed_url 'modules:glossary' %}{% endkept %}"
    try:
        for prefix in ("/", "/course/"):
            set_script_prefix(prefix)
            html = _render(source, course=course_row, csrf_token="t0ken")
            assert html == f"{prefix}glossary/"
    finally:
        set_script_prefix("/")
