"""The organisation administrators' pages (namespace `organisation`, under /organisation/,
so the second-factor middleware covers them) and the invitation link (public).

Views are thin: the access check and every read go through organisations.selectors,
every write through organisations.services.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from accounts.access import verified_email_required

from ..selectors import organisation_id_of


def admin_only(view):
    """Signed in, verified, and an organisation administrator; anyone else gets 403
    (PermissionDenied from the selector, shown as the friendly 403 page)."""

    @login_required
    @verified_email_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        organisation_id_of(admin=request.user)
        return view(request, *args, **kwargs)

    return wrapper


def found_or_404(read, **kwargs):
    """The row a selector reads, or 404 when it is not there for this admin."""
    try:
        return read(**kwargs)
    except ObjectDoesNotExist:
        raise Http404("Not found in your organisation.") from None
