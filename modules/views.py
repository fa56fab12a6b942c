from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from . import course_cache
from .models import Lesson
from .rendering import lesson_text_parts
from .selectors import (
    course_and_progress,
    course_lessons,
    course_outline,
    glossary_terms,
    lesson_get_for_reading,
    lesson_place,
    outline_for_request,
)
from .services import (
    progress_mark_complete,
    progress_mark_incomplete,
    progress_mark_read_again,
    progress_record_view,
)
from .signals import lesson_completed


def home(request):
    return render(request, "modules/home.html", {"outline": outline_for_request(request)})


def glossary(request):
    """The course's key terms, open to everyone like the course home."""
    return render(request, "modules/glossary.html", {"terms": glossary_terms()})


def _lesson_or_404(lessons, slug):
    """The current lesson `slug` among `lessons` (`course_lessons`); 404 otherwise."""
    for lesson in lessons:
        if lesson.slug == slug:
            return lesson
    raise Http404("No such lesson.")


def _lesson_text_html(slug):
    """The lesson's text with its exercises placed in it (modules/_lesson_text.html):
    an exercise at the start comes after the lesson's opening paragraphs; one at the
    end, before a closing reference list."""
    try:
        lesson = lesson_get_for_reading(slug=slug)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson.") from None
    parts = lesson_text_parts(body_html=lesson.body_html, exercises=list(lesson.exercises.all()))
    return render_to_string("modules/_lesson_text.html", parts)


@login_required
def lesson_detail(request, slug):
    """The lesson. What it shows of the course is kept between requests (`course_cache`):
    a reader's page costs their progress and, when it changes anything, its write."""
    course, progress = course_and_progress(request)
    version = course.content_version if course is not None else None
    lesson = _lesson_or_404(course_lessons(course=course), slug)
    progress_record_view(user=request.user, lesson=lesson, progress=progress)
    outline = course_outline(user=request.user, course=course, progress=progress)
    previous_lesson, next_lesson = outline.neighbours(lesson)
    context = {
        "lesson": lesson,
        "outline": outline,
        "entry": outline.entry_for(lesson),
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "lesson_text_html": course_cache.kept(
            version, ("lesson_text", lesson.pk), lambda: _lesson_text_html(slug)
        ),
    }
    return render(request, "modules/lesson.html", context)


# Where the end-of-lesson form is: undoing a completion comes back to it, not to the top
# of a long lesson.
LESSON_END = "#lesson-end"


@login_required
@require_POST
def lesson_complete(request, slug):
    """Mark the lesson complete and go on: to the page a `lesson_completed` receiver
    names (the course-completed page, or the course summary after the last lesson), else
    to the next lesson, where the confirmation is shown. "completed=no" is the undo, which
    returns to the end of the lesson."""
    lesson = get_object_or_404(Lesson.objects.current(), slug=slug)
    if request.POST.get("completed") == "no":
        progress_mark_incomplete(user=request.user, lesson=lesson)
        messages.info(request, f"“{lesson.title}” is marked as not complete.")
        return redirect(lesson.get_absolute_url() + LESSON_END)
    progress_mark_complete(user=request.user, lesson=lesson)
    number, next_lesson = lesson_place(lesson=lesson)
    messages.success(request, f"Lesson {number} marked complete: “{lesson.title}”.")
    replies = lesson_completed.send(
        Lesson, user=request.user, lesson=lesson, next_lesson=next_lesson
    )
    for _receiver, next_url in replies:
        if next_url:
            return redirect(next_url)
    if next_lesson is not None:
        return redirect(next_lesson)
    return redirect(lesson.get_absolute_url() + LESSON_END)


@login_required
@require_POST
def lesson_read_again(request, slug):
    """The practitioner has read the updated lesson: the "updated since you completed
    it" notice goes; the lesson stays completed."""
    lesson = get_object_or_404(Lesson.objects.current(), slug=slug)
    progress_mark_read_again(user=request.user, lesson=lesson)
    messages.success(request, f"“{lesson.title}” is marked as read again.")
    return redirect(lesson)
