from django.utils.functional import SimpleLazyObject

from .progress import course_standing as standing_of
from .selectors.certificates import certificate_own


def course_certificate(request):
    """The signed-in person's certificate, or None, for the course home's "Completed on"
    line: one query, and only on a page that uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"course_certificate": None}
    return {"course_certificate": SimpleLazyObject(lambda: certificate_own(user=user))}


def course_standing(request):
    """The signed-in person's lessons and exercises done and still open, for the course
    home's "Your progress" (two queries, and only on a page that uses it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"course_standing": None}
    return {"course_standing": SimpleLazyObject(lambda: standing_of(user=user))}
