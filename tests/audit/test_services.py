import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_purge_expired, audit_record_many

pytestmark = pytest.mark.django_db

# The purge records itself at the real time, so the tests purge at the real time too.
NOW = timezone.now()


@pytest.fixture
def retention(settings):
    settings.AUDIT_RETENTION_DAYS = 100
    return timedelta(days=100)


def test_record_many_writes_one_event_per_target_in_one_query(
    practitioner, colleague, django_assert_num_queries
):
    with django_assert_num_queries(1):
        events = audit_record_many(
            action="test.event",
            actor=practitioner,
            targets=[(practitioner, {"n": 1}), (colleague, {"n": 2})],
        )

    stored = AuditEvent.objects.filter(pk__in=[event.pk for event in events]).order_by("pk")
    assert [(e.actor, e.target_id, e.detail) for e in stored] == [
        (practitioner, str(practitioner.pk), {"n": 1}),
        (practitioner, str(colleague.pk), {"n": 2}),
    ]


def test_the_default_retention_covers_any_six_calendar_years(settings):
    # 2024 to 2030 holds two leap days: the longest six years there can be.
    assert timedelta(days=settings.AUDIT_RETENTION_DAYS) >= date(2030, 1, 1) - date(2024, 1, 1)


def test_purge_removes_only_events_older_than_the_retention_period(event_at, retention):
    event_at(NOW - retention - timedelta(seconds=1), action="old.event")
    kept = event_at(NOW - retention, action="kept.event")

    audit_purge_expired(now=NOW)

    assert list(AuditEvent.objects.exclude(action="audit.purged")) == [kept]


def test_purge_returns_how_many_events_it_removed(event_at, retention):
    for days in (101, 200, 5000):
        event_at(NOW - timedelta(days=days))
    event_at(NOW - timedelta(days=99))

    assert audit_purge_expired(now=NOW) == 3


def test_a_second_purge_at_the_same_moment_removes_nothing(event_at, retention):
    event_at(NOW - timedelta(days=101))
    audit_purge_expired(now=NOW)

    assert audit_purge_expired(now=NOW) == 0


def test_purge_removes_the_events_in_one_delete_statement(event_at, retention):
    for days in (101, 102, 103):
        event_at(NOW - timedelta(days=days))

    with CaptureQueriesContext(connection) as queries:
        audit_purge_expired(now=NOW)

    deletes = [q["sql"] for q in queries if q["sql"].upper().startswith("DELETE")]
    assert len(deletes) == 1


def test_purge_is_recorded_with_the_count_and_cutoff(event_at, retention):
    event_at(NOW - timedelta(days=101))

    audit_purge_expired(now=NOW)

    recorded = AuditEvent.objects.get(action="audit.purged")
    assert recorded.detail == {"removed": 1, "cutoff": (NOW - retention).isoformat()}


def test_a_purge_that_removes_nothing_is_not_recorded(event_at, retention):
    event_at(NOW - timedelta(days=1))

    audit_purge_expired(now=NOW)

    assert not AuditEvent.objects.filter(action="audit.purged").exists()


def test_purge_refuses_a_retention_of_zero_days(event_at, settings):
    settings.AUDIT_RETENTION_DAYS = 0
    event_at(NOW - timedelta(days=1))

    with pytest.raises(ImproperlyConfigured):
        audit_purge_expired(now=NOW)

    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locking (run with PostgreSQL)"
)
def test_two_purges_at_the_same_time_remove_each_event_once(event_at, retention):
    for days in range(101, 111):
        event_at(NOW - timedelta(days=days))
    counts = []
    start = threading.Barrier(2)

    def one_run():
        try:
            start.wait()
            counts.append(audit_purge_expired(now=NOW))
        finally:
            connection.close()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run_ in runs:
        run_.start()
    for run_ in runs:
        run_.join()

    assert sum(counts) == 10
    assert not AuditEvent.objects.recorded_before(NOW - retention).exists()
