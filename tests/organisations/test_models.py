"""Invitations and staff lists as stored (organisations.models)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.models import StaffInvitation

pytestmark = pytest.mark.django_db


def test_an_invitation_stores_the_address_in_normal_form(organisation):
    invitation = StaffInvitation.objects.create(
        organisation=organisation, email=" PRIYA.ſHAH@Example.org ", full_name="Priya"
    )

    assert invitation.email == "priya.shah@example.org"


def test_each_invitation_gets_its_own_long_token(organisation):
    first, second = (
        StaffInvitation.objects.create(organisation=organisation, email=f"{n}@example.org")
        for n in range(2)
    )

    assert first.token != second.token
    assert len(first.token) >= 40


def test_an_invitation_expires_after_the_set_days(organisation, settings):
    settings.STAFF_INVITATION_DAYS = 30
    now = timezone.now()
    fresh = StaffInvitation.objects.create(
        organisation=organisation, email="a@example.org", created_at=now - timedelta(days=29)
    )
    old = StaffInvitation.objects.create(
        organisation=organisation, email="b@example.org", created_at=now - timedelta(days=30)
    )

    assert (fresh.is_expired, old.is_expired) == (False, True)
    assert fresh.expires_at == fresh.created_at + timedelta(days=30)
    assert list(StaffInvitation.objects.pending()) == [fresh]
    assert list(StaffInvitation.objects.expired()) == [old]


def test_an_accepted_invitation_is_neither_pending_nor_expired(organisation):
    StaffInvitation.objects.create(
        organisation=organisation, email="a@example.org", accepted_at=timezone.now()
    )

    assert not StaffInvitation.objects.pending().exists()
    assert not StaffInvitation.objects.expired().exists()
