"""The security events in the log (audit/logs.py, logger "cse.security"): sign-ins,
failed sign-ins, sign-outs, refused accesses and exports, each with who (an id) and
when, and never an email address or a password."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from modules.models import Course
from tests.factories import TeamFactory, UserFactory, second_factor_for
from tests.log_capture import collector_attach
from tests.reflections.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    collector, detach = collector_attach()
    yield collector.lines
    detach()


def events(lines, event=None):
    found = [json.loads(line) for line in lines if '"logger": "cse.security"' in line]
    return [line for line in found if event is None or line["event"] == event]


def _sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


# --- Signing in and out --------------------------------------------------------------------


def test_a_sign_in_is_logged_with_the_persons_id_and_the_time(
    client, practitioner, password, lines
):
    _sign_in(client, practitioner.email, password)

    (line,) = events(lines, "sign_in")
    assert line["user_id"] == practitioner.pk
    assert line["level"] == "INFO"
    assert line["timestamp"]
    assert line["request_id"]


def test_a_failed_sign_in_names_the_account_by_id_never_the_address_or_password(
    client, practitioner, lines
):
    _sign_in(client, practitioner.email.upper(), "wrong-Passphrase-99")

    (line,) = events(lines, "sign_in_failed")
    assert line["account_id"] == practitioner.pk
    assert line["user_id"] is None
    assert line["level"] == "WARNING"
    text = "\n".join(lines).lower()
    assert practitioner.email.split("@")[0] not in text
    assert "wrong-passphrase-99" not in text


def test_a_failed_sign_in_to_an_unknown_address_names_nothing(client, lines):
    _sign_in(client, "nobody.here@example.org", "wrong-Passphrase-99")

    (line,) = events(lines, "sign_in_failed")
    assert line["account_id"] is None
    assert "nobody.here" not in "\n".join(lines)


def test_a_sign_out_is_logged_with_who_signed_out(client, practitioner, lines):
    client.force_login(practitioner)

    client.post(reverse("account_logout"))

    (line,) = events(lines, "sign_out")
    assert line["user_id"] == practitioner.pk


# --- Refused accesses ------------------------------------------------------------------------


def test_a_guessed_team_is_logged_as_refused_by_its_route_not_its_path(client, manager, lines):
    second_factor_for(manager)
    client.force_login(manager)
    other_team = TeamFactory()

    response = client.get(reverse("team_progress:team", args=[other_team.pk]))

    assert response.status_code == 404
    (line,) = events(lines, "access_refused")
    assert line["status"] == 404
    assert line["route"] == "team-progress/teams/<int:team_id>/"
    assert line["view"] == "team_progress:team"
    assert line["user_id"] == manager.pk


def test_a_permission_denied_is_logged(client, practitioner, lines):
    """A practitioner at the organisation administrators' pages (PermissionDenied)."""
    client.force_login(practitioner)

    response = client.get(reverse("organisation:members"))

    assert response.status_code == 403
    (line,) = events(lines, "access_refused")
    assert (line["status"], line["route"]) == (403, "organisation/")
    assert line["user_id"] == practitioner.pk


def test_an_unverified_address_refused_is_logged(client, lines):
    unverified = UserFactory(verified=False)
    client.force_login(unverified)

    response = client.get(reverse("reflections:mine"))

    assert response.status_code == 403
    (line,) = events(lines, "access_refused")
    assert line["status"] == 403
    assert line["user_id"] == unverified.pk


def test_a_stale_csrf_token_is_logged_as_refused(practitioner, lines):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 403
    (line,) = events(lines, "access_refused")
    assert line["route"] == "accounts/logout/"


def test_a_missing_second_factor_is_logged_as_refused(client, manager, lines):
    client.force_login(manager)

    response = client.get(reverse("team_progress:dashboard"))

    assert response.status_code == 302
    (line,) = events(lines, "access_refused")
    assert line["reason"] == "second_factor_missing"
    assert line["route"] == "team-progress/"


def test_an_address_the_course_does_not_have_is_not_a_refusal(client, practitioner, lines):
    client.force_login(practitioner)

    assert client.get("/no/such/page/").status_code == 404
    assert events(lines, "access_refused") == []


# --- Exports ---------------------------------------------------------------------------------


@pytest.fixture
def course(db):
    return Course.objects.create(title="Course", summary="s", audience="a", source_citation="c")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (reverse("reflections:data_export"), "data_json"),
        (reverse("reflections:cpd_record_pdf"), "cpd_record_pdf"),
        (reverse("reflections:certificate_pdf"), "certificate_pdf"),
    ],
)
def test_a_practitioners_exports_are_logged_with_who(
    client, practitioner, course, url, kind, lines
):
    CertificateFactory(user=practitioner)
    client.force_login(practitioner)

    response = client.get(url)

    assert response.status_code == 200
    (line,) = events(lines, "export")
    assert line["kind"] == kind
    assert line["user_id"] == practitioner.pk
    assert line["timestamp"]


def test_a_managers_csv_is_logged_with_who_and_which_team(client, manager, team, lines):
    second_factor_for(manager)
    client.force_login(manager)

    response = client.get(reverse("team_progress:team_csv", args=[team.pk]))

    assert response.status_code == 200
    (line,) = events(lines, "export")
    assert (line["kind"], line["team_id"], line["user_id"]) == ("team_csv", team.pk, manager.pk)
