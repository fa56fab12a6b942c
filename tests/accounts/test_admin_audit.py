"""accounts.admin_audit: the record of a change to a person, and the email about it."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import transaction

from accounts import admin_audit
from accounts.admin_audit import person_change_record, person_changed_notify, person_changes
from audit.models import AuditEvent
from outbox.models import EmailDelivery

pytestmark = pytest.mark.django_db

ROLE_CHANGE = {"role": {"old": "practitioner", "new": "trainer"}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block after which what waits for the commit (the emails) runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _snapshot(person):
    return admin_audit.people_snapshot(ids=[person.pk])[person.pk]


def test_changes_list_only_the_fields_that_differ(practitioner):
    before = _snapshot(practitioner)
    practitioner.role = "trainer"
    practitioner.save()

    assert person_changes(before=before, after=_snapshot(practitioner)) == ROLE_CHANGE


def test_a_new_password_is_a_change_that_holds_no_hash(practitioner):
    before = _snapshot(practitioner)
    practitioner.set_password("Another-long-passphrase-3")
    practitioner.save()

    changes = person_changes(before=before, after=_snapshot(practitioner))

    assert changes == {"password": {"usable": True}}


def test_someone_elses_change_is_recorded_and_emailed(practitioner, manager, committed):
    with committed():
        event = person_change_record(person=practitioner, actor=manager, changes=ROLE_CHANGE)

    assert (event.action, event.actor, event.detail) == (
        "account.changed",
        manager,
        {"changes": ROLE_CHANGE},
    )
    assert [email.to for email in mail.outbox] == [[practitioner.email]]


def test_nobody_is_emailed_about_their_own_change(practitioner, committed):
    with committed():
        emailed = person_changed_notify(
            person=practitioner, actor=practitioner, changes=ROLE_CHANGE
        )

    assert emailed is False
    assert mail.outbox == []


def test_changes_outside_the_notified_list_are_not_emailed(practitioner, manager, committed):
    with committed():
        emailed = person_changed_notify(
            person=practitioner, actor=manager, changes={"team": {"old": 1, "new": 2}}
        )

    assert emailed is False
    assert mail.outbox == []


def test_the_email_is_queued_with_the_change_so_a_rollback_sends_nothing(
    practitioner, manager, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def change_that_fails():
        with transaction.atomic():
            person_changed_notify(person=practitioner, actor=manager, changes=ROLE_CHANGE)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError, match="the change fails"):
        change_that_fails()

    assert not EmailDelivery.objects.exists()
    assert mail.outbox == []


def test_the_email_says_when_in_uk_time(practitioner, manager, committed):
    when = datetime(2026, 7, 1, 11, 30, tzinfo=UTC)

    with committed():
        person_changed_notify(person=practitioner, actor=manager, changes=ROLE_CHANGE, when=when)

    assert "on 1 July 2026 at 12:30 BST" in mail.outbox[0].body


def test_the_email_names_whom_to_ask(practitioner, manager, committed):
    with committed():
        person_changed_notify(person=practitioner, actor=manager, changes=ROLE_CHANGE)

    assert f"contact Priya Shah at {manager.email}" in mail.outbox[0].body


def test_a_change_with_no_actor_is_announced_as_by_a_course_administrator(practitioner, committed):
    with committed():
        person_changed_notify(person=practitioner, actor=None, changes=ROLE_CHANGE)

    assert "A course administrator changed your account" in mail.outbox[0].body
    assert "contact your organisation's course administrator" in mail.outbox[0].body


def test_a_turned_off_password_is_explained(practitioner, manager, committed):
    with committed():
        person_changed_notify(
            person=practitioner, actor=manager, changes={"password": {"usable": False}}
        )

    assert "Signing in with a password was turned off" in mail.outbox[0].body


def test_a_new_kind_of_change_is_emailed_once_it_has_a_sentence(
    practitioner, manager, committed, monkeypatch
):
    # How the administrator's two-factor reset will join: one sentence, then one call.
    monkeypatch.setitem(
        admin_audit.NOTIFIED_CHANGES, "two_factor", lambda change: "Two-factor was reset."
    )

    with committed():
        person_change_record(person=practitioner, actor=manager, changes={"two_factor": {}})

    assert "- Two-factor was reset." in mail.outbox[0].body
    assert AuditEvent.objects.for_target(practitioner).get().detail == {
        "changes": {"two_factor": {}}
    }
