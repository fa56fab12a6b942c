"""Session lifetime and the second factor, checked on every request."""

import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from audit.logs import ACCESS_REFUSED, security_event

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
# The last-seen time is written at most this often, so that a burst of requests (an
# autosaving page) does not write the session each time.
SEEN_RESOLUTION_SECONDS = 60


def session_start(session, *, now=None):
    """Mark a session as just signed in (accounts.signals calls this on sign-in)."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def session_expired_reason(session, *, now) -> str | None:
    """Why a signed-in session has run out, or None while it is still good."""
    started = session.get(SIGNED_IN_AT, now)
    seen = session.get(LAST_SEEN_AT, started)
    if now - started >= settings.SESSION_MAX_HOURS * 3600:
        return f"after {settings.SESSION_MAX_HOURS} hours"
    if now - seen >= settings.SESSION_IDLE_MINUTES * 60:
        return f"after {settings.SESSION_IDLE_MINUTES} minutes without activity"
    return None


class SessionLifetimeMiddleware:
    """Signs a person out after SESSION_IDLE_MINUTES without a request, and
    SESSION_MAX_HOURS after signing in, ending the session on the server. Any request
    counts as activity, including an exercise page's autosave."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        now = time.time()
        session = request.session
        if SIGNED_IN_AT not in session:
            session_start(session, now=now)
            return
        reason = session_expired_reason(session, now=now)
        if reason:
            logout(request)
            messages.info(request, f"You were signed out {reason}, to keep your work private.")
        elif now - session[LAST_SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
            session[LAST_SEEN_AT] = now


# URL namespaces of the pages only team managers, organisation administrators, trainers
# and administrators reach. New areas for those roles are added here.
PRIVILEGED_NAMESPACES = frozenset({"admin", "organisation", "team_progress", "course_editing"})


def second_factor_missing(user) -> bool:
    """A privileged person who has not set up two-factor sign-in yet (when required)."""
    return (
        settings.REQUIRE_SECOND_FACTOR
        and user.is_authenticated
        and user.is_privileged
        and not is_mfa_enabled(user)
    )


# Where `second_factor_missing_for` keeps its answer for the rest of the request.
_SECOND_FACTOR_MISSING = "_accounts_second_factor_missing"


def second_factor_missing_for(request) -> bool:
    """`second_factor_missing` for the request's person, asked of the database once per
    request: a privileged page checks it before its view and its header's notice
    (account/_notices.html) shows it. Kept with the account's id, so a request that
    signs someone in or out asks again."""
    user = request.user
    kept = getattr(request, _SECOND_FACTOR_MISSING, None)
    if kept is not None and kept[0] == user.pk:
        return kept[1]
    missing = second_factor_missing(user)
    setattr(request, _SECOND_FACTOR_MISSING, (user.pk, missing))
    return missing


class SecondFactorRequiredMiddleware:
    """Keeps a privileged person out of every page of their role until they have set up
    two-factor sign-in; they can still take the course and set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        namespaces = set(request.resolver_match.namespaces) if request.resolver_match else set()
        if namespaces & PRIVILEGED_NAMESPACES and second_factor_missing_for(request):
            security_event(
                ACCESS_REFUSED,
                status=302,
                reason="second_factor_missing",
                route=request.resolver_match.route,
            )
            messages.warning(
                request,
                "Set up two-factor sign-in first: your role shows you other people's "
                "information, so it needs a code from an authenticator app as well as "
                "your password.",
            )
            return redirect("mfa_activate_totp")
        return None


# Where a page's forms may also send people, beyond the site itself (CSP form-action).
FORM_ACTION_ORIGINS = "_form_action_origins"


def form_action_allow(request, origins) -> None:
    """Let the page being rendered for `request` send a form to `origins` as well.

    A single sign-on button posts to the course, which redirects to the provider;
    browsers apply the page's form-action to that redirect too, so the provider's
    origin must be in it. Only pages showing such a button name it (the template tags
    in accounts.templatetags.single_sign_on call this)."""
    allowed = getattr(request, FORM_ACTION_ORIGINS, set())
    allowed.update(origin for origin in origins if origin)
    setattr(request, FORM_ACTION_ORIGINS, allowed)


class FormActionOriginsMiddleware:
    """Adds the origins named by `form_action_allow` to the response's
    Content-Security-Policy (django-csp builds the header from `_csp_update` once this
    has run: it is listed after csp.middleware.CSPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = getattr(request, FORM_ACTION_ORIGINS, None)
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *sorted(origins)]
            response._csp_update = update
        return response


class RefusedAccessLogMiddleware:
    """Logs every refusal: a 403 (PermissionDenied, an unverified address, a stale CSRF
    token) and a 404 from a view, which is how a guessed id or anything outside a
    person's scope is answered (a 404 for an address the URLconf lacks is not logged:
    no view was reached). Each as "access_refused" with the route's pattern, never the
    path, which can hold a token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if response.status_code in (403, 404) and match is not None:
            security_event(
                ACCESS_REFUSED,
                status=response.status_code,
                route=match.route,
                view=match.view_name,
            )
        return response
