"""Who is asking, as the rate limits and the session list see it."""

import ipaddress

from django.conf import settings


def _valid_address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies, the address they were sent from.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the client is the TRUSTED_PROXY_COUNT-th entry from the right.
    Anything further left was written by the client and is never trusted. Without
    trusted proxies the header is ignored: anyone can send it.
    """
    remote_address = request.META.get("REMOTE_ADDR")
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxy_count:
            return _valid_address(forwarded[-proxy_count]) or remote_address
    return remote_address
