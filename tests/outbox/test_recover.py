"""outbox.services.email_deliveries_recover (`manage.py outbox_recover`): an email whose
worker died mid-task is queued again, once, and then sent once; nothing else is."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox.models import EmailDelivery
from outbox.services import WORKER_LOST, email_deliveries_recover, email_queue
from outbox.tasks import RETRY_DELAYS

from .conftest import run_worker

pytestmark = pytest.mark.django_db

RECOVER_AFTER = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def recover_after(settings):
    settings.EMAIL_RECOVER_AFTER = RECOVER_AFTER.total_seconds()


def queue(to="robin@example.org"):
    message = EmailMessage("Your review is due", "Open the course to review it.", to=[to])
    return email_queue(message=message, purpose="test")


def worker_died(delivery, *, running_for, attempts=1):
    """As a worker that claimed the attempt and then exited leaves things: the delivery
    (queued a day ago, tried again since, say) still queued with the attempt counted,
    its task running since `running_for` ago."""
    started = timezone.now() - running_for
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, created_at=timezone.now() - timedelta(days=1)
    )
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["gone"]
    )


def recover():
    return email_deliveries_recover(now=timezone.now())


def tasks(status):
    return DBTaskResult.objects.filter(status=status).count()


def test_a_task_running_past_the_limit_is_queued_again_and_sent_once(smtp):
    delivery = queue()
    worker_died(delivery, running_for=RECOVER_AFTER + timedelta(seconds=1))
    smtp.up()

    assert recover() == 1
    assert recover() == 0  # its new task waits: not queued twice
    assert (tasks("READY"), tasks("RUNNING")) == (1, 0)
    assert DBTaskResult.objects.get(status="FAILED").exception_class_path == WORKER_LOST
    run_worker()
    run_worker()

    assert len(smtp.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert recover() == 0


def test_a_task_running_within_the_limit_is_left_alone(smtp):
    delivery = queue()
    worker_died(delivery, running_for=RECOVER_AFTER - timedelta(seconds=30))

    assert recover() == 0
    assert (tasks("READY"), tasks("RUNNING")) == (0, 1)


def test_a_sent_email_is_never_queued_again(smtp):
    smtp.up()
    delivery = queue()
    run_worker()
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - 2 * RECOVER_AFTER
    )
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)  # even if its task says so

    assert recover() == 0
    assert tasks("READY") == 0
    assert len(smtp.received) == 1


def test_an_email_waiting_for_its_retry_is_left_alone(smtp):
    delivery = queue()
    run_worker()  # the mail server is down: tried again in a minute
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - 2 * RECOVER_AFTER
    )

    assert recover() == 0
    assert tasks("READY") == 1


def test_an_email_whose_task_failed_or_went_is_queued_again(smtp):
    failed, missing = queue(), queue("sam@example.org")
    worker_died(failed, running_for=timedelta(0))
    worker_died(missing, running_for=timedelta(0))
    DBTaskResult.objects.filter(args_kwargs__kwargs__delivery_id=failed.pk).update(
        status=TaskResultStatus.FAILED
    )
    DBTaskResult.objects.filter(args_kwargs__kwargs__delivery_id=missing.pk).delete()
    smtp.up()

    assert recover() == 2
    run_worker()
    assert sorted(to for to, _text in smtp.received) == [["robin@example.org"], ["sam@example.org"]]


def test_an_email_that_used_every_attempt_is_given_up(smtp):
    delivery = queue()
    worker_died(delivery, running_for=2 * RECOVER_AFTER, attempts=len(RETRY_DELAYS) + 1)

    assert recover() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error, delivery.body) == ("failed", "WorkerLost", "")
    assert tasks("READY") == 0


def test_the_command_says_how_many_it_recovered_and_nothing_when_none(smtp):
    delivery = queue()
    out = StringIO()
    call_command("outbox_recover", stdout=out)  # nothing to say: cron mails nothing
    worker_died(delivery, running_for=2 * RECOVER_AFTER)
    call_command("outbox_recover", stdout=out)

    assert out.getvalue() == "Recovered 1 email.\n"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locking (run with PostgreSQL)"
)
def test_two_recoveries_at_the_same_time_queue_each_email_once(smtp):
    deliveries = [queue(f"person{n}@example.org") for n in range(20)]
    for delivery in deliveries:
        worker_died(delivery, running_for=2 * RECOVER_AFTER)
    counts = []
    start = threading.Barrier(2)

    def one_run():
        try:
            start.wait()
            counts.append(recover())
        finally:
            connection.close()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run_ in runs:
        run_.start()
    for run_ in runs:
        run_.join()

    assert sum(counts) == 20
    assert tasks("READY") == 20
