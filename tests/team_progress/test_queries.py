"""The managers' pages run the same number of queries for 5 members as for 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from modules.models import LessonProgress
from reflections.models import ExerciseResponse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Measured: 11 (My teams), 13 (team page), 10 (CSV), whatever the team size: the session,
# the user, the second-factor check, the audit row, the course totals and the page's reads.
MAX_QUERIES = 13


def fill_team(team, lessons, exercises, count):
    members = UserFactory.create_batch(count, team=team)
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=m, lesson=lesson, last_viewed_at=now, completed_at=now)
        for m in members
        for lesson in lessons[: 1 + m.pk % 3]
    )
    ExerciseResponse.objects.bulk_create(
        ExerciseResponse(user=m, exercise=exercise, submitted_at=now)
        for m in members[::2]
        for exercise in exercises
    )


@pytest.mark.parametrize("count", [5, 500])
def test_queries_do_not_grow_with_the_team(
    manager_client, team, lessons, exercises, django_assert_max_num_queries, count
):
    fill_team(team, lessons, exercises, count)
    assert User.objects.filter(team=team).count() == count + 1
    pages = [
        (reverse("team_progress:dashboard"), f'<dd class="col-sm-6 col-md-8">{count + 1}</dd>'),
        (reverse("team_progress:team", args=[team.pk]), f"of {count + 1}."),
        (
            reverse("team_progress:team", args=[team.pk])
            + "?sort=percent&order=desc&status=completed",
            "Showing 1 to",
        ),
        (reverse("team_progress:team_csv", args=[team.pk]), "Percentage complete"),
    ]
    for url, content in pages:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = manager_client.get(url)
        assert response.status_code == 200, url
        assert content in response.content.decode("utf-8-sig"), url
