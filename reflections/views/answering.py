"""A practitioner answering the exercises: My reflections, the exercise page (which
saves every answer at once without JavaScript) and submitting. The page's script saves
through `views/autosave.py`; each answer's history is in `views/history.py`; what the
page shows and the reading of its form are in `views/exercise_page.py`.

Every page here is sent with Cache-Control: no-store (by `reflections/urls.py`, for
the whole app). Answer text is never logged: error messages name the problem, not the
text, and the views that take answers by POST mark every posted value sensitive, so
error reports leave them out.

A Save or Submit posted after the session has ended is not sent to the sign-in page
(which would drop what was typed): the page that answers it shows the typed text and
a sign-in form that carries it, and signing in there saves it.
"""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, ResolverMatch, path, resolve, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import unverified_email_page
from accounts.forms import SignInForm
from modules.selectors import course_for_request

from ..models import ANSWER_MAX_LENGTH
from ..records_forms import CommitmentReviewForm
from ..selectors.answers import my_reflections_get, own_response_get, submission_gaps
from ..selectors.sharing import exercise_sharing
from ..services.answers import answer_too_long_message
from .exercise_page import (
    Outcome,
    answer_conflict_template,
    answer_field_html,
    answer_fields,
    answering_exercise_or_404,
    carried,
    commitment_dates,
    exercise_html,
    gaps_mark,
    save_posted_answers,
    save_posted_dates,
    saved_at_label,
    share_panel_html,
    submit_posted,
)


def _render_page(
    request,
    exercise,
    own,
    sharing,
    fields,
    dates,
    *,
    status=200,
    problems=(),
    refused=(),
    messages_at_actions=False,
):
    # What the page shows of the course content is kept for its version (read by the
    # header in any case, so no extra query).
    course = course_for_request(request)
    version = course.content_version if course is not None else None
    fixed_html = exercise_html(exercise, version=version)
    context = {
        "messages_at_actions": messages_at_actions,
        "exercise": exercise,
        "exercise_html": fixed_html,
        "own": own,
        "response": own.response,
        "sharing": sharing,
        "fields": [
            (field, answer_field_html(field, sharing, dates, version=version)) for field in fields
        ],
        "answer_conflict_template": answer_conflict_template(version=version),
        "share_panel_html": share_panel_html(sharing, exercise, version=version),
        "dates": dates,
        "problems": problems,
        "refused": refused,
        "signed_in_url": fixed_html["signed_in_url"],
        # For the page's script, which checks an answer's length before sending it.
        "answer_max_length": ANSWER_MAX_LENGTH,
        "answer_too_long_message": answer_too_long_message(length="{length}"),
        # The script reads the current CSRF token from this cookie (__Host- in production).
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }
    return render(request, "reflections/exercise.html", context, status=status)


# --- Pages -------------------------------------------------------------------------------


# The exercise whose submit just failed for want of answers (see `_form_post`).
SUBMIT_GAPS_SESSION_KEY = "reflections_submit_gaps"


def exercise_saved_url(exercise) -> str:
    """The exercise page after its form was saved: the confirmation is shown by the
    buttons (`?saved`), and the browser goes there (`#exercise-saved`)."""
    return reverse("reflections:exercise", args=[exercise.number]) + "?saved=1#exercise-saved"


@login_required
@require_GET
def mine(request):
    page = my_reflections_get(user=request.user, today=timezone.localdate())
    reviews = [
        (entry, CommitmentReviewForm.for_commitment(entry) if entry.review_open else None)
        for entry in page.commitments
    ]
    context = {"entries": page.entries, "invitations": page.invitations, "reviews": reviews}
    return render(request, "reflections/mine.html", context)


def _keeping_signed_out_posts(action):
    """Like login_required, except that a POST from a signed-out browser is answered with
    the page that keeps what it carried (see `_signed_out_page`)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, number):
            if request.user.is_authenticated:
                return view(request, number)
            if request.method == "POST":
                return _signed_out_page(request, answering_exercise_or_404(number), action=action)
            return redirect_to_login(request.get_full_path())

        return wrapper

    return decorator


@sensitive_post_parameters()
@_keeping_signed_out_posts("save")
@require_http_methods(["GET", "POST"])
def exercise_page(request, number):
    """The exercise; a POST saves every answer on it (the page without JavaScript)."""
    if request.method == "POST":
        return _form_post(request, answering_exercise_or_404(number), submit=False)
    exercise = answering_exercise_or_404(number, course=course_for_request(request))
    own = own_response_get(user=request.user, exercise=exercise)
    sharing = exercise_sharing(
        viewer=request.user, exercise=exercise, may_concern=own.share_may_concern
    )
    fields = answer_fields(exercise, own, sharing)
    dates = commitment_dates(request, exercise)
    problems = []
    if request.session.get(SUBMIT_GAPS_SESSION_KEY) == exercise.number:
        # Just back from a submit that could not be made: say what it still needs.
        del request.session[SUBMIT_GAPS_SESSION_KEY]
        gaps = submission_gaps(response=own.response, exercise=exercise)
        problems = gaps_mark(fields, dates, gaps)
    at_actions = "saved" in request.GET
    return _render_page(
        request,
        exercise,
        own,
        sharing,
        fields,
        dates,
        problems=problems,
        messages_at_actions=at_actions and not problems,
    )


@sensitive_post_parameters()
@_keeping_signed_out_posts("submit")
@require_POST
def exercise_submit(request, number):
    """Save whatever the form holds, then submit the exercise if every answer is there."""
    return _form_post(request, answering_exercise_or_404(number), submit=True)


@sensitive_post_parameters()
@require_POST
def exercise_sign_in_and_save(request, number):
    """Sign in again from the signed-out page, then save what it carried as the exercise
    page's own POST would. The password is checked by `authenticate` (through the sign-in
    form), so failed attempts count towards the lockout like any other sign-in."""
    exercise = answering_exercise_or_404(number)
    action = "submit" if request.POST.get("action") == "submit" else "save"
    if not request.user.is_authenticated and "already_signed_in" in request.POST:
        # "I have signed in (in another tab): save now", but this browser is not.
        messages.error(request, "You are not signed in yet. Sign in first, then press it again.")
        return _signed_out_page(request, exercise, action=action)
    if not request.user.is_authenticated:
        form = SignInForm(data=request.POST, request=request)
        if not form.is_valid():
            return _signed_out_page(request, exercise, action=action, form=form)
        if is_mfa_enabled(form.user):
            # The code from an authenticator app is asked for on a page of its own,
            # which cannot carry the typed text: sign in in another tab instead.
            return _signed_out_page(request, exercise, action=action, second_step=True)
        form.login(request)
        if not request.user.is_authenticated:
            return _signed_out_page(request, exercise, action=action, form=form)
        if not request.user.has_verified_email:
            return unverified_email_page(request)
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
    own = own_response_get(user=request.user, exercise=exercise)
    sharing = exercise_sharing(
        viewer=request.user, exercise=exercise, may_concern=own.share_may_concern
    )
    fields = answer_fields(exercise, own, sharing)
    dates = commitment_dates(request, exercise, request.POST)
    outcome = Outcome()
    save_posted_answers(request, exercise, fields, outcome, own=own)
    save_posted_dates(request, exercise, dates, outcome)
    revealed = None
    if outcome.ok and submit:
        submit_posted(request, exercise, fields, dates, outcome)
        if not outcome.ok:
            # Everything is saved; what is missing is listed on the exercise page, after
            # a redirect, so reloading that page sends nothing again.
            request.session[SUBMIT_GAPS_SESSION_KEY] = exercise.number
            if resumed:
                messages.info(request, "You are signed in again.")
            messages.info(request, "Your answers are saved. The exercise is not submitted yet.")
            return redirect("reflections:exercise", number=exercise.number)
        revealed = _revealed_by_submitting(request, exercise, sharing)
    if not outcome.ok:
        if resumed:
            messages.info(request, "You are signed in again.")
        if outcome.changed and (outcome.status == 400 or outcome.refused):
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
            refused=outcome.refused,
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
    if revealed is not None:
        messages.success(
            request,
            format_html(
                '{}\'s answers are now open. <a class="alert-link" href="{}">Compare your '
                "answers side by side</a>.",
                revealed.partner.full_name,
                reverse("reflections:share_detail", args=[revealed.share.pk]),
            ),
        )
    if outcome.course_completed:
        return redirect("reflections:course_completed")
    # Back to the buttons just pressed, with the confirmation beside them, not at the top
    # of a long page.
    return redirect(exercise_saved_url(exercise))


def _revealed_by_submitting(request, exercise, before):
    """The sharing of `exercise` when this submission opened the pair's answers (the
    partner had already submitted), else None."""
    if before.share is None or before.revealed:
        return None
    after = exercise_sharing(viewer=request.user, exercise=exercise)
    return after if after.revealed and after.partner is not None else None


@login_required
@require_GET
def signed_in(request):
    """Where signing in again from a tab with unsaved answers lands."""
    return render(request, "reflections/signed_in.html")


# --- Signed out while the page was open -------------------------------------------------


def _signed_out_page(request, exercise, *, action, form=None, second_step=False, status=200):
    """200, not a redirect to sign in: the text the browser sent is shown, not dropped."""
    hidden, answers, dates = carried(request, exercise)
    context = {
        "exercise": exercise,
        "action": action,
        "hidden": hidden,
        "answers": answers,
        "dates": dates,
        "form": form or SignInForm(request=request),
        "second_step": second_step,
        "sign_in_url": f"{reverse('account_login')}?next={reverse('reflections:signed_in')}",
    }
    return render(request, "reflections/signed_out.html", context, status=status)


# --- A form posted with a token that is no longer valid -----------------------------------

# The exercise page's form posts to these; each takes the same fields.
_FORM_ACTIONS = {
    "reflections:exercise": "save",
    "reflections:submit": "submit",
    "reflections:sign_in_and_save": "save",
}


def csrf_failure_page(request: HttpRequest) -> HttpResponse | None:
    """For an exercise form posted with a CSRF token that is no longer valid (signing in
    again in another tab replaces it), a 403 page that shows what was typed and a form
    with a fresh token that posts it again; None for any other request.

    Signed out, it is the signed-out page (which carries the text to the sign-in). The
    text is read from the POST only to put it back on the page: it is never logged.
    """
    match = request.resolver_match or _resolve(request.path_info)
    if request.method != "POST" or match is None or match.view_name not in _FORM_ACTIONS:
        return None
    try:
        exercise = answering_exercise_or_404(match.kwargs["number"])
    except Http404:
        return None
    action = _FORM_ACTIONS[match.view_name]
    if match.view_name == "reflections:sign_in_and_save" and request.POST.get("action") == "submit":
        action = "submit"
    if not request.user.is_authenticated:
        return _signed_out_page(request, exercise, action=action, status=403)
    hidden, answers, dates = carried(request, exercise)
    target = "reflections:submit" if action == "submit" else "reflections:exercise"
    context = {
        "exercise": exercise,
        "action": action,
        "action_url": reverse(target, args=[exercise.number]),
        "hidden": hidden,
        "answers": answers,
        "dates": dates,
    }
    return render(request, "403_csrf.html", context, status=403)


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


urlpatterns = [
    path("", mine, name="mine"),
    path("signed-in/", signed_in, name="signed_in"),
    path("exercises/<int:number>/", exercise_page, name="exercise"),
    path("exercises/<int:number>/submit/", exercise_submit, name="submit"),
    path(
        "exercises/<int:number>/sign-in-and-save/",
        exercise_sign_in_and_save,
        name="sign_in_and_save",
    ),
]
