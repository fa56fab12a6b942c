"""Browsers' Content-Security-Policy violation reports (cse_course/csp_report.py):
accepted from anyone without a CSRF token, bounded, rate-limited, and logged as a few
short fields, never the report itself."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from .log_capture import collector_attach

pytestmark = pytest.mark.django_db

URL = reverse("csp_report")
SAMPLE = "private words typed into the page"


def _legacy(**fields):
    report = {
        "document-uri": "https://course.example.org/reflections/exercises/3/?draft=secret-token",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "blocked-uri": "https://evil.example/steal.js?token=abc123",
        "script-sample": SAMPLE,
        "disposition": "enforce",
        "status-code": 200,
    }
    return json.dumps({"csp-report": report | fields})


def _reporting_api(*bodies):
    return json.dumps(
        [
            {"type": "csp-violation", "age": 10, "url": "https://x/", "user_agent": "UA", "body": b}
            for b in bodies
        ]
    )


@pytest.fixture
def browser():
    """Like a browser sending a report: no CSRF token, nobody signed in."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def lines():
    collector, detach = collector_attach()
    yield collector.lines
    detach()


def _violations(lines):
    return [json.loads(line) for line in lines if '"csp_violation"' in line]


def test_a_report_uri_report_is_logged_with_its_directive_origin_and_route(browser, lines):
    response = browser.post(URL, _legacy(), content_type="application/csp-report")

    assert response.status_code == 204
    (line,) = _violations(lines)
    assert line["logger"] == "cse.security"
    assert line["level"] == "WARNING"
    assert line["directive"] == "script-src-elem"
    assert line["blocked"] == "https://evil.example"
    assert line["page"] == "reflections/exercises/<int:number>/"
    assert line["request_id"]
    assert line["timestamp"]


def test_nothing_of_the_report_beyond_those_fields_is_logged(browser, lines):
    browser.post(URL, _legacy(), content_type="application/csp-report")

    text = "\n".join(lines)
    for secret in [SAMPLE, "secret-token", "token=abc123", "steal.js", "default-src"]:
        assert secret not in text


def test_reporting_api_reports_are_logged_one_line_each(browser, lines):
    body = {
        "documentURL": "https://course.example.org/accounts/login/?next=/x",
        "effectiveDirective": "style-src-attr",
        "blockedURL": "inline",
        "disposition": "enforce",
        "sample": SAMPLE,
    }
    response = browser.post(
        URL,
        _reporting_api(body, body | {"blockedURL": "eval", "effectiveDirective": "script-src"}),
        content_type="application/reports+json",
    )

    assert response.status_code == 204
    first, second = _violations(lines)
    assert (first["directive"], first["blocked"], first["page"]) == (
        "style-src-attr",
        "inline",
        "accounts/login/",
    )
    assert (second["directive"], second["blocked"]) == ("script-src", "eval")
    assert SAMPLE not in "\n".join(lines)


def test_other_report_types_are_ignored(browser, lines):
    report = json.dumps([{"type": "deprecation", "body": {"message": SAMPLE}}])

    response = browser.post(URL, report, content_type="application/reports+json")

    assert response.status_code == 204
    assert _violations(lines) == []


def test_a_page_the_course_does_not_have_is_unknown(browser, lines):
    browser.post(
        URL,
        _legacy(**{"document-uri": "https://x/no/such/page/"}),
        content_type="application/csp-report",
    )

    assert _violations(lines)[0]["page"] == "unknown"


def test_a_made_up_directive_or_address_is_not_copied(browser, lines):
    browser.post(
        URL,
        _legacy(
            **{"effective-directive": "x" * 500, "blocked-uri": "javascript:alert(1)//" + "y" * 500}
        ),
        content_type="application/csp-report",
    )

    (line,) = _violations(lines)
    assert line["directive"] == "unknown"
    assert line["blocked"] == "javascript:"


def test_a_body_over_the_limit_is_refused_unread(browser, settings, lines):
    body = _legacy(**{"script-sample": "x" * settings.CSP_REPORT_MAX_BYTES})

    response = browser.post(URL, body, content_type="application/csp-report")

    assert response.status_code == 413
    assert _violations(lines) == []


def test_only_the_two_report_formats_are_read(browser):
    response = browser.post(URL, _legacy(), content_type="text/plain")

    assert response.status_code == 415


def test_a_report_that_is_not_json_is_refused(browser):
    response = browser.post(URL, "not json", content_type="application/csp-report")

    assert response.status_code == 400


def test_only_post_is_taken(browser):
    assert browser.get(URL).status_code == 405


def test_reports_are_rate_limited_per_client_address(browser, settings, lines):
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"csp_report": "3/m/ip"}

    statuses = [
        browser.post(URL, _legacy(), content_type="application/csp-report").status_code
        for _ in range(5)
    ]
    elsewhere = browser.post(
        URL, _legacy(), content_type="application/csp-report", REMOTE_ADDR="10.9.8.7"
    )

    assert statuses == [204, 204, 204, 429, 429]
    assert elsewhere.status_code == 204
    assert len(_violations(lines)) == 4


def test_the_policy_reports_to_this_endpoint(client):
    response = client.get("/")

    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["report-uri"] == URL
    assert directives["report-to"] == "csp-endpoint"
    assert response["Reporting-Endpoints"] == f'csp-endpoint="{URL}"'
