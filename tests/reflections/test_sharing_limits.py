"""Who can be found and invited, and how often: verified people only, with limits that
stop the course being used to pester anyone."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from modules.models import Exercise
from reflections.models import Share
from reflections.services.sharing import SharingError, share_create, share_invite
from tests.factories import ExerciseFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("reflections:colleague_search")


def names_found(client, query):
    return [person["name"] for person in client.get(SEARCH, {"q": query}).json()["results"]]


def test_an_unverified_colleague_is_in_no_search(signed_in, team):
    UserFactory(team=team, full_name="Alex Verified")
    UserFactory(team=team, full_name="Alex Unverified", verified=False)

    assert names_found(signed_in, "alex") == ["Alex Verified"]


def test_an_unverified_account_cannot_search_or_invite(client, team, exercise):
    unverified = UserFactory(team=team, verified=False)
    UserFactory(team=team, full_name="Alex Jones")
    client.force_login(unverified)

    assert client.get(SEARCH, {"q": "alex"}).status_code == 403
    invite = client.post(
        reverse("reflections:share_start", args=[exercise.number]), {"email": "a@example.org"}
    )
    assert invite.status_code == 403
    with pytest.raises(SharingError, match="Confirm your email address"):
        share_invite(owner=unverified, exercise=exercise, email="a@example.org")
    assert not Share.objects.exists()


def test_searching_colleagues_is_rate_limited(signed_in, team, settings, exercise):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "colleague_search": "3/m/user"}
    UserFactory(team=team, full_name="Alex Jones")
    for _ in range(3):
        assert signed_in.get(SEARCH, {"q": "alex"}).status_code == 200

    limited = signed_in.get(SEARCH, {"q": "alex"})
    page = signed_in.get(reverse("reflections:share_start", args=[exercise.number]), {"q": "alex"})

    assert limited.status_code == 429
    assert limited.json() == {
        "results": [],
        "error": "Too many searches in a short time. Wait a minute, then search again.",
    }
    assert page.status_code == 200
    assert "Too many searches in a short time" in page.content.decode()
    assert "Alex Jones" not in page.content.decode()


def test_the_delete_account_password_check_is_rate_limited(signed_in, practitioner, password):
    for _ in range(5):
        signed_in.post(reverse("reflections:account_delete"), {"password": "wrong"})

    response = signed_in.post(reverse("reflections:account_delete"), {"password": password})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.pk


def test_one_person_may_send_twenty_invitations_a_day(practitioner, team, settings):
    settings.INVITATIONS_PER_SENDER_PER_DAY = 20
    for number in range(20):
        share_invite(
            owner=practitioner,
            exercise=ExerciseFactory(pairing=Exercise.Pairing.PAIR),
            email=f"p{number}@example.org",
        )
    first = Share.objects.order_by("created_at").first()
    again_at = timezone.localtime(first.created_at + datetime.timedelta(days=1))

    with pytest.raises(SharingError) as refused:
        share_create(
            owner=practitioner,
            exercise=ExerciseFactory(pairing=Exercise.Pairing.PAIR),
            colleague=UserFactory(team=team),
        )

    assert "You have sent 20 requests to compare answers in the last day" in str(refused.value)
    assert f"after {again_at:%H:%M} on {again_at:%A} {again_at.day} {again_at:%B}" in str(
        refused.value
    )
    assert len(mail.outbox) == 20


def test_a_day_later_the_sender_may_invite_again(practitioner, settings, exercise):
    settings.INVITATIONS_PER_SENDER_PER_DAY = 1
    share_invite(owner=practitioner, exercise=exercise, email="a@example.org")
    Share.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))

    share_invite(
        owner=practitioner,
        exercise=ExerciseFactory(pairing=Exercise.Pairing.PAIR),
        email="b@example.org",
    )

    assert Share.objects.count() == 2


def test_one_address_receives_at_most_three_invitations_a_week_from_anyone(team, settings):
    settings.INVITATIONS_PER_ADDRESS_PER_WEEK = 3
    for _ in range(3):
        share_invite(
            owner=UserFactory(team=team),
            exercise=ExerciseFactory(pairing=Exercise.Pairing.PAIR),
            email="New.Starter@example.org",
        )

    with pytest.raises(
        SharingError, match=r"new\.starter@example\.org has been sent 3 requests to compare answers"
    ):
        share_invite(
            owner=UserFactory(team=team),
            exercise=ExerciseFactory(pairing=Exercise.Pairing.PAIR),
            email="new.starter@EXAMPLE.org",
        )
    assert len(mail.outbox) == 3


def test_the_limit_is_explained_on_the_page_with_the_address_kept(
    signed_in, practitioner, exercise, settings
):
    settings.INVITATIONS_PER_SENDER_PER_DAY = 1
    share_invite(
        owner=practitioner,
        exercise=ExerciseFactory(pairing=Exercise.Pairing.PAIR),
        email="b@example.org",
    )

    response = signed_in.post(
        reverse("reflections:share_start", args=[exercise.number]), {"email": "a@example.org"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "the most allowed" in page
    assert 'value="a@example.org"' in page


def test_inviting_a_registered_colleague_by_email_says_only_the_address(
    signed_in, colleague, exercise
):
    response = signed_in.post(
        reverse("reflections:share_start", args=[exercise.number]),
        {"email": "ALEX@example.org"},
        follow=True,
    )

    page = response.content.decode()
    assert (
        "Request to compare answers saved. The email to alex@example.org is queued and "
        "will be sent shortly." in page
    )
    assert colleague.full_name not in page
