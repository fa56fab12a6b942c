"""Two-factor sign-in: required before any page of a privileged role, asked for at each
sign-in, and changed only after confirming it is you."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.middleware import PRIVILEGED_NAMESPACES
from tests.factories import (
    ExerciseFactory,
    QuestionFactory,
    UserFactory,
    second_factor_for,
    totp_code,
)

pytestmark = pytest.mark.django_db

ENROL = reverse("mfa_activate_totp")
PRIVILEGED = {
    "team manager": {"role": "team_manager"},
    "organisation administrator": {"role": "organisation_admin"},
    "trainer": {"role": "trainer"},
    "administrator": {"role": "administrator", "is_staff": True, "is_superuser": True},
}


def privileged_urls():
    """Every URL of every privileged area, built from the URLconf with made-up ids (the
    second factor is checked before anything is looked up)."""

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
            elif isinstance(pattern, URLPattern) and set(namespaces) & PRIVILEGED_NAMESPACES:
                route = prefix + str(pattern.pattern)
                route = re.sub(r"<(?:int:)?\w+>", "1", route)
                route = re.sub(r"<\w+:\w+>", "x", route)
                route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
                yield "/" + route.lstrip("^").rstrip("$").replace("\\", "")

    return sorted(set(walk(get_resolver().url_patterns, "", [])))


@pytest.fixture(params=list(PRIVILEGED), ids=list(PRIVILEGED))
def privileged(request, team):
    return UserFactory(team=team, **PRIVILEGED[request.param])


def test_the_walk_finds_the_privileged_areas():
    urls = privileged_urls()

    assert "/admin/" in urls
    assert len(urls) > 20


def test_every_privileged_url_sends_someone_without_a_second_factor_to_set_it_up(
    client, privileged
):
    client.force_login(privileged)

    for url in privileged_urls():
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, ENROL), url


def test_with_a_second_factor_the_privileged_urls_open(client, privileged):
    second_factor_for(privileged)
    client.force_login(privileged)

    for url in privileged_urls():
        assert client.get(url).get("Location") != ENROL, url


def test_practitioners_need_no_second_factor_and_get_no_privileged_pages(client, practitioner):
    client.force_login(practitioner)

    assert client.get(reverse("modules:home")).status_code == 200
    assert client.get("/admin/", follow=True).status_code == 403


def test_without_a_second_factor_a_privileged_person_can_still_take_the_course(client, privileged):
    client.force_login(privileged)

    page = client.get(reverse("modules:home"))

    assert page.status_code == 200
    assert "Your role needs two-factor sign-in" in page.content.decode()


def test_the_requirement_is_a_setting(client, privileged, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(privileged)

    assert client.get("/admin/").get("Location") != ENROL


def confirmed_it_is_them(client, user, password):
    """Signed in, and the password entered again just now (as changing how one signs in
    asks for)."""
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": password})
    return client


def test_setting_up_an_authenticator_app(client, privileged, password):
    confirmed_it_is_them(client, privileged, password)
    page = client.get(ENROL).content.decode()
    secret = re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', page)[1]

    response = client.post(ENROL, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=privileged, type="totp").exists()
    assert Authenticator.objects.filter(user=privileged, type="recovery_codes").exists()


def test_a_wrong_code_does_not_set_it_up(client, privileged, password):
    confirmed_it_is_them(client, privileged, password)
    client.get(ENROL)

    response = client.post(ENROL, {"code": "000000"})

    assert "That code is not right" in response.content.decode()
    assert not Authenticator.objects.filter(user=privileged).exists()


def test_signing_in_asks_for_a_code_after_the_password(client, privileged, password):
    secret = second_factor_for(privileged)

    response = client.post(
        reverse("account_login"), {"login": privileged.email, "password": password}
    )
    assert response.url == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert client.session[SESSION_KEY] == str(privileged.pk)


def test_a_wrong_code_at_sign_in_leaves_the_person_signed_out(client, privileged, password):
    second_factor_for(privileged)
    client.post(reverse("account_login"), {"login": privileged.email, "password": password})

    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})

    assert "That code is not right" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_practitioner_may_turn_it_on_and_is_then_asked_too(client, practitioner, password):
    secret = second_factor_for(practitioner)

    client.post(reverse("account_login"), {"login": practitioner.email, "password": password})
    assert SESSION_KEY not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert client.session[SESSION_KEY] == str(practitioner.pk)


def test_setting_it_up_long_after_signing_in_asks_for_the_password_again(client, privileged):
    client.force_login(privileged)  # no recent sign-in on record

    response = client.get(ENROL)

    assert response.url.startswith(reverse("account_reauthenticate"))


@pytest.mark.parametrize("page", ["mfa_deactivate_totp", "mfa_generate_recovery_codes"])
def test_turning_it_off_or_new_recovery_codes_ask_to_confirm_it_is_you(client, privileged, page):
    second_factor_for(privileged)
    client.force_login(privileged)  # no recent sign-in on record

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_the_authenticator_secret_is_stored_encrypted(privileged):
    secret = second_factor_for(privileged)

    stored = Authenticator.objects.get(user=privileged, type="totp").data

    assert secret not in str(stored)


def test_a_privileged_person_cannot_turn_it_off_while_their_role_needs_it(
    client, privileged, password
):
    second_factor_for(privileged)
    confirmed_it_is_them(client, privileged, password)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert "Your role needs two-factor sign-in" in response.content.decode()
    assert Authenticator.objects.filter(user=privileged, type="totp").exists()


def test_after_confirming_it_is_them_they_can_turn_it_off(client, practitioner, password):
    second_factor_for(practitioner)
    confirmed_it_is_them(client, practitioner, password)

    client.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=practitioner, type="totp").exists()


def test_the_signed_out_page_cannot_skip_the_code(client, privileged, password):
    """Signing in again from the page that keeps typed answers checks the password
    only: an account with a second factor is sent to sign in properly instead."""
    exercise = ExerciseFactory(number=3)
    QuestionFactory(exercise=exercise, key="first")
    second_factor_for(privileged)

    response = client.post(
        reverse("reflections:sign_in_and_save", args=[3]),
        {"login": privileged.email, "password": password, "answer-first": "Typed"},
    )

    assert SESSION_KEY not in client.session
    assert "Your account asks for a code as well" in response.content.decode()
    assert "Typed" in response.content.decode()
