"""Decorators for views that need more than a signed-in account.

An account whose email address is not yet verified can read the course and nothing
more: reflections, colleague search and invitations are behind `verified_email_required`.
"""

from functools import wraps

from allauth.account.internal.flows.email_verification import (
    send_verification_email_for_user,
)
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

UNVERIFIED_JSON_MESSAGE = (
    "Not saved: verify your email address first, with the link we sent you. "
    "Your text is still here."
)


def unverified_email_page(request):
    """Says the address needs verifying first, and sends a new link (allauth limits how
    often one is sent)."""
    send_verification_email_for_user(request, request.user)
    context = {"unverified_account_days": settings.UNVERIFIED_ACCOUNT_DAYS}
    return render(request, "account/verified_email_required.html", context, status=403)


def verified_email_required(view):
    """A signed-in person gets the view only once their address is verified
    (User.has_verified_email). Signed-out requests go through to the view, whose own
    sign-in handling applies (a signed-out POST of answers must keep its text).

    A view marked `answers_json` (an endpoint a page's script calls, which the script
    must be able to read) gets a JSON 403 instead of the page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_verified_email:
            if getattr(view, "answers_json", False):
                body = {"status": "forbidden", "message": UNVERIFIED_JSON_MESSAGE}
                return JsonResponse(body, status=403)
            return unverified_email_page(request)
        return view(request, *args, **kwargs)

    return wrapper
