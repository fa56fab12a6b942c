"""Certificates in the administration site: read-only, with one thing to do: revoke."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditEvent
from reflections.models import Certificate
from tests.factories import UserFactory, second_factor_for
from tests.reflections.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(practitioner):
    return CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")


def revoke(client, *certificates):
    return client.post(
        reverse("admin:reflections_certificate_changelist"),
        {"action": "certificates_revoke", "_selected_action": [c.pk for c in certificates]},
        follow=True,
    )


def test_the_list_shows_codes_grouped_with_their_holders(admin_client, certificate):
    response = admin_client.get(reverse("admin:reflections_certificate_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "K7QF-9M2X-PD4R-8T3H" in page
    assert "Sam Patel" in page


def test_revoking_records_who_and_when_and_audits(admin_client, administrator, certificate):
    response = revoke(admin_client, certificate)

    assert "1 certificate revoked" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == administrator
    event = AuditEvent.objects.get(action="certificate.revoked")
    assert (event.actor, event.target_id) == (administrator, str(certificate.pk))


def test_revoking_an_already_revoked_one_changes_nothing(admin_client, certificate):
    revoke(admin_client, certificate)
    first = Certificate.objects.get().revoked_at

    response = revoke(admin_client, certificate)

    assert "0 certificates revoked" in response.content.decode()
    assert Certificate.objects.get().revoked_at == first


def test_nothing_of_a_certificate_can_be_edited_or_added(admin_client, certificate):
    url = reverse("admin:reflections_certificate_change", args=[certificate.pk])

    page = admin_client.get(url).content.decode()
    admin_client.post(url, {"code": "AAAABBBBCCCCDDDD", "user": UserFactory().pk})

    assert 'name="code"' not in page
    assert 'name="user"' not in page
    certificate.refresh_from_db()
    assert certificate.code == "K7QF9M2XPD4R8T3H"
    add = admin_client.get(reverse("admin:reflections_certificate_add"))
    assert add.status_code == 403


def test_staff_who_may_only_view_cannot_revoke(client, certificate):
    viewer = UserFactory(is_staff=True, role="administrator", team=None, organisation=None)
    viewer.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    second_factor_for(viewer)
    client.force_login(viewer)

    response = revoke(client, certificate)

    assert response.status_code == 200
    assert "K7QF-9M2X-PD4R-8T3H" in response.content.decode()  # they do see the list
    certificate.refresh_from_db()
    assert not certificate.is_revoked
