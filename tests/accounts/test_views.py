"""Registering, signing in and out, lockout after repeated failures, password reset."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.modules.volume import add_volume

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
RESET = reverse("accounts:password_reset")


@pytest.fixture
def registration(team):
    return {
        "full_name": "Jo Bloggs",
        "email": "jo@example.org",
        "organisation": team.organisation.pk,
        "team": team.pk,
        "job_role": "Family support worker",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _signed_in_user(client):
    return client.get("/").wsgi_request.user


def _without_tokens(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


# --- Registering -------------------------------------------------------------------


def test_the_registration_page_asks_for_every_field(client, team):
    page = client.get(REGISTER).content.decode()

    for name in ["full_name", "email", "organisation", "team", "job_role", "password1"]:
        assert f'name="{name}"' in page
    assert f'<option value="{team.pk}">{team.name}</option>' in page
    assert f'<optgroup label="{team.organisation.name}">' in page


def test_registering_creates_the_account_and_signs_in(client, registration, team):
    response = client.post(REGISTER, registration, follow=True)

    user = User.objects.get(email="jo@example.org")
    assert (user.full_name, user.team, user.job_role) == (
        "Jo Bloggs",
        team,
        "Family support worker",
    )
    assert response.redirect_chain == [(reverse("modules:home"), 302)]
    assert response.wsgi_request.user == user
    assert "Welcome, Jo. Your account is ready." in response.content.decode()


def test_a_registration_error_keeps_what_was_typed(client, registration):
    registration["password2"] = "something-else-entirely"

    response = client.post(REGISTER, registration)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The two passwords are not the same." in page
    assert 'value="Jo Bloggs"' in page
    assert 'value="jo@example.org"' in page
    assert 'value="Family support worker"' in page
    assert not User.objects.filter(email="jo@example.org").exists()


def test_a_weak_password_is_refused_with_the_reason_shown(client, registration):
    registration["password1"] = registration["password2"] = "password"

    page = client.post(REGISTER, registration).content.decode()

    assert "This password is too common." in page
    assert not User.objects.filter(email="jo@example.org").exists()


def test_a_team_from_another_organisation_is_refused(client, registration):
    registration["team"] = TeamFactory(organisation=OrganisationFactory(name="Other")).pk

    page = client.post(REGISTER, registration).content.decode()

    assert "Choose a team in the organisation you picked." in page
    assert not User.objects.filter(email="jo@example.org").exists()


def test_an_email_already_registered_is_refused(client, registration, practitioner):
    registration["email"] = practitioner.email.upper()

    page = client.post(REGISTER, registration).content.decode()

    assert "An account already uses this email address." in page
    assert User.objects.filter(email__iexact=practitioner.email).count() == 1


def test_registering_goes_on_to_a_safe_next_page(client, registration):
    response = client.post(f"{REGISTER}?next=/lessons/introduction/", registration)

    assert response.url == "/lessons/introduction/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "\\\\evil"]
)
def test_registering_ignores_an_unsafe_next_page(client, registration, target):
    response = client.post(REGISTER, {**registration, "next": target})

    assert response.url == reverse("modules:home")


def test_the_next_page_is_carried_through_a_registration_error(client, registration):
    registration["password2"] = "different"

    page = client.post(f"{REGISTER}?next=/lessons/x/", registration).content.decode()

    assert '<input type="hidden" name="next" value="/lessons/x/">' in page


def test_someone_signed_in_is_sent_home_from_registration(client, practitioner):
    client.force_login(practitioner)

    assert client.get(REGISTER).url == reverse("modules:home")


# --- Signing in and out ------------------------------------------------------------------


def test_signing_in_with_email_and_password(client, practitioner):
    response = _sign_in(client, practitioner.email)

    assert response.url == reverse("modules:home")
    assert _signed_in_user(client) == practitioner


def test_signing_in_ignores_the_case_of_the_email(client, practitioner):
    _sign_in(client, "  SAM@Example.ORG ")

    assert _signed_in_user(client) == practitioner


def test_signing_in_goes_on_to_a_safe_next_page(client, practitioner):
    response = client.post(
        f"{LOGIN}?next=/lessons/x/", {"username": practitioner.email, "password": PASSWORD}
    )

    assert response.url == "/lessons/x/"


def test_signing_in_ignores_an_unsafe_next_page(client, practitioner):
    response = client.post(
        LOGIN,
        {"username": practitioner.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.url == reverse("modules:home")


def test_a_wrong_password_is_refused_and_the_email_kept(client, practitioner):
    response = _sign_in(client, practitioner.email, "wrong-password")

    page = response.content.decode()
    assert "That email and password do not match an account." in page
    assert f'value="{practitioner.email}"' in page
    assert not _signed_in_user(client).is_authenticated


def test_sign_in_does_not_reveal_whether_an_email_is_registered(client, practitioner):
    known = _sign_in(client, practitioner.email, "wrong-password")
    unknown = _sign_in(client, "nobody@example.org", "wrong-password")

    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known.content.decode()).replace(
        practitioner.email, "EMAIL"
    ) == _without_tokens(unknown.content.decode()).replace("nobody@example.org", "EMAIL")


def test_an_inactive_account_gets_the_same_answer_as_a_wrong_password(client, practitioner):
    practitioner.is_active = False
    practitioner.save()

    page = _sign_in(client, practitioner.email).content.decode()

    assert "That email and password do not match an account." in page
    assert not _signed_in_user(client).is_authenticated


def test_signing_out_is_post_only(client, practitioner):
    client.force_login(practitioner)

    assert client.get(LOGOUT).status_code == 405
    assert _signed_in_user(client) == practitioner

    response = client.post(LOGOUT)

    assert response.url == LOGIN
    assert not _signed_in_user(client).is_authenticated


def test_every_page_offers_sign_out_as_a_form(client, practitioner):
    client.force_login(practitioner)

    page = client.get("/").content.decode()

    assert f'<form method="post" action="{LOGOUT}"' in page


def test_someone_signed_in_is_sent_on_from_the_sign_in_page(client, practitioner):
    client.force_login(practitioner)

    assert client.get(LOGIN).url == reverse("modules:home")


# --- Lockout after repeated failures ------------------------------------------------------


@pytest.fixture
def failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def _fail(client, email, times, **extra):
    for _ in range(times):
        _sign_in(client, email, "wrong-password", **extra)


def test_an_email_and_address_are_locked_out_after_the_failure_limit(
    client, practitioner, failure_limit
):
    _fail(client, practitioner.email, failure_limit)

    response = _sign_in(client, practitioner.email)

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert not _signed_in_user(client).is_authenticated


def test_the_lockout_page_says_how_long_to_wait_in_minutes(client, practitioner, failure_limit):
    _fail(client, practitioner.email, failure_limit)

    page = _sign_in(client, practitioner.email).content.decode()

    assert f"paused after {failure_limit} failed attempts" in page
    assert "Please wait 15 minutes and try again" in page


def test_failures_below_the_limit_do_not_lock_out(client, practitioner, failure_limit):
    _fail(client, practitioner.email, failure_limit - 1)

    _sign_in(client, practitioner.email)

    assert _signed_in_user(client) == practitioner


def test_a_lockout_counts_the_email_whatever_its_case(client, practitioner, failure_limit):
    for email in ["SAM@example.org", "Sam@Example.org", "sAm@example.ORG"][:failure_limit]:
        _sign_in(client, email, "wrong-password")

    assert _sign_in(client, practitioner.email).status_code == 429


def test_a_lockout_does_not_stop_the_same_email_from_another_address(
    client, practitioner, failure_limit
):
    _fail(client, practitioner.email, failure_limit, REMOTE_ADDR="198.51.100.7")

    _sign_in(client, practitioner.email, REMOTE_ADDR="198.51.100.8")

    assert _signed_in_user(client) == practitioner


def test_a_lockout_does_not_stop_another_email_from_the_same_address(
    client, practitioner, colleague, failure_limit
):
    _fail(client, practitioner.email, failure_limit)

    _sign_in(client, colleague.email)

    assert _signed_in_user(client) == colleague


def test_without_trusted_proxies_a_forwarded_address_cannot_dodge_the_lockout(
    client, practitioner, failure_limit
):
    for attempt in range(failure_limit):
        _sign_in(client, practitioner.email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")

    response = _sign_in(client, practitioner.email, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_real_client_address_is_locked_out(client, practitioner, failure_limit):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    _fail(client, practitioner.email, failure_limit, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    locked = _sign_in(client, practitioner.email, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    elsewhere = _sign_in(client, practitioner.email, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)

    assert locked.status_code == 429
    assert elsewhere.status_code == 302
    assert _signed_in_user(client) == practitioner


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_addresses_the_client_wrote_are_not_trusted(
    client, practitioner, failure_limit
):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for attempt in range(failure_limit):
        spoofed = f"192.0.2.{attempt}, 203.0.113.5"
        _sign_in(client, practitioner.email, "wrong", HTTP_X_FORWARDED_FOR=spoofed, **proxy)

    response = _sign_in(client, practitioner.email, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    assert response.status_code == 429


def test_a_successful_sign_in_resets_the_failure_count(client, practitioner, failure_limit):
    _fail(client, practitioner.email, failure_limit - 1)
    _sign_in(client, practitioner.email)
    client.post(LOGOUT)

    _fail(client, practitioner.email, failure_limit - 1)
    _sign_in(client, practitioner.email)

    assert _signed_in_user(client) == practitioner


# --- Password reset ---------------------------------------------------------------------------


def test_a_password_reset_emails_a_link_that_sets_a_new_password(client, practitioner):
    client.post(RESET, {"email": "SAM@example.org"})

    (email,) = mail.outbox
    assert email.to == [practitioner.email]
    assert email.subject == "Reset your password for the CSE practice course"
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", email.body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url,
        {"new_password1": "A-new-long-passphrase-7", "new_password2": "A-new-long-passphrase-7"},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    practitioner.refresh_from_db()
    assert practitioner.check_password("A-new-long-passphrase-7")


def test_a_reset_link_works_only_once(client, practitioner):
    client.post(RESET, {"email": practitioner.email})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    new = {"new_password1": "A-new-long-passphrase-7", "new_password2": "A-new-long-passphrase-7"}
    client.post(form_url, new)

    page = client.get(link, follow=True).content.decode()

    assert 'name="new_password1"' not in page
    assert "This link no longer works" in page


def test_the_reset_form_answers_the_same_for_an_unknown_email(client, practitioner):
    known = client.post(RESET, {"email": practitioner.email})
    unknown = client.post(RESET, {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1


def test_the_reset_email_carries_no_password(client, practitioner):
    client.post(RESET, {"email": practitioner.email})

    assert PASSWORD not in mail.outbox[0].body


# --- Query counts ---------------------------------------------------------------------------


def _more_people_and_lessons():
    add_volume(lessons=20, people=30)
    for _ in range(5):
        TeamFactory()


PAGES = [
    ("register", "get", REGISTER, None, 3),
    ("sign in", "get", LOGIN, None, 1),
    ("password reset", "get", RESET, None, 1),
    ("password reset sent", "get", reverse("accounts:password_reset_done"), None, 1),
    ("password reset complete", "get", reverse("accounts:password_reset_complete"), None, 1),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "data", "bound"), PAGES, ids=[p[0] for p in PAGES]
)
def test_account_pages_run_a_bounded_number_of_queries(
    client, team, django_assert_max_num_queries, name, method, url, data, bound
):
    with django_assert_max_num_queries(bound):
        getattr(client, method)(url)

    _more_people_and_lessons()

    with django_assert_max_num_queries(bound):
        response = getattr(client, method)(url)
    assert response.status_code == 200


def test_registering_runs_a_bounded_number_of_queries(
    client, registration, django_assert_max_num_queries
):
    bound = 21  # includes axes' access log, the audit event and the waiting-items notice
    with django_assert_max_num_queries(bound):
        client.post(REGISTER, registration)
    client.post(LOGOUT)
    _more_people_and_lessons()

    with django_assert_max_num_queries(bound):
        response = client.post(REGISTER, {**registration, "email": "jo2@example.org"})
    assert response.url == reverse("modules:home")


def test_a_refused_registration_runs_a_bounded_number_of_queries(
    client, registration, django_assert_max_num_queries
):
    registration["password2"] = "different"
    bound = 6
    with django_assert_max_num_queries(bound):
        client.post(REGISTER, registration)
    _more_people_and_lessons()

    with django_assert_max_num_queries(bound):
        response = client.post(REGISTER, registration)
    assert "The two passwords are not the same." in response.content.decode()


def test_signing_in_runs_a_bounded_number_of_queries(
    client, practitioner, django_assert_max_num_queries
):
    bound = 16  # includes the two counts of the waiting-items notice
    with django_assert_max_num_queries(bound):
        _sign_in(client, practitioner.email)
    client.post(LOGOUT)
    _more_people_and_lessons()

    with django_assert_max_num_queries(bound):
        response = _sign_in(client, practitioner.email)
    assert response.url == reverse("modules:home")


def test_a_failed_sign_in_runs_a_bounded_number_of_queries(
    client, practitioner, django_assert_max_num_queries
):
    bound = 11  # axes reads and records the failure
    with django_assert_max_num_queries(bound):
        _sign_in(client, practitioner.email, "wrong")
    _more_people_and_lessons()
    other = UserFactory()

    with django_assert_max_num_queries(bound):
        response = _sign_in(client, other.email, "wrong")
    assert "do not match an account" in response.content.decode()


def test_asking_for_a_password_reset_runs_a_bounded_number_of_queries(
    client, practitioner, django_assert_max_num_queries
):
    bound = 3
    with django_assert_max_num_queries(bound):
        client.post(RESET, {"email": practitioner.email})
    _more_people_and_lessons()

    with django_assert_max_num_queries(bound):
        client.post(RESET, {"email": practitioner.email})
    assert len(mail.outbox) == 2


def test_the_new_password_page_runs_a_bounded_number_of_queries(
    client, practitioner, django_assert_max_num_queries
):
    client.post(RESET, {"email": practitioner.email})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    bound = 4
    with django_assert_max_num_queries(bound):
        client.get(form_url)
    _more_people_and_lessons()

    with django_assert_max_num_queries(bound):
        page = client.get(form_url).content.decode()
    assert 'name="new_password1"' in page
