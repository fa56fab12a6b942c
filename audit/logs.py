"""Security events in the service's log, for whoever watches it (a log collector, an
alert on failed sign-ins): the logger "cse.security", one line per event.

The audit trail (audit.services) is the lasting record in the database; this is the
live feed. Each line names the event and who (`user_id`, the person acting, or
`account_id`, the account a failed sign-in tried); the time, the request's id and the
signed-in person's id are added to every line (cse_course.logs). Only ids and short
facts: never an email address, a password, a token or anything anyone wrote.
"""

import logging
from typing import Any

security_log = logging.getLogger("cse.security")

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
ACCESS_REFUSED = "access_refused"
EXPORT = "export"
CSP_VIOLATION = "csp_violation"

# Events that may be someone trying what they should not: logged as warnings.
_WARNINGS = frozenset({SIGN_IN_FAILED, ACCESS_REFUSED, CSP_VIOLATION})


def security_event(event: str, *, user=None, **fields: Any) -> None:
    """Log `event` with `fields` (ids and short facts). `user` is who acted, when it is
    not (or no longer) the request's signed-in person: a sign-out, a sign-in."""
    extra: dict[str, Any] = {"event": event, **fields}
    if user is not None:
        extra["user_id"] = user.pk if user.is_authenticated else None
    level = logging.WARNING if event in _WARNINGS else logging.INFO
    # The fields in the message too, for the plain format (LOG_FORMAT=plain).
    message = " ".join([event, *(f"{name}={value}" for name, value in fields.items())])
    security_log.log(level, message, extra=extra)
