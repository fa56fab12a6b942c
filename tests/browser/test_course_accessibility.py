"""Every page of the course itself has zero axe-core violations for WCAG 2.2 A and AA."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from modules.models import Lesson
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-Fresh-passphrase-for-2026"


@pytest.fixture
def check_all(assert_accessible):
    """check_all(page, paths): visit each path, then fail once listing every page with
    violations, so one bad page does not hide the others."""

    def check(page, paths):
        failures = []
        for path in paths:
            response = page.goto(path)
            assert response.url.endswith(path), f"{path} redirected to {response.url}"
            try:
                assert_accessible(page)
            except AssertionError as error:
                failures.append(str(error))
        assert failures == [], "\n".join(failures)

    return check


def test_home_page_signed_out_has_no_violations(
    course_content, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Create an account to start")).to_be_visible()
    assert_accessible(page)


def test_home_page_signed_in_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile("^Start the course"))).to_be_visible()
    assert_accessible(page)


def test_register_page_has_no_violations_empty_or_showing_errors(
    course_content, team, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/accounts/register/")
    assert_accessible(page)

    page.get_by_label("Full name").fill("Robin New")
    page.get_by_label("Work email address").fill("not an email address")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Full name")).to_have_value("Robin New")
    assert_accessible(page)


def test_error_summary_links_move_focus_to_the_field(course_content, team, new_page, live_url):
    page = new_page()
    page.goto("/accounts/register/")
    page.get_by_label("Work email address").fill("not an email address")
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("alert").get_by_role("link", name=re.compile("^Work email address")).click()

    expect(page.get_by_label("Work email address")).to_be_focused()
    expect(page.get_by_label("Work email address")).to_have_value("not an email address")


def test_sign_in_page_has_no_violations_before_and_after_a_failed_attempt(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/accounts/sign-in/")
    assert_accessible(page)

    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password*", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    assert_accessible(page)


def test_password_reset_pages_have_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_label("Email*", exact=True).fill(practitioner.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    (email,) = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+/", email.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)

    page.get_by_label("New password*", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation*", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")
    assert_accessible(page)

    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)
    assert not practitioner.check_password(PASSWORD)


def test_used_password_reset_link_page_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/accounts/password-reset/nope/not-a-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    assert_accessible(page)


def test_every_lesson_page_has_no_violations(course_content, practitioner, new_page, check_all):
    paths = [lesson.get_absolute_url() for lesson in Lesson.objects.in_order()]
    assert len(paths) == 16
    check_all(new_page(practitioner), paths)


def test_completed_lesson_page_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    page.goto("/lessons/defining-cse/")
    page.get_by_role("button", name="Mark this lesson complete").click()

    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("marked as complete")
    assert_accessible(page)


def test_not_found_page_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    response = page.goto("/lessons/no-such-lesson/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
