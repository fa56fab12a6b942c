"""What every page's header needs to know about the signed-in person's account."""

from django.utils.functional import SimpleLazyObject

from .middleware import second_factor_missing_for
from .services import notices_take


def account(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # Lazy: evaluated only by the templates that show these notices.
        "account_needs_team": lambda: bool(user.organisation_id and not user.team_id),
        "account_needs_second_factor": lambda: second_factor_missing_for(request),
        # Taken (and so marked shown) only when a page's template shows them: never by
        # a JSON reply. Costs no query unless the person has a notice waiting.
        "waiting_notices": SimpleLazyObject(lambda: notices_take(user=user)),
    }
