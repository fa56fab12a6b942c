"""The email that carries an invitation to compare answers: queued with the invitation,
and queued again when it could not be delivered.

The share keeps its latest email (`Share.invitation_email`), so the sender, and only
the sender, can see that it failed and send it again, from the exercise's sharing panel
or by inviting the same address again.
"""

from contextlib import suppress

from django.db import transaction
from django.urls import reverse

from accounts.mail import site_link
from accounts.models import User
from modules.models import Exercise
from outbox.models import EmailDelivery

from ..emails import email_queue
from ..models import Share
from ..selectors.sharing import share_get_engaged


class InvitationEmailError(Exception):
    """The email cannot be sent again; the message is written for the person."""


def queued_message(recipient: str) -> str:
    """What the sender is told once the invitation (or its email, again) is saved."""
    return (
        f"Request to compare answers saved. The email to {recipient} is queued and will be "
        "sent shortly."
    )


def share_invitation_link(share: Share) -> str:
    return site_link(reverse("reflections:invitation", kwargs={"token": share.token}))


def share_invitation_email_queue(share: Share) -> EmailDelivery:
    """Queue the invitation email of `share` (in the caller's transaction)."""
    context = {
        "share": share,
        "link": share_invitation_link(share),
        "exercise": share.exercise,
        "owner": share.owner,
    }
    recipient = share.colleague.email if share.colleague is not None else share.invited_email
    delivery = email_queue(name="share_invitation", context=context, to=recipient)
    Share.objects.filter(pk=share.pk).update(invitation_email=delivery)
    share.invitation_email = delivery
    return delivery


def share_invitation_email_failed(share: Share) -> bool:
    """Whether the latest email of this waiting invitation could not be delivered."""
    return (
        share.status == Share.Status.PENDING
        and share.invitation_email is not None
        and share.invitation_email.failed
    )


def share_invitation_email_undelivered_message(share: Share) -> str:
    who = share.colleague.full_name if share.colleague is not None else share.invited_email
    return (
        f"Your request to compare answers with {who} is still waiting, but its email could "
        "not be delivered. Send the email again, or withdraw the request to ask someone else."
    )


def share_invitation_email_retry(*, owner: User, exercise: Exercise, email: str) -> Share | None:
    """When `owner`'s waiting invitation of `exercise` to `email` could not be
    delivered, queue its email again and return it (inviting the same address again
    means "try again"); otherwise None."""
    current = share_get_engaged(user=owner, exercise=exercise)
    if current is None or current.invited_email != email:
        return None
    if not share_invitation_email_failed(current):
        return None
    # Queued again a moment ago by another request: on its way all the same.
    with suppress(InvitationEmailError):
        share_invitation_email_resend(share=current, user=owner)
    return current


@transaction.atomic
def share_invitation_email_resend(*, share: Share, user: User) -> EmailDelivery:
    """`user`, who sent the invitation, has its undelivered email queued again."""
    share = Share.objects.select_for_update().select_related("owner", "exercise").get(pk=share.pk)
    if share.owner_id != user.pk:
        raise InvitationEmailError(
            "Only the person who asked to compare answers can send the email again."
        )
    if not Share.objects.invitations_current().filter(pk=share.pk).exists():
        raise InvitationEmailError(
            "This request to compare answers is no longer waiting for a reply."
        )
    if not share_invitation_email_failed(share):
        raise InvitationEmailError("The invitation email is already on its way.")
    return share_invitation_email_queue(share)
