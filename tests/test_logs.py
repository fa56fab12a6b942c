"""Log lines: one JSON object each, with the request's id and who made it
(cse_course/logs.py, settings.LOGGING)."""

import json
import logging

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from cse_course.logs import JsonFormatter, RequestContextFilter, request_id_for
from tests.factories import UserFactory
from tests.reflections.factories import ShareFactory

from .log_capture import collector_attach
from .test_settings import PRODUCTION, _run, _settings_in

probe_log = logging.getLogger("tests.probe")


def _probe(request):
    probe_log.info("probe", extra={"event": "probe"})
    return HttpResponse("ok")


urlpatterns = [path("probe/", _probe)]


@pytest.fixture
def lines():
    collector, detach = collector_attach()
    yield collector.lines
    detach()


def _records(lines, event):
    return [record for record in map(json.loads, lines) if record.get("event") == event]


def test_a_safe_incoming_request_id_is_kept():
    assert request_id_for("a1b2c3d4-e5f6.7890_x") == "a1b2c3d4-e5f6.7890_x"


@pytest.mark.parametrize(
    "header",
    [None, "", "short", "x" * 65, "id with spaces", "id\nforged line", '"quoted"', "ünïcode-id"],
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(header):
    new = request_id_for(header)

    assert new != header
    assert len(new) == 32
    assert int(new, 16) >= 0


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_every_line_of_a_request_carries_its_id_which_the_response_returns(client, lines):
    response = client.get("/probe/", headers={"X-Request-ID": "proxy-given-id-42"})

    assert response["X-Request-ID"] == "proxy-given-id-42"
    (line,) = _records(lines, "probe")
    assert line["request_id"] == "proxy-given-id-42"
    assert line["user_id"] is None


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_each_request_gets_its_own_id(client, lines):
    first = client.get("/probe/")["X-Request-ID"]
    second = client.get("/probe/")["X-Request-ID"]

    assert first != second
    assert [line["request_id"] for line in _records(lines, "probe")] == [first, second]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_line_names_the_signed_in_person_by_id_never_email(client, lines):
    user = UserFactory(email="named.person@example.org")
    client.force_login(user)

    client.get("/probe/")

    (line,) = _records(lines, "probe")
    assert line["user_id"] == user.pk
    assert "named.person" not in "\n".join(lines)


def test_a_line_outside_any_request_has_no_request_id(lines):
    probe_log.info("probe", extra={"event": "probe"})

    (line,) = _records(lines, "probe")
    assert line["request_id"] is None
    assert line["user_id"] is None


def test_the_json_line_has_time_level_logger_and_message():
    record = logging.LogRecord("cse.security", logging.WARNING, __file__, 1, "hi %s", ("x",), None)
    RequestContextFilter().filter(record)

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "WARNING"
    assert line["logger"] == "cse.security"
    assert line["message"] == "hi x"
    assert line["timestamp"].endswith("+00:00")
    assert "\n" not in JsonFormatter().format(record)


def test_the_request_object_django_attaches_is_left_out():
    """Its text holds the query string, which can hold a code or a token."""
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Error", (), None)
    record.request = "<WSGIRequest: GET '/verify/?code=K7QF-9M2X-PD4R-8T3H'>"
    record.status_code = 500

    line = json.loads(JsonFormatter().format(record))

    assert "request" not in line
    assert line["status_code"] == 500


def test_production_logs_json_and_the_local_run_plain_text():
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    production = _settings_in("cse_course.settings.production", ["LOG_FORMAT"], **environment)
    local = _settings_in("cse_course.settings.local", ["LOG_FORMAT"])

    assert production == {"LOG_FORMAT": "json"}
    assert local == {"LOG_FORMAT": "plain"}


def test_an_unknown_log_format_is_refused():
    finished = _run(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE="cse_course.settings.local",
        LOG_FORMAT="xml",
    )

    assert finished.returncode != 0
    assert "LOG_FORMAT" in finished.stderr


@pytest.mark.django_db
def test_a_refused_post_to_a_link_with_a_token_logs_the_route_not_the_token(lines):
    share = ShareFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(share.colleague)

    response = client.post(reverse("reflections:invitation", args=[share.token]))

    assert response.status_code == 403
    csrf_lines = [line for line in lines if '"django.security.csrf"' in line]
    assert len(csrf_lines) == 1
    assert "/reflections/invitations/<str:token>/" in csrf_lines[0]
    assert share.token not in "\n".join(lines)
