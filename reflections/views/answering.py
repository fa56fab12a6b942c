"""A practitioner answering the exercises: My reflections, the exercise page (which
saves every answer at once without JavaScript), autosave of one answer, submitting,
and each answer's history.

Every page and endpoint here is sent with Cache-Control: no-store. Answer text is
never logged: error messages name the problem, not the text.
"""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.models import Exercise, Question

from ..selectors import (
    answer_history,
    exercise_for_answering,
    exercise_sharing,
    my_reflections,
    question_for_answering,
    response_for,
)
from ..services.answers import (
    AnswerEdit,
    AnswerRejected,
    ExerciseIncomplete,
    SaveResult,
    answer_save,
    answer_text_check,
    answers_save,
    as_shown_in_html,
    response_submit,
)


def saved_at_label(moment):
    """'14:32' today, '3 March at 14:32' before that, in the site's time zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    time = date_format(local, "H:i")
    if local.date() == timezone.localdate():
        return time
    return f"{date_format(local, 'j F Y')} at {time}"


@dataclass
class AnswerField:
    """One question on the exercise page, with what its textarea holds."""

    question: Question
    number: int
    text: str
    version: int
    saved_at: object
    is_open: bool
    error: str = ""
    conflict: SaveResult | None = None
    missing: bool = False

    @property
    def key(self):
        return self.question.key

    @property
    def text_for_html(self):
        return as_shown_in_html(self.text)

    @property
    def needs_exact_text(self):
        """A NUL cannot travel in HTML: the page's script puts the exact text back."""
        return "\x00" in self.text

    @property
    def saved_at_label(self):
        return saved_at_label(self.saved_at)

    @property
    def conflict_saved_at_label(self):
        return saved_at_label(self.conflict.saved_at) if self.conflict else ""

    @property
    def conflict_text_for_html(self):
        return as_shown_in_html(self.conflict.stored_text) if self.conflict else ""

    @property
    def merged_text_for_html(self):
        return self.text_for_html + "\n\n" + self.conflict_text_for_html


def _exercise_or_404(number):
    try:
        return exercise_for_answering(number=number)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise.") from None


def _fields(exercise, own, sharing):
    fields = []
    for number, question in enumerate(exercise.current_questions, start=1):
        answer = own.answer_to(question)
        is_open = question.stage == Question.Stage.INDIVIDUAL or sharing.pair_questions_open
        fields.append(
            AnswerField(
                question=question,
                number=number,
                text=answer.typed_text if answer else "",
                version=answer.version if answer else 0,
                saved_at=answer.updated_at if answer else None,
                is_open=is_open,
            )
        )
    return fields


def _render_page(request, exercise, own, sharing, fields, *, status=200, problems=()):
    context = {
        "exercise": exercise,
        "own": own,
        "response": own.response,
        "sharing": sharing,
        "fields": fields,
        "problems": problems,
        "signed_in_url": reverse("reflections:signed_in"),
    }
    return render(request, "reflections/exercise.html", context, status=status)


# --- Pages -------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def mine(request):
    return render(request, "reflections/mine.html", {"entries": my_reflections(user=request.user)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def exercise_page(request, number):
    """The exercise; a POST saves every answer on it (the page without JavaScript)."""
    exercise = _exercise_or_404(number)
    own = response_for(user=request.user, exercise=exercise)
    sharing = exercise_sharing(viewer=request.user, exercise=exercise)
    fields = _fields(exercise, own, sharing)
    if request.method == "GET":
        return _render_page(request, exercise, own, sharing, fields)
    outcome = _save_posted(request, exercise, fields)
    if outcome is not None:
        return _render_page(request, exercise, own, sharing, fields, **outcome)
    return redirect("reflections:exercise", number=exercise.number)


@never_cache
@login_required
@require_POST
def exercise_submit(request, number):
    """Save whatever the form holds, then submit the exercise if every answer is there."""
    exercise = _exercise_or_404(number)
    own = response_for(user=request.user, exercise=exercise)
    sharing = exercise_sharing(viewer=request.user, exercise=exercise)
    fields = _fields(exercise, own, sharing)
    outcome = _save_posted(request, exercise, fields, announce=False)
    if outcome is not None:
        return _render_page(request, exercise, own, sharing, fields, **outcome)
    try:
        response_submit(user=request.user, exercise=exercise)
    except ExerciseIncomplete as incomplete:
        missing = {question.pk for question in incomplete.questions}
        problems = []
        for field in fields:
            if field.question.pk in missing:
                field.missing = True
                field.error = f"Answer question {field.number} before you submit."
                problems.append(field)
        return _render_page(request, exercise, own, sharing, fields, status=400, problems=problems)
    messages.success(
        request,
        f"You have submitted exercise {exercise.number}. You can still change your answers.",
    )
    return redirect("reflections:exercise", number=exercise.number)


@never_cache
@login_required
@require_GET
def history(request, number, key):
    exercise = _exercise_or_404(number)
    try:
        found = answer_history(user=request.user, exercise=exercise, question_key=key)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None
    versions = [
        {
            "version": version.version,
            "saved_at": version.saved_at,
            # A NUL cannot be shown in HTML; the symbol for it can.
            "text": version.typed_text.replace("\x00", "\u2400"),
        }
        for version in found.versions
    ]
    context = {"exercise": exercise, "question": found.question, "versions": versions}
    return render(request, "reflections/history.html", context)


@never_cache
@login_required
@require_GET
def signed_in(request):
    """Where signing in again from a tab with unsaved answers lands."""
    return render(request, "reflections/signed_in.html")


# --- Endpoints for the page's script -----------------------------------------------------


@never_cache
@require_GET
def csrf_token(request):
    """A current CSRF token: signing in again replaces the one the page was sent with."""
    return JsonResponse({"token": get_token(request)})


def _json_error(status, code, message, **extra):
    return JsonResponse({"status": code, "message": message, **extra}, status=status)


def _read_save_request(request):
    """(text, base version) from a JSON or form-encoded body; ValueError when malformed."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValueError("The save request could not be read.") from None
        if not isinstance(body, dict):
            raise ValueError("The save request could not be read.")
        text, version = body.get("text"), body.get("version")
    else:
        text, version = request.POST.get("text"), request.POST.get("version")
    if not isinstance(text, str):
        raise ValueError("The save request had no answer text.")
    if isinstance(version, str) and version.isdecimal():
        version = int(version)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ValueError("The save request did not say which version it was based on.")
    return text, version


@never_cache
@require_POST
def autosave(request, number, key):
    """Save one answer; always answers JSON, 401 (not a redirect) when signed out."""
    if not request.user.is_authenticated:
        return _json_error(
            401,
            "signed_out",
            "You have been signed out, so this answer is not saved yet. Your text is still here.",
            login_url=f"{reverse('accounts:login')}?next={reverse('reflections:signed_in')}",
        )
    try:
        question = question_for_answering(number=number, key=key)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None
    try:
        text, base_version = _read_save_request(request)
        result = answer_save(
            user=request.user,
            exercise=question.exercise,
            question=question,
            text=text,
            base_version=base_version,
        )
    except ValueError as problem:
        return _json_error(400, "invalid", f"Not saved: {problem} Please try again.")
    except AnswerRejected as rejected:
        return _json_error(400, "invalid", f"Not saved: {rejected.message}")
    payload = {
        "status": result.status,
        "version": result.version,
        "saved_at": result.saved_at.isoformat() if result.saved_at else None,
        "saved_at_label": saved_at_label(result.saved_at),
    }
    if result.is_conflict:
        payload["text"] = result.stored_text
        payload["message"] = (
            "Not saved: this answer was changed in another tab or window. "
            "Both texts are shown; choose which to keep."
        )
        return JsonResponse(payload, status=409)
    return JsonResponse(payload)


# --- The form without JavaScript ---------------------------------------------------------


def _posted_edit(request, field):
    """The edit the form asks for on `field`, or None to leave it alone."""
    name = f"answer-{field.key}"
    if not field.is_open or name not in request.POST:
        return None
    # Browsers send a textarea's line breaks as CRLF; its value on the page uses LF.
    text = request.POST[name].replace("\r\n", "\n")
    base = request.POST.get(f"version-{field.key}", "")
    choice = request.POST.get(f"resolve-{field.key}")
    if choice == "saved":
        return None
    if choice in ("mine", "merged"):
        base = request.POST.get(f"saved-version-{field.key}", "")
        if choice == "merged":
            text = request.POST.get(f"merged-{field.key}", "").replace("\r\n", "\n")
    # Shown again as posted if anything goes wrong, so nothing typed is lost.
    field.text = text
    if not base.isdecimal():
        raise ValueError("The form was incomplete. Please save again.")
    field.version = int(base)
    return AnswerEdit(
        question=field.question, text=text, base_version=int(base), from_html_form=True
    )


def _save_posted(request, exercise, fields, *, announce=True):
    """Save the posted answers. None when all went well; else how to show the page again."""
    edits, problems = [], []
    try:
        for field in fields:
            edit = _posted_edit(request, field)
            if edit is None:
                continue
            try:
                answer_text_check(edit.text)
            except AnswerRejected as rejected:
                field.error = rejected.message
                problems.append(field)
            edits.append(edit)
    except ValueError as problem:
        messages.error(request, str(problem))
        return {"status": 400}
    if problems:
        return {"status": 400, "problems": problems}
    if not edits:
        return None
    results = answers_save(user=request.user, exercise=exercise, edits=edits)
    conflicts = []
    for field in fields:
        result = results.get(field.question.pk)
        if result is None:
            continue
        field.saved_at = result.saved_at
        if result.is_conflict:
            field.conflict = result
            conflicts.append(field)
        else:
            field.version = result.version
    if conflicts:
        for field in conflicts:
            field.error = (
                f"Question {field.number} was changed in another tab or window. "
                "Both texts are shown; choose which to keep."
            )
        return {"status": 409, "problems": conflicts}
    if announce:
        if any(r.status == SaveResult.SAVED for r in results.values()):
            saved_at = next(r.saved_at for r in results.values() if r.status == SaveResult.SAVED)
            messages.success(request, f"Saved at {saved_at_label(saved_at)}.")
        else:
            messages.info(request, "There were no changes to save.")
    return None


urlpatterns = [
    path("", mine, name="mine"),
    path("signed-in/", signed_in, name="signed_in"),
    path("csrf-token/", csrf_token, name="csrf_token"),
    path("exercises/<int:number>/", exercise_page, name="exercise"),
    path("exercises/<int:number>/submit/", exercise_submit, name="submit"),
    path("exercises/<int:number>/answers/<slug:key>/", autosave, name="autosave"),
    path("exercises/<int:number>/answers/<slug:key>/history/", history, name="history"),
]
