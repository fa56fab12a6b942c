"""Response headers decided for the whole site rather than page by page."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


def shows_a_person(request) -> bool:
    """The response may hold someone's own information: they are signed in (or were,
    until this request signed them out), or the request carries or starts a session,
    which only a person's sign-in, two-factor step or messages fill.

    An anonymous visitor with no session (the home page, the glossary, the sign-in page,
    static files) gets nothing personal, and their pages stay cacheable."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return session is not None and (session.modified or not session.is_empty())


class PrivateNoStoreMiddleware:
    """Cache-Control: no-store (and private) on every response that may show personal
    data, unless the view already said how it may be cached.

    Decided here once, so that no page of a signed-in person (their progress, their
    team's names, their answers) is kept by a browser's history, its back-forward cache
    or a proxy, whatever view a new screen adds. The reflections, managers' and trainers'
    pages also say so themselves (never_cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and shows_a_person(request):
            add_never_cache_headers(response)
        return response


class ReportingEndpointsMiddleware:
    """Names the endpoint the Content-Security-Policy's report-to sends reports to (the
    Reporting API's header). The path is resolved against the page's own address."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = f'{settings.CSP_REPORT_GROUP}="{settings.CSP_REPORT_PATH}"'

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Content-Security-Policy"):
            response["Reporting-Endpoints"] = self.value
        return response
