"""Every log line carries the id of the request it came from, and who made it.

`RequestIdMiddleware` (first in MIDDLEWARE) gives each request an id: the proxy's
X-Request-ID when it is a short token of safe characters, else a new uuid4 hex. The id
goes back in the response's X-Request-ID header, so a person reporting a problem (or the
proxy's access log) can name the lines that belong to it. `RequestContextFilter`, on the
console handler (settings.LOGGING), adds `request_id` and `user_id` (the signed-in
person's id, never an email address) to every record, from whichever logger.
`JsonFormatter` writes one JSON object per line (LOG_FORMAT=json, the default).

Imported by settings.LOGGING before the apps are ready: nothing here touches a model.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# Taken from the proxy as it is only when it cannot carry anything else into a log line.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def request_id_for(header_value: str | None) -> str:
    """The incoming id if it is a short safe token, else a new one."""
    if header_value and _SAFE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _known_user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id if the request already knows who it is, without ever
    asking the database (a log line must never cause a query, nor fail).

    AuthenticationMiddleware sets `request.user` to a lazy object that keeps what it
    loaded in `request._cached_user`; `login()` and `logout()` replace `request.user`
    with the person (or AnonymousUser) itself."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = request.__dict__.get("_cached_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def _route_for_path(record: logging.LogRecord) -> None:
    """Django's own lines about a request ("Forbidden (CSRF token missing.): <path>")
    name its path, which can hold a token (an invitation link, a password reset key).
    Where the path matched a route, its pattern stands in for it."""
    request = getattr(record, "request", None)
    match = getattr(request, "resolver_match", None)
    if match is None or not isinstance(record.args, tuple):
        return
    path = request.path  # type: ignore[union-attr]
    route = "/" + match.route
    record.args = tuple(route if arg == path else arg for arg in record.args)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record (None outside a request, in the
    worker or a management command); a value the caller gave in `extra` is kept. Puts
    the route's pattern in place of a request's path (`_route_for_path`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None)
        if not hasattr(record, "user_id"):
            record.user_id = _known_user_id(request) if request is not None else None
        _route_for_path(record)
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: timestamp (UTC, ISO 8601), level, logger, message, the
    request id and user id, and any `extra` fields the caller named.

    Django attaches the request object itself to some records (django.request,
    django.security): it is left out, as its text holds the query string."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{levelname}{name}{message}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
