"""Speed targets for the course pages. Skipped in the normal run; run them with
`./dev test tests/benchmarks --benchmark-only`.

Each target is the mean time on a 2-core machine with SQLite, generous enough to
hold on slower machines and tight enough to catch a page that starts rendering
Markdown or querying per lesson.
"""

import pytest
from django.urls import reverse

from modules.models import Lesson
from modules.services import content_load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TARGETS = {
    "home": 0.050,
    "lesson": 0.060,
    "load_content_unchanged": 1.0,
}


def within_target(benchmark, name):
    mean = benchmark.stats.stats.mean
    assert mean < TARGETS[name], (
        f"{name}: mean {mean * 1000:.1f} ms, target {TARGETS[name] * 1000:.0f} ms"
    )


def test_course_home_for_a_signed_in_practitioner(benchmark, client, course_content):
    client.force_login(UserFactory())
    benchmark(client.get, reverse("modules:home"))
    within_target(benchmark, "home")


def test_the_longest_lesson_page(benchmark, client, course_content):
    client.force_login(UserFactory())
    longest = max(Lesson.objects.all(), key=lambda lesson: len(lesson.body_html))
    benchmark(client.get, longest.get_absolute_url())
    within_target(benchmark, "lesson")


def test_loading_unchanged_content(benchmark, course_content, settings):
    benchmark(content_load, directory=settings.CONTENT_DIR)
    within_target(benchmark, "load_content_unchanged")
