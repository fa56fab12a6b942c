"""Signing in, as a browser sees it."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def attempt_sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password*", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    return page.get_by_role("alert").inner_text(), page.locator("main form").inner_text()


def test_sign_in_does_not_reveal_whether_an_email_is_registered(
    course_content, practitioner, new_page, live_url
):
    page = new_page()

    wrong_password = attempt_sign_in(page, practitioner.email, "not the password")
    unknown_email = attempt_sign_in(page, "nobody-here@example.org", "not the password")
    unknown_email_right_password = attempt_sign_in(page, "nobody-here@example.org", PASSWORD)

    assert wrong_password == unknown_email == unknown_email_right_password
    assert wrong_password[0].splitlines() == [
        "There is a problem",
        "That email and password do not match an account. Check both and try again.",
    ]


def test_failed_sign_in_keeps_the_email_typed(course_content, practitioner, new_page, live_url):
    page = new_page()

    attempt_sign_in(page, practitioner.email, "not the password")

    expect(page.get_by_label("Email address")).to_have_value(practitioner.email)
    expect(page.get_by_label("Password*", exact=True)).to_have_value("")


def test_signed_out_reader_of_a_lesson_returns_to_it_after_signing_in(
    course_content, practitioner, new_page, live_url
):
    page = new_page()
    page.goto("/lessons/defining-cse/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Defining CSE")


def test_sign_out_button_ends_the_session(course_content, practitioner, new_page, live_url):
    page = new_page(practitioner)
    page.goto("/lessons/defining-cse/")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.goto("/lessons/defining-cse/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
