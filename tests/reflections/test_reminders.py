import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from reflections.models import Commitment
from reflections.services import records
from reflections.services.records import review_reminders_send
from tests.factories import UserFactory

from .records_data import commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _course(course_content):
    pass


def run(*args):
    out = StringIO()
    call_command("send_review_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_due_review_is_emailed_once_with_a_link_and_no_answer_text(practitioner, settings):
    settings.SITE_URL = "https://course.example.org"
    commitment(practitioner, due_in=0, review_in=0, text="SECRET-COMMITMENT")

    output = run()

    assert output.strip() == "Queued 1 review reminder."
    [email] = mail.outbox
    assert email.to == ["sam@example.org"]
    assert "https://course.example.org/reflections/" in email.body
    assert "SECRET-COMMITMENT" not in email.body + email.subject


def test_a_second_run_sends_nothing(practitioner):
    commitment(practitioner, due_in=0, review_in=0)
    run()

    assert run().strip() == "Queued 0 review reminders."
    assert len(mail.outbox) == 1


def test_reviews_not_due_yet_are_not_emailed(practitioner):
    commitment(practitioner, due_in=1, review_in=1)

    assert run().strip() == "Queued 0 review reminders."


def test_reviews_already_recorded_are_not_emailed(practitioner):
    commitment(practitioner, due_in=0, review_in=0, reviewed_at=timezone.now())

    assert review_reminders_send(today=timezone.localdate()) == 0


def test_a_changed_review_date_is_a_new_review_with_a_new_reminder(practitioner):
    row = commitment(practitioner, due_in=0, review_in=0)
    run()
    row.review_on = timezone.localdate() - timedelta(days=1)
    row.save()

    assert run().strip() == "Queued 1 review reminder."
    assert len(mail.outbox) == 2


def test_people_whose_accounts_are_inactive_are_not_emailed(practitioner):
    commitment(practitioner, due_in=0, review_in=0)
    practitioner.is_active = False
    practitioner.save()

    assert review_reminders_send(today=timezone.localdate()) == 0


def test_the_count_covers_everyone_due(practitioner, colleague):
    commitment(practitioner, due_in=0, review_in=0)
    commitment(colleague, due_in=-3, review_in=-2)
    commitment(UserFactory(), due_in=3, review_in=3)

    assert run().strip() == "Queued 2 review reminders."
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@example.org", "sam@example.org"]


def test_a_run_that_lost_the_race_for_a_row_does_not_send_it_again(practitioner, monkeypatch):
    """Two overlapping runs both list the row; only the conditional UPDATE's winner sends."""
    row = commitment(practitioner, due_in=0, review_in=0)
    listed = list(records._due_for_reminder(timezone.localdate()))
    Commitment.objects.filter(pk=row.pk).update(reminder_sent_for=row.review_on)
    monkeypatch.setattr(records, "_due_for_reminder", _stale_first_call(records, listed))

    assert review_reminders_send(today=timezone.localdate()) == 0
    assert mail.outbox == []


def _stale_first_call(records, listed):
    real = records._due_for_reminder
    calls = []

    class Stale(list):
        def select_related(self, *args):
            return self

        def order_by(self, *args):
            return self

    def due(today):
        calls.append(today)
        return Stale(listed) if len(calls) == 1 else real(today)

    return due


def test_a_reminder_that_could_not_be_queued_is_left_for_the_next_run_which_fails(
    practitioner, colleague, monkeypatch
):
    row = commitment(practitioner, due_in=0, review_in=0)
    commitment(colleague, due_in=0, review_in=0)
    real = records.email_queue

    def broken_for_sam(*, to, **kwargs):
        if to == practitioner.email:
            raise OSError("database unavailable")
        return real(to=to, **kwargs)

    monkeypatch.setattr(records, "email_queue", broken_for_sam)

    with pytest.raises(CommandError, match="1 review reminder could not be queued"):
        run()
    row.refresh_from_db()
    assert row.reminder_sent_for is None
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_each_reminder_is_audited_with_ids_only(practitioner):
    row = commitment(practitioner, due_in=0, review_in=0, text="SECRET-COMMITMENT")

    run()

    event = AuditEvent.objects.get(action="commitment.review_reminder_sent")
    assert (event.target_id, event.detail) == (str(row.pk), {"user_id": practitioner.pk})


def test_dry_run_counts_without_sending(practitioner):
    row = commitment(practitioner, due_in=0, review_in=0)

    assert run("--dry-run").strip() == "1 review reminder due; none queued (dry run)."
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.reminder_sent_for is None


def test_sending_runs_a_fixed_number_of_queries_per_reminder(
    practitioner, django_assert_max_num_queries
):
    for _ in range(5):
        commitment(UserFactory(), due_in=0, review_in=0)

    # Each: the claim, the audit event, and queuing the email, which tests send at once.
    with django_assert_max_num_queries(1 + 8 * 5):
        assert review_reminders_send(today=timezone.localdate()) == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locking (run with PostgreSQL)"
)
def test_two_runs_at_the_same_time_send_each_reminder_once(course_content):
    people = [UserFactory() for _ in range(6)]
    for person in people:
        commitment(person, due_in=0, review_in=0)
    counts = []
    start = threading.Barrier(2)

    def one_run():
        try:
            start.wait()
            counts.append(review_reminders_send(today=timezone.localdate()))
        finally:
            connection.close()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run_ in runs:
        run_.start()
    for run_ in runs:
        run_.join()

    assert sum(counts) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
