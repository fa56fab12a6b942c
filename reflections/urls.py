from accounts.access import verified_email_required

from .views import answering, autosave, records, sharing

app_name = "reflections"


def _verified_only(patterns):
    """Every reflections page needs a verified email address: until then an account can
    only read the course. Applied here, once, so no new page can forget it."""
    for pattern in patterns:
        pattern.callback = verified_email_required(pattern.callback)
    return patterns


# Each screen family keeps its routes beside its views.
urlpatterns = _verified_only(
    answering.urlpatterns + autosave.urlpatterns + sharing.urlpatterns + records.urlpatterns
)
