from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from .csp_report import csp_report
from .health import health

# The administration site signs in through the course's own sign-in page, so it gets
# the same rate limits and the same second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("modules.urls")),
    # The course's own versions of some of allauth's pages, ahead of allauth's.
    path("accounts/", include("accounts.allauth_urls")),
    # The invitation link an organisation administrator sends (public: see its module).
    path("accounts/invitation/", include("organisations.invitation_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("reflections/", include("reflections.urls")),
    # The public page that checks a certificate's code (no sign-in: see its module).
    path("verify/", include("reflections.verify_urls")),
    # Organisation administrators' pages; the namespace needs a second factor
    # (accounts.middleware.PRIVILEGED_NAMESPACES).
    path("organisation/", include("organisations.urls")),
    path("team-progress/", include("team_progress.urls")),
    # Trainers' pages, with django-markdownx's preview and (refusing) upload addresses.
    path("course-editing/", include("course_editing.urls")),
    path("admin/", admin.site.urls),
    # For load balancers: the database and the cache answer (see its module).
    path("health/", health, name="health"),
    # Browsers' Content-Security-Policy violation reports (public, bounded: see its module);
    # the policy names this path (settings.CSP_REPORT_PATH).
    path(settings.CSP_REPORT_PATH.lstrip("/"), csp_report, name="csp_report"),
]

if settings.SERVE_MEDIA:
    # Organisations' logos, for `./dev run` and the tests; in production the proxy
    # serves MEDIA_ROOT (README.md, "Organisations' logos").
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "cse_course.views.bad_request"
