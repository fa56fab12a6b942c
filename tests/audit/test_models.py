"""Audit events are append-only: nothing through `objects` or an instance changes one."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent, AuditEventImmutable
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(practitioner):
    return audit_record(action="account.registered", actor=practitioner, target=practitioner)


def test_saving_a_recorded_event_again_is_refused(event):
    event.action = "something.else"

    with pytest.raises(AuditEventImmutable):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "account.registered"


def test_saving_only_some_fields_of_a_recorded_event_is_refused(event):
    event.action = "something.else"

    with pytest.raises(AuditEventImmutable):
        event.save(update_fields=["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "account.registered"


def test_a_new_event_with_an_existing_id_cannot_overwrite_it(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent(pk=event.pk, created_at=event.created_at, action="forged.event").save()

    assert AuditEvent.objects.get(pk=event.pk).action == "account.registered"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_events_through_a_queryset_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_updating_events_through_a_queryset_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action="something.else")

    assert AuditEvent.objects.get(pk=event.pk).action == "account.registered"


def test_bulk_updating_events_is_refused(event):
    event.action = "something.else"

    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "account.registered"


def test_erasing_the_actor_keeps_the_event_with_no_actor(event, practitioner):
    # The one change the database layer still makes, so an account can be erased.
    practitioner.delete()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id is None
    assert stored.action == "account.registered"
