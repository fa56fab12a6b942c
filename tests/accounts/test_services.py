"""Registering a practitioner."""

import pytest

from accounts.models import User
from accounts.services import user_register
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(team):
    return user_register(
        email="Jo@Example.org",
        password=PASSWORD,
        full_name="Jo Bloggs",
        organisation=team.organisation,
        team=team,
        job_role="Social worker",
    )


def test_registering_creates_a_practitioner_with_every_field(registered, team):
    user = User.objects.get(pk=registered.pk)

    assert (user.email, user.full_name, user.job_role) == (
        "jo@example.org",
        "Jo Bloggs",
        "Social worker",
    )
    assert (user.organisation, user.team, user.role) == (
        team.organisation,
        team,
        User.Role.PRACTITIONER,
    )
    assert not user.is_staff
    assert not user.is_superuser


def test_the_password_is_stored_hashed_and_works(registered):
    user = User.objects.get(pk=registered.pk)

    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_registering_is_recorded_in_the_audit_trail_without_the_password(registered):
    event = AuditEvent.objects.get(action="account.registered")

    assert event.actor == registered
    assert (event.target_type, event.target_id) == ("accounts.user", str(registered.pk))
    assert PASSWORD not in str(event.detail)
