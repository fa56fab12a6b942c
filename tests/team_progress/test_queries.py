"""The managers' pages run the same number of queries for 5 members as for 500, and a
member's page the same for a short course as for a long one."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from modules.models import LessonProgress
from reflections.models import ExerciseResponse
from team_progress.models import Nudge
from tests.factories import ExerciseFactory, LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Measured, whatever the team's size or the course's length: the session, the user, the
# second-factor check (once a request), the audit row (team page and CSV), the team, its
# members, the team's fingerprint (team_progress.figures, with the course's totals) and
# the page's own reads: 8 (My teams, team page) and 7 (CSV) while the team's figures are
# kept in the cache, and two more (the figures worked out: 10, 10, 9) when they are not.
# 15 for a member's page, which reads one person's figures directly.
MAX_QUERIES = 10
MAX_KEPT_QUERIES = 8
MAX_MEMBER_PAGE_QUERIES = 15


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
    Nudge.objects.bulk_create(Nudge(member=m, team=team, sent_at=now) for m in members[::3])


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
        cache.clear()  # the team's figures worked out
        with django_assert_max_num_queries(MAX_QUERIES):
            response = manager_client.get(url)
        assert response.status_code == 200, url
        assert content in response.content.decode("utf-8-sig"), url
        with django_assert_max_num_queries(MAX_KEPT_QUERIES):  # and kept
            response = manager_client.get(url)
        assert response.status_code == 200, url
        assert content in response.content.decode("utf-8-sig"), url


@pytest.mark.parametrize("length", [5, 60])
def test_a_members_page_does_not_grow_with_the_course(
    manager_client, team, member_factory, django_assert_max_num_queries, length
):
    lessons = [LessonFactory() for _ in range(length)]
    exercises = [ExerciseFactory(lesson=lesson) for lesson in lessons]
    member = member_factory(full_name="Jo Bloggs")
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=member, lesson=lesson, last_viewed_at=now, completed_at=now)
        for lesson in lessons
    )
    ExerciseResponse.objects.bulk_create(
        ExerciseResponse(user=member, exercise=exercise, submitted_at=now)
        for exercise in exercises[:-1]
    )
    Nudge.objects.bulk_create(Nudge(member=member, team=team, sent_at=now) for _ in range(3))
    url = reverse("team_progress:member", args=[team.pk, member.pk])
    with django_assert_max_num_queries(MAX_MEMBER_PAGE_QUERIES):
        response = manager_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        f"In progress: {length} of {length} lessons completed and {length - 1} of {length} "
        "exercises submitted"
    ) in body
    assert body.count(f"<td>{timezone.localdate():%-d %b %Y}</td>") == 2 * length - 1
    assert "(reminded today)" in body
