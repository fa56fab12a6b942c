"""The background task that delivers one queued email (outbox.models.EmailDelivery).

The worker (`manage.py db_worker`) runs it outside any transaction, so no row is locked
while the mail server is slow; EMAIL_TIMEOUT bounds every wait on it. A failed attempt
is tried again later by the task enqueueing itself with `run_after`, after each of
RETRY_DELAYS in turn; when they are used up the email is recorded as failed, which its
sender can see (an invitation's sender, on the exercise's sharing panel).

A worker that dies mid-task (the database dropped its connection, say) leaves its task
row running for ever; `manage.py outbox_recover`, from cron, queues such a delivery
again (outbox.services.email_deliveries_recover).

The task's only argument is the delivery's id, so the task table holds no address or
message, and it returns a word rather than raising, so no error text lands there either.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone
from django_tasks import task

from .models import EmailDelivery

logger = logging.getLogger(__name__)

# After the first attempt, one more after each of these: six attempts over about 15 hours.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


@task()
def email_deliver(*, delivery_id: int) -> str:
    """One attempt to send delivery `delivery_id`: "sent", "retrying", "failed", or
    "skipped" when it was sent, given up or removed already (never sent twice)."""
    delivery = EmailDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.status != EmailDelivery.Status.QUEUED:
        return "skipped"
    attempt = delivery.attempts + 1
    # Claim this attempt: if anything else is sending this delivery now, it has moved
    # the count on, this UPDATE matches nothing, and this run leaves it alone.
    claimed = EmailDelivery.objects.filter(
        pk=delivery.pk, status=EmailDelivery.Status.QUEUED, attempts=delivery.attempts
    ).update(attempts=attempt)
    if not claimed:
        return "skipped"
    try:
        _message(delivery).send()
    except Exception as error:
        return _attempt_failed(delivery, attempt=attempt, error=error)
    _finish(delivery, status=EmailDelivery.Status.SENT)
    logger.info("Email %s (%s) sent", delivery.pk, delivery.purpose)
    return "sent"


def _message(delivery) -> EmailMessage:
    return EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=delivery.from_email,
        to=[delivery.to],
    )


def _finish(delivery, *, status, error_name=""):
    def record():
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=status, body="", finished_at=timezone.now(), last_error=error_name
        )

    try:
        record()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        # The database dropped the connection while the mail server was answering: the
        # email has gone, so record it at once on a new connection rather than leave it
        # queued, to be sent a second time by recovery.
        connection.close()
        record()


def email_give_up(delivery, *, error_name: str) -> None:
    """Record `delivery` as never to be delivered (its sender can see it) and forget
    its message."""
    _finish(delivery, status=EmailDelivery.Status.FAILED, error_name=error_name)


def _attempt_failed(delivery, *, attempt, error) -> str:
    error_name = type(error).__name__
    can_wait = email_deliver.get_backend().supports_defer
    if can_wait and attempt <= len(RETRY_DELAYS):
        run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
        EmailDelivery.objects.filter(pk=delivery.pk).update(last_error=error_name)
        email_deliver.using(run_after=run_after).enqueue(delivery_id=delivery.pk)
        logger.warning(
            "Email %s (%s) not sent, attempt %s (%s); trying again at %s",
            delivery.pk,
            delivery.purpose,
            attempt,
            error_name,
            run_after.isoformat(),
        )
        return "retrying"
    email_give_up(delivery, error_name=error_name)
    logger.error(
        "Email %s (%s) not sent after %s attempts (%s); given up",
        delivery.pk,
        delivery.purpose,
        attempt,
        error_name,
    )
    return "failed"
