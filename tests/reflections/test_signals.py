"""Signing in tells a practitioner about invitations and reviews waiting for them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reflections.models import Commitment
from reflections.services.sharing import share_create
from tests.factories import ExerciseFactory

from .factories import ExerciseResponseFactory

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

    assert any("1 invitation to compare answers" in message for message in messages)
    assert any(reverse("reflections:mine") in message for message in messages)


def test_sign_in_mentions_a_review_that_is_due(client, practitioner, password):
    response = ExerciseResponseFactory(user=practitioner)
    today = timezone.localdate()
    Commitment.objects.create(
        response=response, due_on=today - datetime.timedelta(days=7), review_on=today
    )

    messages = sign_in(client, practitioner, password)

    assert any("a review of your commitment that is due" in message for message in messages)


def test_sign_in_says_nothing_when_nothing_is_waiting(client, practitioner, colleague, password):
    share_create(owner=colleague, exercise=ExerciseFactory(), colleague=practitioner)
    response = ExerciseResponseFactory(user=colleague)
    Commitment.objects.create(
        response=response,
        due_on=timezone.localdate(),
        review_on=timezone.localdate() + datetime.timedelta(days=30),
    )

    messages = sign_in(client, colleague, password)

    assert not any("My reflections" in message for message in messages)
