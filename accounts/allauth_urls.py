"""Where the course replaces or withdraws one of allauth's pages. Included before
allauth's own URLs (cse_course/urls.py), at the same place, so these win; the names are
allauth's where every `{% url %}` for the page must reach the course's version."""

from django.urls import path

from . import views

urlpatterns = [
    # Registration, answered the same way for new and known addresses.
    path("signup/", views.registration, name="account_signup"),
    # The session list in one query (allauth's checks each session separately).
    path("sessions/", views.session_list, name="usersessions_list"),
    # Adding another sign-in service to an account ("connections"), and finishing a
    # sign-up through one with a form: an organisation's service is linked only by
    # accounts.adapter.SingleSignOnAdapter's rules, when someone signs in with it, so
    # neither page exists.
    path("3rdparty/", views.not_offered, name="sso_connections"),
    path("3rdparty/signup/", views.not_offered, name="sso_signup"),
]
