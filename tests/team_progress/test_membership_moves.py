"""A person's progress goes with them when their organisation's administrator moves them
to another team (organisations.services.member_team_set): the old team's figures drop
them and the new team's include them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.selectors import course_get
from organisations.services import member_team_set
from team_progress.selectors import team_members, team_summaries
from tests.factories import TeamFactory, UserFactory, second_factor_for

from .conftest import complete_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin(team):
    user = UserFactory(team=team, role="organisation_admin", full_name="Jordan Evans")
    second_factor_for(user)
    return user


@pytest.fixture
def new_team(organisation):
    return TeamFactory(organisation=organisation, name="Assessment")


@pytest.fixture
def new_manager(new_team):
    user = UserFactory(team=new_team, role="team_manager", full_name="Rowan Green")
    new_team.managers.add(user)
    return user


@pytest.fixture
def mover(team, lessons):
    """Jo Mover: two lessons completed, idle for 40 days."""
    user = UserFactory(team=team, full_name="Jo Mover")
    complete_lessons(user, lessons[:2], at=timezone.now() - timedelta(days=40))
    return user


def figures(manager):
    [summary] = team_summaries(manager=manager, course=course_get())
    per_lesson = [count for _lesson, count in summary.lesson_counts]
    return summary.members, summary.in_progress, summary.inactive, per_lesson


def names(team):
    return [member.full_name for member in team_members(team=team)]


def test_a_moved_persons_progress_goes_with_them(
    org_admin, manager, new_manager, team, new_team, mover
):
    # Before: Children in Care has Priya (manager), Jordan (admin) and Jo; Assessment has
    # Rowan.
    assert figures(manager) == (3, 1, 1, [1, 1, 0])
    assert figures(new_manager) == (1, 0, 0, [0, 0, 0])

    member_team_set(admin=org_admin, person=mover, team=new_team)

    assert figures(manager) == (2, 0, 0, [0, 0, 0])
    assert figures(new_manager) == (2, 1, 1, [1, 1, 0])
    assert "Jo Mover" not in names(team)
    assert "Jo Mover" in names(new_team)
    moved = next(m for m in team_members(team=new_team) if m.pk == mover.pk)
    assert (moved.lessons_completed, moved.completion_status) == (2, "in_progress")


def test_after_a_move_only_the_new_teams_manager_sees_the_person(
    client, org_admin, manager, new_manager, team, new_team, mover
):
    member_team_set(admin=org_admin, person=mover, team=new_team)
    second_factor_for(manager)
    client.force_login(manager)
    assert (
        "Jo Mover" not in client.get(reverse("team_progress:team", args=[team.pk])).content.decode()
    )
    old_page = reverse("team_progress:member", args=[team.pk, mover.pk])
    assert client.get(old_page).status_code == 404

    second_factor_for(new_manager)
    client.force_login(new_manager)
    response = client.get(reverse("team_progress:team", args=[new_team.pk]))
    assert "Jo Mover" in response.content.decode()
    assert "2 of 3" in response.content.decode()
    new_page = reverse("team_progress:member", args=[new_team.pk, mover.pk])
    assert client.get(new_page).status_code == 200
