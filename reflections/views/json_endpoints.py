"""What the endpoints the exercise page's scripts call have in common: they answer JSON
whatever happens, with a status word the script knows, and never an HTML page it cannot
read (which would lose the reason, and with a redirect to sign in, the text).

`answers_json` wraps such a view: signed out is a 401, a wrong method a 405, a missing
exercise or question a 404 and a refusal a 403, each as JSON. Failures that happen
before the view runs, a stale CSRF token (`cse_course.views.csrf_failure`) and a body
over DATA_UPLOAD_MAX_MEMORY_SIZE (`cse_course.views.bad_request`), ask
`is_json_endpoint` and answer JSON too. So does the unverified-email check
(`reflections/urls.py`).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve, reverse

View = Callable[..., HttpResponse]

# The status words the page's scripts read, besides a save's own ("saved", "unchanged",
# "conflict", "closed").
SIGNED_OUT = "signed_out"
INVALID = "invalid"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
TOO_LARGE_MESSAGE = (
    "Not saved: this was too large to send. Your text is still here: shorten it, then save again."
)


def json_error(status: int, code: str, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"status": code, "message": message, **extra}, status=status)


def not_saved_while_signed_out(what: str) -> str:
    """What a signed-out save is told: `what` ("this answer is") is not saved yet."""
    return f"You have been signed out, so {what} not saved yet. Your text is still here."


def signed_out_json(message: str) -> JsonResponse:
    return json_error(
        401,
        SIGNED_OUT,
        message,
        login_url=f"{reverse('account_login')}?next={reverse('reflections:signed_in')}",
    )


def forbidden_json(message: str) -> JsonResponse:
    return json_error(403, FORBIDDEN, message)


def answers_json(*, methods: tuple[str, ...], signed_out: str | None) -> Callable[[View], View]:
    """Make `view` answer JSON whatever happens. `methods` are the HTTP methods it takes;
    `signed_out` is what a signed-out request is told (a 401), or None for a view open
    to anyone (the CSRF token)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = json_error(
                    405, METHOD_NOT_ALLOWED, "This address does not take that kind of request."
                )
                response["Allow"] = ", ".join(methods)
                return response
            if signed_out is not None and not request.user.is_authenticated:
                return signed_out_json(signed_out)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return json_error(
                    404,
                    NOT_FOUND,
                    "Not saved: this is no longer part of the course. Your text is still "
                    "here; copy it somewhere safe.",
                )
            except PermissionDenied:
                return forbidden_json("Not saved: you cannot save this. Your text is still here.")
            except RequestDataTooBig:
                return json_error(400, INVALID, TOO_LARGE_MESSAGE)

        wrapper.answers_json = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def is_json_endpoint(request: HttpRequest) -> bool:
    """Whether `request` is for a view wrapped in `answers_json`."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return view_answers_json(match.func)


def view_answers_json(view: View) -> bool:
    """Whether `view` (or the view it wraps) answers JSON whatever happens."""
    while view is not None:
        if getattr(view, "answers_json", False):
            return True
        view = getattr(view, "__wrapped__", None)  # type: ignore[assignment]
    return False
