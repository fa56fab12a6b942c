"""On sign-in, tell a practitioner what is waiting for them in My reflections."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Commitment
from .selectors import share_invitations_for


@receiver(user_logged_in, dispatch_uid="reflections_waiting_on_sign_in")
def tell_what_is_waiting(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "_messages"):
        return
    invitations = share_invitations_for(user=user).count()
    reviews_due = (
        Commitment.objects.review_due(timezone.localdate()).filter(response__user=user).count()
    )
    waiting = []
    if invitations:
        waiting.append(
            f"{invitations} invitation{'s' if invitations != 1 else ''} to compare answers"
        )
    if reviews_due:
        waiting.append("a review of your commitment that is due")
    if waiting:
        messages.info(
            request,
            format_html(
                'You have {} waiting in <a class="alert-link" href="{}">My reflections</a>.',
                " and ".join(waiting),
                reverse("reflections:mine"),
            ),
        )
