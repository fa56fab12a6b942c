"""Every account page, as a browser sees it: zero axe-core violations, reflow at 320 px,
and the journeys through registration, verification, joining by domain and two-factor
sign-in."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import OrganisationDomain, User
from tests.factories import PASSWORD, TeamFactory, UserFactory, second_factor_for, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-Fresh-passphrase-for-2026"


@pytest.fixture
def links_to_live_server(live_url, settings):
    """Emails carry links on SITE_URL: here, the test's own server."""
    settings.SITE_URL = live_url


def emailed_link(kind):
    return re.search(rf"http\S+/accounts/{kind}/\S+/", mail.outbox[-1].body)[0]


def heading(page):
    return page.get_by_role("heading", level=1)


def reflows(page, width=320):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def check(page, assert_accessible, title):
    """The page is the one expected, has no axe violations and reflows at 320 px."""
    expect(heading(page)).to_have_text(title)
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert reflows(page), f"{page.url} scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})


# --- Signed out ---------------------------------------------------------------------------


def test_sign_in_page_before_and_after_a_failed_attempt(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/accounts/login/")
    check(page, assert_accessible, "Sign in")

    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password*", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    assert page.title().startswith("Error: ")
    check(page, assert_accessible, "Sign in")


def test_registration_page_empty_and_showing_errors(
    course_content, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/accounts/signup/")
    check(page, assert_accessible, "Create an account")

    page.get_by_label("Full name").fill("Robin New")
    page.get_by_label("Work email address").fill("not an email address")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Full name")).to_have_value("Robin New")
    check(page, assert_accessible, "Create an account")


def test_error_summary_links_move_focus_to_the_field(course_content, new_page, live_url):
    page = new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Work email address").fill("not an email address")
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("alert").get_by_role("link", name=re.compile("^Work email address")).click()

    expect(page.get_by_label("Work email address")).to_be_focused()
    expect(page.get_by_label("Work email address")).to_have_value("not an email address")


def test_password_reset_pages(
    course_content, practitioner, new_page, links_to_live_server, assert_accessible
):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check(page, assert_accessible, "Reset your password")

    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_role("button", name="Send the link").click()
    check(page, assert_accessible, "Check your email")

    link = emailed_link("password/reset/key")
    page.goto(link)
    check(page, assert_accessible, "Choose a new password")
    page.get_by_label("New password*", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again*", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    check(page, assert_accessible, "Your password has changed")

    page.goto(link)
    check(page, assert_accessible, "This link does not work")
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)


# --- The journey the access rules are for ----------------------------------------------------


def test_register_verify_join_by_domain_then_set_up_and_use_two_factor_sign_in(
    course_content, organisation, new_page, links_to_live_server, assert_accessible
):
    OrganisationDomain.objects.create(organisation=organisation, domain="council.example")
    TeamFactory(organisation=organisation, name="Children in Care")
    TeamFactory(organisation=organisation, name="Early Help")
    page = new_page()

    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill("Robin New")
    page.get_by_label("Work email address").fill("Robin.New@Council.example")
    page.get_by_label("Job role").fill("Social worker")
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    check(page, assert_accessible, "Check your email")
    assert User.objects.get().organisation is None

    page.goto(emailed_link("confirm-email"))
    check(page, assert_accessible, "Confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()

    check(page, assert_accessible, "Choose your team")
    page.get_by_label("Early Help").check()
    page.get_by_role("button", name="Choose this team").click()
    expect(page.get_by_role("status").first).to_contain_text("You are in Early Help")
    robin = User.objects.get()
    assert (robin.email, robin.organisation, robin.team.name) == (
        "robin.new@council.example",
        organisation,
        "Early Help",
    )

    page.goto("/accounts/")
    check(page, assert_accessible, "Your account")
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Two-factor sign-in"
    ).click()
    check(page, assert_accessible, "Two-factor sign-in")
    page.get_by_role("link", name="Set up an authenticator app").click()
    check(page, assert_accessible, "Confirm it is you")
    page.get_by_label("Your password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    check(page, assert_accessible, "Set up an authenticator app")
    secret = page.get_by_label("Setup key").input_value()
    page.get_by_label("Six-digit code from the app*", exact=True).fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    check(page, assert_accessible, "Recovery codes")
    expect(page.get_by_label("Your unused codes")).to_have_value(re.compile(r"\w+(\n\w+){9}"))

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill("robin.new@council.example")
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    check(page, assert_accessible, "Enter your code")
    code = page.get_by_label("Code from your app, or a recovery code*", exact=True)
    code.fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    check(page, assert_accessible, "Enter your code")
    code.fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("status").first).to_contain_text("You are signed in")
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()


# --- Signed in -------------------------------------------------------------------------------


def test_the_pages_of_a_persons_own_account(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    for path, title in [
        ("/accounts/", "Your account"),
        ("/accounts/email/", "Your email address"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/2fa/", "Two-factor sign-in"),
        ("/accounts/sessions/", "Where you are signed in"),
        ("/accounts/logout/", "Sign out"),
        ("/accounts/reauthenticate/", "Confirm it is you"),
    ]:
        page.goto(path)
        check(page, assert_accessible, title)


def test_the_sessions_list_signs_out_another_browser(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    elsewhere = new_page()
    elsewhere.goto("/accounts/login/")
    elsewhere.get_by_label("Email address").fill(practitioner.email)
    elsewhere.get_by_label("Password*", exact=True).fill(PASSWORD)
    elsewhere.get_by_role("button", name="Sign in").click()
    here = new_page()
    here.goto("/accounts/login/")
    here.get_by_label("Email address").fill(practitioner.email)
    here.get_by_label("Password*", exact=True).fill(PASSWORD)
    here.get_by_role("button", name="Sign in").click()

    here.goto("/accounts/sessions/")
    check(here, assert_accessible, "Where you are signed in")
    here.get_by_role("button", name=re.compile("^Sign out the session from")).click()
    expect(here.get_by_role("status").first).to_contain_text("That session is signed out")

    elsewhere.goto("/reflections/")
    expect(heading(elsewhere)).to_have_text("Sign in")


def test_an_unverified_account_is_told_to_confirm_first(
    course_content, team, new_page, live_url, assert_accessible
):
    page = new_page(UserFactory(team=team, verified=False))
    page.goto("/reflections/")

    check(page, assert_accessible, "Confirm your email address first")


def test_a_new_member_chooses_a_team_from_the_notice(
    course_content, organisation, team, new_page, live_url, assert_accessible
):
    page = new_page(UserFactory(organisation=organisation, team=None))
    page.goto("/")
    page.get_by_role("link", name="Choose your team").click()

    check(page, assert_accessible, "Choose your team")


def test_a_privileged_person_without_a_second_factor_is_sent_to_set_it_up(
    course_content, team, new_page, live_url, assert_accessible
):
    manager = UserFactory(team=team, role="administrator", is_staff=True, is_superuser=True)
    page = new_page(manager)

    page.goto("/admin/")

    expect(page.get_by_role("status").first).to_contain_text("Set up two-factor sign-in first")
    check(page, assert_accessible, "Confirm it is you")


def test_the_second_factor_pages_once_it_is_on(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    secret = second_factor_for(practitioner)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your app, or a recovery code*", exact=True).fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/accounts/reauthenticate/")
    check(page, assert_accessible, "Confirm it is you")
    page.get_by_label("Your password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    for path, title in [
        ("/accounts/2fa/", "Two-factor sign-in"),
        ("/accounts/2fa/recovery-codes/", "Recovery codes"),
        ("/accounts/2fa/recovery-codes/generate/", "Make new recovery codes"),
        ("/accounts/2fa/totp/deactivate/", "Turn off two-factor sign-in"),
    ]:
        page.goto(path)
        check(page, assert_accessible, title)


def test_a_closed_account_is_told_so_after_its_password(
    course_content, team, new_page, live_url, assert_accessible
):
    closed = UserFactory(team=team, is_active=False)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(closed.email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    check(page, assert_accessible, "This account is closed")


def test_too_many_attempts_get_a_page_that_says_so(
    course_content, new_page, live_url, assert_accessible, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    page = new_page()
    for number in range(2):
        page.goto("/accounts/signup/")
        page.get_by_label("Full name").fill("Robin New")
        page.get_by_label("Work email address").fill(f"robin{number}@example.org")
        page.get_by_label("Job role").fill("Social worker")
        page.get_by_label("Password*", exact=True).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()

    check(page, assert_accessible, "Too many attempts")
