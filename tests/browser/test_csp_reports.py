"""A page that breaks the Content-Security-Policy has Chromium report it to the course
(cse_course/csp_report.py), which logs the violation: the policy's report address works
in a real browser.

The policy names the endpoint twice: report-uri, and report-to through the
Reporting-Endpoints header. Chromium prefers report-to when both are there, and sends
those reports later, in batches, from the background (not within a test's time in the
headless browser); this test leaves report-to out, so the report goes at once to
report-uri. Both formats reach the same view (tests/test_csp_report.py).
"""

import json
import time

import pytest

from tests.log_capture import collector_attach

pytestmark = pytest.mark.django_db(transaction=True)


def _violations(lines):
    return [json.loads(line) for line in lines if '"csp_violation"' in line]


def test_a_blocked_inline_script_is_reported_and_logged(new_page, settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {name: value for name, value in directives.items() if name != "report-to"}
    }
    page = new_page()
    page.goto("/")
    collector, detach = collector_attach()
    try:
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.ranInline = true'; document.body.append(s); }"
        )
        deadline = time.monotonic() + 10
        while not _violations(collector.lines) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
    finally:
        detach()

    assert page.evaluate("() => window.ranInline") is None
    (violation,) = _violations(collector.lines)
    assert violation["directive"] == "script-src-elem"
    assert violation["blocked"] == "inline"
    assert violation["page"] == ""
