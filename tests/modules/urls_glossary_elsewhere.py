"""The course's URLconf mounted under /elsewhere/ (tests/modules/test_fixed_url.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("cse_course.urls"))]
