"""The retention rules (reflections.retention) and the daily `manage.py apply_retention`."""

import threading
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from modules.models import LessonProgress
from organisations.models import StaffImport, StaffInvitation
from reflections import retention
from reflections.export import USER_DATA
from reflections.models import Share
from tests.factories import ExerciseFactory, LessonProgressFactory, UserFactory
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db

# Audit events the run writes are stamped with the real time, so the run uses it too.
NOW = timezone.now()


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.SHARE_INVITATION_DAYS = 30
    settings.UNVERIFIED_ACCOUNT_DAYS = 7
    settings.ACCOUNT_INACTIVE_FLAG_DAYS = 365
    settings.AUDIT_RETENTION_DAYS = 100
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3


def days_ago(days):
    return NOW - timedelta(days=days)


def invitation(owner, *, days, email="", colleague=None, **fields):
    share = ShareFactory(
        owner=owner, colleague=colleague, invited_email=email, exercise=ExerciseFactory(), **fields
    )
    Share.objects.filter(pk=share.pk).update(created_at=days_ago(days))
    return share


def registration(*, days):
    """An account made through the registration form `days` days ago, never verified."""
    return UserFactory(verified=False, date_joined=days_ago(days), team=None, organisation=None)


def session(key, *, expires_in_days):
    return Session.objects.create(
        session_key=key, session_data="", expire_date=NOW + timedelta(days=expires_in_days)
    )


def signed_in_record(user, key):
    return UserSession.objects.create(
        user=user, session_key=key, ip="192.0.2.10", user_agent="Firefox"
    )


def confirmation(user, key, *, sent_days_ago=None, created_days_ago=0):
    address = EmailAddress.objects.get(user=user)
    return EmailConfirmation.objects.create(
        email_address=address,
        key=key,
        created=days_ago(created_days_ago),
        sent=None if sent_days_ago is None else days_ago(sent_days_ago),
    )


def audit_event_at(moment, action="test.event"):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(action=action)


def deletes_in(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("DELETE")]


# --- Invitations to compare answers --------------------------------------------------------


def test_email_invitations_nobody_answered_in_time_are_deleted_with_the_address(practitioner):
    invitation(practitioner, days=31, email="gone@example.org")
    withdrawn = invitation(practitioner, days=31, email="withdrawn@example.org")
    Share.objects.filter(pk=withdrawn.pk).update(status=Share.Status.ENDED)
    kept = invitation(practitioner, days=29, email="kept@example.org")

    assert retention.email_invitations_purge(now=NOW) == 2

    assert list(Share.objects.all()) == [kept]
    assert not Share.objects.filter(invited_email__in=["gone@example.org", "withdrawn@example.org"])


def test_answered_email_invitations_stay_with_the_person_who_answered(practitioner, colleague):
    answered = invitation(
        practitioner, days=300, email=colleague.email, colleague=colleague, status="accepted"
    )

    assert retention.email_invitations_purge(now=NOW) == 0
    assert list(Share.objects.all()) == [answered]


def test_email_invitations_go_in_one_delete_statement(practitioner):
    for number in range(3):
        invitation(practitioner, days=40, email=f"person{number}@example.org")

    with CaptureQueriesContext(connection) as queries:
        retention.email_invitations_purge(now=NOW)

    assert len(deletes_in(queries)) == 1


def test_invitations_to_a_named_colleague_are_marked_expired_and_kept(practitioner, colleague):
    share = invitation(practitioner, days=31, colleague=colleague)

    assert retention.named_invitations_expire(now=NOW) == 1

    share.refresh_from_db()
    assert share.status == Share.Status.EXPIRED


# --- Registrations never verified ----------------------------------------------------------


def test_an_unverified_registration_is_erased_with_everything_in_the_register(db):
    person = registration(days=8)
    LessonProgressFactory(user=person)
    signed_in_record(person, "k" * 32)
    confirmation(person, "c" * 32, sent_days_ago=1)

    assert retention.unverified_accounts_purge(now=NOW) == 1

    for holding in USER_DATA:
        assert not holding.rows_of(User(pk=person.pk)).exists(), holding.model._meta.label


def test_an_erased_registration_is_audited_with_the_reason(db):
    person_id = registration(days=8).pk

    retention.unverified_accounts_purge(now=NOW)

    event = AuditEvent.objects.get(action="account.deleted")
    assert event.target_id == str(person_id)
    assert event.detail["via"] == "retention: unverified registration"
    assert event.detail["erased"]["account.EmailAddress"] == 1


def test_registrations_within_the_period_verified_or_staff_are_kept(practitioner):
    registration(days=6)
    UserFactory(verified=False, date_joined=days_ago(30), is_staff=True)
    UserFactory(date_joined=days_ago(30))
    before = User.objects.count()

    assert retention.unverified_accounts_purge(now=NOW) == 0
    assert User.objects.count() == before


def test_the_registration_period_comes_from_the_setting(settings):
    settings.UNVERIFIED_ACCOUNT_DAYS = 30
    registration(days=8)
    old = registration(days=31)

    assert retention.unverified_accounts_purge(now=NOW) == 1
    assert not User.objects.filter(pk=old.pk).exists()


# --- Sign-in records -----------------------------------------------------------------------


def test_expired_sessions_are_removed_and_live_ones_kept(db):
    session("expired-session-key-0000000000000", expires_in_days=-1)
    live = session("live-session-key-000000000000000", expires_in_days=1)

    assert retention.sessions_purge(now=NOW) == 1
    assert list(Session.objects.all()) == [live]


def test_sessions_go_in_one_delete_statement(db):
    for number in range(3):
        session(f"expired-session-key-{number:013}", expires_in_days=-1)

    with CaptureQueriesContext(connection) as queries:
        retention.sessions_purge(now=NOW)

    assert len(deletes_in(queries)) == 1


def test_sign_in_records_of_ended_or_expired_sessions_are_removed(practitioner):
    session("live-session-key-000000000000000", expires_in_days=1)
    session("expired-session-key-0000000000000", expires_in_days=-1)
    live = signed_in_record(practitioner, "live-session-key-000000000000000")
    signed_in_record(practitioner, "expired-session-key-0000000000000")
    signed_in_record(practitioner, "signed-out-session-key-0000000000")

    assert retention.user_sessions_purge(now=NOW) == 2
    assert list(UserSession.objects.all()) == [live]


def test_sign_in_records_go_in_one_delete_statement(practitioner):
    for number in range(3):
        signed_in_record(practitioner, f"ended-{number:026}")

    with CaptureQueriesContext(connection) as queries:
        retention.user_sessions_purge(now=NOW)

    assert len(deletes_in(queries)) == 1


def test_expired_email_confirmations_are_removed(practitioner):
    confirmation(practitioner, "sent-long-ago", sent_days_ago=4, created_days_ago=4)
    confirmation(practitioner, "never-sent", created_days_ago=4)
    kept = confirmation(practitioner, "sent-recently", sent_days_ago=2, created_days_ago=5)

    assert retention.email_confirmations_purge(now=NOW) == 2
    assert list(EmailConfirmation.objects.all()) == [kept]


def test_expired_rate_limit_counts_are_removed_from_a_database_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "retention_test_cache",
        }
    }
    call_command("createcachetable", stdout=StringIO())
    cache = caches["default"]
    cache.set("allauth:rl:allauth.account:login_failed:10/m/ip:ip:192.0.2.10", [1.0], timeout=60)
    cache.set("still-counting", [1.0], timeout=3600)

    removed = retention.rate_limit_counts_purge(now=timezone.now() + timedelta(minutes=2))

    assert removed == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM retention_test_cache")
        assert cursor.fetchone()[0] == 1


def test_a_cache_that_expires_entries_itself_needs_nothing(db):
    assert retention.rate_limit_counts_purge(now=NOW) == 0


# --- Audit events --------------------------------------------------------------------------


def test_audit_events_past_their_period_are_removed(db):
    audit_event_at(days_ago(101), action="old.event")
    audit_event_at(days_ago(99), action="recent.event")

    assert retention.audit_events_purge(now=NOW) == 1
    assert not AuditEvent.objects.filter(action="old.event").exists()


# --- The daily run -------------------------------------------------------------------------


def break_rule(monkeypatch, name, replacement):
    rules = [
        retention.Rule(rule.label, replacement) if rule.name == name else rule
        for rule in retention.RULES
    ]
    monkeypatch.setattr(retention, "RULES", tuple(rules))


@pytest.fixture
def a_bit_of_everything(practitioner, colleague):
    """Two of each thing a rule removes, beside one of each it must keep."""
    for number in range(2):
        invitation(practitioner, days=31, email=f"gone{number}@example.org")
        invitation(practitioner, days=31, colleague=UserFactory())
        registration(days=8)
        session(f"expired-{number:032}", expires_in_days=-1)
        signed_in_record(colleague, f"ended-{number:034}")
        confirmation(colleague, f"expired-confirmation-{number}", sent_days_ago=4)
        staff_invitation(practitioner.organisation, days=61, email=f"left{number}@example.org")
        staff_import(colleague, hours=25)
        audit_event_at(days_ago(101))
    invitation(practitioner, days=29, email="kept@example.org")
    staff_invitation(practitioner.organisation, days=59, email="expired.recently@example.org")
    staff_import(colleague, hours=23)
    registration(days=6)
    session("live-session-key-000000000000000", expires_in_days=1)
    signed_in_record(colleague, "live-session-key-000000000000000")
    confirmation(colleague, "valid-confirmation", sent_days_ago=1)
    audit_event_at(days_ago(99))


def staff_invitation(organisation, *, days, email):
    return StaffInvitation.objects.create(
        organisation=organisation, email=email, full_name="Someone", created_at=days_ago(days)
    )


def staff_import(admin, *, hours):
    return StaffImport.objects.create(
        organisation=admin.organisation,
        created_by=admin,
        created_at=NOW - timedelta(hours=hours),
    )


def test_every_rule_is_applied_in_order(a_bit_of_everything):
    outcomes = retention.retention_apply(now=NOW)

    assert [outcome.rule for outcome in outcomes] == list(retention.RULES)
    assert [outcome.count for outcome in outcomes] == [2, 2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 2]


def test_a_second_run_removes_nothing(a_bit_of_everything):
    retention.retention_apply(now=NOW)

    assert [outcome.count for outcome in retention.retention_apply(now=NOW)] == [0] * len(
        retention.RULES
    )


def test_the_run_is_audited_with_rule_names_and_counts_only(a_bit_of_everything):
    retention.retention_apply(now=NOW)

    event = AuditEvent.objects.get(action="retention.applied")
    assert event.detail == {
        "email_invitations_purge": 2,
        "named_invitations_expire": 2,
        "unverified_accounts_purge": 2,
        "sessions_purge": 2,
        "user_sessions_purge": 2,
        "email_confirmations_purge": 2,
        "staff_invitations_purge": 2,
        "staff_imports_purge": 2,
        "audit_events_purge": 2,
    }


def test_a_run_that_removes_nothing_is_not_audited(db):
    retention.retention_apply(now=NOW)

    assert not AuditEvent.objects.filter(action="retention.applied").exists()


def test_a_failing_rule_does_not_stop_the_others(a_bit_of_everything, monkeypatch):
    def broken(*, now):
        raise RuntimeError("database unavailable")

    break_rule(monkeypatch, "sessions_purge", broken)

    outcomes = retention.retention_apply(now=NOW)

    assert isinstance(outcomes[3].error, RuntimeError)
    assert [outcome.count for outcome in outcomes] == [2, 2, 2, 0, 2, 2, 0, 2, 2, 0, 0, 2]


@pytest.mark.parametrize("each", [1, 5])
def test_queries_per_run_do_not_grow_with_the_rows_removed(
    practitioner, colleague, each, django_assert_max_num_queries
):
    for number in range(each):
        invitation(practitioner, days=31, email=f"gone{number}@example.org")
        invitation(practitioner, days=31, colleague=UserFactory())
        session(f"expired-{number:032}", expires_in_days=-1)
        signed_in_record(colleague, f"ended-{number:034}")
        confirmation(colleague, f"expired-confirmation-{number}", sent_days_ago=4)
        audit_event_at(days_ago(101))

    # Thirteen statements (one per rule but the cache's, the search for unverified
    # registrations, two audit rows) and the savepoints around them.
    with django_assert_max_num_queries(33):
        outcomes = retention.retention_apply(now=NOW)
    assert sum(outcome.count for outcome in outcomes) == 6 * each


@pytest.mark.parametrize("count", [1, 3])
def test_each_unverified_registration_costs_a_fixed_number_of_queries(
    count, django_assert_max_num_queries
):
    for _ in range(count):
        registration(days=8)

    # Finding and locking them, then the erasure of each through the register (with the
    # deletion collector's look at each table that points at the account, two of them
    # the trainers' drafts and legal reviews in course_editing).
    with django_assert_max_num_queries(3 + 47 * count):
        assert retention.unverified_accounts_purge(now=NOW) == count


# --- The command ---------------------------------------------------------------------------


def run_command():
    out = StringIO()
    call_command("apply_retention", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_prints_one_line_per_rule_with_its_count(a_bit_of_everything):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        lines = run_command().splitlines()

    assert lines[:12] == [
        "Expired invitations to compare answers removed: 2",
        "Invitations to a named colleague marked expired: 2",
        "Unverified registrations removed: 2",
        "Expired sessions removed: 2",
        "Sign-in records of ended sessions removed: 2",
        "Expired email confirmation links removed: 2",
        "Expired rate-limit counts removed: 0",
        "Staff invitations never accepted removed: 2",
        "Staff lists never imported removed: 2",
        "Records of emails sent or given up removed: 0",
        "Finished background tasks removed: 0",
        "Audit events past their retention period removed: 2",
    ]


def test_the_command_counts_unused_accounts_per_organisation(team, practitioner):
    UserFactory(team=team, date_joined=days_ago(400))
    UserFactory(team=team, date_joined=days_ago(800), last_login=days_ago(500))
    UserFactory(team=None, organisation=None, date_joined=days_ago(400))

    lines = run_command().splitlines()

    assert lines[12:] == [
        "Accounts not signed in to for 365 days, flagged to their organisation's administrator: 3",
        "  Test Borough Council: 2",
        "  No organisation: 1",
    ]


def test_the_command_never_deletes_unused_accounts(team):
    unused = UserFactory(team=team, date_joined=days_ago(4000))

    run_command()

    assert User.objects.filter(pk=unused.pk).exists()


def test_the_command_reports_a_failed_rule_and_fails_after_running_the_rest(
    a_bit_of_everything, monkeypatch
):
    def broken(*, now):
        raise RuntimeError("database unavailable")

    break_rule(monkeypatch, "sessions_purge", broken)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError):
        call_command("apply_retention", stdout=out, stderr=err)

    assert "Expired sessions removed: failed (RuntimeError('database unavailable'))" in (
        err.getvalue()
    )
    assert "Sign-in records of ended sessions removed: 2" in out.getvalue()


def test_the_command_a_second_time_removes_nothing(a_bit_of_everything):
    run_command()

    lines = run_command().splitlines()

    assert all(line.endswith(": 0") for line in lines[:8])


# --- Two runs at once ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locking (run with PostgreSQL)"
)
def test_two_runs_at_the_same_time_remove_each_row_once(team):
    owner = UserFactory(team=team)
    signed_in = UserFactory(team=team)
    for number in range(10):
        invitation(owner, days=31, email=f"gone{number}@example.org")
        invitation(owner, days=31, colleague=UserFactory(team=team))
        registration(days=8)
        session(f"expired-{number:032}", expires_in_days=-1)
        signed_in_record(signed_in, f"ended-{number:034}")
        confirmation(signed_in, f"expired-confirmation-{number}", sent_days_ago=4)
        staff_invitation(team.organisation, days=61, email=f"left{number}@example.org")
        staff_import(signed_in, hours=25)
        audit_event_at(days_ago(101))
    counts = []
    start = threading.Barrier(2)

    def one_run():
        try:
            start.wait()
            counts.append(retention.retention_apply(now=NOW))
        finally:
            connection.close()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run_ in runs:
        run_.start()
    for run_ in runs:
        run_.join()

    assert all(outcome.error is None for run_ in counts for outcome in run_)
    totals = [sum(pair) for pair in zip(*([o.count for o in run_] for run_ in counts), strict=True)]
    assert totals == [10, 10, 10, 10, 10, 10, 0, 10, 10, 0, 0, 10]
    assert [outcome.count for outcome in retention.retention_apply(now=NOW)] == [0] * 12
    assert not Share.objects.filter(status=Share.Status.PENDING).exists()
    assert not LessonProgress.objects.exists()
