"""The daily run (reflections.retention.RULES) removes the outbox's records of emails and
the worker's finished task rows after EMAIL_RECORD_DAYS, and keeps the rest."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from modules.models import Exercise
from outbox.models import EmailDelivery
from outbox.services import email_queue, email_records_purge, task_results_purge
from reflections.retention import RULES
from reflections.services.sharing import share_invite
from tests.factories import ExerciseFactory

from .conftest import run_worker

pytestmark = pytest.mark.django_db


def queued(days_ago, *, status="sent"):
    message = EmailMessage("Subject", "Body", to=["robin@example.org"])
    delivery = email_queue(message=message, purpose="test")
    moment = timezone.now() - timedelta(days=days_ago)
    finished = None if status == "queued" else moment
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=status, created_at=moment, finished_at=finished
    )
    return delivery


def test_both_rules_are_in_the_daily_run():
    names = [rule.name for rule in RULES]

    assert {"email_records_purge", "task_results_purge"} <= set(names)
    assert names[-1] == "audit_events_purge"


def test_email_records_finished_more_than_the_period_ago_are_removed(settings):
    settings.EMAIL_RECORD_DAYS = 30
    old_sent, old_failed = queued(31), queued(31, status="failed")
    stuck = queued(31, status="queued")  # never finished: its retries ended long ago
    recent, waiting = queued(29), queued(1, status="queued")

    assert email_records_purge(now=timezone.now()) == 3

    left = set(EmailDelivery.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert not {old_sent.pk, old_failed.pk, stuck.pk} & left


def test_finished_task_rows_past_the_period_are_removed(settings, database_tasks):
    settings.EMAIL_RECORD_DAYS = 30
    for _ in range(2):
        queued(0, status="queued")
    run_worker()
    old = DBTaskResult.objects.first()
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    queued(0, status="queued")  # not run yet: kept

    assert task_results_purge(now=timezone.now()) == 1
    assert DBTaskResult.objects.count() == 2


def test_an_invitation_keeps_working_when_its_email_record_goes(practitioner, settings):
    settings.EMAIL_RECORD_DAYS = 30
    exercise = ExerciseFactory(pairing=Exercise.Pairing.PAIR)
    share = share_invite(owner=practitioner, exercise=exercise, email="robin@example.org")
    EmailDelivery.objects.update(finished_at=timezone.now() - timedelta(days=31))

    assert email_records_purge(now=timezone.now()) == 1
    share.refresh_from_db()
    assert share.invitation_email is None
