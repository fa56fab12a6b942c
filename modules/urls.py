from django.urls import path

from . import views

app_name = "modules"

urlpatterns = [
    path("", views.home, name="home"),
    path("glossary/", views.glossary, name="glossary"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/complete/", views.lesson_complete, name="lesson_complete"),
    path("lessons/<slug:slug>/read-again/", views.lesson_read_again, name="lesson_read_again"),
]
