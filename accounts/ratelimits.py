"""The course's own rate limits (colleague search, the delete-account password check),
counted like allauth's own: in the cache, per user and per client address, with the
rates in ACCOUNT_RATE_LIMITS."""

from allauth.account import app_settings
from allauth.core.internal import ratelimit


def rate_limit_consume(request, *, action: str, key: str | None = None) -> bool:
    """Count one use of `action` (for `key`, where its rates count per key); False when
    the limit is reached (nothing is counted then). GET requests count too: a search is
    a GET."""
    usage = ratelimit.consume(
        request,
        app="allauth.account",
        action=action,
        config=app_settings.RATE_LIMITS,
        key=key,
        limit_get=True,
    )
    return usage is not None
