"""Accepting an invitation from its link (organisations.services)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from organisations.models import StaffInvitation
from organisations.services import (
    InvitationError,
    staff_invitation_accept_existing,
    staff_invitation_accept_new,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(org_admin, team):
    return StaffInvitation.objects.create(
        organisation=team.organisation,
        email="nia@example.org",
        full_name="Nia Newcomer",
        team=team,
        job_role="Family support worker",
        role="team_manager",
        invited_by=org_admin,
    )


def test_accepting_creates_the_account_as_invited(invitation, team):
    user = staff_invitation_accept_new(invitation=invitation, password=PASSWORD)

    assert (user.email, user.full_name, user.organisation, user.team) == (
        "nia@example.org",
        "Nia Newcomer",
        team.organisation,
        team,
    )
    assert (user.role, user.job_role) == ("team_manager", "Family support worker")
    assert user.check_password(PASSWORD)


def test_a_team_manager_invited_to_a_team_manages_it(invitation, team):
    user = staff_invitation_accept_new(invitation=invitation, password=PASSWORD)

    assert list(user.managed_teams.all()) == [team]


def test_the_address_is_verified_and_primary(invitation):
    user = staff_invitation_accept_new(invitation=invitation, password=PASSWORD)

    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("nia@example.org", True, True)
    assert User.objects.verified().filter(pk=user.pk).exists()


def test_accepting_marks_the_invitation_used_and_is_audited(invitation, org_admin):
    user = staff_invitation_accept_new(invitation=invitation, password=PASSWORD)

    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
    accepted = AuditEvent.objects.get(action="organisation.invitation_accepted")
    assert (accepted.actor, accepted.detail["invited_by"]) == (user, org_admin.pk)
    created = AuditEvent.objects.get(action="account.created")
    assert created.detail["changes"]["role"]["new"] == "team_manager"


def test_a_used_invitation_cannot_be_accepted_again(invitation):
    staff_invitation_accept_new(invitation=invitation, password=PASSWORD)

    with pytest.raises(InvitationError, match="used already"):
        staff_invitation_accept_new(invitation=invitation, password=PASSWORD)


def test_an_expired_invitation_cannot_be_accepted(invitation, settings):
    invitation.created_at = timezone.now() - timedelta(days=settings.STAFF_INVITATION_DAYS)
    invitation.save()

    with pytest.raises(InvitationError, match="expired"):
        staff_invitation_accept_new(invitation=invitation, password=PASSWORD)

    assert not User.objects.with_email("nia@example.org").exists()


def test_a_new_account_is_refused_when_the_address_has_one(invitation):
    UserFactory(email="nia@example.org", team=None, organisation=None)

    with pytest.raises(InvitationError, match="already an account"):
        staff_invitation_accept_new(invitation=invitation, password=PASSWORD)


def test_an_account_in_no_organisation_joins_with_the_invited_team_and_role(invitation, team):
    person = UserFactory(email="nia@example.org", team=None, organisation=None, job_role="")

    staff_invitation_accept_existing(invitation=invitation, user=person)

    person.refresh_from_db()
    assert (person.organisation, person.team, person.role) == (
        team.organisation,
        team,
        "team_manager",
    )
    assert person.job_role == "Family support worker"
    assert list(person.managed_teams.all()) == [team]
    changed = AuditEvent.objects.for_target(person).get(action="account.changed")
    assert changed.detail["changes"]["organisation"] == {"old": None, "new": team.organisation.pk}


def test_an_account_in_another_organisation_cannot_use_it(invitation, elsewhere):
    person = elsewhere["member"]
    person.email = "nia@example.org"
    person.save()
    EmailAddress.objects.filter(user=person).update(email="nia@example.org")

    with pytest.raises(InvitationError, match="account in another organisation"):
        staff_invitation_accept_existing(invitation=invitation, user=person)

    person.refresh_from_db()
    assert person.organisation == elsewhere["organisation"]


def test_an_account_whose_matching_address_is_unverified_cannot_use_it(invitation):
    person = UserFactory(email="nia@example.org", team=None, organisation=None, verified=False)

    with pytest.raises(InvitationError, match="not a verified address"):
        staff_invitation_accept_existing(invitation=invitation, user=person)


def test_another_account_cannot_use_it(invitation):
    other = UserFactory(team=None, organisation=None)

    with pytest.raises(InvitationError, match="not a verified address"):
        staff_invitation_accept_existing(invitation=invitation, user=other)

    other.refresh_from_db()
    assert other.organisation is None


def test_a_trainer_joining_keeps_their_platform_role(invitation):
    person = UserFactory(email="nia@example.org", team=None, organisation=None, role="trainer")

    staff_invitation_accept_existing(invitation=invitation, user=person)

    person.refresh_from_db()
    assert (person.organisation_id, person.role) == (invitation.organisation_id, "trainer")
