"""Every account email: plain text, and every link on SITE_URL whatever host the request
named (a Host header is chosen by whoever sends the request)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UserFactory, totp_code

pytestmark = pytest.mark.django_db

NAME = "Siobhán O'Neil & Co"


@pytest.fixture
def browser(settings):
    settings.ALLOWED_HOSTS = ["course.example.org", "evil.example"]
    return Client(HTTP_HOST="evil.example")


def send_every_account_email(browser, password):
    person = UserFactory(full_name=NAME, email="siobhan@example.org")
    browser.post(
        reverse("account_signup"),
        {
            "full_name": NAME,
            "email": "new.person@example.org",
            "job_role": "Social worker",
            "password1": password,
            "password2": password,
        },
    )
    browser.post(
        reverse("account_signup"),
        {
            "full_name": NAME,
            "email": person.email,
            "job_role": "Social worker",
            "password1": password,
            "password2": password,
        },
    )
    browser.post(reverse("account_reset_password"), {"email": person.email})
    browser.post(reverse("account_login"), {"login": person.email, "password": password})
    new = "Another-long-passphrase-3"
    browser.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": new, "password2": new},
    )
    return person


def test_every_account_email_is_sent(browser, password):
    send_every_account_email(browser, password)

    assert [message.subject for message in mail.outbox] == [
        "Confirm your email address",
        "You already have an account",
        "Choose a new password",
        "Your password was changed",
    ]


def test_every_link_in_every_email_is_on_the_site_address(browser, password):
    send_every_account_email(browser, password)

    for message in mail.outbox:
        links = re.findall(r"\w+://\S+", message.body)
        assert links, message.subject
        assert all(link.startswith("https://course.example.org/") for link in links), links
        assert "evil.example" not in message.body


def test_emails_are_plain_text_with_names_as_typed(browser, password):
    send_every_account_email(browser, password)

    for message in mail.outbox:
        assert "&#" not in message.subject + message.body
        assert "&amp;" not in message.body
        assert "\n" not in message.subject
        assert getattr(message, "alternatives", []) == []
    assert f"Hello {NAME}," in mail.outbox[-1].body


def test_the_second_factor_emails_follow_the_same_rules(
    client, practitioner, password, django_capture_on_commit_callbacks
):
    client.force_login(practitioner)
    client.post(reverse("account_reauthenticate"), {"password": password})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    message = mail.outbox[-1]
    assert message.subject == "Two-factor sign-in is on"
    assert all(
        link.startswith("https://course.example.org/")
        for link in re.findall(r"\w+://\S+", message.body)
    )
    assert AuditEvent.objects.filter(action="account.second_factor_added").exists()
