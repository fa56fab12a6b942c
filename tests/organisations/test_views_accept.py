"""The invitation link: setting a password, joining from an existing account, and the
links that no longer work."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.models import StaffInvitation
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def make_invitation(org_admin, home_team, **fields):
    return StaffInvitation.objects.create(
        organisation=home_team.organisation,
        email=fields.pop("email", "nia@example.org"),
        full_name="Nia Newcomer",
        team=fields.pop("team", home_team),
        role=fields.pop("role", "practitioner"),
        invited_by=org_admin,
        **fields,
    )


@pytest.fixture
def invitation(org_admin, team):
    return make_invitation(org_admin, team)


def link(invitation):
    return reverse("staff_invitation:accept", args=[invitation.token])


def passwords(first=PASSWORD, second=None):
    return {"password1": first, "password2": second or first}


def test_the_link_lives_under_accounts():
    assert reverse("staff_invitation:accept", args=["abc"]) == "/accounts/invitation/abc/"


def test_the_page_shows_the_organisation_name_and_address(client, invitation):
    response = client.get(link(invitation))

    body = response.content.decode()
    assert response.status_code == 200
    for shown in ("Test Borough Council", "Nia Newcomer", "nia@example.org", "Password again"):
        assert shown in body


def test_setting_a_password_creates_a_verified_account_and_signs_in(client, invitation):
    response = client.post(link(invitation), passwords())

    user = User.objects.get(email="nia@example.org")
    assert response.status_code == 302
    assert response.url == reverse("modules:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_with_no_team_they_are_sent_to_choose_one(client, org_admin, team):
    invitation = make_invitation(org_admin, team, team=None)

    response = client.post(link(invitation), passwords())

    assert response.url == reverse("accounts:team_choose")
    assert client.get(response.url).status_code == 200


def test_the_two_passwords_must_match(client, invitation):
    response = client.post(link(invitation), passwords(PASSWORD, PASSWORD + "x"))

    assert response.status_code == 400
    assert "The two passwords are not the same." in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


def test_a_password_like_the_name_is_refused(client, invitation):
    response = client.post(link(invitation), passwords("NiaNewcomer1"))

    assert response.status_code == 400
    assert "too similar" in response.content.decode()


def test_a_privileged_invitee_must_set_up_a_second_factor_first(client, org_admin, team):
    invitation = make_invitation(org_admin, team, role="organisation_admin")
    client.post(link(invitation), passwords())

    response = client.get(reverse("organisation:members"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_an_unknown_link_is_404(client, db):
    response = client.get(reverse("staff_invitation:accept", args=["not-a-token"]))

    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_a_used_link_is_410(client, invitation):
    client.post(link(invitation), passwords())
    client.logout()

    response = client.get(link(invitation))

    assert response.status_code == 410
    assert "This invitation has been used" in response.content.decode()


def test_an_expired_link_is_410_and_creates_nothing(client, invitation, settings):
    invitation.created_at = timezone.now() - timedelta(days=settings.STAFF_INVITATION_DAYS)
    invitation.save()

    assert client.get(link(invitation)).status_code == 410
    assert client.post(link(invitation), passwords()).status_code == 410
    assert not User.objects.filter(email="nia@example.org").exists()


def test_setting_a_password_is_rate_limited(client, invitation):
    for _ in range(5):
        assert client.post(link(invitation), passwords("short", "other")).status_code == 400

    response = client.post(link(invitation), passwords())

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


# --- An address that already has an account ---------------------------------------------


@pytest.fixture
def unattached(invitation):
    """An account with the invited address, in no organisation."""
    return UserFactory(email="nia@example.org", team=None, organisation=None)


def test_signed_out_the_page_asks_to_sign_in_and_come_back(client, invitation, unattached):
    response = client.get(link(invitation))

    body = response.content.decode()
    assert "Sign in to accept the invitation" in body
    assert f'{reverse("account_login")}?next={link(invitation)}"' in body
    assert "Password again" not in body


def test_signed_in_an_account_in_no_organisation_joins(client, invitation, unattached, team):
    client.force_login(unattached)

    response = client.post(link(invitation))

    assert (response.status_code, response.url) == (302, reverse("modules:home"))
    unattached.refresh_from_db()
    assert (unattached.organisation, unattached.team) == (team.organisation, team)


def test_an_account_in_another_organisation_is_told_it_cannot(client, invitation, elsewhere):
    person = elsewhere["member"]
    person.email = "nia@example.org"
    person.save()
    EmailAddress.objects.filter(user=person).update(email="nia@example.org")
    client.force_login(person)

    response = client.post(link(invitation))

    assert response.status_code == 409
    assert "cannot be used from an account in another organisation" in response.content.decode()
    person.refresh_from_db()
    assert person.organisation == elsewhere["organisation"]


def test_signed_in_as_someone_else_the_page_says_to_sign_out(client, invitation, practitioner):
    client.force_login(practitioner)

    response = client.post(link(invitation))

    assert response.status_code == 409
    assert "sign out first" in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()
