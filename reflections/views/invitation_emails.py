"""Sending an invitation's email again, when it could not be delivered: only its sender
can, from the sharing panel that tells them it failed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ..models import Share
from ..selectors.sharing import share_get_for_participant
from ..services.invitation_emails import (
    InvitationEmailError,
    queued_message,
    share_invitation_email_resend,
)


@login_required
@require_POST
def invitation_email_resend(request, share_id):
    try:
        share = share_get_for_participant(user=request.user, share_id=share_id)
    except Share.DoesNotExist:
        raise Http404("No such share.") from None
    try:
        share_invitation_email_resend(share=share, user=request.user)
    except InvitationEmailError as error:
        messages.error(request, str(error))
    else:
        recipient = share.colleague.full_name if share.colleague_id else share.invited_email
        messages.success(request, queued_message(recipient))
    return redirect(reverse("reflections:exercise", kwargs={"number": share.exercise.number}))


urlpatterns = [
    path(
        "shares/<int:share_id>/invitation-email/",
        invitation_email_resend,
        name="invitation_email_resend",
    ),
]
