"""The single sign-on rules on their own, with the provider's answer made up in the test
(test_single_sign_on.py runs them against a real provider): what is read from the
claims, and the details of accepting an address."""

import pytest
from allauth.core import context
from allauth.socialaccount.internal.flows.login import complete_login
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from accounts.models import OrganisationDomain
from accounts.single_sign_on import provider_identity, sso_authorization_origin
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="northshire",
        name="Northshire Council SSO",
        client_id="client",
        settings={"server_url": "https://login.example.org/tenant/v2.0"},
    )
    organisation = OrganisationFactory(name="Northshire Council", sso_app=app)
    OrganisationDomain.objects.create(organisation=organisation, domain="northshire.gov.uk")
    return app


@pytest.fixture
def request_(rf):
    request = rf.get("/accounts/oidc/northshire/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    with context.request_context(request):
        yield request


def social_login(request, app, **claims):
    """What allauth makes of a provider's answer carrying `claims` (userinfo and ID token)."""
    claims = {"sub": "subject-1", **claims}
    provider = app.get_provider(request)
    return provider.sociallogin_from_response(request, {"userinfo": claims, "id_token": claims})


def identity(request, app, **claims):
    return provider_identity(social_login(request, app, **claims))


# --- What the claims say ----------------------------------------------------------------


def test_address_is_read_in_its_normal_form(request_, app):
    found = identity(request_, app, email=" PRIYA.ſHAH@Northshire.GOV.uk", email_verified=True)

    assert found.email == "priya.shah@northshire.gov.uk"


@pytest.mark.parametrize("claim", [True, "true", "TRUE"])
def test_email_verified_claim_true_or_the_string_true_verifies(request_, app, claim):
    assert identity(request_, app, email="a@northshire.gov.uk", email_verified=claim).email_verified


@pytest.mark.parametrize("claim", [False, "false", None, 1, "yes"])
def test_any_other_email_verified_claim_does_not(request_, app, claim):
    found = identity(request_, app, email="a@northshire.gov.uk", email_verified=claim)

    assert not found.email_verified


def test_missing_claim_does_not_verify(request_, app):
    assert not identity(request_, app, email="a@northshire.gov.uk").email_verified


def test_missing_claim_verifies_when_the_app_trusts_emails(request_, app):
    app.settings["trust_email"] = True

    assert identity(request_, app, email="a@northshire.gov.uk").email_verified


def test_explicit_false_is_refused_even_when_the_app_trusts_emails(request_, app):
    app.settings["trust_email"] = True

    found = identity(request_, app, email="a@northshire.gov.uk", email_verified=False)

    assert not found.email_verified


def test_no_address_is_never_verified(request_, app):
    app.settings["trust_email"] = True

    assert identity(request_, app, email_verified=True).email_verified is False


@pytest.mark.parametrize("email", ["not an address", "a b@northshire.gov.uk"])
def test_something_that_is_not_an_address_is_never_verified(request_, app, email):
    found = identity(request_, app, email=email, email_verified=True)

    assert (found.email, found.email_verified) == ("", False)


def test_userinfo_is_preferred_to_the_id_token(request_, app):
    sociallogin = social_login(request_, app)
    sociallogin.account.extra_data = {
        "userinfo": {"email": "from-userinfo@northshire.gov.uk", "email_verified": True},
        "id_token": {"email": "from-token@northshire.gov.uk", "email_verified": True},
    }

    assert provider_identity(sociallogin).email == "from-userinfo@northshire.gov.uk"


def test_full_name_loses_line_breaks_and_control_characters(request_, app):
    found = identity(request_, app, email="a@northshire.gov.uk", name="Nina\r\nBcc: x\x00 New")

    assert found.full_name == "Nina Bcc: x New"


def test_full_name_falls_back_to_given_and_family_names(request_, app):
    found = identity(request_, app, email="a@x.org", given_name="Nina", family_name="New")

    assert found.full_name == "Nina New"


def test_full_name_falls_back_to_the_address(request_, app):
    assert identity(request_, app, email="nina.new@x.org", name="  ").full_name == "nina.new"


def test_full_name_is_cut_to_fit(request_, app):
    assert len(identity(request_, app, email="a@x.org", name="N" * 400).full_name) == 150


# --- Accepting an address ---------------------------------------------------------------


def test_address_in_another_case_finds_the_existing_account(request_, app):
    member = UserFactory(
        email="erin@northshire.gov.uk", team=TeamFactory(organisation=app.organisation)
    )
    sociallogin = social_login(request_, app, email="ERIN@Northshire.Gov.UK", email_verified=True)

    complete_login(request_, sociallogin)

    assert request_.session[SESSION_KEY] == str(member.pk)
    assert SocialAccount.objects.get().user == member


def test_address_at_a_subdomain_of_the_organisations_domain_is_refused(request_, app):
    sociallogin = social_login(
        request_, app, email="someone@mail.northshire.gov.uk", email_verified=True
    )

    response = complete_login(request_, sociallogin)

    assert response.status_code == 403
    assert SESSION_KEY not in request_.session


def test_closed_account_is_neither_linked_nor_moved(request_, app):
    person = UserFactory(
        email="erin@northshire.gov.uk", team=None, organisation=None, is_active=False
    )
    sociallogin = social_login(request_, app, email=person.email, email_verified=True)

    response = complete_login(request_, sociallogin)

    person.refresh_from_db()
    assert response.status_code == 302
    assert "inactive" in response["Location"]
    assert person.organisation is None
    assert not SocialAccount.objects.exists()


# --- Where the sign-in button's form goes ------------------------------------------------


def test_form_goes_to_the_server_urls_origin(app):
    assert sso_authorization_origin(app) == "https://login.example.org"


def test_form_goes_where_an_override_says_the_authorization_endpoint_is(app):
    app.settings["openid_configuration_overrides"] = {
        "authorization_endpoint": "https://auth.example.net:8443/authorize"
    }

    assert sso_authorization_origin(app) == "https://auth.example.net:8443"


@pytest.mark.parametrize("server_url", ["", "login.example.org/v2.0", "javascript:alert(1)"])
def test_no_form_origin_without_a_web_address(app, server_url):
    app.settings["server_url"] = server_url

    assert sso_authorization_origin(app) is None
