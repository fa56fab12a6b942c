from django.urls import URLPattern
from django.views.decorators.cache import never_cache

from .views import answering, autosave, history, records, sharing

app_name = "reflections"


def _never_stored(patterns):
    """The patterns with each view sent as Cache-Control: no-store (and private).

    Every reflections page, JSON answer and download holds someone's private answers
    or who they share with, so no browser history, back-forward cache or proxy may keep
    a copy. Applied here, once for every route, so a new view cannot forget it.
    """
    return [
        URLPattern(
            pattern.pattern, never_cache(pattern.callback), pattern.default_args, pattern.name
        )
        for pattern in patterns
    ]


# Each screen family keeps its routes beside its views.
urlpatterns = _never_stored(
    answering.urlpatterns
    + history.urlpatterns
    + autosave.urlpatterns
    + sharing.urlpatterns
    + records.urlpatterns
)
