"""Pair-sharing screens: choose a colleague, answer an invitation, compare, end a share.

Every share or invitation is fetched through a selector scoped to the person asking,
so an id or token that is not theirs is a 404.
"""

from dataclasses import dataclass
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.form_messages import PlainErrors
from accounts.forms import NormalisedEmailField
from accounts.models import User
from accounts.ratelimits import rate_limit_consume
from modules.models import Exercise

from ..models import Share
from ..selectors.sharing import (
    colleague_get,
    colleague_search,
    exercise_sharing,
    invitation_can_respond,
    share_detail_get,
    share_get_accepted,
    share_get_expired_for_sender,
    share_get_for_invitee,
    share_get_for_participant,
    shareable_exercise_get,
)
from ..services.invitation_emails import queued_message
from ..services.sharing import (
    SharingError,
    share_accept,
    share_comparison_viewed,
    share_create,
    share_decline,
    share_end,
    share_invite,
)
from . import invitation_emails
from .json_endpoints import answers_json

SEARCH_LIMITED = "Too many searches in a short time. Wait a minute, then search again."


class EmailInviteForm(PlainErrors, forms.Form):
    required_messages: ClassVar = {"email": "Enter their work email address"}

    email = NormalisedEmailField(
        label="Their work email address",
        help_text="If they have no account yet, the email asks them to create one.",
        max_length=254,
    )


def _exercise_url(exercise):
    return reverse("reflections:exercise", kwargs={"number": exercise.number})


def shareable_exercise_or_404(number):
    """An exercise written for pairs; 404 for a solo one or an unknown number. (Answering
    takes any exercise: `views.exercise_page.answering_exercise_or_404`.)"""
    try:
        return shareable_exercise_get(number=number)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise to share.") from None


@dataclass(frozen=True)
class Invited:
    """How sending the invitation a POST asks for went."""

    sent_to: str = ""  # whom it is addressed to, once its email is queued
    error: str = ""  # what to put right, in words; empty when the form shows it


def _invite(request, exercise, email_form) -> Invited:
    """Send the invitation the POST asks for."""
    try:
        if "colleague" in request.POST:
            colleague = colleague_get(viewer=request.user, user_id=request.POST["colleague"])
            share_create(owner=request.user, exercise=exercise, colleague=colleague)
            return Invited(sent_to=colleague.full_name)
        if not email_form.is_bound:
            return Invited(error="Choose a colleague, or enter their email address.")
        if not email_form.is_valid():
            return Invited()  # the form shows what is wrong with the address
        email = email_form.cleaned_data["email"]
        share_invite(owner=request.user, exercise=exercise, email=email)
        return Invited(sent_to=email)
    except (User.DoesNotExist, ValueError):
        return Invited(error="Choose a colleague from your organisation.")
    except SharingError as error:
        return Invited(error=str(error))


@login_required
@require_http_methods(["GET", "POST"])
def share_start(request, number):
    """Pick a colleague by name (or invite by email) to pair on an exercise."""
    exercise = shareable_exercise_or_404(number)
    query = request.GET.get("q", "").strip()[:100]
    email_form = EmailInviteForm(request.POST if "email" in request.POST else None)
    error = None
    if request.method == "POST":
        invited = _invite(request, exercise, email_form)
        if invited.sent_to:
            messages.success(request, queued_message(invited.sent_to))
            return redirect(_exercise_url(exercise))
        error = invited.error or None
    results = []
    if query and not rate_limit_consume(request, action="colleague_search"):
        error = SEARCH_LIMITED
    elif query:
        results = list(colleague_search(viewer=request.user, query=query))
    context = {
        "exercise": exercise,
        "sharing": exercise_sharing(viewer=request.user, exercise=exercise),
        "query": query,
        "results": results,
        "email_form": email_form,
        "error": error,
        "exercise_url": _exercise_url(exercise),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reflections/share_start.html", context, status=status)


@answers_json(methods=("GET",), signed_out="You have been signed out. Sign in again to search.")
def colleague_search_json(request):
    """Names and teams of matching colleagues: never an email address."""
    if not rate_limit_consume(request, action="colleague_search"):
        return JsonResponse({"results": [], "error": SEARCH_LIMITED}, status=429)
    people = colleague_search(viewer=request.user, query=request.GET.get("q", "")[:100])
    results = [
        {"id": person.pk, "name": person.full_name, "team": person.team.name if person.team else ""}
        for person in people
    ]
    return JsonResponse({"results": results})


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """An invitation link: the invitee accepts or declines; anyone else gets a 404. Once
    it has expired, its sender is told so (410) and everyone else gets the 404."""
    try:
        share = share_get_for_invitee(user=request.user, token=token)
    except Share.DoesNotExist:
        accepted = share_get_accepted(user=request.user, token=token)
        if accepted is not None:
            return redirect(_exercise_url(accepted.exercise))
        return _expired_invitation_or_404(request, token)
    error = None
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                share_accept(share=share, user=request.user)
                messages.success(
                    request, f"You are now comparing answers with {share.owner.full_name}."
                )
                return redirect(_exercise_url(share.exercise))
            if decision == "decline":
                share_decline(share=share, user=request.user)
                messages.info(
                    request, f"You declined {share.owner.full_name}'s request to compare answers."
                )
                return redirect("reflections:mine")
            error = "Choose Accept or Decline."
        except SharingError as sharing_error:
            error = str(sharing_error)
    context = {
        "share": share,
        "exercise": share.exercise,
        "is_owner": share.owner_id == request.user.pk,
        "can_respond": invitation_can_respond(user=request.user, share=share),
        "error": error,
    }
    return render(request, "reflections/invitation.html", context, status=400 if error else 200)


def _expired_invitation_or_404(request, token):
    expired = share_get_expired_for_sender(user=request.user, token=token)
    if expired is None:
        raise Http404("No such invitation.")
    context = {
        "share": expired,
        "exercise": expired.exercise,
        "share_start_url": reverse("reflections:share_start", args=[expired.exercise.number]),
        "share_invitation_days": settings.SHARE_INVITATION_DAYS,
    }
    return render(request, "reflections/invitation_expired.html", context, status=410)


def _share_or_404(request, share_id):
    try:
        return share_get_for_participant(user=request.user, share_id=share_id)
    except Share.DoesNotExist:
        raise Http404("No such share.") from None


@login_required
@require_GET
def share_detail(request, share_id):
    """The two partners' answers side by side, once both have submitted."""
    try:
        detail = share_detail_get(viewer=request.user, share_id=share_id)
    except Share.DoesNotExist:
        raise Http404("No such share.") from None
    if detail.comparison:
        share_comparison_viewed(share=detail.share, viewer=request.user)
    context = {
        "share": detail.share,
        "exercise": detail.share.exercise,
        "sharing": detail.sharing,
        "comparison": detail.comparison,
        "exercise_url": _exercise_url(detail.share.exercise),
    }
    return render(request, "reflections/share_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def share_end_view(request, share_id):
    """Confirm, then end a share (or withdraw an invitation) at once."""
    share = _share_or_404(request, share_id)
    if request.method == "POST":
        try:
            share_end(share=share, user=request.user)
        except SharingError as error:
            messages.error(request, str(error))
            return redirect(_exercise_url(share.exercise))
        partner = share.partner_of(request.user)
        who = partner.full_name if partner else share.invited_email
        messages.success(request, f"You have stopped comparing answers with {who}.")
        return redirect(_exercise_url(share.exercise))
    context = {
        "share": share,
        "exercise": share.exercise,
        "partner": share.partner_of(request.user),
        "exercise_url": _exercise_url(share.exercise),
    }
    return render(request, "reflections/share_end.html", context)


urlpatterns = [
    path("exercises/<int:number>/share/", share_start, name="share_start"),
    path("colleagues/search/", colleague_search_json, name="colleague_search"),
    path("invitations/<str:token>/", invitation, name="invitation"),
    path("shares/<int:share_id>/", share_detail, name="share_detail"),
    path("shares/<int:share_id>/end/", share_end_view, name="share_end"),
    *invitation_emails.urlpatterns,
]
