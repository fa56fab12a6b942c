"""outbox.tasks.email_deliver, as the worker runs it against a real mail server: the
timeout, the retries and their delays, giving up, and never sending twice."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox.models import EmailDelivery
from outbox.services import email_queue
from outbox.tasks import RETRY_DELAYS, email_deliver

from .conftest import run_worker, time_passes

pytestmark = pytest.mark.django_db


def queue(to="robin@example.org"):
    message = EmailMessage("Your review is due", "Open the course to review it.", to=[to])
    return email_queue(message=message, purpose="test")


def waiting_task():
    return DBTaskResult.objects.get(status="READY")


def test_failed_sends_are_retried_after_1_5_30_minutes_2_and_12_hours(smtp):
    delivery = queue()
    delays = []
    for _ in RETRY_DELAYS:
        before = timezone.now()
        run_worker()
        delays.append(waiting_task().run_after - before)
        time_passes()

    expected = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    expected += [timedelta(hours=2), timedelta(hours=12)]
    for delay, want in zip(delays, expected, strict=True):
        assert want <= delay < want + timedelta(seconds=30)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 5)


def test_after_the_last_retry_the_email_is_given_up_and_its_message_emptied(smtp):
    delivery = queue()
    for _ in range(len(RETRY_DELAYS) + 1):
        run_worker()
        time_passes()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.body) == ("failed", 6, "")
    assert delivery.last_error == "ConnectionRefusedError"
    assert delivery.finished_at is not None
    assert not DBTaskResult.objects.filter(status="READY").exists()
    smtp.up()
    run_worker()
    assert smtp.received == []


def test_a_sent_email_is_never_sent_again(smtp):
    smtp.up()
    delivery = queue()
    run_worker()

    # Even the task run by hand again, as a second worker might.
    assert email_deliver.call(delivery_id=delivery.pk) == "skipped"
    assert len(smtp.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.body) == ("sent", 1, "")


def test_a_delivery_removed_meanwhile_is_skipped(smtp):
    queue()
    EmailDelivery.objects.all().delete()

    run_worker()

    assert DBTaskResult.objects.get().return_value == "skipped"
    assert smtp.received == []


def test_the_message_arrives_as_queued(smtp):
    smtp.up()
    queue(to="Robin.New@example.org")
    run_worker()

    [(recipients, text)] = smtp.received
    assert recipients == ["Robin.New@example.org"]
    assert "Subject: Your review is due" in text
    assert "Open the course to review it." in text


def test_with_the_immediate_backend_a_failure_is_given_up_at_once(settings):
    """Locally (./dev run) nothing would run a retry: the failure is recorded instead."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    delivery = queue()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_as_the_email_is_recorded_sent_is_made_again(smtp, monkeypatch):
    """The mail server has the email: it is recorded as sent on a new connection, so
    recovery never sends it a second time."""
    smtp.up()
    delivery = queue()
    update = QuerySet.update
    drops = []

    def drop_once(self, **kwargs):
        if kwargs.get("status") == EmailDelivery.Status.SENT and not drops:
            drops.append(kwargs)
            raise OperationalError("server closed the connection unexpectedly")
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", drop_once)
    run_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(smtp.received)) == ("sent", 1, 1)
    assert len(drops) == 1
