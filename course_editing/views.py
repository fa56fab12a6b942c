"""The trainers' pages. Who may use them is decided once, in
`selectors.may_edit_course`, and asked by `trainer_page` on every view here: anyone
else signed in gets 404, and a signed-out visitor the sign-in page."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import verified_email_required
from modules.models import Exercise, Lesson, LessonRevision, Part
from modules.rendering import (
    MarkdownContentError,
    lesson_text_parts,
    render_markdown,
)
from modules.services import lesson_move as lesson_move_service

from . import selectors, services
from .diff import text_diff
from .forms import (
    ExerciseIntroForm,
    LegalReviewForm,
    LessonDraftForm,
    MoveForm,
    NewLessonForm,
    PublishForm,
    VersionForm,
    question_formset,
)

CONFLICT_MESSAGE = (
    "Another trainer changed this lesson after you opened the page, so nothing was "
    "changed. Look at it again before you try once more."
)


def trainer_page(view):
    """Signed in, a trainer or administrator (else 404), verified; never cached."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.may_edit_course(request.user):
            raise Http404("Not found.")
        return verified_email_required(view)(request, *args, **kwargs)

    return wrapper


def _lesson_or_404(slug) -> Lesson:
    try:
        return selectors.lesson_for_editing(slug=slug)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson.") from None


def _revision_or_404(lesson, revision_id) -> LessonRevision:
    try:
        return selectors.revision_get(lesson=lesson, revision_id=int(revision_id))
    except (TypeError, ValueError, LessonRevision.DoesNotExist):
        raise Http404("No such version.") from None


@trainer_page
@require_GET
def home(request):
    return render(request, "course_editing/home.html", {"overview": selectors.editing_overview()})


def _edit_page(request, lesson, form, *, status=200, conflict=None):
    context = {
        "lesson": lesson,
        "draft": selectors.draft_for(lesson),
        "form": form,
        "conflict": conflict,
    }
    return render(request, "course_editing/edit.html", context, status=status)


def _conflict_context(error: services.EditConflictError, mine: str) -> dict:
    """What the other trainer left, beside this trainer's text, for choosing or merging."""
    stored = error.draft
    saved = stored.body_markdown if stored else error.lesson.body_markdown
    return {
        "draft": stored,
        "saved_text": saved,
        "diff": text_diff(saved, mine),
        "version": error.lesson.edit_version,
    }


@trainer_page
@require_http_methods(["GET", "POST"])
def lesson_edit(request, slug):
    lesson = _lesson_or_404(slug)
    if request.method == "GET":
        draft = selectors.draft_for(lesson)
        source = draft or lesson
        initial = {
            "title": source.title,
            "summary": source.summary,
            "body_markdown": source.body_markdown,
            "note": draft.note if draft else "",
            "version": lesson.edit_version,
        }
        return _edit_page(request, lesson, LessonDraftForm(initial=initial))
    form = LessonDraftForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, lesson, form, status=400)
    try:
        services.draft_save(lesson=lesson, author=request.user, **form.cleaned_data)
    except services.EditConflictError as error:
        conflict = _conflict_context(error, form.cleaned_data["body_markdown"])
        # The form keeps this trainer's text; saving it again (as it is, or merged) is
        # now based on what is stored, so it goes through only when they choose to.
        data = request.POST.copy()
        data["version"] = str(conflict["version"])
        return _edit_page(request, lesson, LessonDraftForm(data), status=409, conflict=conflict)
    messages.success(request, "Draft saved. Practitioners still see the published lesson.")
    return redirect("course_editing:draft", slug=lesson.slug)


def _practitioner_view_context(lesson, title, body_html):
    exercises = list(lesson.exercises.prefetch_related("questions"))
    return {"title": title, **lesson_text_parts(body_html=body_html, exercises=exercises)}


@trainer_page
@require_GET
def draft_view(request, slug):
    lesson = _lesson_or_404(slug)
    draft = selectors.draft_for(lesson)
    if draft is None:
        messages.info(request, "This lesson has no draft: what practitioners read is below.")
        return redirect("course_editing:edit", slug=lesson.slug)
    context = {
        "lesson": lesson,
        "draft": draft,
        "page": _practitioner_view_context(
            lesson, draft.title, render_markdown(draft.body_markdown)
        ),
        "changes": text_diff(lesson.body_markdown, draft.body_markdown),
        "publish_form": PublishForm(initial={"version": lesson.edit_version}),
        "version": lesson.edit_version,
    }
    return render(request, "course_editing/draft.html", context)


def _version(request) -> int:
    """The edit version the page was opened at; -1 (never current) when missing."""
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else -1


@trainer_page
@require_POST
def draft_publish(request, slug):
    lesson = _lesson_or_404(slug)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("course_editing:draft", slug=lesson.slug)
    try:
        services.draft_publish(
            lesson=lesson,
            actor=request.user,
            version=form.cleaned_data["version"],
            reread_summary=form.reread_summary_or_empty,
        )
    except services.EditConflictError:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("course_editing:draft", slug=lesson.slug)
    except services.NoDraftError:
        messages.error(request, "There is no draft to publish.")
        return redirect("course_editing:edit", slug=lesson.slug)
    messages.success(request, f"Published: practitioners now read the new “{lesson.title}”.")
    return redirect("course_editing:history", slug=lesson.slug)


@trainer_page
@require_POST
def draft_discard(request, slug):
    lesson = _lesson_or_404(slug)
    try:
        services.draft_discard(lesson=lesson, actor=request.user, version=_version(request))
    except services.EditConflictError:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("course_editing:draft", slug=lesson.slug)
    except services.NoDraftError:
        pass  # already gone: the outcome asked for
    messages.success(request, "Draft discarded. The published lesson is unchanged.")
    return redirect("course_editing:home")


@trainer_page
@require_GET
def history(request, slug):
    lesson = _lesson_or_404(slug)
    revisions = selectors.numbered_history(lesson=lesson)
    context = {
        "lesson": lesson,
        "revisions": list(reversed(revisions)),
        "draft": selectors.draft_for(lesson),
        "version": lesson.edit_version,
        "legal_status": selectors.ReviewStatus.LABELS[selectors.legal_review_status(lesson)],
        "legal_reviews": selectors.legal_review_history(lesson=lesson),
        "legal_form": LegalReviewForm(),
    }
    return render(request, "course_editing/history.html", context)


@trainer_page
@require_GET
def revision_diff(request, slug):
    lesson = _lesson_or_404(slug)
    revisions = selectors.numbered_history(lesson=lesson)
    by_id = {str(revision.pk): revision for revision in revisions}
    if not revisions:
        raise Http404("No versions yet.")
    older = by_id.get(request.GET.get("from", ""), revisions[max(len(revisions) - 2, 0)])
    newer = by_id.get(request.GET.get("to", ""), revisions[-1])
    context = {
        "lesson": lesson,
        "revisions": revisions,
        "older": older,
        "newer": newer,
        "older_label": f"Version {older.number}",  # type: ignore[attr-defined]
        "newer_label": f"Version {newer.number}",  # type: ignore[attr-defined]
        "title_changed": older.title != newer.title,
        "rows": text_diff(older.body_markdown, newer.body_markdown),
        "version": lesson.edit_version,
    }
    return render(request, "course_editing/diff.html", context)


@trainer_page
@require_POST
def revision_revert(request, slug, revision_id):
    lesson = _lesson_or_404(slug)
    revision = _revision_or_404(lesson, revision_id)
    try:
        services.revision_revert(
            lesson=lesson, revision=revision, actor=request.user, version=_version(request)
        )
    except services.EditConflictError:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("course_editing:history", slug=lesson.slug)
    messages.success(request, "That version is now the draft: read it, then publish it or not.")
    return redirect("course_editing:draft", slug=lesson.slug)


@trainer_page
@require_POST
def legal_review(request, slug):
    lesson = _lesson_or_404(slug)
    form = LegalReviewForm(request.POST)
    if form.is_valid():
        services.legal_review_mark(lesson=lesson, reviewer=request.user, **form.cleaned_data)
        messages.success(request, f"“{lesson.title}” is marked as legally reviewed today.")
    else:
        messages.error(request, "The note is too long: keep it under 2,000 characters.")
    return redirect("course_editing:history", slug=lesson.slug)


@trainer_page
@require_POST
def lesson_archive(request, slug):
    lesson = _lesson_or_404(slug)
    try:
        services.lesson_archive_from_editor(
            lesson=lesson, actor=request.user, version=_version(request)
        )
    except services.EditConflictError:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("course_editing:history", slug=lesson.slug)
    messages.success(
        request,
        f"“{lesson.title}” is archived: out of the course, with its progress and history kept.",
    )
    return redirect("course_editing:home")


@trainer_page
@require_http_methods(["GET", "POST"])
def lesson_create(request, part):
    try:
        part = selectors.part_for_editing(key=part)
    except Part.DoesNotExist:
        raise Http404("No such part.") from None
    form = NewLessonForm(request.POST or None, initial={"note": "New lesson"})
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        context = {"part": part, "form": form}
        return render(request, "course_editing/lesson_create.html", context, status=status)
    lesson = services.lesson_create(part=part, author=request.user, **form.cleaned_data)
    messages.success(
        request,
        "Lesson created as a draft. Practitioners see it once you publish it, as the "
        "last lesson of its part.",
    )
    return redirect("course_editing:draft", slug=lesson.slug)


@trainer_page
@require_POST
def lesson_move(request, slug):
    lesson = _lesson_or_404(slug)
    form = MoveForm(request.POST)
    if lesson.is_archived or not form.is_valid():
        raise Http404("Only a lesson in the course moves.")
    later = form.cleaned_data["direction"] == "down"
    moved = lesson_move_service(
        lesson=lesson, actor=request.user, later=later, from_order=form.cleaned_data["order"]
    )
    if moved:
        where = "later" if later else "earlier"
        messages.success(request, f"“{lesson.title}” moved one place {where} in its part.")
    else:
        messages.info(
            request,
            f"“{lesson.title}” was not moved: it is already at that end of its part, or "
            "the list changed since you opened it. Here it is as it is now.",
        )
    return redirect(f"{reverse('course_editing:home')}#lesson-{lesson.slug}")


def _question_edits(formset) -> list[services.QuestionEdit]:
    return [
        services.QuestionEdit(
            key=form.cleaned_data["key"],
            text_markdown=form.cleaned_data["text_markdown"],
            stage=form.cleaned_data["stage"],
            removed=form.cleaned_data.get("remove", False),
        )
        for form in formset.forms
        if form.cleaned_data  # the empty row for a new question, left empty
    ]


@trainer_page
@require_http_methods(["GET", "POST"])
def exercise_edit(request, number):
    try:
        exercise = selectors.exercise_for_editing(number=number)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise.") from None
    data = request.POST if request.method == "POST" else None
    initial = {
        "intro_markdown": exercise.intro_markdown,
        "opened_on": selectors.exercise_fingerprint(exercise),
    }
    form = ExerciseIntroForm(data, initial=initial)
    formset = question_formset(exercise, data)
    refusal = ""
    saved_version = None
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.exercise_edit(
                exercise=exercise,
                actor=request.user,
                intro_markdown=form.cleaned_data["intro_markdown"],
                questions=_question_edits(formset),
                opened_on=form.cleaned_data["opened_on"],
            )
        except services.ExerciseChangedElsewhere:
            # The typed text stays in the form and the saved version is shown below it;
            # saving again is refused until the page is opened on the saved version, so a
            # question the other trainer added is never retired unseen.
            refusal = (
                "Nothing was saved: another trainer changed this exercise after you opened "
                "the page. Your text is still in the form and the saved version is below: "
                "copy what you need, open the exercise again and make your change there."
            )
            saved_version = exercise
        except services.ExerciseEditError as error:
            refusal = f"Nothing was saved: {error}."
        else:
            messages.success(request, f"Saved: practitioners now see the new “{exercise.title}”.")
            return redirect("course_editing:exercise_edit", number=exercise.number)
    context = {
        "exercise": exercise,
        "form": form,
        "formset": formset,
        "refusal": refusal,
        "saved_version": saved_version,
        "saved_questions": list(exercise.questions.current().order_by("order"))
        if saved_version is not None
        else [],
    }
    status = 200 if data is None else (409 if saved_version is not None else 400)
    return render(request, "course_editing/exercise_edit.html", context, status=status)


@trainer_page
@require_POST
def markdownify(request):
    """The editor's live preview (django-markdownx posts the text here): the same
    renderer and sanitiser as the published page, and the same refusal."""
    try:
        return HttpResponse(render_markdown(request.POST.get("content", "")))
    except MarkdownContentError as error:
        return HttpResponse(
            format_html(
                '<p class="alert alert-danger" role="alert">This text cannot be saved: {}.</p>',
                error,
            )
        )


@trainer_page
def upload(request):
    """Images are not uploaded (see the README): the address django-markdownx's editor
    posts dropped or pasted files to refuses everything."""
    raise Http404("Images are not uploaded.")
