"""Signing in tells a practitioner about invitations and reviews waiting for them; a
person deactivated as a leaver has their shares ended."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.signals import person_deactivated
from audit.models import AuditEvent
from reflections.models import Share
from reflections.services.sharing import share_create
from tests.factories import ExerciseFactory

from .factories import CommitmentFactory, ExerciseResponseFactory, ShareFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user, password):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    assert response.context["user"] == user
    return [str(message) for message in response.context["messages"]]


def test_sign_in_mentions_a_waiting_invitation(client, practitioner, colleague, password):
    share_create(owner=practitioner, exercise=ExerciseFactory(), colleague=colleague)

    messages = sign_in(client, colleague, password)

    assert any("1 request to compare answers" in message for message in messages)
    assert any(reverse("reflections:mine") in message for message in messages)


def test_sign_in_mentions_a_review_that_is_due(client, practitioner, password):
    response = ExerciseResponseFactory(user=practitioner)
    today = timezone.localdate()
    CommitmentFactory(response=response, due_on=today - datetime.timedelta(days=7), review_on=today)

    messages = sign_in(client, practitioner, password)

    assert any("a review of your commitment that is due" in message for message in messages)


def test_sign_in_says_nothing_when_nothing_is_waiting(client, practitioner, colleague, password):
    share_create(owner=colleague, exercise=ExerciseFactory(), colleague=practitioner)
    response = ExerciseResponseFactory(user=colleague)
    CommitmentFactory(
        response=response,
        due_on=timezone.localdate(),
        review_on=timezone.localdate() + datetime.timedelta(days=30),
    )

    messages = sign_in(client, colleague, password)

    assert not any("My reflections" in message for message in messages)


def test_a_deactivated_persons_live_shares_end(practitioner, colleague, manager):
    started = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=ExerciseFactory(), status="accepted"
    )
    received = ShareFactory(owner=colleague, colleague=practitioner, exercise=ExerciseFactory())
    by_email = ShareFactory(
        owner=practitioner, invited_email="new@example.org", exercise=ExerciseFactory()
    )
    declined = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=ExerciseFactory(), status="declined"
    )
    others = ShareFactory(
        owner=colleague, colleague=manager, exercise=ExerciseFactory(), status="accepted"
    )

    person_deactivated.send(sender=type(practitioner), person=practitioner, actor=manager)

    live_before = Share.objects.filter(pk__in=[s.pk for s in (started, received, by_email)])
    assert {(share.status, share.ended_by_id) for share in live_before} == {("ended", manager.pk)}
    declined.refresh_from_db()
    others.refresh_from_db()
    assert (declined.status, others.status) == ("declined", "accepted")
    ended = AuditEvent.objects.filter(action="share.ended")
    assert sorted(int(event.target_id) for event in ended) == sorted(
        [started.pk, received.pk, by_email.pk]
    )
    assert all(event.detail["via"] == "person deactivated" for event in ended)


def test_a_partner_reads_nothing_once_the_leaver_is_deactivated(
    client, practitioner, colleague, manager
):
    share = ShareFactory(
        owner=colleague, colleague=practitioner, exercise=ExerciseFactory(), status="accepted"
    )
    client.force_login(colleague)
    detail = reverse("reflections:share_detail", args=[share.pk])
    assert client.get(detail).status_code == 200

    person_deactivated.send(sender=type(practitioner), person=practitioner, actor=manager)

    assert client.get(detail).status_code == 404
