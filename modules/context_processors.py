from django.utils.functional import SimpleLazyObject

from .selectors import course_get


def course(request):
    """The course (title, source credit) for the header and footer: one query, when used."""
    return {"course": SimpleLazyObject(course_get)}
