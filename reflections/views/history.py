"""Each answer's history: the versions a practitioner saved, and deleting them.

A practitioner may delete one earlier version of their own answer, or all of them but
the current text, for instance when a child's name was typed and then removed: they
should not have to delete their account to be rid of it. Deleting is a POST from a
confirmation page (which works without JavaScript) and is audited with ids only.

Everything is found through the requesting user (`selectors.answers`), so another person's
answer or version is a 404: there is no id to guess.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from modules.models import Question

from ..models import AnswerVersion
from ..selectors.answers import answer_history, answer_version_for_deletion
from ..services.answers import answer_history_clear, answer_version_delete
from .exercise_page import answering_exercise_or_404


def _history_or_404(request, number, key):
    exercise = answering_exercise_or_404(number)
    try:
        return exercise, answer_history(user=request.user, exercise=exercise, question_key=key)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None


def _shown(version):
    """One version as the pages show it."""
    return {
        "version": version.version,
        "saved_at": version.saved_at,
        "submitted": version.kind == AnswerVersion.Kind.SUBMIT,
        # A NUL cannot be shown in HTML; the symbol for it can.
        "text": version.typed_text.replace("\x00", "\u2400"),
    }


@login_required
@require_GET
def history(request, number, key):
    exercise, found = _history_or_404(request, number, key)
    context = {
        "exercise": exercise,
        "question": found.question,
        "versions": [_shown(version) for version in found.versions],
    }
    return render(request, "reflections/history.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def version_delete(request, number, key, version):
    """Confirm, then delete one earlier version of the practitioner's own answer."""
    exercise = answering_exercise_or_404(number)
    try:
        found = answer_version_for_deletion(
            user=request.user, exercise=exercise, question_key=key, version=version
        )
    except AnswerVersion.DoesNotExist:
        raise Http404("No such earlier version.") from None
    if request.method == "POST":
        answer_version_delete(user=request.user, version=found)
        messages.success(request, f"Version {version} of your answer is deleted for good.")
        return redirect("reflections:history", number=number, key=key)
    context = {"exercise": exercise, "question": found.answer.question, "version": _shown(found)}
    return render(request, "reflections/version_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def history_clear(request, number, key):
    """Confirm, then delete every earlier version, keeping the current answer."""
    exercise, found = _history_or_404(request, number, key)
    if found.answer is None:
        raise Http404("No answer to this question.")
    if request.method == "POST":
        deleted = answer_history_clear(user=request.user, answer=found.answer)
        if deleted:
            what = f"{deleted} earlier version{'s' if deleted != 1 else ''} of your answer"
            messages.success(request, f"{what} deleted for good. Your current answer is kept.")
        else:
            messages.info(request, "There were no earlier versions to delete.")
        return redirect("reflections:history", number=number, key=key)
    context = {"exercise": exercise, "question": found.question, "earlier": found.versions[1:]}
    return render(request, "reflections/history_clear.html", context)


urlpatterns = [
    path("exercises/<int:number>/answers/<slug:key>/history/", history, name="history"),
    path(
        "exercises/<int:number>/answers/<slug:key>/history/clear/",
        history_clear,
        name="history_clear",
    ),
    path(
        "exercises/<int:number>/answers/<slug:key>/history/<int:version>/delete/",
        version_delete,
        name="version_delete",
    ),
]
