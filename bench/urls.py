"""The benchmark's URLconf: the course's own addresses plus the framework floor.

The floor is a signed-in view returning a constant body the size of the longest lesson
page, through the same middleware and session as every page: what Django itself costs,
which every page is measured against. It exists only here (bench/settings.py), never in
the course's URLconf.
"""

import os

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from cse_course.urls import handler400
from cse_course.urls import urlpatterns as course_urlpatterns

FLOOR_MARKER = "<title>Floor</title>"
_START = f"<!doctype html>{FLOOR_MARKER}".encode()
# bench/run measures the longest lesson page (bench_sign_ins) and passes its size here.
FLOOR_BYTES = int(os.environ.get("BENCH_FLOOR_BYTES", "34000"))
BODY = _START + b"x" * max(FLOOR_BYTES - len(_START), 0)


@login_required
def floor(request):
    return HttpResponse(BODY)


urlpatterns = [path("benchmark-floor/", floor, name="benchmark_floor"), *course_urlpatterns]

__all__ = ["handler400", "urlpatterns"]
