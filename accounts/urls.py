from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("team/", views.team_choose_page, name="team_choose"),
    path("sessions/<int:session_id>/sign-out/", views.session_end, name="session_end"),
    # allauth's pages for adding another sign-in service to an account ("connections")
    # and for finishing a sign-up through one with a form. Here an organisation's
    # service is linked only by accounts.adapter.SingleSignOnAdapter's rules, when
    # someone signs in with it, so neither page exists (these come before allauth's).
    path("3rdparty/", views.not_offered, name="sso_connections"),
    path("3rdparty/signup/", views.not_offered, name="sso_signup"),
]
