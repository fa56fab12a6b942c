"""Inviting one person, and withdrawing an invitation (organisations.services)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from organisations.models import StaffInvitation
from organisations.services import (
    OrganisationAdminError,
    staff_invitation_send,
    staff_invitation_withdraw,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def invite(admin, team, **overrides):
    fields = {
        "full_name": "Nia Newcomer",
        "email": "Nia.Newcomer@Example.org",
        "team": team,
        "job_role": "Family support worker",
        "role": "practitioner",
        **overrides,
    }
    return staff_invitation_send(admin=admin, **fields)


def test_an_invitation_is_stored_with_the_address_in_normal_form(org_admin, team):
    invitation = invite(org_admin, team)

    stored = StaffInvitation.objects.get()
    assert stored == invitation
    assert (stored.email, stored.organisation, stored.invited_by) == (
        "nia.newcomer@example.org",
        team.organisation,
        org_admin,
    )
    assert len(stored.token) >= 40


def test_the_invitee_is_emailed_a_link_from_site_url_to_set_a_password(org_admin, team):
    invitation = invite(org_admin, team)

    [message] = mail.outbox
    assert message.to == ["nia.newcomer@example.org"]
    assert f"https://course.example.org/accounts/invitation/{invitation.token}/" in message.body
    assert "choose a password" in message.body
    assert "Test Borough Council" in message.subject


def test_an_address_with_an_account_elsewhere_is_told_to_sign_in_and_accept(
    org_admin, team, elsewhere
):
    invite(org_admin, team, email=elsewhere["member"].email)

    [message] = mail.outbox
    assert "You already have an account" in message.body
    assert "sign in and open this link" in message.body
    assert StaffInvitation.objects.filter(email=elsewhere["member"].email).exists()


def test_sending_is_audited_with_ids_and_no_address(org_admin, team):
    invitation = invite(org_admin, team)

    event = AuditEvent.objects.get(action="organisation.invitation_sent")
    assert (event.actor, event.target_id) == (org_admin, str(invitation.pk))
    assert event.detail["role"] == "practitioner"
    assert "nia" not in str(event.detail).lower()


def test_a_member_of_the_organisation_cannot_be_invited_again(org_admin, team, practitioner):
    with pytest.raises(OrganisationAdminError, match="already a member"):
        invite(org_admin, team, email="SAM@example.org")

    assert not StaffInvitation.objects.exists()
    assert mail.outbox == []


def test_an_address_with_an_invitation_waiting_cannot_be_invited_again(org_admin, team):
    invite(org_admin, team)

    with pytest.raises(OrganisationAdminError, match="already been invited"):
        invite(org_admin, team)

    assert StaffInvitation.objects.count() == 1


@pytest.mark.parametrize("role", ["trainer", "administrator"])
def test_platform_roles_cannot_be_given(org_admin, team, role):
    with pytest.raises(OrganisationAdminError):
        invite(org_admin, team, role=role)


def test_a_team_of_another_organisation_cannot_be_given(org_admin, elsewhere):
    with pytest.raises(OrganisationAdminError, match="your organisation's teams"):
        invite(org_admin, elsewhere["team"])


def test_a_practitioner_cannot_invite(practitioner, team):
    with pytest.raises(PermissionDenied):
        invite(practitioner, team)


def test_withdrawing_deletes_the_invitation_and_is_audited(org_admin, team):
    invitation = invite(org_admin, team)

    staff_invitation_withdraw(admin=org_admin, invitation=invitation)

    assert not StaffInvitation.objects.exists()
    event = AuditEvent.objects.get(action="organisation.invitation_withdrawn")
    assert event.target_id == str(invitation.pk)


def test_an_accepted_invitation_cannot_be_withdrawn(org_admin, team):
    invitation = invite(org_admin, team)
    invitation.accepted_by = UserFactory(team=team)
    invitation.accepted_at = invitation.created_at
    invitation.save()

    with pytest.raises(OrganisationAdminError, match="accepted or withdrawn"):
        staff_invitation_withdraw(admin=org_admin, invitation=invitation)


def test_another_organisations_admin_cannot_withdraw_it(org_admin, team, elsewhere):
    invitation = invite(org_admin, team)

    with pytest.raises(OrganisationAdminError):
        staff_invitation_withdraw(admin=elsewhere["admin"], invitation=invitation)

    assert StaffInvitation.objects.filter(pk=invitation.pk).exists()
