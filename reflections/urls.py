from django.urls import URLPattern
from django.views.decorators.cache import never_cache

from accounts.access import verified_email_required

from .views import answering, autosave, certificates, history, records, sharing

app_name = "reflections"


def _private(patterns):
    """The patterns with each view (1) sent as Cache-Control: no-store (and private) and
    (2) open only to an account whose email address is verified.

    Every reflections page, JSON answer and download holds someone's private answers or
    who they share with, so no browser history, back-forward cache or proxy may keep a
    copy; and until an address is verified an account can only read the course. Applied
    here, once for every route, so a new view cannot forget either.
    """
    return [
        URLPattern(
            pattern.pattern,
            never_cache(verified_email_required(pattern.callback)),
            pattern.default_args,
            pattern.name,
        )
        for pattern in patterns
    ]


# Each screen family keeps its routes beside its views.
urlpatterns = _private(
    answering.urlpatterns
    + history.urlpatterns
    + autosave.urlpatterns
    + sharing.urlpatterns
    + records.urlpatterns
    + certificates.urlpatterns
)
