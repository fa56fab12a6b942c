"""The organisation administrators' pages, mounted at /organisation/. The namespace is in
accounts.middleware.PRIVILEGED_NAMESPACES: no page here opens without a second factor."""

from .views import imports, invitations, members, teams

app_name = "organisation"

# Each screen family keeps its routes beside its views.
urlpatterns = (
    members.urlpatterns + invitations.urlpatterns + imports.urlpatterns + teams.urlpatterns
)
