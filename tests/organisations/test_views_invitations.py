"""The invitation form: what the administrator is told, whatever the address."""

import pytest
from django.core import mail
from django.urls import reverse

from organisations.models import StaffInvitation

pytestmark = pytest.mark.django_db

INVITE = reverse("organisation:invite")


def form(email, team=None, **overrides):
    return {
        "full_name": "Nia Newcomer",
        "email": email,
        "team": team.pk if team else "",
        "job_role": "Social worker",
        "role": "practitioner",
        **overrides,
    }


def send(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(INVITE, data, follow=True)


def test_the_form_offers_only_the_organisations_roles_and_teams(org_client, team, elsewhere):
    body = org_client.get(INVITE).content.decode()

    assert 'value="organisation_admin"' in body
    assert 'value="team_manager"' in body
    assert 'value="trainer"' not in body
    assert 'value="administrator"' not in body
    assert "Children in Care" in body
    assert "Fostering" not in body


def test_inviting_a_new_address_says_it_was_sent(
    org_client, team, django_capture_on_commit_callbacks
):
    response = send(org_client, form("Nia@Example.org", team), django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(reverse("organisation:members"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Invitation saved. The email to nia@example.org is queued and will be sent shortly."
    ]
    assert [message.to for message in mail.outbox] == [["nia@example.org"]]


def test_an_address_with_an_account_elsewhere_gets_the_same_answer(
    org_client, team, elsewhere, django_capture_on_commit_callbacks
):
    """The administrator cannot tell from the page whether an address has an account."""
    taken = elsewhere["member"].email
    fresh = "nobody-yet@example.org"

    answers = [
        send(org_client, form(email), django_capture_on_commit_callbacks)
        for email in (taken, fresh)
    ]

    said = [[str(m) for m in answer.context["messages"]] for answer in answers]
    assert said == [
        [f"Invitation saved. The email to {taken} is queued and will be sent shortly."],
        [f"Invitation saved. The email to {fresh} is queued and will be sent shortly."],
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert [answer.redirect_chain for answer in answers] == [
        [(reverse("organisation:members"), 302)]
    ] * 2
    assert len(mail.outbox) == 2


def test_a_name_with_a_control_character_is_refused(org_client):
    response = org_client.post(INVITE, form("nia@example.org", full_name="Nia\x1bNew"))

    assert response.status_code == 400
    assert not StaffInvitation.objects.exists()


def test_a_member_already_in_the_organisation_is_a_form_error(org_client, practitioner):
    response = org_client.post(INVITE, form("sam@example.org"))

    assert response.status_code == 400
    assert "already a member of Test Borough Council" in response.content.decode()


def test_a_practitioner_cannot_open_the_form(client, practitioner):
    client.force_login(practitioner)

    assert client.get(INVITE).status_code == 403
    assert client.post(INVITE, form("x@example.org")).status_code == 403
    assert not StaffInvitation.objects.exists()


def test_withdrawing_an_invitation(org_client, org_admin, team):
    invitation = StaffInvitation.objects.create(
        organisation=team.organisation,
        email="nia@example.org",
        full_name="Nia",
        invited_by=org_admin,
    )
    url = reverse("organisation:invitation_withdraw", args=[invitation.pk])

    response = org_client.post(url, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "The invitation to nia@example.org is withdrawn."
    ]
    assert not StaffInvitation.objects.exists()


def test_another_organisations_invitation_is_not_found(org_client, elsewhere):
    theirs = StaffInvitation.objects.create(
        organisation=elsewhere["organisation"], email="x@example.org", full_name="X"
    )

    response = org_client.post(reverse("organisation:invitation_withdraw", args=[theirs.pk]))

    assert response.status_code == 404
    assert StaffInvitation.objects.filter(pk=theirs.pk).exists()
