"""Speed targets for the course pages, as multiples of the framework floor timed in the
same test (`floor.py`). Skipped in the normal run; run them with
`./dev test tests/benchmarks --benchmark-only`.

Each multiple is generous enough to hold on a busy machine and tight enough to catch a
page that starts rendering Markdown or querying per lesson (bench/run measures the
pages under load, with gunicorn and PostgreSQL).
"""

import pytest
from django.urls import reverse

from modules.models import Lesson
from modules.services import content_load
from tests.factories import UserFactory

from .floor import within_floors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

FLOOR_MULTIPLE = {"home": 8, "lesson": 8, "load_content_unchanged": 400}


def test_course_home_for_a_signed_in_practitioner(benchmark, client, course_content):
    client.force_login(UserFactory())
    response = client.get(reverse("modules:home"))
    assert response.status_code == 200
    benchmark(client.get, reverse("modules:home"))
    within_floors(benchmark, client, "home", benchmark.stats.stats.mean, FLOOR_MULTIPLE["home"])


def test_the_longest_lesson_page(benchmark, client, course_content):
    client.force_login(UserFactory())
    longest = max(Lesson.objects.all(), key=lambda lesson: len(lesson.body_html))
    assert client.get(longest.get_absolute_url()).status_code == 200
    benchmark(client.get, longest.get_absolute_url())
    within_floors(benchmark, client, "lesson", benchmark.stats.stats.mean, FLOOR_MULTIPLE["lesson"])


def test_loading_unchanged_content(benchmark, client, course_content, settings):
    client.force_login(UserFactory())
    benchmark(content_load, directory=settings.CONTENT_DIR)
    within_floors(
        benchmark,
        client,
        "load_content_unchanged",
        benchmark.stats.stats.mean,
        FLOOR_MULTIPLE["load_content_unchanged"],
    )
