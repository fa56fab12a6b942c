"""Signing in through a council's own OpenID Connect provider in Chromium: the course
(Django's live server on "localhost") sends the browser to the test provider (its own
process on 127.0.0.1, tests/oidc_provider), where the person signs in and allows
access, and the provider sends them back."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import OrganisationFactory, TeamFactory, UserFactory
from tests.oidc_provider.people import ELSEWHERE, MEMBER, NEWCOMER, PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

BUTTON = "Sign in with Northshire Council SSO"


@pytest.fixture
def sso_page(council, new_page, settings):
    """A fresh browser page. The live server is plain HTTP, so the callback address
    the course gives the provider is too (production says https)."""
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    return new_page()


def heading(page):
    return page.get_by_role("heading", level=1)


def at_the_provider(page, person, *, allow=True):
    expect(heading(page)).to_have_text("Northshire Council sign-in")
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Allow CSE practice course to sign you in?")
    page.get_by_role("button", name="Allow" if allow else "Cancel").click()


def test_newcomer_signs_in_through_their_council_and_chooses_a_team(
    sso_page, council, assert_accessible
):
    page = sso_page
    page.goto(reverse("account_login"))
    assert_accessible(page)

    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, NEWCOMER)

    expect(heading(page)).to_have_text("Choose your team")
    assert_accessible(page)
    page.get_by_label("Missing from Home").check()
    page.get_by_role("button", name="Choose this team").click()
    expect(page.get_by_text("You are in Missing from Home.")).to_be_visible()
    person = User.objects.get(email="nina.new@northshire.gov.uk")
    assert (person.organisation, person.team.name) == (council, "Missing from Home")


def test_member_signs_in_to_their_existing_account(sso_page, council):
    member = UserFactory(email=MEMBER.email, full_name="Erin Existing", team=council.teams.first())
    page = sso_page
    page.goto(reverse("account_login"))

    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, MEMBER)

    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
    assert member.socialaccount_set.get().provider == "northshire"


def test_account_in_another_organisation_is_refused_on_an_accessible_page(
    sso_page, council, assert_accessible
):
    UserFactory(
        email=MEMBER.email, team=TeamFactory(organisation=OrganisationFactory(name="Southshire"))
    )
    page = sso_page
    page.goto(reverse("account_login"))

    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, MEMBER)

    expect(heading(page)).to_have_text("You cannot sign in with Northshire Council SSO")
    expect(page.get_by_text("belongs to another organisation")).to_be_visible()
    assert_accessible(page)


def test_address_at_another_domain_is_refused_on_an_accessible_page(
    sso_page, council, assert_accessible
):
    page = sso_page
    page.goto(reverse("account_login"))

    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, ELSEWHERE)

    expect(heading(page)).to_have_text("You cannot sign in with Northshire Council SSO")
    assert_accessible(page)
    assert not User.objects.filter(email=ELSEWHERE.email).exists()


def test_continue_page_is_accessible_and_goes_to_the_provider(sso_page, council, assert_accessible):
    # Reached by opening the service's sign-in address directly (a bookmark, say).
    page = sso_page
    page.goto(reverse("openid_connect_login", kwargs={"provider_id": "northshire"}))
    assert_accessible(page)

    page.get_by_role("button", name="Continue to Northshire Council SSO").click()

    expect(heading(page)).to_have_text("Northshire Council sign-in")


def test_cancelled_sign_in_page_is_accessible(sso_page, council, assert_accessible):
    page = sso_page
    page.goto(reverse("account_login"))

    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, NEWCOMER, allow=False)

    expect(heading(page)).to_have_text("Sign-in cancelled")
    assert_accessible(page)


def test_password_sign_in_off_sends_the_member_to_the_button(
    sso_page, council, password, assert_accessible
):
    council.password_sign_in = False
    council.save()
    member = UserFactory(email=MEMBER.email, team=council.teams.first())
    page = sso_page
    page.goto(reverse("account_login"))

    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password*", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Your organisation signs in through Northshire Council SSO: use the button below."
    )
    assert_accessible(page)
    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, MEMBER)
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
