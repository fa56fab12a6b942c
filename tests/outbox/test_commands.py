"""The commands cron runs exit non-zero when they fail, so cron's mail tells someone."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from modules.models import Exercise
from outbox.models import EmailDelivery
from reflections import retention
from reflections.models import Commitment, ExerciseResponse
from reflections.services import records

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("course_content")]


def due(user):
    today = timezone.localdate()
    response = ExerciseResponse.objects.create(user=user, exercise=Exercise.objects.get(number=4))
    return Commitment.objects.create(response=response, due_on=today, review_on=today)


def test_send_review_reminders_queues_and_leaves_the_sending_to_the_worker(practitioner, smtp):
    due(practitioner)
    out = StringIO()

    call_command("send_review_reminders", stdout=out)  # the mail server is down: no matter

    assert out.getvalue().strip() == "Queued 1 review reminder."
    assert EmailDelivery.objects.get().status == "queued"


def test_send_review_reminders_fails_when_it_could_not_queue(practitioner, monkeypatch):
    row = due(practitioner)

    def broken(**kwargs):
        raise OSError("database unavailable")

    monkeypatch.setattr(records, "email_queue", broken)

    with pytest.raises(CommandError, match="1 review reminder could not be queued"):
        call_command("send_review_reminders", stdout=StringIO())
    row.refresh_from_db()
    assert row.reminder_sent_for is None


def test_apply_retention_fails_when_a_rule_fails(monkeypatch):
    def broken(*, now):
        raise RuntimeError("database unavailable")

    rules = [
        retention.Rule(rule.label, broken) if rule.name == "email_records_purge" else rule
        for rule in retention.RULES
    ]
    monkeypatch.setattr(retention, "RULES", tuple(rules))

    with pytest.raises(CommandError):
        call_command("apply_retention", stdout=StringIO(), stderr=StringIO())
