"""What is removed, and when, by the daily retention run: invitations never accepted,
staff lists never imported."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.models import StaffImport, StaffInvitation
from organisations.services import EXPIRED_INVITATIONS_KEPT_DAYS
from reflections.retention import RULES, staff_imports_purge, staff_invitations_purge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invitation(organisation, *, days_ago, accepted_by=None):
    return StaffInvitation.objects.create(
        organisation=organisation,
        email=f"p{days_ago}@example.org",
        full_name="Someone",
        created_at=timezone.now() - timedelta(days=days_ago),
        accepted_by=accepted_by,
        accepted_at=timezone.now() if accepted_by else None,
    )


def test_invitations_expired_long_enough_ago_are_removed(organisation, settings):
    gone_after = settings.STAFF_INVITATION_DAYS + EXPIRED_INVITATIONS_KEPT_DAYS
    old = invitation(organisation, days_ago=gone_after + 1)
    shown = invitation(organisation, days_ago=gone_after - 1)

    removed = staff_invitations_purge(now=timezone.now())

    assert removed == 1
    assert list(StaffInvitation.objects.all()) == [shown]
    assert not StaffInvitation.objects.filter(pk=old.pk).exists()


def test_accepted_invitations_stay_with_their_account(organisation, team):
    person = UserFactory(team=team)
    accepted = invitation(organisation, days_ago=400, accepted_by=person)

    staff_invitations_purge(now=timezone.now())

    assert list(StaffInvitation.objects.all()) == [accepted]


def test_staff_lists_left_for_a_day_are_removed(org_admin, organisation):
    old = StaffImport.objects.create(
        organisation=organisation,
        created_by=org_admin,
        created_at=timezone.now() - timedelta(hours=25),
    )
    fresh = StaffImport.objects.create(organisation=organisation, created_by=org_admin)

    assert staff_imports_purge(now=timezone.now()) == 1
    assert list(StaffImport.objects.all()) == [fresh]
    assert not StaffImport.objects.filter(pk=old.pk).exists()


def test_both_are_rules_of_the_daily_run():
    names = {rule.name for rule in RULES}

    assert {"staff_invitations_purge", "staff_imports_purge"} <= names
