"""Whether the header shows the "Course editing" link."""

from .selectors import may_edit_course


def editing(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_edit_course": may_edit_course(user)}
