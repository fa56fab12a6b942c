"""An invitation to compare answers, by email, when the mail server is down: the share
is saved and its email queued, delivered once the server is up (once, however often the
worker runs), and when every attempt fails its sender, and only its sender, is told and
can send it again."""

import pytest
from django.urls import reverse

from modules.models import Exercise
from outbox.models import EmailDelivery
from outbox.tasks import RETRY_DELAYS
from reflections.models import Share
from tests.factories import ExerciseFactory, QuestionFactory, UserFactory

from .conftest import run_worker, time_passes

pytestmark = pytest.mark.django_db

ADDRESS = "robin.new@example.org"
QUEUED = (
    f"Request to compare answers saved. The email to {ADDRESS} is queued and will be sent shortly."
)
UNDELIVERED = f"We could not deliver the email asking {ADDRESS} to compare answers."


@pytest.fixture
def exercise():
    exercise = ExerciseFactory(pairing=Exercise.Pairing.PAIR, title="Your role")
    QuestionFactory(exercise=exercise, order=1, key="first")
    return exercise


@pytest.fixture
def sender(client, practitioner):
    client.force_login(practitioner)
    return client


def invite(client, exercise, email=ADDRESS):
    url = reverse("reflections:share_start", args=[exercise.number])
    return client.post(url, {"email": email}, follow=True)


def exercise_page(client, exercise):
    response = client.get(reverse("reflections:exercise", args=[exercise.number]))
    assert response.status_code == 200
    return response.content.decode()


def every_attempt_fails():
    """Run the worker through the first attempt and every retry, time passing between."""
    for _ in range(len(RETRY_DELAYS) + 1):
        run_worker()
        time_passes()


def test_inviting_while_the_mail_server_is_down_saves_the_share_and_says_the_email_is_queued(
    sender, exercise, smtp
):
    response = invite(sender, exercise)

    assert response.status_code == 200
    assert QUEUED in response.content.decode()
    share = Share.objects.get(invited_email=ADDRESS)
    assert share.invitation_email.status == EmailDelivery.Status.QUEUED
    assert smtp.received == []


def test_the_email_arrives_once_the_mail_server_is_up_and_only_once(sender, exercise, smtp):
    invite(sender, exercise)
    run_worker()  # the server is down: the attempt fails and is put off
    assert smtp.received == []

    smtp.up()
    run_worker()  # not due yet: nothing is tried before its delay
    assert smtp.received == []
    time_passes()
    run_worker()
    time_passes()
    run_worker()  # again, even with time passing: the email went already

    [(recipients, text)] = smtp.received
    assert recipients == [ADDRESS]
    assert "/reflections/invitations/" in text
    delivery = Share.objects.get(invited_email=ADDRESS).invitation_email
    assert (delivery.status, delivery.attempts, delivery.body) == ("sent", 2, "")


def test_when_every_attempt_fails_the_sender_is_told_on_the_exercise_page(sender, exercise, smtp):
    invite(sender, exercise)
    every_attempt_fails()

    delivery = Share.objects.get(invited_email=ADDRESS).invitation_email
    assert (delivery.status, delivery.attempts) == ("failed", len(RETRY_DELAYS) + 1)
    page = exercise_page(sender, exercise)
    assert UNDELIVERED in page
    assert "Check the address, or send the link yourself" in page
    assert "Send the email again" in page


def test_only_the_sender_is_told_the_email_failed(client, exercise, smtp, practitioner, colleague):
    client.force_login(practitioner)
    url = reverse("reflections:share_start", args=[exercise.number])
    client.post(url, {"colleague": colleague.pk})
    every_attempt_fails()
    told = "We could not deliver the email asking Alex Jones to compare answers."
    assert told in exercise_page(client, exercise)

    client.force_login(colleague)
    page = exercise_page(client, exercise)

    assert "We could not deliver" not in page
    assert "Send the email again" not in page


def test_after_a_failed_email_the_sender_can_send_it_again_and_it_arrives(sender, exercise, smtp):
    invite(sender, exercise)
    every_attempt_fails()
    share = Share.objects.get(invited_email=ADDRESS)

    response = sender.post(
        reverse("reflections:invitation_email_resend", args=[share.pk]), follow=True
    )

    assert response.status_code == 200
    assert QUEUED in response.content.decode()
    assert UNDELIVERED not in response.content.decode()
    smtp.up()
    run_worker()
    assert [recipients for recipients, _text in smtp.received] == [[ADDRESS]]


def test_inviting_the_same_address_again_after_a_failed_email_sends_it_again(
    sender, exercise, smtp
):
    invite(sender, exercise)
    every_attempt_fails()

    response = invite(sender, exercise)

    page = response.content.decode()
    assert "You have already invited someone" not in page
    assert QUEUED in page
    assert Share.objects.filter(invited_email=ADDRESS).count() == 1
    smtp.up()
    run_worker()
    assert len(smtp.received) == 1


def test_inviting_someone_else_after_a_failed_email_says_how_to_go_on(sender, exercise, smtp):
    invite(sender, exercise)
    every_attempt_fails()

    response = invite(sender, exercise, email="someone.else@example.org")

    page = response.content.decode()
    assert response.status_code == 400
    assert "its email could not be delivered. Send the email again, or withdraw" in page
    assert "Send the email again" in page


def test_an_email_on_its_way_cannot_be_sent_twice(sender, exercise, smtp):
    invite(sender, exercise)
    share = Share.objects.get(invited_email=ADDRESS)

    response = sender.post(
        reverse("reflections:invitation_email_resend", args=[share.pk]), follow=True
    )

    assert "The invitation email is already on its way." in response.content.decode()
    assert EmailDelivery.objects.count() == 1


def test_nobody_but_the_sender_can_send_it_again(client, exercise, smtp, practitioner):
    client.force_login(practitioner)
    invite(client, exercise)
    every_attempt_fails()
    share = Share.objects.get(invited_email=ADDRESS)
    client.force_login(UserFactory(team=practitioner.team))

    response = client.post(reverse("reflections:invitation_email_resend", args=[share.pk]))

    assert response.status_code == 404
    assert EmailDelivery.objects.count() == 1
