"""Sending reminders (team_progress.services.nudges_send): to whom, how often, what the
email says, and what is recorded."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import Team
from audit.models import AuditEvent
from outbox.models import EmailDelivery
from team_progress.models import Nudge
from team_progress.services import NudgeRefused, nudges_send
from tests.factories import TeamFactory, UserFactory

from .conftest import complete_lessons

# A course with lessons: in an empty one everybody has completed it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lessons")]


@pytest.fixture
def second_manager(team):
    user = UserFactory(team=team, full_name="Rowan Green", role="team_manager")
    team.managers.add(user)
    return user


def send(manager, team, *members):
    return nudges_send(manager=manager, team=team, member_ids=[m.pk for m in members])


def test_a_not_started_member_is_sent_a_reminder(manager, team, member_factory):
    member = member_factory(full_name="Jo Smith", email="jo@example.org")
    result = send(manager, team, member)
    assert result.sent == [member]
    assert result.not_due == []
    nudge = Nudge.objects.get()
    assert (nudge.member, nudge.team, nudge.sent_by) == (member, team, manager)
    assert nudge.email.purpose == "team_progress/nudge"
    assert [message.to for message in mail.outbox] == [["jo@example.org"]]


def test_an_inactive_member_may_be_reminded_and_an_active_one_may_not(
    manager, team, member_factory, lessons
):
    idle = member_factory(full_name="Jo Idle")
    complete_lessons(idle, lessons[:1], at=timezone.now() - timedelta(days=31))
    busy = member_factory(full_name="Jo Busy")
    complete_lessons(busy, lessons[:1], at=timezone.now() - timedelta(days=29))
    result = send(manager, team, idle, busy)
    assert result.sent == [idle]
    assert result.not_due == [busy]
    assert list(Nudge.objects.values_list("member", flat=True)) == [idle.pk]
    assert len(mail.outbox) == 1


def test_a_member_who_completed_the_course_is_not_reminded(manager, team, member_factory, lessons):
    done = member_factory()
    complete_lessons(done, lessons, at=timezone.now() - timedelta(days=90))
    assert send(manager, team, done).not_due == [done]
    assert not Nudge.objects.exists()
    assert mail.outbox == []


def test_one_reminder_in_seven_days_whoever_sends_it(manager, second_manager, team, member_factory):
    member = member_factory()
    assert send(manager, team, member).sent == [member]
    assert send(second_manager, team, member).not_due == [member]
    assert send(manager, team, member).not_due == [member]
    assert Nudge.objects.count() == 1
    assert len(mail.outbox) == 1

    Nudge.objects.update(sent_at=timezone.now() - timedelta(days=7, minutes=1))
    assert send(second_manager, team, member).sent == [member]
    assert Nudge.objects.count() == 2
    assert Nudge.objects.recent().get().sent_by == second_manager


def test_the_interval_is_a_setting(settings, manager, team, member_factory):
    settings.NUDGE_INTERVAL_DAYS = 2
    member = member_factory()
    send(manager, team, member)
    Nudge.objects.update(sent_at=timezone.now() - timedelta(days=2, minutes=1))
    assert send(manager, team, member).sent == [member]


def test_the_limit_follows_the_person_to_another_team(manager, team, organisation, member_factory):
    member = member_factory()
    send(manager, team, member)
    other = TeamFactory(organisation=organisation)
    other_manager = UserFactory(team=other, role="team_manager")
    other.managers.add(other_manager)
    member.team = other
    member.save()
    assert send(other_manager, other, member).not_due == [member]


def test_a_member_of_another_team_is_refused_and_nothing_is_sent(
    manager, team, organisation, member_factory
):
    ours = member_factory()
    theirs = UserFactory(team=TeamFactory(organisation=organisation))
    with pytest.raises(NudgeRefused) as refused:
        send(manager, team, ours, theirs)
    assert refused.value.member_ids == [theirs.pk]
    assert not Nudge.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="team_progress.nudged").exists()


def test_a_team_the_manager_does_not_manage_is_refused(manager, organisation):
    other = TeamFactory(organisation=organisation)
    member = UserFactory(team=other)
    with pytest.raises(Team.DoesNotExist):
        send(manager, other, member)
    assert mail.outbox == []


def test_someone_who_is_not_a_team_manager_is_refused(team, practitioner, colleague):
    with pytest.raises(Team.DoesNotExist):
        send(practitioner, team, colleague)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "make",
    [
        lambda factory: factory(verified=False),
        lambda factory: factory(is_active=False),
    ],
    ids=["unverified address", "deactivated account"],
)
def test_only_active_verified_members_are_reminded(manager, team, member_factory, make):
    with pytest.raises(NudgeRefused):
        send(manager, team, make(member_factory))
    assert mail.outbox == []


def test_each_reminder_is_in_the_audit_trail(manager, team, member_factory):
    first, second = member_factory(), member_factory()
    send(manager, team, first, second)
    events = AuditEvent.objects.filter(action="team_progress.nudged").order_by("target_id")
    assert [(e.actor, e.target_id, e.detail) for e in events] == [
        (manager, str(first.pk), {"team_id": team.pk}),
        (manager, str(second.pk), {"team_id": team.pk}),
    ]


def test_the_email_links_to_the_course_and_says_nothing_of_progress(
    settings, manager, team, member_factory, lessons
):
    member = member_factory(full_name="Jo Smith")
    complete_lessons(member, lessons[:2], at=timezone.now() - timedelta(days=40))
    send(manager, team, member)
    [message] = mail.outbox
    assert message.subject == "A reminder about the CSE practice course from Priya Shah"
    assert message.body.startswith("Hello Jo,")
    assert "Priya Shah, who manages your team" in message.body
    assert f"{settings.SITE_URL}/\n" in message.body
    text = message.subject + message.body
    # No figures, dates or statuses: nothing of how far they are, or of the team.
    assert not re.search(r"\d", text.replace(settings.SITE_URL, ""))
    for word in ("Lesson", "lesson", "inactive", "started", "progress", "complete", team.name):
        assert word not in text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locking (run with PostgreSQL)"
)
def test_two_managers_at_the_same_moment_send_one_reminder(
    manager, second_manager, team, member_factory
):
    members = [member_factory() for _ in range(4)]
    results = []
    start = threading.Barrier(2)

    def one_send(sender):
        try:
            start.wait()
            # Each asks for the four in a different order: the locks are taken by id.
            ordered = members if sender == manager else members[::-1]
            results.append(send(sender, team, *ordered))
        finally:
            connection.close()

    sends = [threading.Thread(target=one_send, args=(who,)) for who in (manager, second_manager)]
    for thread in sends:
        thread.start()
    for thread in sends:
        thread.join()

    assert sorted(len(result.sent) for result in results) == [0, 4]
    assert sorted(len(result.not_due) for result in results) == [0, 4]
    assert Nudge.objects.count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
