"""A mail server that accepts the connection and never answers: the worker waits at most
EMAIL_TIMEOUT, holding no row, so the practitioner whose reminder it is sending can save
their dates meanwhile; the attempt then fails and is tried again later."""

import json
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from modules.models import Exercise
from outbox.models import EmailDelivery
from reflections.models import Commitment, ExerciseResponse

from .conftest import run_worker


def _due_commitment(user):
    today = timezone.localdate()
    response = ExerciseResponse.objects.create(user=user, exercise=Exercise.objects.get(number=4))
    return Commitment.objects.create(response=response, due_on=today, review_on=today)


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_date_autosave_completes_while_the_worker_waits_on_a_silent_mail_server(
    course_content, client, practitioner, silent_smtp, settings
):
    settings.EMAIL_TIMEOUT = 3
    row = _due_commitment(practitioner)
    call_command("send_review_reminders", stdout=StringIO())
    worker_finished = []

    def worker():
        try:
            run_worker()
            worker_finished.append(time.monotonic())
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    started = time.monotonic()
    thread.start()
    _wait_for(lambda: silent_smtp.connections == 1, seconds=2)  # the worker is stuck

    client.force_login(practitioner)
    soon = (timezone.localdate() + timedelta(days=7)).isoformat()
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        "/reflections/exercises/4/commitment/dates/",
        json.dumps({"due_on": soon, "review_on": later}),
        content_type="application/json",
    )
    saved_at = time.monotonic()

    assert response.status_code == 200
    assert thread.is_alive(), "the save should complete while the worker is still waiting"
    thread.join(timeout=10)
    assert not thread.is_alive()
    row.refresh_from_db()
    assert row.review_on.isoformat() == later
    assert saved_at - started < 2
    # The worker gave up on the silent server after EMAIL_TIMEOUT, not before, nor long after.
    assert 3 <= worker_finished[0] - started < 8
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.last_error
    retry = DBTaskResult.objects.get(status="READY")
    assert timedelta(seconds=50) < retry.run_after - timezone.now() <= timedelta(minutes=1)
