"""Headers on every response (cse_course/middleware.py, settings): Permissions-Policy,
and Cache-Control: no-store on everything that may show a person's own information,
while anonymous public pages and static files stay cacheable."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import LessonFactory, UserFactory, second_factor_for

pytestmark = pytest.mark.django_db

DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


def _policy(response):
    return dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/no/such/page/", "/reflections/", "/security/csp-report/"]
)
def test_every_response_denies_the_browser_features_the_course_never_uses(client, url):
    policy = _policy(client.get(url))

    for feature in [*DENIED, "browsing-topics"]:
        assert policy[feature] == "()"


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_carry_the_permissions_policy_and_stay_cacheable():
    response = Client().get("/static/css/design.css")

    assert response.status_code == 200
    assert _policy(response)["camera"] == "()"
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age=" in response["Cache-Control"]


# --- Cache-Control: no-store ---------------------------------------------------------------


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def privileged(team):
    """People of each role that sees others' information, each with a second factor."""
    people = {
        "manager": UserFactory(team=team, role="team_manager"),
        "organisation_admin": UserFactory(team=team, role="organisation_admin"),
        "trainer": UserFactory(team=team, role="trainer"),
    }
    team.managers.add(people["manager"])
    for person in people.values():
        second_factor_for(person)
    return people


def test_every_page_a_signed_in_person_gets_is_never_stored(practitioner, privileged, team):
    lesson = LessonFactory()
    pages = [
        (practitioner, "/"),
        (practitioner, reverse("modules:glossary")),
        (practitioner, lesson.get_absolute_url()),
        (practitioner, reverse("accounts:overview")),
        (practitioner, reverse("account_email")),
        (practitioner, reverse("reflections:mine")),
        (practitioner, "/no/such/page/"),
        (privileged["manager"], reverse("team_progress:dashboard")),
        (privileged["manager"], reverse("team_progress:team", args=[team.pk])),
        (privileged["organisation_admin"], reverse("organisation:members")),
        (privileged["trainer"], reverse("course_editing:home")),
    ]
    unstored = []
    for user, url in pages:
        response = _signed_in(user).get(url)
        cache_control = response.get("Cache-Control", "")
        if "no-store" not in cache_control or "private" not in cache_control:
            unstored.append((url, response.status_code, cache_control))

    assert unstored == []


def test_signing_in_and_out_answers_are_never_stored(practitioner, password):
    client = Client()

    signed_in = client.post(
        reverse("account_login"), {"login": practitioner.email, "password": password}
    )
    signed_out = client.post(reverse("account_logout"))

    assert signed_in.status_code == 302
    assert "no-store" in signed_in["Cache-Control"]
    assert signed_out.status_code == 302
    assert "no-store" in signed_out["Cache-Control"]


@pytest.mark.parametrize("url", ["/", reverse("modules:glossary")])
def test_anonymous_public_pages_stay_cacheable(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_cache_control_the_view_chose_is_kept(practitioner):
    """The verify page says its own (never_cache); the middleware adds nothing to it."""
    response = _signed_in(practitioner).get(reverse("verify:form"))

    assert response["Cache-Control"].count("no-store") == 1
