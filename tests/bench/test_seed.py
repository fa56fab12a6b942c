"""The benchmark's seed and sign-ins (bench/seed.py), on a tiny organisation. Nothing
here is timed: bench/run measures."""

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.models import Team, User
from bench.seed import (
    answer_version_prepare,
    organisation_seed,
    practitioners_for_load,
    sign_in_create,
)
from bench.urls import FLOOR_MARKER
from modules.models import LessonProgress, Question
from reflections.models import Answer, AnswerVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(course_content):
    return organisation_seed(practitioners=20, teams=4, large_team=8)


def _signed_in_client(client, sign_in):
    for part in sign_in.cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    return client


def test_the_organisation_has_its_teams_people_and_progress(seeded):
    teams = Team.objects.filter(organisation=seeded.organisation)
    sizes = sorted(team.members.filter(role=User.Role.PRACTITIONER).count() for team in teams)
    assert sizes == [4, 4, 4, 8]
    assert seeded.large_team.managers.get() == seeded.manager
    people = User.objects.filter(organisation=seeded.organisation, role=User.Role.PRACTITIONER)
    assert people.count() == 20
    assert LessonProgress.objects.filter(user__in=people).exists()
    # Every answer has the history entry that holds its text.
    answers = Answer.objects.filter(response__user__in=people)
    assert answers.exists()
    assert AnswerVersion.objects.filter(answer__in=answers).count() == answers.count()


def test_a_practitioner_sign_in_opens_the_course_and_saves_from_the_returned_version(
    seeded, client
):
    person = practitioners_for_load(3)[0]
    question = Question.objects.current().filter(exercise__number=1, stage="individual").first()
    version = answer_version_prepare(person, question)
    sign_in = sign_in_create(person)
    _signed_in_client(client, sign_in)

    home = client.get(reverse("modules:home"))
    assert home.status_code == 200
    assert person.full_name in home.content.decode()

    url = reverse("reflections:autosave", kwargs={"number": 1, "key": question.key})
    save = client.post(
        url,
        {"text": "Saved by the benchmark.", "version": version},
        content_type="application/json",
        headers={"X-CSRFToken": sign_in.csrf_token},
    )
    assert save.status_code == 200, save.content
    assert save.json()["version"] == version + 1


def test_the_manager_sign_in_has_the_second_factor_the_team_pages_need(seeded, client):
    assert settings.REQUIRE_SECOND_FACTOR
    _signed_in_client(client, sign_in_create(seeded.manager, second_factor=True))
    response = client.get(reverse("team_progress:team_csv", args=[seeded.large_team.pk]))
    assert response.status_code == 200
    assert "Percentage complete" in response.content.decode("utf-8-sig")


@pytest.mark.urls("bench.urls")
def test_the_floor_answers_signed_in_people_in_the_benchmark_urlconf(seeded, client):
    _signed_in_client(client, sign_in_create(practitioners_for_load(1)[0]))
    response = client.get(reverse("benchmark_floor"))
    assert response.status_code == 200
    assert FLOOR_MARKER in response.content.decode()


def test_the_floor_is_not_in_the_course_urlconf(client, django_user_model):
    with pytest.raises(NoReverseMatch):
        reverse("benchmark_floor")
    client.force_login(django_user_model.objects.create(email="a@example.org"))
    assert client.get("/benchmark-floor/").status_code == 404
