"""The team managers' pages, mounted at /team-progress/. The namespace is in
accounts.middleware.PRIVILEGED_NAMESPACES: no page here opens without a second factor."""

from django.urls import path

from . import views

app_name = "team_progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/progress.csv", views.team_csv, name="team_csv"),
    path("teams/<int:team_id>/members/<int:member_id>/", views.member_detail, name="member"),
    path("teams/<int:team_id>/nudge/", views.nudge, name="nudge"),
]
