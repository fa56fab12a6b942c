"""How fast a team manager's pages are for an organisation of 2,000 practitioners in 40
teams, one of them 500 strong, with the whole course and progress spread across it.
Skipped in the normal run; run on the configured database with
`./dev test tests/benchmarks/test_team_progress_speed.py --benchmark-only`.

Each page is measured against the framework floor in the same run (`bench/urls.py`: a
signed-in view returning a constant body through the same middleware and session). The
target is a ratio to that floor, so it holds on any machine: the dashboard, one page of
the 500-member table and its CSV must each take no more than FLOOR_MULTIPLE times the
floor's mean time. The README records the figures and the machine.
"""

import pytest
from django.urls import reverse

from bench.seed import organisation_seed

from .floor import within_floors

# The floor and the organisation are the load benchmark's own (bench/urls.py,
# bench/seed.py), so both benchmarks measure the same thing.
pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

# A page may cost at most this many floors. Measured (README) on a busy machine, with the
# team's figures kept in the cache (team_progress.figures): about 6 for the dashboard, 5
# for the CSV and 15 for the table (rendering 50 rows); working the figures out on every
# request cost 20 to 30, and a page that queried per member would cost over a hundred.
FLOOR_MULTIPLE = {"dashboard": 15, "team_table": 30, "team_csv": 15}


@pytest.fixture
def manager_client(client, course_content):
    """The team manager of 2,000 practitioners in 40 teams, one of them 500 strong, with
    progress spread across the course (bulk-created, a fixed seed), signed in."""
    seeded = organisation_seed()
    client.force_login(seeded.manager)
    client.large_team = seeded.large_team
    return client


def _measure(benchmark, client, url, expected):
    response = client.get(url)
    assert response.status_code == 200, url
    assert expected in response.content.decode("utf-8-sig"), url
    benchmark(client.get, url)
    return benchmark.stats.stats.mean


def test_my_teams_dashboard(benchmark, manager_client):
    url = reverse("team_progress:dashboard")
    mean = _measure(benchmark, manager_client, url, "Team 01")
    within_floors(benchmark, manager_client, "dashboard", mean, FLOOR_MULTIPLE["dashboard"])


def test_one_page_of_the_500_member_table(benchmark, manager_client):
    url = reverse("team_progress:team", args=[manager_client.large_team.pk])
    mean = _measure(benchmark, manager_client, url + "?sort=percent&order=desc", "of 501.")
    within_floors(benchmark, manager_client, "team_table", mean, FLOOR_MULTIPLE["team_table"])


def test_the_500_member_csv(benchmark, manager_client):
    url = reverse("team_progress:team_csv", args=[manager_client.large_team.pk])
    mean = _measure(benchmark, manager_client, url, "Percentage complete")
    within_floors(benchmark, manager_client, "team_csv", mean, FLOOR_MULTIPLE["team_csv"])
