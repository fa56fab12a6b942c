"""The framework floor the benchmarks compare against: a signed-in view returning a
constant body the size of the longest lesson page, through the same middleware and
session as every page. Served only by this URLconf, never by the course's."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from cse_course.urls import urlpatterns as course_urlpatterns

BODY = b"<!doctype html><title>Floor</title>" + b"x" * 120_000


@login_required
def floor(request):
    return HttpResponse(BODY)


urlpatterns = [path("benchmark-floor/", floor, name="benchmark_floor"), *course_urlpatterns]
