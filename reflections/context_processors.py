from django.utils.functional import SimpleLazyObject

from .selectors.certificates import certificate_own


def course_certificate(request):
    """The signed-in person's certificate, or None, for the course home's "Completed on"
    line: one query, and only on a page that uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"course_certificate": None}
    return {"course_certificate": SimpleLazyObject(lambda: certificate_own(user=user))}
