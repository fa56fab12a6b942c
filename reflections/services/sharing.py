"""Writes for pair-sharing: invite a colleague, accept, decline, end.

Every write locks the people involved (their user rows) first, so two invitations
sent at the same moment cannot leave anyone in two live shares of one exercise; the
`one_live_share_per_pair` constraint backs this up. Who may do what is read from
`reflections.selectors.sharing`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.emails import email_normalise
from accounts.mail import site_link
from accounts.models import User
from accounts.services import notice_send
from audit.services import audit_record
from modules.formats import day_in_words
from modules.models import Exercise

from ..emails import email_queue
from ..models import Share
from ..selectors.sharing import (
    invitation_can_respond,
    partner_answers_visible,
    share_between_exists,
    share_get_engaged,
)
from .invitation_emails import (
    share_invitation_email_failed,
    share_invitation_email_queue,
    share_invitation_email_retry,
    share_invitation_email_undelivered_message,
)


class SharingError(Exception):
    """A share that cannot be made or changed; the message is written for the person."""


def _lock_people(*people: User | None) -> None:
    """Lock the user rows of `people` in id order (one order everywhere: no deadlocks)."""
    ids = sorted({person.pk for person in people if person is not None})
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _check_owner_free(*, owner: User, exercise: Exercise) -> None:
    current = share_get_engaged(user=owner, exercise=exercise)
    if current is None:
        return
    if current.status == Share.Status.PENDING and current.owner_id == owner.pk:
        if share_invitation_email_failed(current):
            raise SharingError(share_invitation_email_undelivered_message(current))
        raise SharingError(
            "You have already asked someone to compare answers on this exercise. Withdraw "
            "that request before asking someone else."
        )
    partner = current.partner_of(owner)
    name = partner.full_name if partner is not None else current.invited_email
    raise SharingError(
        f"You are already comparing answers on this exercise with {name}. Stop that "
        "before starting another."
    )


def _limit_next_allowed(rows: QuerySet[Share], *, limit: int, window: timedelta) -> datetime | None:
    """When one more of `rows` (invitations) may be sent, if `limit` have been sent in the
    last `window`; None while fewer have. A limit of 0 or less allows none."""
    if limit <= 0:
        return timezone.now() + window
    recent = list(
        rows.filter(created_at__gt=timezone.now() - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    return recent[-1] + window if len(recent) >= limit else None


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), r"H:i \o\n l j F")


def _check_invitation_limits(*, owner: User, email: str | None = None) -> None:
    """At most INVITATIONS_PER_SENDER_PER_DAY invitations from one person in a day, and
    INVITATIONS_PER_ADDRESS_PER_WEEK to one address in a week (from anyone), so the
    course cannot be used to send email to people who do not want it."""
    limit = settings.INVITATIONS_PER_SENDER_PER_DAY
    again = _limit_next_allowed(
        Share.objects.filter(owner=owner), limit=limit, window=timedelta(days=1)
    )
    if again is not None:
        raise SharingError(
            f"You have sent {limit} requests to compare answers in the last day, the most "
            f"allowed. You can send another after {_when(again)}."
        )
    if email is None:
        return
    limit = settings.INVITATIONS_PER_ADDRESS_PER_WEEK
    again = _limit_next_allowed(
        Share.objects.filter(invited_email=email), limit=limit, window=timedelta(days=7)
    )
    if again is not None:
        raise SharingError(
            f"{email} has been sent {limit} requests to compare answers in the last week, the "
            f"most allowed. You can ask this address again after {_when(again)}."
        )


def _check_can_share(*, owner: User, exercise: Exercise, email: str | None = None) -> None:
    if not owner.has_verified_email:
        raise SharingError("Confirm your email address before comparing answers.")
    _check_invitation_limits(owner=owner, email=email)
    if not exercise.is_shareable:
        raise SharingError(
            f"Exercise {exercise.number} is for you alone: there are no answers to compare."
        )
    _check_owner_free(owner=owner, exercise=exercise)


def _save_new_share(share: Share) -> Share:
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError:
        raise SharingError("You are already sharing this exercise with this person.") from None
    audit_record(
        action="share.created",
        actor=share.owner,
        target=share,
        exercise=share.exercise.number,
        by_email=share.colleague_id is None,
    )
    return share


def share_invitations_expire(*, now: datetime | None = None, owner: User | None = None) -> int:
    """Mark the invitations nobody answered within SHARE_INVITATION_DAYS as expired (all
    of them, or `owner`'s); return how many. Nobody can see or accept them already (see
    `Share.objects.invitations_current`): this makes the row say so, and frees the pair
    for a new invitation (an overdue row still counts as live to the database constraint).

    One conditional UPDATE: runs at the same moment never both mark a row, and the
    counts they return add up to the rows marked.
    """
    now = now or timezone.now()
    overdue = Share.objects.invitations_overdue(now=now)
    if owner is not None:
        overdue = overdue.filter(owner=owner)
    # Ended at the moment it expired, whenever this run happens to mark it.
    expired_at = F("created_at") + timedelta(days=settings.SHARE_INVITATION_DAYS)
    return overdue.update(status=Share.Status.EXPIRED, ended_at=expired_at)


@transaction.atomic
def _share_create_with(*, owner: User, exercise: Exercise, colleague: User) -> Share:
    _lock_people(owner, colleague)
    share_invitations_expire(owner=owner)
    if colleague.pk == owner.pk:
        raise SharingError("You cannot compare answers with yourself.")
    if not User.objects.colleagues_of(owner).filter(pk=colleague.pk).exists():
        raise SharingError("You can only compare answers with colleagues in your own organisation.")
    _check_can_share(owner=owner, exercise=exercise)
    if share_between_exists(first=owner, second=colleague, exercise=exercise):
        raise SharingError(
            f"{colleague.full_name} has already asked you to compare answers on this exercise. "
            "You can accept their request on My reflections."
        )
    return _save_new_share(Share(owner=owner, colleague=colleague, exercise=exercise))


@transaction.atomic
def _share_create_by_email(*, owner: User, exercise: Exercise, email: str) -> Share:
    _lock_people(owner)
    share_invitations_expire(owner=owner)
    _check_can_share(owner=owner, exercise=exercise, email=email)
    return _save_new_share(Share(owner=owner, invited_email=email, exercise=exercise))


@transaction.atomic
def share_create(*, owner: User, exercise: Exercise, colleague: User) -> Share:
    """Invite a colleague, picked by name, to pair on `exercise`; queue the email with
    the link, in the same transaction."""
    share = _share_create_with(owner=owner, exercise=exercise, colleague=colleague)
    share_invitation_email_queue(share)
    return share


@transaction.atomic
def share_invite(*, owner: User, exercise: Exercise, email: str) -> Share:
    """Invite whoever holds `email` to pair on `exercise`. The invitation stays addressed
    to the address (never turned into a name), so the sender learns nothing about
    whether it has an account; only the person who verifies that address can accept.
    Inviting the same address again after its email could not be delivered queues the
    email again."""
    email = email_normalise(email)
    if email == owner.email:
        raise SharingError("You cannot compare answers with yourself.")
    undelivered = share_invitation_email_retry(owner=owner, exercise=exercise, email=email)
    if undelivered is not None:
        return undelivered
    share = _share_create_by_email(owner=owner, exercise=exercise, email=email)
    share_invitation_email_queue(share)
    return share


def _tell(person: User | None, *, event: str, share: Share, actor: User, text: str) -> None:
    """Tell `person` (the other one in `share`) by email and by a notice on the next page
    they open what `actor` did: names and the exercise, never answer text."""
    if person is None or not person.is_active:
        return
    exercise = share.exercise
    if event == "revealed":
        path, link_text = reverse("reflections:share_detail", args=[share.pk]), "Compare answers"
    else:
        path = reverse("reflections:exercise", args=[exercise.number])
        link_text = f"Go to exercise {exercise.number}"
    context = {
        "person": person,
        "actor": actor,
        "exercise": exercise,
        "text": text,
        "link": site_link(path),
        "link_text": link_text,
    }
    email_queue(name=f"share_{event}", context=context, to=person.email)
    notice_send(user=person, text=text, link_url=path, link_text=link_text)


def _locked_share(share: Share, *people: User) -> Share:
    _lock_people(share.owner, *people)
    return Share.objects.select_for_update().select_related("owner", "exercise").get(pk=share.pk)


@transaction.atomic
def share_accept(*, share: Share, user: User) -> Share:
    """`user` accepts an invitation: from now on the two of them are pairing."""
    share = _locked_share(share, user)
    if not invitation_can_respond(user=user, share=share):
        raise SharingError(
            "This request cannot be accepted from your account. You can compare answers "
            "only with colleagues in your own organisation."
        )
    current = share_get_engaged(user=user, exercise=share.exercise)
    if current is not None:
        partner = current.partner_of(user)
        name = partner.full_name if partner is not None else current.invited_email
        raise SharingError(
            f"You are already comparing answers on this exercise with {name}. "
            "Stop that before accepting another."
        )
    share.colleague = user
    share.status = Share.Status.ACCEPTED
    share.responded_at = timezone.now()
    try:
        with transaction.atomic():
            share.save(update_fields=["colleague", "status", "responded_at"])
    except IntegrityError:
        raise SharingError("You are already sharing this exercise with this person.") from None
    audit_record(action="share.accepted", actor=user, target=share)
    number = share.exercise.number
    _tell(
        share.owner,
        event="accepted",
        share=share,
        actor=user,
        text=f"{user.full_name} accepted your request to compare answers on exercise {number}.",
    )
    _record_if_revealed(share, actor=user, exercise_number=number)
    return share


@transaction.atomic
def share_decline(*, share: Share, user: User) -> Share:
    share = _locked_share(share, user)
    if not invitation_can_respond(user=user, share=share):
        raise SharingError("This request to compare answers is no longer waiting for a reply.")
    share.colleague = user
    share.status = Share.Status.DECLINED
    share.responded_at = timezone.now()
    share.save(update_fields=["colleague", "status", "responded_at"])
    audit_record(action="share.declined", actor=user, target=share)
    _tell(
        share.owner,
        event="declined",
        share=share,
        actor=user,
        text=(
            f"{user.full_name} declined your request to compare answers on exercise "
            f"{share.exercise.number}. You can ask someone else."
        ),
    )
    return share


@transaction.atomic
def share_end(*, share: Share, user: User) -> Share:
    """Either partner ends the share (or the owner withdraws an invitation): at once,
    neither can read the other's answers any more."""
    share = _locked_share(share, user)
    if not share.is_live:
        raise SharingError("Comparing answers on this exercise has already ended.")
    if user.pk not in (share.owner_id, share.colleague_id):
        raise SharingError("Only the two people comparing answers can stop it.")
    share.status = Share.Status.ENDED
    share.ended_at = timezone.now()
    share.ended_by = user
    share.save(update_fields=["status", "ended_at", "ended_by"])
    audit_record(action="share.ended", actor=user, target=share)
    other = share.partner_of(user)
    number = share.exercise.number
    if share.responded_at is None:
        text = f"{user.full_name} withdrew their request to compare answers on exercise {number}."
    else:
        text = (
            f"{user.full_name} ended comparing answers on exercise {number} on "
            f"{day_in_words(share.ended_at)}. Your own answers stay yours."
        )
    _tell(other, event="ended", share=share, actor=user, text=text)
    return share


# --- The audit trail of reading -----------------------------------------------------------


def _record_if_revealed(share: Share, *, actor: User, exercise_number: int) -> bool:
    """Audit the moment `actor` made the pair's answers readable, and tell the other
    person. Whether it did."""
    if not partner_answers_visible(viewer=actor, share=share):
        return False
    audit_record(action="share.revealed", actor=actor, target=share, exercise=exercise_number)
    _tell(
        share.partner_of(actor),
        event="revealed",
        share=share,
        actor=actor,
        text=(
            f"{actor.full_name}'s answers to exercise {exercise_number} are now open: you "
            "have both submitted, and the questions for the pair are open."
        ),
    )
    return True


def share_reveal_record(*, user: User, exercise: Exercise) -> list[Share]:
    """Call when `user` first submits `exercise`, inside that write's transaction: audit
    the share whose answers this reveals, if any (ids only).

    A share is revealed by one of two writes, each happening once per share: the second
    of the pair submitting, or accepting once both have submitted. Both lock the share's
    row (accepting through `_locked_share`), so whichever comes second sees the other
    and records the moment, once.
    """
    shares = Share.objects.live().involving(user).filter(exercise=exercise)
    return [
        share
        for share in shares.select_for_update(of=("self",))
        .select_related("owner", "colleague")
        .order_by("pk")
        if _record_if_revealed(share, actor=user, exercise_number=exercise.number)
    ]


def share_comparison_viewed(*, share: Share, viewer: User) -> None:
    """Audit that `viewer` opened their partner's answers side by side (ids only)."""
    audit_record(action="share.compared_viewed", actor=viewer, target=share)
