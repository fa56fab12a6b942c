"""outbox.services.email_queue with the database backend: the email is queued in the
transaction of the change that causes it, and nothing talks to the mail server until
the worker runs."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accounts.admin_audit import person_changed_notify
from modules.models import Exercise
from organisations.services import staff_invitation_send
from outbox.models import EmailDelivery
from outbox.services import email_queue
from reflections.models import Share
from reflections.services.sharing import share_invite
from tests.factories import ExerciseFactory, UserFactory

from .conftest import run_worker

pytestmark = pytest.mark.django_db

ROLE_CHANGE = {"role": {"old": "practitioner", "new": "trainer"}}


@pytest.fixture
def exercise():
    return ExerciseFactory(pairing=Exercise.Pairing.PAIR)


def test_a_rolled_back_change_queues_nothing_and_sends_nothing(
    practitioner, exercise, database_tasks
):
    def change_that_fails():
        with transaction.atomic():
            share_invite(owner=practitioner, exercise=exercise, email="robin@example.org")
            assert EmailDelivery.objects.count() == DBTaskResult.objects.count() == 1
            raise RuntimeError("something after the invitation fails")

    with pytest.raises(RuntimeError, match="something after the invitation fails"):
        change_that_fails()

    run_worker()
    assert not Share.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []


def test_a_committed_change_has_its_email_queued_and_nothing_sent_yet(
    practitioner, exercise, database_tasks
):
    share = share_invite(owner=practitioner, exercise=exercise, email="robin@example.org")

    assert share.invitation_email.status == EmailDelivery.Status.QUEUED
    assert DBTaskResult.objects.get().status == "READY"
    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [["robin@example.org"]]


def test_the_task_row_names_only_the_delivery_never_the_address_or_the_message(
    practitioner, exercise, database_tasks
):
    share = share_invite(owner=practitioner, exercise=exercise, email="robin@example.org")
    run_worker()

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [], "kwargs": {"delivery_id": share.invitation_email_id}}
    assert task.return_value == "sent"
    stored = str(task.args_kwargs) + str(task.return_value) + str(task.exception_class_path)
    assert "robin" not in stored
    assert "invit" not in stored.lower()


def test_an_account_notice_is_queued_with_its_change_and_goes_when_it_is_rolled_back(
    practitioner, manager, database_tasks
):
    def change_that_fails():
        with transaction.atomic():
            assert person_changed_notify(person=practitioner, actor=manager, changes=ROLE_CHANGE)
            assert EmailDelivery.objects.get().purpose == "accounts/person_changed"
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError, match="the change fails"):
        change_that_fails()

    run_worker()
    assert not EmailDelivery.objects.exists()
    assert mail.outbox == []


def test_a_password_reset_email_is_queued_not_sent_in_the_request(
    client, practitioner, database_tasks
):
    response = client.post("/accounts/password/reset/", {"email": practitioner.email})

    assert response.status_code == 302
    assert mail.outbox == []
    delivery = EmailDelivery.objects.get()
    assert (delivery.purpose, delivery.to) == (
        "account/email/password_reset_key",
        practitioner.email,
    )
    run_worker()
    [message] = mail.outbox
    assert "/accounts/password/reset/key/" in message.body
    assert EmailDelivery.objects.get().body == ""  # the link is not kept once sent


def test_a_staff_invitation_email_is_queued_not_sent_in_the_request(team, database_tasks):
    admin = UserFactory(team=team, role="organisation_admin")
    staff_invitation_send(
        admin=admin,
        full_name="Nia Newcomer",
        email="nia@example.org",
        team=team,
        job_role="",
        role="practitioner",
    )

    assert mail.outbox == []
    assert EmailDelivery.objects.get().purpose == "organisations/invitation"
    run_worker()
    assert [message.to for message in mail.outbox] == [["nia@example.org"]]


def test_plain_text_only(practitioner):
    message = EmailMultiAlternatives("Subject", "Body", to=[practitioner.email])
    message.attach_alternative("<p>Body</p>", "text/html")

    with pytest.raises(ValueError, match="plain-text email only"):
        email_queue(message=message, purpose="test")
