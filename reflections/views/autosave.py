"""The endpoints the exercise page's script calls: a fresh CSRF token, autosave of one
answer, and autosave of the commitment's dates.

Each always answers JSON (`json_endpoints.answers_json`), sent with Cache-Control:
no-store like every reflections address (see `reflections/urls.py`); signed out is a
401 with a sign-in link, not a redirect, so the page keeps what was typed. A body that
cannot be read is a 400 with the endpoint's own message. Answer text is never logged:
error messages name the problem, not the text.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path

from modules.models import Question

from ..autosave_forms import UNREADABLE, AnswerSaveForm, request_data, usual_save
from ..models import AnswerVersion
from ..records_forms import CommitmentDatesForm
from ..selectors.answers import question_for_saving
from ..selectors.records import commitment_get
from ..services.answers import AnswerRejected, QuestionClosed, SaveResult, answer_autosave
from ..services.records import commitment_save
from .exercise_page import answering_exercise_or_404, has_commitment, saved_at_label
from .json_endpoints import INVALID, answers_json, json_error, not_saved_while_signed_out


@answers_json(methods=("GET",), signed_out=None)
def csrf_token(request):
    """A current CSRF token: signing in again replaces the one the page was sent with."""
    return JsonResponse({"token": get_token(request)})


def _invalid(problem: str) -> JsonResponse:
    return json_error(400, INVALID, f"Not saved: {problem} Please try again.")


def _question_or_404(number: int, key: str) -> None:
    try:
        question_for_saving(number=number, key=key)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None


@answers_json(methods=("POST",), signed_out=not_saved_while_signed_out("this answer is"))
def autosave(request: HttpRequest, number: int, key: str) -> JsonResponse:
    """Save one answer; always answers JSON, 401 (not a redirect) when signed out.

    A question that does not exist is a 404 whatever was sent; it is looked for on its
    own only when the save cannot go ahead (`answer_autosave` finds it in its UPDATE)."""
    try:
        data = request_data(request)
    except SuspiciousOperation:  # too large, too many fields: each its own 400
        _question_or_404(number, key)
        raise
    if data is None:
        _question_or_404(number, key)
        return _invalid(UNREADABLE)
    fields = usual_save(data)
    if fields is None:
        form = AnswerSaveForm(data)
        if not form.is_valid():
            _question_or_404(number, key)
            return _invalid(form.first_error)
        fields = form.cleaned_data
    try:
        result = answer_autosave(
            user=request.user,
            number=number,
            key=key,
            text=fields["text"],
            base_version=fields["version"],
            # Choosing after a conflict is a decision, not a pause in typing: its own
            # history entry, so the text saved in the other tab stays in the history.
            kind=AnswerVersion.Kind.SAVE if fields["resolved"] else AnswerVersion.Kind.AUTOSAVE,
        )
    except Question.DoesNotExist:
        raise Http404("No such question.") from None
    except QuestionClosed as closed:
        # Retired since the page was loaded, or a pair question that has closed: the
        # page keeps the text and shows why.
        return json_error(409, "closed", f"Not saved: {closed.message}")
    except AnswerRejected as rejected:
        return json_error(400, INVALID, f"Not saved: {rejected.message}")
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


@answers_json(methods=("POST",), signed_out=not_saved_while_signed_out("your dates are"))
def commitment_autosave(request: HttpRequest, number: int) -> JsonResponse:
    """Save the commitment's dates from the exercise page; JSON like `autosave`."""
    exercise = answering_exercise_or_404(number)
    if not has_commitment(exercise):
        raise Http404("This exercise has no commitment.")
    data = request_data(request)
    if data is None:
        return _invalid(UNREADABLE)
    previous = commitment_get(user=request.user, exercise_number=number)
    form = CommitmentDatesForm(data, commitment=previous)
    if not form.is_valid():
        errors = {name: errors[0] for name, errors in form.errors.items()}
        first = next(iter(errors.values()))
        return json_error(400, INVALID, f"Not saved: {first}", errors=errors)
    saved = commitment_save(
        user=request.user,
        exercise=exercise,
        due_on=form.cleaned_data["due_on"],
        review_on=form.cleaned_data["review_on"],
    )
    status = SaveResult.SAVED if saved.changed else SaveResult.UNCHANGED
    return JsonResponse(
        {"status": status, "saved_at_label": saved_at_label(saved.commitment.updated_at)}
    )


urlpatterns = [
    path("csrf-token/", csrf_token, name="csrf_token"),
    path("exercises/<int:number>/answers/<slug:key>/", autosave, name="autosave"),
    path(
        "exercises/<int:number>/commitment/dates/",
        commitment_autosave,
        name="commitment_autosave",
    ),
]
