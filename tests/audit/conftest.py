from unittest import mock

import pytest

from audit.services import audit_record


@pytest.fixture
def event_at(db):
    """Records an event as if at `moment` (created_at is set by the database layer)."""

    def record(moment, action="test.event"):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            return audit_record(action=action)

    return record
