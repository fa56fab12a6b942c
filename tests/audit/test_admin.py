"""The audit trail in the administration site: read-only, with no way to delete."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(practitioner):
    return audit_record(action="account.registered", actor=practitioner, target=practitioner)


def test_the_delete_page_is_forbidden_even_to_a_superuser(admin_client, event):
    url = reverse("admin:audit_auditevent_delete", args=[event.pk])

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_list_offers_no_delete_action(admin_client, event):
    response = admin_client.get(reverse("admin:audit_auditevent_changelist"))

    assert response.status_code == 200
    assert response.context["action_form"] is None  # no actions at all, so no menu
    assert "delete_selected" not in response.content.decode()


def test_posting_the_delete_action_anyway_deletes_nothing(admin_client, event):
    admin_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_event_is_shown_read_only(admin_client, event):
    url = reverse("admin:audit_auditevent_change", args=[event.pk])

    response = admin_client.post(url, {"action": "something.else"})

    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "account.registered"


def test_the_list_runs_a_fixed_number_of_queries(
    admin_client, event, django_assert_max_num_queries
):
    url = reverse("admin:audit_auditevent_changelist")
    bound = 8
    with django_assert_max_num_queries(bound):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert "account.registered" in response.content.decode()
    for person in User.objects.all():
        for _ in range(3):
            audit_record(action="test.event", actor=person, target=person)

    with django_assert_max_num_queries(bound):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("test.event") >= 3 * User.objects.count()
