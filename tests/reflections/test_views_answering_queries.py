"""Every answering page and write endpoint runs a fixed number of queries, however many
answers and versions there are."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reflections.models import Answer, AnswerVersion, ExerciseResponse
from reflections.services.answers import answer_save
from tests.factories import CourseFactory, ExerciseFactory, QuestionFactory

pytestmark = pytest.mark.django_db

# Generous enough for the share panel and commitment tags placed on these pages, and
# far below what one query per answer or version would need once the data grows.
PAGE_LIMIT = 25
WRITE_LIMIT = 20
ALONE = ("first", "second")  # the pair question stays closed without a share


def grow(user, exercise, saves_per_question):
    """Save every question of `exercise` `saves_per_question` times."""
    for question in exercise.questions.filter(key__in=ALONE):
        for base in range(saves_per_question):
            answer_save(
                user=user,
                exercise=exercise,
                question=question,
                text=f"Version {base + 1}",
                base_version=base,
            )


def count(client, method, url, status, shows, **kwargs):
    """The queries one request runs. It must answer `status` and show `shows`: in its
    body, or for a redirect, in the address it sends the browser to."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    assert shows in (response.url if status == 302 else response.content.decode())
    return len(queries)


def stored(key):
    return Answer.objects.get(question__key=key).typed_text


def autosave(client, version):
    # The response's last save in an earlier minute, so every save counted writes it.
    ExerciseResponse.objects.update(last_saved_at=timezone.now() - timedelta(hours=1))
    url = reverse("reflections:autosave", args=[7, "first"])
    body = json.dumps({"text": f"Changed {version}", "version": version})
    shows = f'"version": {version + 1}'
    queries = count(client, "post", url, 200, shows, data=body, content_type="application/json")
    assert stored("first") == f"Changed {version}"
    return queries


def form_save(client, version):
    data = {f"answer-{key}": f"Form {version}" for key in ALONE}
    data.update({f"version-{key}": str(version) for key in ALONE})
    url = reverse("reflections:exercise", args=[7])
    queries = count(client, "post", url, 302, url, data=data)
    assert stored("second") == f"Form {version}"
    return queries


def submit(client, version):
    ExerciseResponse.objects.update(submitted_at=None)  # each time a first submission
    url = reverse("reflections:submit", args=[7])
    queries = count(client, "post", url, 302, reverse("reflections:exercise", args=[7]), data={})
    assert ExerciseResponse.objects.get().submitted_at is not None
    return queries


# Each page, and a piece of what it shows once the answers have grown.
PAGES = {
    "mine": (lambda: reverse("reflections:mine"), "Reflective exercise 8"),
    "exercise": (lambda: reverse("reflections:exercise", args=[7]), "More 12"),
    "history": (lambda: reverse("reflections:history", args=[7, "first"]), "Version 2"),
    "version_delete": (
        lambda: reverse("reflections:version_delete", args=[7, "first", 1]),
        "Delete version 1 of your answer?",
    ),
    "history_clear": (
        lambda: reverse("reflections:history_clear", args=[7, "first"]),
        "Delete all earlier versions of your answer?",
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_answers(client, practitioner, exercise, name):
    client.force_login(practitioner)
    grow(practitioner, exercise, 2)  # an earlier version to delete
    url, shows = PAGES[name]
    few = count(client, "get", url(), 200, "Reflective exercise 7")
    QuestionFactory(exercise=ExerciseFactory(number=8))
    for question in exercise.questions.filter(key__in=ALONE):
        for base in range(2, 13):
            answer_save(
                user=practitioner,
                exercise=exercise,
                question=question,
                text=f"More {base}",
                base_version=base,
            )
    many = count(client, "get", url(), 200, shows)
    assert many == few
    assert many <= PAGE_LIMIT


@pytest.mark.parametrize("write", [autosave, form_save, submit], ids=lambda w: w.__name__)
def test_write_queries_do_not_grow_with_answers_or_versions(client, practitioner, exercise, write):
    client.force_login(practitioner)
    grow(practitioner, exercise, 1)
    few = write(client, 1)
    for question in exercise.questions.filter(key__in=ALONE):
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


def test_the_exercise_page_stays_within_its_bound(
    client, practitioner, exercise, django_assert_max_num_queries
):
    CourseFactory()  # with it, the exercise is kept between requests (course_cache)
    client.force_login(practitioner)
    grow(practitioner, exercise, 3)
    url = reverse("reflections:exercise", args=[7])
    client.get(url)
    # Session, user, course, and the answers with their response and whether a share
    # concerns the practitioner.
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Second question?" in page
    assert "Version 3" in page


def test_the_exercise_page_before_any_answer_stays_within_the_same_bound(
    client, practitioner, exercise, django_assert_max_num_queries
):
    CourseFactory()
    client.force_login(practitioner)
    url = reverse("reflections:exercise", args=[7])
    client.get(url)
    # The answers and their response are one query, whether or not there are any.
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    assert "Not started" in response.content.decode()


@pytest.mark.parametrize(
    ("earlier", "bound"),
    [(timedelta(seconds=20), 6), (timedelta(minutes=1), 7)],
    ids=["same minute", "next minute"],
)
def test_autosave_stays_within_its_bound(
    client, practitioner, exercise, django_assert_max_num_queries, monkeypatch, earlier, bound
):
    at = timezone.now().replace(second=40)
    monkeypatch.setattr(timezone, "now", lambda: at)
    client.force_login(practitioner)
    grow(practitioner, exercise, 10)
    ExerciseResponse.objects.update(last_saved_at=at - earlier)
    url = reverse("reflections:autosave", args=[7, "second"])
    body = json.dumps({"text": "Bounded", "version": 10})
    # Session, user, and in one transaction: the answer (its question found, the
    # response locked and its newest history entry read in the same UPDATE) and its
    # history; and the response's time, unless it already holds this minute.
    with django_assert_max_num_queries(bound) as queries:
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["version"] == 11
    assert stored("second") == "Bounded"
    # One answer is written with plain UPDATEs, not bulk_update's CASE expressions.
    assert not [query for query in queries.captured_queries if "CASE" in query["sql"]]


def test_form_save_stays_within_its_bound(
    client, practitioner, exercise, django_assert_max_num_queries
):
    client.force_login(practitioner)
    grow(practitioner, exercise, 10)
    data = {f"answer-{key}": "Bounded" for key in ALONE}
    data.update({f"version-{key}": "10" for key in ALONE})
    with django_assert_max_num_queries(WRITE_LIMIT):
        response = client.post(reverse("reflections:exercise", args=[7]), data)
    assert response.status_code == 302
    assert response.url == reverse("reflections:exercise", args=[7]) + "?saved=1#exercise-saved"
    assert [stored(key) for key in ALONE] == ["Bounded"] * 2


def test_an_autosave_joined_to_the_last_entry_runs_the_same_queries(client, practitioner, exercise):
    client.force_login(practitioner)
    grow(practitioner, exercise, 10)
    new_entry = autosave(client, 10)
    joined = autosave(client, 11)
    assert AnswerVersion.objects.filter(answer__question__key="first").count() == 11
    assert joined == new_entry


HISTORY_WRITES = {
    "version_delete": lambda: reverse("reflections:version_delete", args=[7, "first", 1]),
    "history_clear": lambda: reverse("reflections:history_clear", args=[7, "first"]),
}
HISTORY = reverse("reflections:history", args=[7, "first"])


def earlier_versions(user):
    return AnswerVersion.objects.filter(
        answer__response__user=user, answer__question__key="first"
    ).earlier()


@pytest.mark.parametrize("name", HISTORY_WRITES)
def test_deleting_history_runs_a_fixed_number_of_queries(
    client, practitioner, colleague, exercise, name
):
    client.force_login(practitioner)
    grow(practitioner, exercise, 3)
    few = count(client, "post", HISTORY_WRITES[name](), 302, HISTORY)
    assert not earlier_versions(practitioner).filter(version=1).exists()
    client.force_login(colleague)
    grow(colleague, exercise, 14)
    many = count(client, "post", HISTORY_WRITES[name](), 302, HISTORY)
    assert not earlier_versions(colleague).filter(version=1).exists()
    assert many == few
    assert many <= WRITE_LIMIT
