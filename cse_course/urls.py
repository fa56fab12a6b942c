from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("modules.urls")),
    path("accounts/", include("accounts.urls")),
    path("reflections/", include("reflections.urls")),
    path("admin/", admin.site.urls),
]
