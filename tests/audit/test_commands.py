from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_purge_audit_events_removes_expired_events_and_says_how_many(event_at, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    event_at(timezone.now() - timedelta(days=31), action="old.event")
    event_at(timezone.now() - timedelta(days=29), action="recent.event")
    out = StringIO()

    call_command("purge_audit_events", stdout=out)

    assert "Removed 1 audit event older than 30 days." in out.getvalue()
    assert not AuditEvent.objects.filter(action="old.event").exists()
    assert AuditEvent.objects.filter(action="recent.event").exists()
