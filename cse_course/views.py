"""Error pages that need more than Django's own handlers give them."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from reflections.models import ANSWER_MAX_LENGTH


@requires_csrf_token
def bad_request(request, exception):
    """400, in the site's layout with the request (Django's own renders without it, so a
    signed-in person would see "Sign in" in the header).

    The usual cause is a body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django raises
    RequestDataTooBig (a SuspiciousOperation) when the form is first read, and answers
    400 through this handler. The exception is not shown: it can name what was sent.
    """
    return render(request, "400.html", {"answer_max_length": f"{ANSWER_MAX_LENGTH:,}"}, status=400)
