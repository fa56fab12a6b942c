"""Who may be sent a reminder (team_progress.selectors), and when a reminder is recent
(team_progress.models): the queryset and the Python forms of each rule agree."""

from datetime import timedelta

import pytest
from django.utils import timezone

from team_progress.models import Nudge, nudge_cutoff
from team_progress.selectors import managed_members, nudge_note, team_members
from tests.factories import TeamFactory

from .conftest import complete_lessons

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lessons")]


def nudged(member, *, days_ago, minutes=0):
    return Nudge.objects.create(
        member=member,
        team=member.team,
        sent_at=timezone.now() - timedelta(days=days_ago, minutes=minutes),
    )


@pytest.mark.parametrize(
    ("days_ago", "minutes", "recent"),
    [(0, 0, True), (6, 0, True), (6, 23 * 60, True), (7, 1, False), (30, 0, False)],
)
def test_recent_nudges_agree_with_is_recent(member_factory, days_ago, minutes, recent):
    nudge = nudged(member_factory(), days_ago=days_ago, minutes=minutes)
    assert nudge.is_recent is recent
    assert Nudge.objects.recent().filter(pk=nudge.pk).exists() is recent
    assert Nudge.objects.recent(nudge_cutoff()).filter(pk=nudge.pk).exists() is recent


def flags(team):
    return {
        m.full_name: (m.may_nudge, m.last_nudged_at is not None) for m in team_members(team=team)
    }


def test_who_may_be_reminded(manager, team, member_factory, lessons):
    now = timezone.now()
    member_factory(full_name="Not started")
    complete_lessons(member_factory(full_name="Idle"), lessons[:1], at=now - timedelta(days=30))
    complete_lessons(member_factory(full_name="Busy"), lessons[:1], at=now - timedelta(days=29))
    complete_lessons(member_factory(full_name="Done"), lessons, at=now - timedelta(days=90))
    nudged(member_factory(full_name="Reminded lately"), days_ago=6)
    nudged(member_factory(full_name="Reminded long ago"), days_ago=8)
    assert flags(team) == {
        "Busy": (False, False),
        "Done": (False, False),
        "Idle": (True, False),
        "Not started": (True, False),
        "Priya Shah": (True, False),
        "Reminded lately": (False, True),
        "Reminded long ago": (True, True),
    }


def test_the_note_says_why_there_is_no_checkbox(manager, team, member_factory):
    for days in (0, 1, 3):
        nudged(member_factory(full_name=f"Reminded {days}"), days_ago=days)
    nudged(member_factory(full_name="Reminded 8"), days_ago=8)
    notes = {m.full_name: nudge_note(m) for m in team_members(team=team)}
    assert notes["Reminded 0"] == "Reminded today"
    assert notes["Reminded 1"] == "Reminded yesterday"
    assert notes["Reminded 3"] == "Reminded 3 days ago"
    assert notes["Reminded 8"] == ""


def test_managed_members_are_only_those_of_a_team_the_manager_manages(
    manager, team, organisation, member_factory
):
    ours = member_factory()
    other = TeamFactory(organisation=organisation)
    member_factory(team=other)
    assert ours in managed_members(manager=manager, team=team)
    assert not managed_members(manager=manager, team=other).exists()
