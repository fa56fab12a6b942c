"""On sign-in, tell a practitioner what is waiting for them in My reflections; when a
person is deactivated (a leaver), end their shares; when a lesson marked complete was
the last thing left of the course, issue the certificate and show the course-completed
page next; when a certificate is made, mark its holder."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import User
from accounts.signals import person_deactivated
from audit.services import audit_record_many
from modules.signals import lesson_completed

from .models import Certificate, Commitment, Share
from .selectors.sharing import share_invitations_for
from .services.certificates import course_completion_record


@receiver(post_save, sender=Certificate, dispatch_uid="reflections_certificate_holder")
def mark_certificate_holder(sender, instance, created, **kwargs):
    """The person now holds a certificate (`User.has_certificate`), whichever way it was
    made: the course home looks for it from then on."""
    if not created:
        return
    User.objects.filter(pk=instance.user_id, has_certificate=False).update(has_certificate=True)
    if Certificate.user.is_cached(instance):
        instance.user.has_certificate = True


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
        waiting.append(f"{invitations} request{'s' if invitations != 1 else ''} to compare answers")
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


@receiver(person_deactivated, dispatch_uid="reflections_end_leavers_shares")
def end_leavers_shares(sender, person, actor=None, **kwargs):
    """A leaver's live shares (pending or accepted, either side) end at once, so from now
    on neither partner reads the other's answers. Their answers are kept.

    Runs inside the deactivation, which holds the leaver's row lock: the sharing services
    take that lock before changing a share of theirs, so none starts meanwhile.
    """
    shares = list(Share.objects.involving(person).live().order_by("pk"))
    if not shares:
        return
    Share.objects.filter(pk__in=[share.pk for share in shares]).update(
        status=Share.Status.ENDED, ended_at=timezone.now(), ended_by=actor
    )
    audit_record_many(
        action="share.ended",
        actor=actor,
        targets=[(share, {"via": "person deactivated", "person": person.pk}) for share in shares],
    )


@receiver(lesson_completed, dispatch_uid="reflections_certificate_on_completion")
def certificate_on_completion(sender, user, next_lesson=None, **kwargs):
    """The course-completed page's address when this lesson completed the course (the
    certificate is issued now, once); after the last lesson with anything else left, the
    course summary's; otherwise None, and the reader goes on to the next lesson."""
    if course_completion_record(user=user):
        return reverse("reflections:course_completed")
    if next_lesson is None:
        return reverse("reflections:course_summary")
    return None
