"""The project's URLconf with the reflections views mounted as their own modules list
them, without the no-store wrapper of `reflections/urls.py`: the no-store test runs its
walk against this to prove it would catch a page sent without the header."""

from django.urls import include, path

from cse_course.urls import urlpatterns as project_patterns
from reflections.views import answering, autosave, certificates, history, records, sharing

unwrapped = (
    answering.urlpatterns
    + history.urlpatterns
    + autosave.urlpatterns
    + sharing.urlpatterns
    + records.urlpatterns
    + certificates.urlpatterns
)

urlpatterns = [
    pattern for pattern in project_patterns if getattr(pattern, "app_name", None) != "reflections"
] + [path("reflections/", include((unwrapped, "reflections")))]
