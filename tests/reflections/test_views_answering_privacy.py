"""Nobody but the owner ever sees an answer: not on any reflections address, not in the
admin, not in the log."""

import json
import logging

import pytest
from django.urls import reverse

from modules.models import Question
from reflections.models import Answer, ExerciseResponse
from reflections.services.answers import answer_save

pytestmark = pytest.mark.django_db

SECRET = "Owner's private reflection 7f3a"


@pytest.fixture
def owner_answers(course_content, practitioner):
    """The owner has answered every individual question of every exercise."""
    for question in (
        Question.objects.current().filter(stage="individual").select_related("exercise")
    ):
        answer_save(
            user=practitioner,
            exercise=question.exercise,
            question=question,
            text=f"{SECRET} {question.key}",
            base_version=0,
        )


def every_reflections_page():
    yield reverse("reflections:mine")
    yield reverse("reflections:signed_in")
    for question in Question.objects.select_related("exercise"):
        yield reverse("reflections:exercise", args=[question.exercise.number])
        yield reverse("reflections:history", args=[question.exercise.number, question.key])


@pytest.fixture
def superuser(administrator):
    """A superuser with a second factor, as the admin site requires (tests/conftest.py)."""
    return administrator


@pytest.mark.parametrize("role", ["colleague", "manager", "trainer", "superuser"])
def test_no_one_else_sees_the_owners_text_on_any_page(client, owner_answers, request, role):
    client.force_login(request.getfixturevalue(role))
    for url in set(every_reflections_page()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


@pytest.mark.parametrize("role", ["colleague", "manager", "trainer", "superuser"])
def test_someone_elses_save_goes_to_their_own_answer(client, owner_answers, request, role):
    other = request.getfixturevalue(role)
    client.force_login(other)
    url = reverse("reflections:autosave", args=[1, "individual-responsibilities"])
    response = client.post(
        url, json.dumps({"text": "Mine", "version": 0}), content_type="application/json"
    )
    assert response.json()["status"] == "saved"
    assert SECRET not in response.content.decode()
    owners = Answer.objects.get(
        response__user__email="sam@example.org", question__key="individual-responsibilities"
    )
    assert owners.typed_text == f"{SECRET} individual-responsibilities"
    assert owners.version == 1


def test_a_stale_version_from_someone_else_never_reveals_the_owners_text(
    client, owner_answers, colleague
):
    client.force_login(colleague)
    url = reverse("reflections:autosave", args=[1, "individual-responsibilities"])
    response = client.post(
        url, json.dumps({"text": "Guess", "version": 5}), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["text"] == ""  # the colleague's own (empty) answer
    assert SECRET not in response.content.decode()


def test_admin_pages_show_no_answer_text(client, owner_answers, superuser):
    client.force_login(superuser)
    pages = [reverse("admin:index"), reverse("admin:app_list", args=["reflections"])]
    changelist = reverse("admin:reflections_exerciseresponse_changelist")
    pages.append(changelist)
    html = client.get(changelist).content.decode()
    assert "Response " in html
    for response in ExerciseResponse.objects.all():
        pages.append(reverse("admin:reflections_exerciseresponse_change", args=[response.pk]))
        pages.append(reverse("admin:reflections_exerciseresponse_delete", args=[response.pk]))
        pages.append(reverse("admin:reflections_exerciseresponse_history", args=[response.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


def test_answers_and_their_versions_have_no_admin_pages(client, owner_answers, superuser):
    client.force_login(superuser)
    assert client.get("/admin/reflections/answer/").status_code == 404
    assert client.get("/admin/reflections/answerversion/").status_code == 404


@pytest.fixture
def every_log(caplog):
    """caplog, also hearing the loggers that do not pass records up to the root."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ["django.request", "axes"]]
    for logger in loggers:
        caplog.set_level(logging.DEBUG, logger=logger.name)
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def test_answer_text_never_reaches_the_log(client, practitioner, course_content, every_log):
    caplog = every_log
    url = reverse("reflections:autosave", args=[1, "individual-responsibilities"])
    page = reverse("reflections:exercise", args=[1])

    def post(text, version):
        body = json.dumps({"text": text, "version": version})
        return client.post(url, body, content_type="application/json")

    post(SECRET, 0)  # signed out: 401
    client.force_login(practitioner)
    post(SECRET, 0)  # saved
    post(SECRET + " other tab", 0)  # conflict
    post(SECRET * 2_000, 1)  # too long
    client.post(url, '{"text": "' + SECRET, content_type="application/json")  # malformed
    client.post(page, {"answer-individual-responsibilities": SECRET, "version-x": "no"})
    client.post(page, {"answer-individual-responsibilities": SECRET * 2_000})
    client.post(reverse("reflections:submit", args=[1]), {})
    assert caplog.records, "the requests above log their 4xx answers"
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)
        assert SECRET not in repr(getattr(record, "request", ""))
