"""Error pages that need more than Django's own handlers give them."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from reflections.models import ANSWER_MAX_LENGTH
from reflections.views.answering import csrf_failure_page
from reflections.views.json_endpoints import (
    FORBIDDEN,
    INVALID,
    TOO_LARGE_MESSAGE,
    is_json_endpoint,
    json_error,
)

CSRF_JSON_MESSAGE = (
    "Not saved: the course could not check this page's security token. Your text is still "
    "here; copy it somewhere safe, then reload the page."
)


@requires_csrf_token
def bad_request(request, exception):
    """400, in the site's layout with the request (Django's own renders without it, so a
    signed-in person would see "Sign in" in the header).

    The usual cause is a body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django raises
    RequestDataTooBig (a SuspiciousOperation) when the form is first read, and answers
    400 through this handler. The exception is not shown: it can name what was sent. An
    endpoint a page's script calls gets JSON it can read instead.
    """
    if is_json_endpoint(request):
        return json_error(400, INVALID, TOO_LARGE_MESSAGE)
    return render(request, "400.html", {"answer_max_length": f"{ANSWER_MAX_LENGTH:,}"}, status=400)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """403 for a POST whose CSRF token is missing or no longer valid (settings'
    CSRF_FAILURE_VIEW), in our words and never losing what was typed.

    The exercise form gets its text back with a fresh token to post it again
    (`csrf_failure_page`); a script's endpoint gets JSON; anything else a plain page
    saying the page had expired. `reason` is Django's, for the log, which holds the
    reason and the address only, never the posted fields.
    """
    if is_json_endpoint(request):
        return json_error(403, FORBIDDEN, CSRF_JSON_MESSAGE)
    page = csrf_failure_page(request)
    if page is not None:
        return page
    return render(request, "403_csrf.html", {}, status=403)
