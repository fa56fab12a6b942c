from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Lesson
from .selectors import course_outline, lesson_get_for_reading
from .services import (
    progress_mark_complete,
    progress_mark_incomplete,
    progress_mark_read_again,
    progress_record_view,
)
from .signals import lesson_completed


def home(request):
    return render(request, "modules/home.html", {"outline": course_outline(user=request.user)})


def _lesson_or_404(slug):
    try:
        return lesson_get_for_reading(slug=slug)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson.") from None


@login_required
def lesson_detail(request, slug):
    lesson = _lesson_or_404(slug)
    progress_record_view(user=request.user, lesson=lesson)
    outline = course_outline(user=request.user)
    previous_lesson, next_lesson = outline.neighbours(lesson)
    exercises = list(lesson.exercises.all())
    # An exercise at the start comes after the lesson's opening paragraphs.
    body_opening, body_rest = lesson.body_sections
    context = {
        "lesson": lesson,
        "outline": outline,
        "entry": outline.entry_for(lesson),
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "exercises_at_start": [e for e in exercises if e.placement == e.Placement.START],
        "exercises_at_end": [e for e in exercises if e.placement == e.Placement.END],
        "body_opening": body_opening,
        "body_rest": body_rest,
    }
    return render(request, "modules/lesson.html", context)


@login_required
@require_POST
def lesson_complete(request, slug):
    lesson = get_object_or_404(Lesson.objects.current(), slug=slug)
    if request.POST.get("completed") == "no":
        progress_mark_incomplete(user=request.user, lesson=lesson)
        messages.info(request, f"“{lesson.title}” is marked as not complete.")
        return redirect(lesson)
    progress_mark_complete(user=request.user, lesson=lesson)
    messages.success(request, f"“{lesson.title}” is marked as complete.")
    for _receiver, next_url in lesson_completed.send(Lesson, user=request.user, lesson=lesson):
        if next_url:
            return redirect(next_url)
    return redirect(lesson)


@login_required
@require_POST
def lesson_read_again(request, slug):
    """The practitioner has read the updated lesson: the "updated since you completed
    it" notice goes; the lesson stays completed."""
    lesson = get_object_or_404(Lesson.objects.current(), slug=slug)
    progress_mark_read_again(user=request.user, lesson=lesson)
    messages.success(request, f"“{lesson.title}” is marked as read again.")
    return redirect(lesson)
