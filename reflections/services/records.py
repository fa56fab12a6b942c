"""Writes for the records: the exercise 4 commitment and its review, the review
reminders, and the CPD record's PDF (audited as it leaves the service). (Exporting and
erasing a person's data is in `reflections.export`.)
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.mail import site_link
from accounts.models import User
from audit.logs import EXPORT, security_event
from audit.services import audit_record
from modules.formats import day_in_words
from modules.models import Exercise

from ..emails import email_queue
from ..models import Commitment, ExerciseResponse, answer_text_encode
from ..pdf import cpd_record_pdf
from ..selectors.records import cpd_record

logger = logging.getLogger(__name__)

# Dates further ahead than this are almost always a typing slip (e.g. 2062 for 2026).
LONGEST_PLAN = timedelta(days=2 * 366)


def commitment_dates_problems(
    *,
    due_on: date | None,
    review_on: date | None,
    today: date,
    previous: Commitment | None = None,
) -> dict[str, str]:
    """What is wrong with these dates, as {field: message}; empty when they are fine.

    A date already saved may stay as it is even once it has passed (so a review can be
    recorded after the due date); a date being set or changed must be today or later.
    The review comes on or after the due date, so there is something to look back on.
    """
    problems: dict[str, str] = {}
    latest = today + LONGEST_PLAN
    for name, value in (("due_on", due_on), ("review_on", review_on)):
        if value is None:  # missing or not a date: the form says so already
            continue
        unchanged = previous is not None and getattr(previous, name) == value
        if value < today and not unchanged:
            problems[name] = "This date is in the past. Choose today or a later date."
        elif value > latest:
            problems[name] = f"Choose a date before {day_in_words(latest)}."
    if due_on is not None and review_on is not None and not problems and review_on < due_on:
        problems["review_on"] = (
            "Your review date is before the date you will have done it by. "
            "Choose the same day or a later one."
        )
    return problems


@dataclass(frozen=True)
class CommitmentSaved:
    commitment: Commitment
    changed: bool  # False when the dates were the ones already saved: nothing was written


@transaction.atomic
def commitment_save(
    *, user: User, exercise: Exercise, due_on: date, review_on: date
) -> CommitmentSaved:
    """Set the dates of `user`'s commitment for `exercise`, starting their response if needed.

    The dates already saved change nothing (`Commitment.has_dates`). Moving the review
    date starts a new review: it is due again (and a new reminder will be sent), with
    the earlier review text kept to edit.
    """
    response, _created = ExerciseResponse.objects.get_or_create(user=user, exercise=exercise)
    commitment = Commitment.objects.select_for_update().filter(response=response).first()
    if commitment is None:
        commitment = Commitment.objects.create(
            response=response, due_on=due_on, review_on=review_on
        )
        audit_record(action="commitment.created", actor=user, target=commitment)
        return CommitmentSaved(commitment=commitment, changed=True)
    if commitment.has_dates(due_on=due_on, review_on=review_on):
        return CommitmentSaved(commitment=commitment, changed=False)
    if commitment.review_on != review_on:
        commitment.reviewed_at = None
    commitment.due_on, commitment.review_on = due_on, review_on
    commitment.save(update_fields=["due_on", "review_on", "reviewed_at", "updated_at"])
    return CommitmentSaved(commitment=commitment, changed=True)


def cpd_record_export(*, user: User) -> bytes:
    """`user`'s CPD record as a PDF, noting in the audit trail that it left the service
    (ids only: the PDF holds their answers)."""
    pdf = cpd_record_pdf(cpd_record(user=user))
    audit_record(action="account.cpd_record_exported", actor=user, target=user, format="pdf")
    security_event(EXPORT, user=user, kind="cpd_record_pdf")
    return pdf


@transaction.atomic
def commitment_review_save(*, commitment: Commitment, outcome: str) -> Commitment:
    """Record how the commitment went. Saving again edits the same review."""
    commitment.review_outcome = answer_text_encode(outcome)
    commitment.reviewed_at = timezone.now()
    commitment.save(update_fields=["review_outcome", "reviewed_at", "updated_at"])
    return commitment


# --- Review reminders -------------------------------------------------------------------


def _due_for_reminder(today: date) -> QuerySet[Commitment]:
    """Reviews that have come, are not recorded yet, and have had no reminder for this date."""
    return (
        Commitment.objects.review_due(today)
        .filter(response__user__is_active=True)
        .exclude(reminder_sent_for=F("review_on"))
    )


def review_reminders_due(*, today: date) -> int:
    return _due_for_reminder(today).count()


class RemindersNotQueued(Exception):
    """Some reminders could not be queued (the next run tries them again)."""

    def __init__(self, *, queued: int, failed: int):
        super().__init__(f"{failed} review reminder(s) could not be queued")
        self.queued, self.failed = queued, failed


def review_reminders_send(*, today: date) -> int:
    """Queue a reminder email for everyone whose review is due, once per review date;
    return how many were queued. When any could not be, raise RemindersNotQueued once
    every other has been tried.

    Each reminder is claimed with a conditional UPDATE and its email queued in the same
    transaction: two runs at once can both see a row, but only one UPDATE matches it.
    Nothing here waits on the mail server (the worker sends the email), so the claimed
    row is locked only for as long as it takes to write the queue's rows.
    """
    candidates = list(
        _due_for_reminder(today).select_related("response__user").order_by("review_on", "pk")
    )
    queued = failed = 0
    for commitment in candidates:
        try:
            queued += _claim_and_send(commitment, today)
        except Exception:
            # The claim is rolled back with the transaction: the next run tries again.
            failed += 1
            logger.exception("Review reminder for commitment %s could not be queued", commitment.pk)
    if failed:
        raise RemindersNotQueued(queued=queued, failed=failed)
    return queued


@transaction.atomic
def _claim_and_send(commitment: Commitment, today: date) -> int:
    # Only this table's own columns here: an UPDATE with a join becomes "id IN (subquery)",
    # which PostgreSQL does not re-check against a row another run has just claimed.
    claimed = (
        Commitment.objects.review_due(today)
        .filter(pk=commitment.pk)
        .exclude(reminder_sent_for=F("review_on"))
        .update(reminder_sent_for=F("review_on"))
    )
    if not claimed:
        return 0
    _send_review_reminder(commitment)
    audit_record(
        action="commitment.review_reminder_sent",
        target=commitment,
        user_id=commitment.response.user_id,
    )
    return 1


def _send_review_reminder(commitment: Commitment) -> None:
    """The email says only that a review is due: email is not private enough for answers."""
    user = commitment.response.user
    context = {
        "name": user.get_short_name(),
        "link": site_link(reverse("reflections:mine")),
    }
    email_queue(name="review_reminder", context=context, to=user.email)
    logger.info("Review reminder queued for commitment %s", commitment.pk)
