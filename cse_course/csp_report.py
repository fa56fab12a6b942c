"""Where browsers report Content-Security-Policy violations (the policy's report-uri and
report-to, settings.CONTENT_SECURITY_POLICY).

Open to anyone (a browser sends reports without the page's CSRF token, and a signed-out
page can break the policy too), so it is bounded: a body over CSP_REPORT_MAX_BYTES is
refused unread (413), each client address may send `csp_report` in ACCOUNT_RATE_LIMITS
(429 beyond), and only JSON of the two report formats is read. Each violation becomes
one "csp_violation" line in the security log with a few short fields: the directive,
the blocked resource's origin (or keyword: inline, eval), and the page's route. Never
the report itself: its sample and URLs can hold what someone typed or a token.
"""

import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.ratelimits import rate_limit_consume
from audit.logs import CSP_VIOLATION, security_event

# The two formats browsers send: report-uri's (one report) and the Reporting API's
# (a list of reports of any type, of which only csp-violation is read).
CSP_REPORT = "application/csp-report"
REPORTS_JSON = "application/reports+json"
# At most this many violations are logged from one request.
MOST_PER_REQUEST = 10
_DIRECTIVE = re.compile(r"[a-z-]{1,40}")
_KEYWORD = re.compile(r"[a-z-]{1,20}")


def _directive(value) -> str:
    text = str(value or "").split(" ")[0]
    return text if _DIRECTIVE.fullmatch(text) else "unknown"


def _blocked(value) -> str:
    """The blocked resource's scheme and host ("https://cdn.example"), or the browser's
    keyword ("inline", "eval", "data"): never its path or query."""
    text = str(value or "")[:2048]
    if _KEYWORD.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return "unknown"
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.hostname or ''}"[:100]
    return f"{parts.scheme}:"[:20] if parts.scheme else "unknown"


def _page(value) -> str:
    """The reported page's route pattern ("reflections/exercises/<int:number>/"), never
    its path: a path can hold a token. "unknown" for an address the course lacks."""
    try:
        path = urlsplit(str(value or "")[:2048]).path
        return resolve(path).route[:200]
    except (ValueError, Resolver404):
        return "unknown"


# Where each format keeps the fields read: directive, blocked resource, page.
_FIELDS = {
    CSP_REPORT: ("effective-directive", "blocked-uri", "document-uri"),
    REPORTS_JSON: ("effectiveDirective", "blockedURL", "documentURL"),
}


def _reports(content_type: str, data) -> list:
    if content_type == CSP_REPORT and isinstance(data, dict):
        return [data.get("csp-report")]
    if content_type == REPORTS_JSON and isinstance(data, list):
        return [
            report.get("body")
            for report in data
            if isinstance(report, dict) and report.get("type") == "csp-violation"
        ]
    return []


def _violations(content_type: str, data) -> list[dict]:
    """The reports' violations, each as {directive, blocked, page, disposition}."""
    directive, blocked, page = _FIELDS[content_type]
    return [
        {
            "directive": _directive(report.get(directive) or report.get("violated-directive")),
            "blocked": _blocked(report.get(blocked)),
            "page": _page(report.get(page)),
            "disposition": "report" if report.get("disposition") == "report" else "enforce",
        }
        for report in _reports(content_type, data)[:MOST_PER_REQUEST]
        if isinstance(report, dict)
    ]


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    limit = settings.CSP_REPORT_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return HttpResponse(status=413)
    content_type = request.content_type
    if content_type not in (CSP_REPORT, REPORTS_JSON):
        return HttpResponse(status=415)
    if not rate_limit_consume(request, action="csp_report"):
        return HttpResponse(status=429)
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(status=413)
    try:
        data = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    for violation in _violations(content_type, data):
        security_event(CSP_VIOLATION, **violation)
    return HttpResponse(status=204)
