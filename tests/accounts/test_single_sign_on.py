"""Signing in through an organisation's own OpenID Connect provider, end to end: the
course's button (Django's test client), the real test provider over HTTP (its sign-in
and consent pages, driven with `requests`), then the course's callback, which fetches
the tokens and the person's claims from the provider itself."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import (
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
    totp_code,
)
from tests.oidc_provider.people import (
    CLIENT_ID,
    CLIENT_SECRET,
    ELSEWHERE,
    MANAGER,
    MEMBER,
    NEWCOMER,
    NO_CLAIM,
    UNVERIFIED,
)
from tests.oidc_provider.user_agent import sso_sign_in

pytestmark = pytest.mark.django_db

REFUSED_HEADING = "You cannot sign in with Northshire Council SSO"


def signed_in_id(client):
    return client.session.get(SESSION_KEY)


def refusal_text(response):
    """The page's message, without the parts every response differs in (the CSRF token
    and the CSP header are not in the body anyway)."""
    page = response.content.decode()
    return page[page.index("<h1>") : page.index("Go to the sign-in page")]


# --- Someone new ----------------------------------------------------------------------


def test_newcomer_is_signed_in_to_a_new_account_in_the_organisation(client, council):
    sso_sign_in(client, NEWCOMER)

    person = User.objects.get(email="nina.new@northshire.gov.uk")
    assert signed_in_id(client) == str(person.pk)
    assert person.organisation == council
    assert person.full_name == "Nina New"


def test_newcomer_chooses_their_team_first(client, council):
    response = sso_sign_in(client, NEWCOMER, next_url="/lessons/defining-cse/")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team_choose")
    assert User.objects.get(email="nina.new@northshire.gov.uk").team is None


def test_newcomer_account_has_no_password_and_its_address_verified(client, council):
    sso_sign_in(client, NEWCOMER)

    person = User.objects.get(email="nina.new@northshire.gov.uk")
    address = EmailAddress.objects.get(user=person)
    assert not person.has_usable_password()
    assert (address.email, address.verified, address.primary) == (person.email, True, True)
    assert SocialAccount.objects.get(user=person).provider == "northshire"


def test_newcomer_account_creation_is_audited(client, council):
    sso_sign_in(client, NEWCOMER)

    person = User.objects.get(email="nina.new@northshire.gov.uk")
    created = AuditEvent.objects.get(action="account.sso_created")
    joined = AuditEvent.objects.get(action="organisation.joined")
    assert created.target_id == joined.target_id == str(person.pk)
    assert created.detail == {"organisation": council.pk, "sso_app": council.sso_app_id}
    assert joined.detail == {"organisation": council.pk, "via": "single sign-on"}


def test_signing_in_again_uses_the_same_account_and_link(client, council):
    sso_sign_in(client, NEWCOMER)
    client.post(reverse("account_logout"))

    response = sso_sign_in(client, NEWCOMER)

    person = User.objects.get(email="nina.new@northshire.gov.uk")
    assert signed_in_id(client) == str(person.pk)
    assert response["Location"] == reverse("accounts:team_choose")  # still no team
    assert SocialAccount.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.filter(action="account.sso_created").count() == 1


# --- Someone with an account already ---------------------------------------------------


def test_member_is_signed_in_to_their_existing_account(client, council):
    member = UserFactory(email=MEMBER.email, team=council.teams.first())

    response = sso_sign_in(client, MEMBER)

    assert signed_in_id(client) == str(member.pk)
    assert response["Location"] == reverse("modules:home")
    assert User.objects.filter(email=MEMBER.email).count() == 1
    assert SocialAccount.objects.get(provider="northshire").user == member


def test_member_goes_on_to_the_page_they_asked_for(client, council):
    UserFactory(email=MEMBER.email, team=council.teams.first())

    response = sso_sign_in(client, MEMBER, next_url="/lessons/defining-cse/")

    assert response["Location"] == "/lessons/defining-cse/"


def test_member_signs_in_through_the_service_when_passwords_are_off(client, council):
    council.password_sign_in = False
    council.save()
    member = UserFactory(email=MEMBER.email, team=council.teams.first())

    sso_sign_in(client, MEMBER)

    assert signed_in_id(client) == str(member.pk)


def test_member_keeps_their_password_when_their_address_was_verified(client, council, password):
    member = UserFactory(email=MEMBER.email, team=council.teams.first())

    sso_sign_in(client, MEMBER)

    member.refresh_from_db()
    assert member.check_password(password)


def test_linking_an_account_is_audited_and_emailed_to_its_owner(client, council, mailoutbox):
    member = UserFactory(email=MEMBER.email, team=council.teams.first())

    sso_sign_in(client, MEMBER)

    linked = AuditEvent.objects.get(action="account.sso_linked")
    assert linked.target_id == str(member.pk)
    assert linked.detail == {
        "organisation": council.pk,
        "sso_app": council.sso_app_id,
        "joined": False,
        "address_verified": False,
        "password_removed": False,
    }
    [email] = mailoutbox
    assert email.to == [MEMBER.email]
    assert "signed in to through Northshire Council SSO" in email.subject


def test_account_in_no_organisation_joins_it_and_chooses_a_team(client, council):
    person = UserFactory(email=MEMBER.email, team=None, organisation=None)

    response = sso_sign_in(client, MEMBER)

    person.refresh_from_db()
    assert signed_in_id(client) == str(person.pk)
    assert person.organisation == council
    assert response["Location"] == reverse("accounts:team_choose")
    assert AuditEvent.objects.get(action="organisation.joined").detail["via"] == "single sign-on"


def test_unverified_account_is_linked_but_loses_the_password_someone_chose(
    client, council, password
):
    # Whoever registered the address never proved it was theirs: they may not be its owner.
    person = UserFactory(email=MEMBER.email, team=None, organisation=None, verified=False)

    sso_sign_in(client, MEMBER)

    person.refresh_from_db()
    assert signed_in_id(client) == str(person.pk)
    assert not person.has_usable_password()
    assert EmailAddress.objects.get(user=person).verified
    assert AuditEvent.objects.get(action="account.sso_linked").detail["password_removed"]


def test_privileged_member_with_a_second_factor_is_asked_for_the_code(client, council):
    manager = UserFactory(email=MANAGER.email, team=council.teams.first(), role="team_manager")
    secret = second_factor_for(manager)

    response = sso_sign_in(client, MANAGER)

    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_id(client) is None
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert signed_in_id(client) == str(manager.pk)


# --- Refused ----------------------------------------------------------------------------


def test_account_in_another_organisation_is_refused(client, council):
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Southshire Council"))
    person = UserFactory(email=MEMBER.email, team=elsewhere)

    response = sso_sign_in(client, MEMBER)

    assert response.status_code == 403
    assert "Your account on the course belongs to another organisation" in refusal_text(response)
    assert signed_in_id(client) is None
    assert not SocialAccount.objects.exists()
    person.refresh_from_db()
    assert person.organisation.name == "Southshire Council"


def test_linked_account_moved_to_another_organisation_is_refused(client, council):
    person = UserFactory(email=MEMBER.email, team=council.teams.first())
    sso_sign_in(client, MEMBER)
    client.post(reverse("account_logout"))
    person.team = TeamFactory(organisation=OrganisationFactory(name="Southshire Council"))
    person.organisation = person.team.organisation
    person.save()

    response = sso_sign_in(client, MEMBER)

    assert response.status_code == 403
    assert signed_in_id(client) is None


def test_unverified_email_is_refused(client, council):
    response = sso_sign_in(client, UNVERIFIED)

    assert response.status_code == 403
    assert "did not confirm your email address" in refusal_text(response)
    assert signed_in_id(client) is None
    assert not User.objects.filter(email=UNVERIFIED.email).exists()


def test_address_at_another_domain_is_refused(client, council):
    response = sso_sign_in(client, ELSEWHERE)

    assert response.status_code == 403
    assert "is not one of the addresses this organisation uses" in refusal_text(response)
    assert not User.objects.filter(email=ELSEWHERE.email).exists()


def test_refusals_are_audited_without_the_address(client, council):
    sso_sign_in(client, ELSEWHERE)

    refused = AuditEvent.objects.get(action="account.sso_refused")
    assert refused.detail == {"reason": "other_domain", "sso_app": council.sso_app_id}
    assert refused.target_id == ""


def test_refusal_says_the_same_whether_or_not_the_address_has_an_account(client, council):
    without_account = refusal_text(sso_sign_in(client, UNVERIFIED))
    UserFactory(email=UNVERIFIED.email, team=council.teams.first())

    with_account = refusal_text(sso_sign_in(client, UNVERIFIED))

    assert with_account == without_account


def test_missing_email_verified_claim_is_refused(client, council):
    response = sso_sign_in(client, NO_CLAIM)

    assert response.status_code == 403
    assert not User.objects.filter(email=NO_CLAIM.email).exists()


def test_missing_email_verified_claim_is_accepted_when_the_app_trusts_its_emails(client, council):
    # Microsoft Entra ID never sends the claim (README.md, "Single sign-on").
    council.sso_app.settings["trust_email"] = True
    council.sso_app.save()

    sso_sign_in(client, NO_CLAIM)

    assert User.objects.get(email=NO_CLAIM.email).organisation == council


def test_app_given_to_no_organisation_is_refused(client, council, oidc_provider):
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="unlinked",
        name="Unlinked SSO",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        settings={"server_url": oidc_provider.issuer, "oauth_pkce_enabled": True},
    )

    response = sso_sign_in(client, NEWCOMER, provider_id="unlinked")

    assert response.status_code == 403
    assert "Unlinked SSO is not set up for the course yet" in response.content.decode()
    assert not User.objects.filter(email="nina.new@northshire.gov.uk").exists()


def test_cancelling_at_the_provider_signs_nobody_in(client, council):
    response = sso_sign_in(client, NEWCOMER, allow=False)

    assert response["Location"] == reverse("socialaccount_login_cancelled")
    assert "<h1>Sign-in cancelled</h1>" in client.get(response["Location"]).content.decode()
    assert signed_in_id(client) is None
    assert not User.objects.filter(email="nina.new@northshire.gov.uk").exists()


# --- No linking from an account's settings -------------------------------------------


def test_signed_in_account_cannot_add_an_organisations_service(client, council):
    outsider = UserFactory(email="someone@example.org", team=None, organisation=None)
    client.force_login(outsider)

    response = sso_sign_in(client, MEMBER, process="connect")

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()
    outsider.refresh_from_db()
    assert outsider.organisation is None


@pytest.mark.parametrize("path", ["/accounts/3rdparty/", "/accounts/3rdparty/signup/"])
def test_allauths_connection_pages_do_not_exist(client, practitioner, path):
    client.force_login(practitioner)

    assert client.get(path).status_code == 404
