"""The public verify page: open to anyone with a certificate's code, unlike every other
reflections page (reflections.urls). Sent with Cache-Control: no-store and private all
the same: it names a person, so no shared cache or browser history keeps it."""

from django.urls import path
from django.views.decorators.cache import never_cache

from .views.certificates import verify_page

app_name = "verify"

urlpatterns = [
    path("", never_cache(verify_page), name="form"),
    path("<str:code>/", never_cache(verify_page), name="code"),
]
