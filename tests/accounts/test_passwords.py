"""Resetting and changing a password: links from SITE_URL, nothing revealed, and every
other session ended."""

import re

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")
CHANGE = reverse("account_change_password")
NEW_PASSWORD = "An-entirely-new-passphrase-9"


def signed_in_browser(user, password):
    """A separate browser, signed in through the sign-in page (so its session is listed)."""
    browser = Client()
    browser.post(reverse("account_login"), {"login": user.email, "password": password})
    assert browser.session.get(SESSION_KEY) == str(user.pk)
    return browser


def still_signed_in(browser):
    return browser.get(reverse("reflections:mine")).status_code == 200


def reset_link(message):
    return re.search(
        r"https://course\.example\.org(/accounts/password/reset/key/\S+/)", message.body
    )[1]


def test_a_reset_emails_a_link_on_the_site_address_that_sets_a_new_password(client, practitioner):
    client.post(RESET, {"email": "SAM@example.org"}, HTTP_HOST="testserver")

    message = mail.outbox[0]
    assert message.to == [practitioner.email]
    assert message.subject == "Choose a new password"
    assert "testserver" not in message.body
    form = client.get(reset_link(message), follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)


def test_the_reset_form_answers_the_same_for_an_unknown_email(client, practitioner):
    known = client.post(RESET, {"email": practitioner.email})
    unknown = client.post(RESET, {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")
    assert [message.to for message in mail.outbox] == [[practitioner.email]]


def test_a_reset_link_works_only_once(client, practitioner):
    client.post(RESET, {"email": practitioner.email})
    link = reset_link(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "This link does not work" in again.content.decode()


def test_resets_are_rate_limited_for_each_address(client, practitioner):
    for number in range(5):
        client.post(RESET, {"email": practitioner.email}, REMOTE_ADDR=f"198.51.100.{number}")

    assert len(mail.outbox) == 3


def test_a_reset_ends_every_session_of_that_person(client, practitioner, password):
    browser = signed_in_browser(practitioner, password)
    client.post(RESET, {"email": practitioner.email})
    form_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert not still_signed_in(browser)
    assert not UserSession.objects.filter(user=practitioner).exists()
    assert AuditEvent.objects.filter(action="account.password_changed").exists()
    assert mail.outbox[-1].subject == "Your password was reset"


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    client, practitioner, password
):
    other = signed_in_browser(practitioner, password)
    here = signed_in_browser(practitioner, password)
    other_key = other.session.session_key

    response = here.post(
        CHANGE, {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert still_signed_in(here)
    assert not still_signed_in(other)
    assert not Session.objects.filter(session_key=other_key).exists()
    assert UserSession.objects.filter(user=practitioner).count() == 1
    assert mail.outbox[-1].subject == "Your password was changed"
    assert "testserver" not in mail.outbox[-1].body


def test_changing_the_password_needs_the_current_one(client, practitioner, password):
    client.force_login(practitioner)

    response = client.post(
        CHANGE, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert "Enter your current password." in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password(password)


def test_the_change_password_page_is_for_signed_in_people(client):
    assert client.get(CHANGE).url.startswith(reverse("account_login"))


def test_no_password_ever_appears_in_an_email(client, practitioner, password):
    here = signed_in_browser(practitioner, password)
    here.post(
        CHANGE, {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    client.post(RESET, {"email": practitioner.email})

    for message in mail.outbox:
        assert password not in message.body
        assert NEW_PASSWORD not in message.body
