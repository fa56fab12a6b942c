from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("team/", views.team_choose_page, name="team_choose"),
    path("sessions/<int:session_id>/sign-out/", views.session_end, name="session_end"),
]
