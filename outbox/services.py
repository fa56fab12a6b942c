"""Writes for the outbox: queue an email, and remove the records of old ones.

Every email the course sends goes through `email_queue`, from the code that makes the
change the email tells of, inside that change's transaction. Nothing here talks to the
mail server: the task in outbox.tasks does, in the worker.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django_tasks_db.models import DBTaskResult

from .models import EmailDelivery
from .tasks import email_deliver


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
