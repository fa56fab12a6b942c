"""How fast a team manager's pages are for an organisation of 2,000 practitioners in 40
teams, one of them 500 strong, with the whole course and progress spread across it.
Skipped in the normal run; run on the configured database with
`./dev test tests/benchmarks/test_team_progress_speed.py --benchmark-only`.

Each page is measured against the framework floor in the same run (`floor.py`: a
signed-in view returning a constant body through the same middleware and session). The
target is a ratio to that floor, so it holds on any machine: the dashboard, one page of
the 500-member table and its CSV must each take no more than FLOOR_MULTIPLE times the
floor's mean time. The README records the figures and the machine.
"""

import random
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Team, User
from modules.models import Exercise, Lesson, LessonProgress, Question
from reflections.models import Answer, ExerciseResponse
from tests.factories import UserFactory, second_factor_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.floor")]

PRACTITIONERS = 2_000
TEAMS = 40
LARGE_TEAM = 500

# A page may cost at most this many floors. Measured (README) on a busy machine, with the
# team's figures kept in the cache (team_progress.figures): about 6 for the dashboard, 5
# for the CSV and 15 for the table (rendering 50 rows); working the figures out on every
# request cost 20 to 30, and a page that queried per member would cost over a hundred.
FLOOR_MULTIPLE = {"dashboard": 15, "team_table": 30, "team_csv": 15}


def _organisation_build(manager):
    """The organisation, its teams and people, and their progress: bulk-created, so the
    build takes seconds. A fixed seed gives every run the same spread."""
    chance = random.Random(2017)
    now = timezone.now()
    organisation = Organisation.objects.create(name="Benchmark Borough Council")
    teams = Team.objects.bulk_create(
        Team(organisation=organisation, name=f"Team {n:02}") for n in range(1, TEAMS + 1)
    )
    large, others = teams[0], teams[1:]
    large.managers.add(manager)
    share, left = divmod(PRACTITIONERS - LARGE_TEAM, len(others))
    sizes = [LARGE_TEAM] + [share + (n < left) for n in range(len(others))]
    people = User.objects.bulk_create(
        User(
            email=f"practitioner{team.pk}-{n}@benchmark.example.org",
            full_name=f"Practitioner {team.pk}-{n}",
            job_role=chance.choice(["Social worker", "Senior practitioner", "Family support"]),
            organisation=organisation,
            team=team,
            password="!",
        )
        for team, size in zip(teams, sizes, strict=True)
        for n in range(size)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=person, email=person.email, primary=True, verified=True)
        for person in people
    )
    lessons = list(Lesson.objects.order_by("part__order", "order"))
    exercises = list(Exercise.objects.order_by("number"))
    questions = {
        exercise.pk: list(Question.objects.filter(exercise=exercise)) for exercise in exercises
    }
    progress, responses = [], []
    for person in people:
        # A fifth have not started, a third have finished, the rest are part way.
        roll = chance.random()
        if roll < 0.2:
            done = 0
        elif roll > 0.67:
            done = len(lessons)
        else:
            done = chance.randrange(1, len(lessons))
        seen = now - timedelta(days=chance.randrange(0, 90), minutes=chance.randrange(0, 1440))
        progress.extend(
            LessonProgress(user=person, lesson=lesson, last_viewed_at=seen, completed_at=seen)
            for lesson in lessons[:done]
        )
        for exercise in exercises:
            if exercise.lesson in lessons[:done]:
                submitted = seen if done == len(lessons) or chance.random() < 0.5 else None
                responses.append(
                    ExerciseResponse(
                        user=person, exercise=exercise, last_saved_at=seen, submitted_at=submitted
                    )
                )
    LessonProgress.objects.bulk_create(progress, batch_size=5_000)
    ExerciseResponse.objects.bulk_create(responses, batch_size=5_000)
    text = "A reflection of some length, as practitioners write them. " * 6
    Answer.objects.bulk_create(
        (
            Answer(response=response, question=question, text=text, version=1)
            for response in responses
            for question in questions[response.exercise_id]
        ),
        batch_size=5_000,
    )
    assert User.objects.filter(organisation=organisation).count() == PRACTITIONERS
    return large


@pytest.fixture
def manager_client(client, course_content):
    manager = UserFactory(role=User.Role.TEAM_MANAGER, team=None, organisation=None)
    large = _organisation_build(manager)
    manager.organisation = large.organisation
    manager.team = large
    manager.save()
    second_factor_for(manager)
    client.force_login(manager)
    client.large_team = large
    return client


def _measure(benchmark, client, url, expected):
    response = client.get(url)
    assert response.status_code == 200, url
    assert expected in response.content.decode("utf-8-sig"), url
    benchmark(client.get, url)
    return benchmark.stats.stats.mean


def _floor(client, rounds=200):
    """The floor's mean over `rounds` requests (pytest-benchmark allows one benchmarked
    callable per test, so the floor is timed here with the same clock)."""
    url = reverse("benchmark_floor")
    assert client.get(url).status_code == 200
    for _ in range(20):
        client.get(url)
    started = time.perf_counter()
    for _ in range(rounds):
        client.get(url)
    return (time.perf_counter() - started) / rounds


def _within(benchmark, client, name, mean):
    floor = _floor(client)
    ratio = floor / mean
    benchmark.extra_info.update(floor_ms=round(floor * 1000, 2), ratio_to_floor=round(ratio, 3))
    print(f"\n{name}: {mean * 1000:.1f} ms; floor {floor * 1000:.2f} ms; ratio {ratio:.3f}")
    assert mean <= floor * FLOOR_MULTIPLE[name], (
        f"{name}: {mean * 1000:.1f} ms is more than {FLOOR_MULTIPLE[name]} floors "
        f"({floor * 1000:.2f} ms each)"
    )


def test_my_teams_dashboard(benchmark, manager_client):
    url = reverse("team_progress:dashboard")
    mean = _measure(benchmark, manager_client, url, "Team 01")
    _within(benchmark, manager_client, "dashboard", mean)


def test_one_page_of_the_500_member_table(benchmark, manager_client):
    url = reverse("team_progress:team", args=[manager_client.large_team.pk])
    mean = _measure(benchmark, manager_client, url + "?sort=percent&order=desc", "of 501.")
    _within(benchmark, manager_client, "team_table", mean)


def test_the_500_member_csv(benchmark, manager_client):
    url = reverse("team_progress:team_csv", args=[manager_client.large_team.pk])
    mean = _measure(benchmark, manager_client, url, "Percentage complete")
    _within(benchmark, manager_client, "team_csv", mean)
