from django.utils.functional import SimpleLazyObject

from .selectors import course_for_request


def course(request):
    """The course (title, source credit) for the header and footer: one query, when used,
    shared with the course pages (`course_for_request`)."""
    return {"course": SimpleLazyObject(lambda: course_for_request(request))}
