from django.utils.functional import SimpleLazyObject

from modules.selectors import outline_built

from .progress import Reading
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
    home's "Your progress" (one query, and only on a page that uses it): the lessons'
    figures from the page's outline when it has one and they have started reading."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"course_standing": None}

    def standing():
        outline = outline_built(request)
        if outline is None or outline.version is None or not outline.is_started:
            return standing_of(user=user)
        reading = Reading(
            lessons_completed=outline.completed_count,
            lessons_total=outline.total,
            version=outline.version,
        )
        return standing_of(user=user, reading=reading)

    return {"course_standing": SimpleLazyObject(standing)}
