"""The invitation link: a public page (the invitee is usually signed out), so it lives
outside the `organisation` namespace, at /accounts/invitation/<token>/.

No account with the address yet: the page asks for a password and creates the account,
verified, then signs the person in through allauth (its usual sign-in steps apply).
An account with the address: the person signs in to it, and the page brings it into the
organisation if it belongs to none yet.
"""

from allauth.account.internal.flows.login import perform_login
from allauth.account.models import Login
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from accounts.ratelimits import rate_limit_consume

from ..forms import InvitationPasswordForm
from ..models import StaffInvitation
from ..selectors import email_has_account, invitation_by_token, invitation_problem_for
from ..services import (
    InvitationError,
    staff_invitation_accept_existing,
    staff_invitation_accept_new,
)

TOO_MANY = "Too many attempts from your network. Wait a few minutes and try again."

UNUSABLE = {
    "unknown": (
        404,
        "This invitation link does not work",
        "The link is not complete, or the invitation was withdrawn. Check that you "
        "copied the whole link from the email, or ask the person who invited you to send "
        "another.",
    ),
    "used": (
        410,
        "This invitation has been used",
        "An account has already been set up from this invitation. Sign in with your email "
        "address and password; if you have forgotten the password, reset it.",
    ),
    "expired": (
        410,
        "This invitation has expired",
        "Invitation links work for a limited time. Ask the person who invited you to send another.",
    ),
}


def _unusable(request, reason):
    status, heading, text = UNUSABLE[reason]
    context = {"heading": heading, "text": text, "reason": reason}
    return render(request, "organisations/invitation_unusable.html", context, status=status)


def _after_sign_in_url(user):
    if user.organisation_id and user.team_id is None:
        return reverse("accounts:team_choose")
    return reverse("modules:home")


def _account_created(request, invitation, form):
    """Create the account from a valid form and sign in; None if that failed (the form
    then says why)."""
    try:
        user = staff_invitation_accept_new(
            invitation=invitation, password=form.cleaned_data["password1"]
        )
    except InvitationError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, f"Welcome, {user.get_short_name()}. Your account is ready.")
    # allauth's sign-in, so its usual steps (and signals: session list, audit) apply.
    login = Login(user=user, email=user.email, redirect_url=_after_sign_in_url(user))
    return perform_login(request, login)


def _accept_new(request, invitation):
    form = InvitationPasswordForm(request.POST or None, invitation=invitation)
    status = 200
    if request.method == "POST":
        if not rate_limit_consume(request, action="staff_invitation_accept"):
            form.errors.clear()
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            signed_in = _account_created(request, invitation, form) if form.is_valid() else None
            if signed_in is not None:
                return signed_in
            status = 400
    context = {"invitation": invitation, "form": form}
    return render(request, "organisations/invitation_accept.html", context, status=status)


def _accept_signed_in(request, invitation, *, has_account):
    user = request.user
    if has_account:
        problem = invitation_problem_for(invitation=invitation, user=user)
    else:
        problem = (
            f"You are signed in as {user.email}. This invitation sets up a new account for "
            f"{invitation.email}: sign out first, then open the link again."
        )
    if request.method == "POST" and problem is None:
        try:
            user = staff_invitation_accept_existing(invitation=invitation, user=user)
        except InvitationError as error:
            problem = str(error)
        else:
            messages.success(request, f"You have joined {invitation.organisation.name}.")
            return redirect(_after_sign_in_url(user))
    context = {"invitation": invitation, "problem": problem}
    status = 409 if problem and request.method == "POST" else 200
    return render(request, "organisations/invitation_join.html", context, status=status)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = invitation_by_token(token=token)
    except StaffInvitation.DoesNotExist:
        return _unusable(request, "unknown")
    if invitation.accepted_at is not None:
        return _unusable(request, "used")
    if invitation.is_expired:
        return _unusable(request, "expired")
    has_account = email_has_account(email=invitation.email)
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation, has_account=has_account)
    if has_account:
        context = {"invitation": invitation, "next": request.path}
        return render(request, "organisations/invitation_sign_in.html", context)
    return _accept_new(request, invitation)


app_name = "staff_invitation"

urlpatterns = [path("<str:token>/", invitation_accept, name="accept")]
