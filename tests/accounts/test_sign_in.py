"""Signing in and out: by email in its normal form, never revealing whether an address
has an account, with rate limits per account and per client address."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from accounts.adapter import NOT_MATCHED
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
LOGOUT = reverse("account_logout")
LOCKED = "Too many sign-in attempts"


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def signed_in_id(client):
    return client.session.get(SESSION_KEY)


def fail(client, email, times, **extra):
    for _ in range(times):
        sign_in(client, email, "not-the-password", **extra)


def test_the_sign_in_page_asks_for_email_and_password(client):
    page = client.get(LOGIN).content.decode()

    assert 'name="login"' in page
    assert 'autocomplete="email"' in page
    assert 'name="password"' in page
    assert 'autocomplete="current-password"' in page
    assert reverse("account_reset_password") in page
    assert reverse("account_signup") in page


def test_signing_in_with_email_and_password(client, practitioner, password):
    response = sign_in(client, practitioner.email, password)

    assert response.status_code == 302
    assert response.url == reverse("modules:home")
    assert signed_in_id(client) == str(practitioner.pk)


@pytest.mark.parametrize(
    "typed",
    ["SAM@EXAMPLE.ORG", " sam@example.org ", "\uff53am@example.org"],  # fullwidth s
)
def test_the_address_is_read_in_its_normal_form(client, practitioner, password, typed):
    sign_in(client, typed, password)

    assert signed_in_id(client) == str(practitioner.pk)


def test_a_long_s_is_the_same_address_and_shares_its_count_of_failures(client, password):
    priya = UserFactory(email="priya.shah@example.org")
    fail(client, "priya.\u017fhah@example.org", 5, REMOTE_ADDR="198.51.100.1")

    long_s = sign_in(client, "priya.\u017fhah@example.org", password, REMOTE_ADDR="198.51.100.2")
    plain = sign_in(client, "priya.shah@example.org", password, REMOTE_ADDR="198.51.100.3")

    assert LOCKED in long_s.content.decode()
    assert LOCKED in plain.content.decode()
    assert SESSION_KEY not in client.session
    assert priya.email == "priya.shah@example.org"


def test_a_dotless_i_is_another_address_and_signs_nobody_in(client, password):
    UserFactory(email="priya.shah@example.org")

    response = sign_in(client, "pr\u0131ya.shah@example.org", password)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_wrong_password_is_refused_and_the_email_kept(client, practitioner):
    response = sign_in(client, practitioner.email, "wrong")

    page = response.content.decode()
    assert NOT_MATCHED in page
    assert f'value="{practitioner.email}"' in page
    assert "Error: Sign in" in page


def test_sign_in_does_not_reveal_whether_an_email_is_registered(client, practitioner):
    known = sign_in(client, practitioner.email, "wrong").content.decode()
    unknown = sign_in(client, "nobody@example.org", "wrong").content.decode()

    assert NOT_MATCHED in known
    assert NOT_MATCHED in unknown
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    known, unknown = token.sub("", known), token.sub("", unknown)
    assert known.replace(practitioner.email, "X") == unknown.replace("nobody@example.org", "X")


def test_signing_in_goes_on_to_a_safe_next_page(client, practitioner, password):
    response = client.post(
        f"{LOGIN}?next=/reflections/",
        {"login": practitioner.email, "password": password, "next": "/reflections/"},
    )

    assert response.url == "/reflections/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_signing_in_ignores_an_unsafe_next_page(client, practitioner, password, target):
    response = client.post(
        LOGIN, {"login": practitioner.email, "password": password, "next": target}
    )

    assert response.url == reverse("modules:home")


def test_someone_signed_in_is_sent_on_from_the_sign_in_page(client, practitioner):
    client.force_login(practitioner)

    assert client.get(LOGIN).url == reverse("modules:home")


def test_a_deactivated_account_cannot_sign_in(client, practitioner, password):
    practitioner.is_active = False
    practitioner.save()

    response = sign_in(client, practitioner.email, password, follow=True)

    assert SESSION_KEY not in client.session
    assert "This account is closed" in response.content.decode()


def test_signing_out_is_a_post_that_ends_the_session_on_the_server(client, practitioner):
    client.force_login(practitioner)
    key = client.session.session_key

    shown = client.get(LOGOUT)
    assert shown.status_code == 200
    assert signed_in_id(client) == str(practitioner.pk)
    client.post(LOGOUT)

    assert SESSION_KEY not in client.session
    assert not Session.objects.filter(session_key=key).exists()


def test_every_page_offers_sign_out_as_a_form(client, practitioner):
    client.force_login(practitioner)

    page = client.get(reverse("modules:home")).content.decode()

    assert f'<form method="post" action="{LOGOUT}"' in page


# --- Rate limits ------------------------------------------------------------------------------


def test_five_failures_for_one_account_pause_it_even_with_the_right_password(
    client, practitioner, password
):
    fail(client, practitioner.email, 5)

    response = sign_in(client, practitioner.email, password)

    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_four_failures_do_not_pause_an_account(client, practitioner, password):
    fail(client, practitioner.email, 4)

    sign_in(client, practitioner.email, password)

    assert signed_in_id(client) == str(practitioner.pk)


def test_a_paused_account_is_paused_from_every_address(client, practitioner, password):
    fail(client, practitioner.email, 5, REMOTE_ADDR="198.51.100.7")

    response = sign_in(client, practitioner.email, password, REMOTE_ADDR="198.51.100.8")

    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_paused_account_does_not_stop_another_account_from_the_same_address(
    client, practitioner, colleague, password
):
    fail(client, practitioner.email, 5)

    sign_in(client, colleague.email, password)

    assert signed_in_id(client) == str(colleague.pk)


def test_spraying_one_password_across_accounts_is_stopped_per_client_address(client, password):
    """Ten wrong guesses a minute from one address, whichever accounts they try."""
    people = UserFactory.create_batch(11)
    for person in people[:10]:
        sign_in(client, person.email, "Summer2026!", REMOTE_ADDR="203.0.113.9")

    from_there = sign_in(client, people[10].email, password, REMOTE_ADDR="203.0.113.9")
    elsewhere = sign_in(client, people[10].email, password, REMOTE_ADDR="203.0.113.10")

    assert LOCKED in from_there.content.decode()
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_does_not_wipe_earlier_failures(client, practitioner, password):
    """Otherwise an attacker could slip in a sign-in of their own between guesses."""
    fail(client, practitioner.email, 4)
    sign_in(client, practitioner.email, password)
    client.post(LOGOUT)
    fail(client, practitioner.email, 1)

    sign_in(client, practitioner.email, password)

    assert SESSION_KEY not in client.session


def test_without_trusted_proxies_a_forwarded_address_cannot_dodge_the_limit(client, password):
    people = UserFactory.create_batch(11)
    for attempt, person in enumerate(people[:10]):
        sign_in(client, person.email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")

    response = sign_in(client, people[10].email, password, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert LOCKED in response.content.decode()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_real_client_address_is_counted(client, password):
    people = UserFactory.create_batch(11)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for person in people[:10]:
        sign_in(client, person.email, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    locked = sign_in(
        client, people[10].email, password, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    other = sign_in(client, people[10].email, password, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)

    assert LOCKED in locked.content.decode()
    assert other.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_addresses_the_client_wrote_are_not_trusted(client, password):
    people = UserFactory.create_batch(11)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for attempt, person in enumerate(people[:10]):
        spoofed = f"192.0.2.{attempt}, 203.0.113.5"
        sign_in(client, person.email, "wrong", HTTP_X_FORWARDED_FOR=spoofed, **proxy)

    response = sign_in(
        client, people[10].email, password, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )

    assert LOCKED in response.content.decode()


# --- Query counts -----------------------------------------------------------------------------


def test_signing_in_runs_a_bounded_number_of_queries(
    client, practitioner, password, django_assert_max_num_queries
):
    bound = 24  # allauth's checks, the session and its list, the waiting-items notice
    with django_assert_max_num_queries(bound):
        response = sign_in(client, practitioner.email, password)
    assert response.status_code == 302
    assert response.url == reverse("modules:home")
    client.post(LOGOUT)
    UserFactory.create_batch(20, team=practitioner.team)

    with django_assert_max_num_queries(bound):
        response = sign_in(client, practitioner.email, password)
    assert response.status_code == 302
    assert response.url == reverse("modules:home")
    assert signed_in_id(client) == str(practitioner.pk)


def test_a_failed_sign_in_runs_a_bounded_number_of_queries(
    client, practitioner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = sign_in(client, practitioner.email, "wrong")
    assert response.status_code == 200
    assert NOT_MATCHED in response.content.decode()
