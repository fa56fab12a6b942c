"""Writes for the outbox: queue an email, queue again the ones whose worker died, and
remove the records of old ones.

Every email the course sends goes through `email_queue`, from the code that makes the
change the email tells of, inside that change's transaction. Nothing here talks to the
mail server: the task in outbox.tasks does, in the worker.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import EmailDelivery
from .tasks import RETRY_DELAYS, email_deliver, email_give_up

# Written on a task row that recovery found stuck: its worker is gone.
WORKER_LOST = "outbox.services.WorkerLost"


def email_queue(*, message: EmailMessage, purpose: str) -> EmailDelivery:
    """Queue `message` (plain text, to one address) for the worker to send.

    Call it inside the transaction of the change that causes the email. With the
    database task backend, the delivery and the task that sends it are rows written in
    that transaction: a change that is rolled back sends nothing, and one that commits
    always has its email queued. (The immediate backend, used locally and in tests,
    sends at once instead.)
    """
    if getattr(message, "alternatives", None):
        raise ValueError("The outbox sends plain-text email only.")
    [to] = message.to
    delivery = EmailDelivery.objects.create(
        purpose=purpose,
        to=to,
        from_email=message.from_email,
        # Lazy (translatable) strings are written as the text they stand for.
        subject=str(message.subject),
        body=str(message.body),
    )
    email_deliver.enqueue(delivery_id=delivery.pk)
    return delivery


def _tasks_of(delivery_id: int) -> QuerySet[DBTaskResult]:
    return DBTaskResult.objects.filter(
        task_path=email_deliver.module_path, args_kwargs__kwargs__delivery_id=delivery_id
    )


def _recover_one(delivery_id: int, *, stale_before: datetime) -> bool:
    """Queue delivery `delivery_id` again if no task of it is alive; whether it was.

    The delivery's row is locked first, so two recoveries at once queue one task: the
    second waits, then sees the first one's waiting task and leaves it alone."""
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update()
            .filter(pk=delivery_id, status=EmailDelivery.Status.QUEUED)
            .first()
        )
        if delivery is None:
            return False  # sent or given up meanwhile
        tasks = _tasks_of(delivery.pk)
        running = Q(status=TaskResultStatus.RUNNING, started_at__gte=stale_before)
        if tasks.filter(Q(status=TaskResultStatus.READY) | running).exists():
            return False
        tasks.filter(status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=WORKER_LOST,
        )
        if delivery.attempts > len(RETRY_DELAYS):
            email_give_up(delivery, error_name="WorkerLost")  # every attempt used
        else:
            email_deliver.enqueue(delivery_id=delivery.pk)
        return True


def email_deliveries_recover(*, now: datetime) -> int:
    """Queue again each email not sent whose task died: still running EMAIL_RECOVER_AFTER
    seconds after it started (its worker exited mid-send, say when the database dropped
    the connection), failed, or missing. How many were recovered.

    An email whose worker died after the mail server took it but before it was recorded
    as sent is sent a second time: no mail server takes part in a database transaction,
    so that moment (one UPDATE long, retried at once if the connection dropped, see
    outbox.tasks) cannot be closed; anything that died earlier sends once."""
    stale_before = now - timedelta(seconds=settings.EMAIL_RECOVER_AFTER)
    due = EmailDelivery.objects.filter(
        status=EmailDelivery.Status.QUEUED, created_at__lt=stale_before
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    return sum(_recover_one(pk, stale_before=stale_before) for pk in ids)


def email_record_cutoff(*, now: datetime) -> datetime:
    return now - timedelta(days=settings.EMAIL_RECORD_DAYS)


def _delete_unlocked(rows: QuerySet[Any]) -> int:
    """Delete `rows`, leaving any row another transaction holds to it; how many went."""
    model = rows.model
    with transaction.atomic():
        taken = list(
            rows.order_by().select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        _total, by_model = model._default_manager.filter(pk__in=taken).delete()
    return by_model.get(model._meta.label, 0)


def email_records_purge(*, now: datetime) -> int:
    """Records of emails sent or given up more than EMAIL_RECORD_DAYS ago (the address,
    subject and state; the message went when it was sent)."""
    return _delete_unlocked(EmailDelivery.objects.finished_before(email_record_cutoff(now=now)))


def task_results_purge(*, now: datetime) -> int:
    """The background tasks' own rows (each names a delivery's id), EMAIL_RECORD_DAYS
    after they finished."""
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=email_record_cutoff(now=now))
    return _delete_unlocked(finished)
