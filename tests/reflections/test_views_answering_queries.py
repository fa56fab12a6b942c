"""Every answering page and write endpoint runs a fixed number of queries, however many
answers and versions there are."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reflections.models import AnswerVersion, ExerciseResponse
from reflections.services.answers import answer_save
from tests.factories import ExerciseFactory, QuestionFactory

pytestmark = pytest.mark.django_db

# Generous enough for the share panel and commitment tags placed on these pages, and
# far below what one query per answer or version would need once the data grows.
PAGE_LIMIT = 25
WRITE_LIMIT = 20


@pytest.fixture
def exercise():
    exercise = ExerciseFactory(number=7)
    for order in range(1, 4):
        QuestionFactory(exercise=exercise, key=f"q{order}", order=order)
    return exercise


def grow(user, exercise, saves_per_question):
    """Save every question of `exercise` `saves_per_question` times."""
    for question in exercise.questions.all():
        for base in range(saves_per_question):
            answer_save(
                user=user,
                exercise=exercise,
                question=question,
                text=f"Version {base + 1}",
                base_version=base,
            )


def count(client, method, url, expect, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code == expect
    return len(queries)


def autosave(client, version):
    url = reverse("reflections:autosave", args=[7, "q1"])
    body = json.dumps({"text": f"Changed {version}", "version": version})
    return count(client, "post", url, 200, data=body, content_type="application/json")


def form_save(client, version):
    data = {f"answer-q{n}": f"Form {version}" for n in range(1, 4)}
    data.update({f"version-q{n}": str(version) for n in range(1, 4)})
    return count(client, "post", reverse("reflections:exercise", args=[7]), 302, data=data)


def submit(client, version):
    ExerciseResponse.objects.update(submitted_at=None)  # each time a first submission
    return count(client, "post", reverse("reflections:submit", args=[7]), 302, data={})


PAGES = {
    "mine": lambda: reverse("reflections:mine"),
    "exercise": lambda: reverse("reflections:exercise", args=[7]),
    "history": lambda: reverse("reflections:history", args=[7, "q1"]),
    "version_delete": lambda: reverse("reflections:version_delete", args=[7, "q1", 1]),
    "history_clear": lambda: reverse("reflections:history_clear", args=[7, "q1"]),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_answers(client, practitioner, exercise, name):
    client.force_login(practitioner)
    grow(practitioner, exercise, 2)  # an earlier version to delete
    few = count(client, "get", PAGES[name](), 200)
    QuestionFactory(exercise=ExerciseFactory(number=8))
    for question in exercise.questions.all():
        for base in range(2, 13):
            answer_save(
                user=practitioner,
                exercise=exercise,
                question=question,
                text=f"More {base}",
                base_version=base,
            )
    many = count(client, "get", PAGES[name](), 200)
    assert many == few
    assert many <= PAGE_LIMIT


@pytest.mark.parametrize("write", [autosave, form_save, submit], ids=lambda w: w.__name__)
def test_write_queries_do_not_grow_with_answers_or_versions(client, practitioner, exercise, write):
    client.force_login(practitioner)
    grow(practitioner, exercise, 1)
    few = write(client, 1)
    for question in exercise.questions.all():
        for base in range(2, 15):
            answer_save(
                user=practitioner,
                exercise=exercise,
                question=question,
                text=f"Later {base}",
                base_version=base,
            )
    many = write(client, 15)
    assert many == few
    assert many <= WRITE_LIMIT


def test_autosave_stays_within_its_bound(
    client, practitioner, exercise, django_assert_max_num_queries
):
    client.force_login(practitioner)
    grow(practitioner, exercise, 10)
    url = reverse("reflections:autosave", args=[7, "q2"])
    body = json.dumps({"text": "Bounded", "version": 10})
    with django_assert_max_num_queries(12):
        response = client.post(url, body, content_type="application/json")
    assert response.json()["version"] == 11


def test_form_save_stays_within_its_bound(
    client, practitioner, exercise, django_assert_max_num_queries
):
    client.force_login(practitioner)
    grow(practitioner, exercise, 10)
    data = {f"answer-q{n}": "Bounded" for n in range(1, 4)}
    data.update({f"version-q{n}": "10" for n in range(1, 4)})
    with django_assert_max_num_queries(WRITE_LIMIT):
        response = client.post(reverse("reflections:exercise", args=[7]), data)
    assert response.status_code == 302


def test_an_autosave_joined_to_the_last_entry_runs_the_same_queries(client, practitioner, exercise):
    client.force_login(practitioner)
    grow(practitioner, exercise, 10)
    new_entry = autosave(client, 10)
    joined = autosave(client, 11)
    assert AnswerVersion.objects.filter(answer__question__key="q1").count() == 11
    assert joined == new_entry


HISTORY_WRITES = {
    "version_delete": lambda: reverse("reflections:version_delete", args=[7, "q1", 1]),
    "history_clear": lambda: reverse("reflections:history_clear", args=[7, "q1"]),
}


@pytest.mark.parametrize("name", HISTORY_WRITES)
def test_deleting_history_runs_a_fixed_number_of_queries(
    client, practitioner, colleague, exercise, name
):
    client.force_login(practitioner)
    grow(practitioner, exercise, 3)
    few = count(client, "post", HISTORY_WRITES[name](), 302)
    client.force_login(colleague)
    grow(colleague, exercise, 14)
    many = count(client, "post", HISTORY_WRITES[name](), 302)
    assert many == few
    assert many <= WRITE_LIMIT
