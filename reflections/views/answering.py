"""A practitioner answering the exercises: My reflections, the exercise page (which
saves every answer at once without JavaScript), autosave of one answer, submitting,
and each answer's history.

Every page and endpoint here is sent with Cache-Control: no-store. Answer text is
never logged: error messages name the problem, not the text, and the views that take
answers by POST mark every posted value sensitive, so error reports leave them out.

A Save or Submit posted after the session has ended is not sent to the sign-in page
(which would drop what was typed): the page that answers it shows the typed text and
a sign-in form that carries it, and signing in there saves it.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import EmailAuthenticationForm
from modules.models import Exercise, Question

from ..records_forms import CommitmentDatesForm
from ..selectors import (
    answer_history,
    commitment_of,
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
from ..services.records import commitment_save


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
    def anchor(self):
        """The id the page's error summary links to."""
        return f"answer-{self.key}"

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


@dataclass
class Problem:
    """One line of the page's error summary, linking to the field it is about."""

    anchor: str
    error: str


class CommitmentDates:
    """The commitment's two dates under the commitment question, inside the answers form.

    The form's fields are named `commitment-due_on` and `commitment-review_on`; what was
    typed is shown again as typed when it cannot be saved.
    """

    PREFIX = "commitment"

    def __init__(self, commitment, data=None):
        self.commitment = commitment
        self.form = CommitmentDatesForm(data, commitment=commitment, prefix=self.PREFIX)
        self.extra_error = ""  # e.g. the dates are needed before submitting
        self.checked = False  # the posted dates went through the form's checks

    def _value(self, name):
        value = self.form[name].value()
        return value.isoformat() if isinstance(value, date) else (value or "")

    def _error(self, name):
        if self.extra_error and name == "due_on":
            return self.extra_error
        errors = self.form.errors.get(name) if self.checked else None
        return errors[0] if errors else ""

    @property
    def due(self):
        return {
            "field": self.form["due_on"],
            "value": self._value("due_on"),
            "error": self._error("due_on"),
        }

    @property
    def review(self):
        return {
            "field": self.form["review_on"],
            "value": self._value("review_on"),
            "error": self._error("review_on"),
        }

    @property
    def saved_at_label(self):
        return saved_at_label(self.commitment.updated_at) if self.commitment else ""

    @property
    def review_is_due(self):
        commitment = self.commitment
        return bool(
            commitment
            and commitment.review_on <= timezone.localdate()
            and not commitment.reviewed_at
        )

    def problems(self):
        found = []
        for name in ("due_on", "review_on"):
            error = self._error(name)
            if error:
                label = self.form.fields[name].label
                found.append(Problem(self.form[name].id_for_label, f"{label}: {error}"))
        return found


@dataclass
class Outcome:
    """How saving the posted form went: 200 when everything was saved."""

    status: int = 200
    problems: list = field(default_factory=list)
    saved_at: datetime | None = None
    changed: bool = False

    def failed(self, status, problems=()):
        self.status = max(self.status, status)
        self.problems.extend(problems)

    def saved(self, moment):
        self.changed = True
        self.saved_at = max(filter(None, [self.saved_at, moment]))

    @property
    def ok(self):
        return self.status == 200


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


def _has_commitment(exercise):
    return any(q.kind == Question.Kind.COMMITMENT for q in exercise.current_questions)


def _dates(request, exercise, data=None):
    """The commitment dates of an exercise with a commitment question, else None."""
    if not _has_commitment(exercise):
        return None
    commitment = commitment_of(user=request.user, exercise_number=exercise.number)
    names = [f"{CommitmentDates.PREFIX}-{name}" for name in ("due_on", "review_on")]
    if data is not None and not any(name in data for name in names):
        data = None  # a form without the dates: show the saved ones
    return CommitmentDates(commitment, data)


def _render_page(request, exercise, own, sharing, fields, dates, *, status=200, problems=()):
    context = {
        "exercise": exercise,
        "own": own,
        "response": own.response,
        "sharing": sharing,
        "fields": fields,
        "dates": dates,
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


def _keeping_signed_out_posts(action):
    """Like login_required, except that a POST from a signed-out browser is answered with
    the page that keeps what it carried (see `_signed_out_page`)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, number):
            if request.user.is_authenticated:
                return view(request, number)
            if request.method == "POST":
                return _signed_out_page(request, _exercise_or_404(number), action=action)
            return redirect_to_login(request.get_full_path())

        return wrapper

    return decorator


@never_cache
@sensitive_post_parameters()
@_keeping_signed_out_posts("save")
@require_http_methods(["GET", "POST"])
def exercise_page(request, number):
    """The exercise; a POST saves every answer on it (the page without JavaScript)."""
    exercise = _exercise_or_404(number)
    if request.method == "POST":
        return _form_post(request, exercise, submit=False)
    own = response_for(user=request.user, exercise=exercise)
    sharing = exercise_sharing(viewer=request.user, exercise=exercise)
    fields = _fields(exercise, own, sharing)
    return _render_page(request, exercise, own, sharing, fields, _dates(request, exercise))


@never_cache
@sensitive_post_parameters()
@_keeping_signed_out_posts("submit")
@require_POST
def exercise_submit(request, number):
    """Save whatever the form holds, then submit the exercise if every answer is there."""
    return _form_post(request, _exercise_or_404(number), submit=True)


@never_cache
@sensitive_post_parameters()
@require_POST
def exercise_resume(request, number):
    """Sign in again from the signed-out page, then save what it carried as the exercise
    page's own POST would. The password is checked by `authenticate` (through the sign-in
    form), so failed attempts count towards the lockout like any other sign-in."""
    exercise = _exercise_or_404(number)
    action = "submit" if request.POST.get("action") == "submit" else "save"
    if not request.user.is_authenticated:
        form = EmailAuthenticationForm(request, data=request.POST)
        if not form.is_valid():
            return _signed_out_page(request, exercise, action=action, form=form)
        login(request, form.get_user())
    message = "Signed in again and saved."
    if action == "submit":
        message += f" You have submitted exercise {exercise.number}."
    return _form_post(
        request, exercise, submit=action == "submit", saved_message=message, resumed=True
    )


def _form_post(request, exercise, *, submit, saved_message=None, resumed=False):
    """Save the posted form (answers and commitment dates); then submit, if asked.

    Redirects to the exercise when all went well; otherwise shows the page again with
    every typed answer and date, and the problems in its error summary.
    """
    own = response_for(user=request.user, exercise=exercise)
    sharing = exercise_sharing(viewer=request.user, exercise=exercise)
    fields = _fields(exercise, own, sharing)
    dates = _dates(request, exercise, request.POST)
    outcome = Outcome()
    _save_posted(request, exercise, fields, outcome)
    _save_posted_dates(request, exercise, dates, outcome)
    if outcome.ok and submit:
        _submit(request, exercise, fields, dates, outcome)
    if not outcome.ok:
        if resumed:
            messages.info(request, "You are signed in again.")
        if outcome.changed and outcome.status == 400:
            messages.info(request, "Everything else on this page is saved.")
        return _render_page(
            request,
            exercise,
            own,
            sharing,
            fields,
            dates,
            status=outcome.status,
            problems=outcome.problems,
        )
    if saved_message:
        messages.success(request, saved_message)
    elif submit:
        messages.success(
            request,
            f"You have submitted exercise {exercise.number}. You can still change your answers.",
        )
    elif outcome.changed:
        messages.success(request, f"Saved at {saved_at_label(outcome.saved_at)}.")
    else:
        messages.info(request, "There were no changes to save.")
    return redirect("reflections:exercise", number=exercise.number)


def _submit(request, exercise, fields, dates, outcome):
    try:
        response_submit(user=request.user, exercise=exercise)
    except ExerciseIncomplete as incomplete:
        missing = {question.pk for question in incomplete.questions}
        problems = []
        for answer_field in fields:
            if answer_field.question.pk in missing:
                answer_field.missing = True
                answer_field.error = f"Answer question {answer_field.number} before you submit."
                problems.append(answer_field)
        if incomplete.dates_missing and dates is not None:
            dates.extra_error = "Enter the dates for your commitment before you submit."
            problems.extend(dates.problems())
        outcome.failed(400, problems)


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


# --- Signed out while the page was open -------------------------------------------------


@dataclass
class CarriedAnswer:
    """An answer the signed-out page shows (read-only) and carries to the sign-in."""

    number: int
    question: Question
    text: str
    merged: str = ""

    @property
    def key(self):
        return self.question.key


def _carried(request, exercise):
    """What the signed-out page carries: the exercise form's own fields, as posted."""
    names = [
        f"{prefix}-{question.key}"
        for question in exercise.current_questions
        for prefix in ("answer", "version", "resolve", "saved-version", "merged")
    ]
    names += [f"{CommitmentDates.PREFIX}-due_on", f"{CommitmentDates.PREFIX}-review_on"]
    hidden = [(name, request.POST[name]) for name in names if name in request.POST]
    answers = []
    for number, question in enumerate(exercise.current_questions, start=1):
        name = f"answer-{question.key}"
        if name not in request.POST:
            continue
        merged = ""
        if request.POST.get(f"resolve-{question.key}") == "merged":
            merged = request.POST.get(f"merged-{question.key}", "")
        answers.append(CarriedAnswer(number, question, request.POST[name], merged))
    dates = [
        (CommitmentDatesForm.base_fields[name].label, request.POST.get(f"commitment-{name}", ""))
        for name in ("due_on", "review_on")
        if request.POST.get(f"commitment-{name}", "").strip()
    ]
    return hidden, answers, dates


def _signed_out_page(request, exercise, *, action, form=None):
    """200, not a redirect to sign in: the text the browser sent is shown, not dropped."""
    locked_out = bool(getattr(request, "axes_locked_out", False))
    if locked_out:
        # Still refused (authenticate said no); the lockout is explained on this page,
        # which keeps the typed text, instead of on axes' own page, which would not.
        request.axes_locked_out = False
    hidden, answers, dates = _carried(request, exercise)
    context = {
        "exercise": exercise,
        "action": action,
        "hidden": hidden,
        "answers": answers,
        "dates": dates,
        "form": form or EmailAuthenticationForm(request),
        "locked_out": locked_out,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "reflections/signed_out.html", context)


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


def _signed_out_json(what):
    return _json_error(
        401,
        "signed_out",
        f"You have been signed out, so {what} not saved yet. Your text is still here.",
        login_url=f"{reverse('accounts:login')}?next={reverse('reflections:signed_in')}",
    )


@never_cache
@require_POST
def autosave(request, number, key):
    """Save one answer; always answers JSON, 401 (not a redirect) when signed out."""
    if not request.user.is_authenticated:
        return _signed_out_json("this answer is")
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


def _read_dates_request(request):
    """{"due_on": ..., "review_on": ...} from a JSON or form-encoded body."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
    else:
        body = request.POST
    if not hasattr(body, "get"):
        raise ValueError("The save request could not be read.")
    values = {name: body.get(name, "") for name in ("due_on", "review_on")}
    if not all(isinstance(value, str) for value in values.values()):
        raise ValueError("The save request could not be read.")
    return values


@never_cache
@require_POST
def commitment_autosave(request, number):
    """Save the commitment's dates from the exercise page; JSON like `autosave`."""
    if not request.user.is_authenticated:
        return _signed_out_json("your dates are")
    exercise = _exercise_or_404(number)
    if not _has_commitment(exercise):
        raise Http404("This exercise has no commitment.")
    try:
        values = _read_dates_request(request)
    except ValueError as problem:
        return _json_error(400, "invalid", f"Not saved: {problem} Please try again.")
    previous = commitment_of(user=request.user, exercise_number=number)
    form = CommitmentDatesForm(values, commitment=previous)
    if not form.is_valid():
        errors = {name: errors[0] for name, errors in form.errors.items()}
        first = next(iter(errors.values()))
        return _json_error(400, "invalid", f"Not saved: {first}", errors=errors)
    due_on, review_on = form.cleaned_data["due_on"], form.cleaned_data["review_on"]
    status = SaveResult.UNCHANGED
    commitment = previous
    if previous is None or (previous.due_on, previous.review_on) != (due_on, review_on):
        commitment = commitment_save(
            user=request.user, exercise=exercise, due_on=due_on, review_on=review_on
        )
        status = SaveResult.SAVED
    return JsonResponse({"status": status, "saved_at_label": saved_at_label(commitment.updated_at)})


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


def _save_posted(request, exercise, fields, outcome):
    """Save the posted answers, noting in `outcome` what happened."""
    edits, problems = [], []
    try:
        for answer_field in fields:
            edit = _posted_edit(request, answer_field)
            if edit is None:
                continue
            try:
                answer_text_check(edit.text)
            except AnswerRejected as rejected:
                answer_field.error = rejected.message
                problems.append(answer_field)
            edits.append(edit)
    except ValueError as problem:
        messages.error(request, str(problem))
        outcome.failed(400)
        return
    if problems:
        outcome.failed(400, problems)
        return
    if not edits:
        return
    results = answers_save(user=request.user, exercise=exercise, edits=edits)
    conflicts = []
    for answer_field in fields:
        result = results.get(answer_field.question.pk)
        if result is None:
            continue
        answer_field.saved_at = result.saved_at
        if result.is_conflict:
            answer_field.conflict = result
            answer_field.error = (
                f"Question {answer_field.number} was changed in another tab or window. "
                "Both texts are shown; choose which to keep."
            )
            conflicts.append(answer_field)
        else:
            answer_field.version = result.version
            if result.status == SaveResult.SAVED:
                outcome.saved(result.saved_at)
    if conflicts:
        outcome.failed(409, conflicts)


def _save_posted_dates(request, exercise, dates, outcome):
    """Save the commitment dates the form carries, through the same checks as everywhere.

    Both left empty before any dates were saved means "not yet": nothing to do.
    """
    if dates is None:
        return
    names = [f"{CommitmentDates.PREFIX}-{name}" for name in ("due_on", "review_on")]
    if not any(name in request.POST for name in names):
        return
    posted = [request.POST.get(name, "").strip() for name in names]
    if not any(posted) and dates.commitment is None:
        return
    dates.checked = True
    if not dates.form.is_valid():
        outcome.failed(400, dates.problems())
        return
    due_on, review_on = dates.form.cleaned_data["due_on"], dates.form.cleaned_data["review_on"]
    previous = dates.commitment
    if previous is not None and (previous.due_on, previous.review_on) == (due_on, review_on):
        return
    dates.commitment = commitment_save(
        user=request.user, exercise=exercise, due_on=due_on, review_on=review_on
    )
    outcome.saved(dates.commitment.updated_at)


urlpatterns = [
    path("", mine, name="mine"),
    path("signed-in/", signed_in, name="signed_in"),
    path("csrf-token/", csrf_token, name="csrf_token"),
    path("exercises/<int:number>/", exercise_page, name="exercise"),
    path("exercises/<int:number>/submit/", exercise_submit, name="submit"),
    path("exercises/<int:number>/sign-in-and-save/", exercise_resume, name="resume"),
    path("exercises/<int:number>/answers/<slug:key>/", autosave, name="autosave"),
    path(
        "exercises/<int:number>/commitment/dates/",
        commitment_autosave,
        name="commitment_autosave",
    ),
    path("exercises/<int:number>/answers/<slug:key>/history/", history, name="history"),
]
