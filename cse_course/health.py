"""The address a load balancer probes on each app server: /health/.

It answers 200 "ok" when this server can reach the database and the cache, and 503
otherwise, with nothing else: no version, no error text (anyone can ask). It reads no
session and sets no cookie, and nothing caches the answer. Production lets it through
over plain HTTP (SECURE_REDIRECT_EXEMPT), since the balancer probes the server directly.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A probe's key lives a few seconds at most, even if the delete is lost.
PROBE_SECONDS = 10


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers() -> bool:
    """Write a key of this probe's own and read it back: several servers probed at once
    never read each other's value."""
    key = f"health-check:{secrets.token_hex(8)}"
    cache.set(key, key, timeout=PROBE_SECONDS)
    answered = cache.get(key) == key
    cache.delete(key)
    return answered


@never_cache
@require_safe
def health(request):
    for name, check in (("database", database_answers), ("cache", cache_answers)):
        try:
            working = check()
        except Exception:
            # Why, for the server's log; the answer itself says nothing.
            logger.exception("Health check: the %s did not answer", name)
            working = False
        if not working:
            return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
