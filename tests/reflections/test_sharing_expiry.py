"""Invitations to compare answers expire after SHARE_INVITATION_DAYS: nobody can see or
accept one after that, and only its sender is told it expired."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from reflections.models import Share
from reflections.retention import email_invitations_purge
from reflections.selectors.sharing import (
    exercise_sharing,
    invitation_can_respond,
    share_get_engaged,
    share_get_expired_for_sender,
    share_get_for_invitee,
    share_invitations_for,
)
from reflections.services.sharing import (
    SharingError,
    share_accept,
    share_create,
    share_decline,
    share_invitations_expire,
    share_invite,
)
from tests.factories import ExerciseFactory, UserFactory
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db

DAYS = 30


@pytest.fixture(autouse=True)
def _period(settings):
    settings.SHARE_INVITATION_DAYS = DAYS


@pytest.fixture
def invitee():
    """Someone invited by email, who has verified the address (an independent learner)."""
    return UserFactory(email="robin@elsewhere.example", team=None, organisation=None)


def sent_days_ago(share, days, **extra):
    """`share` as if it had been sent `days` days ago (created_at is set on insert)."""
    Share.objects.filter(pk=share.pk).update(
        created_at=timezone.now() - timedelta(days=days), **extra
    )
    share.refresh_from_db()
    return share


def by_name(owner, colleague, exercise, *, days):
    share = ShareFactory(owner=owner, colleague=colleague, exercise=exercise)
    return sent_days_ago(share, days)


def by_email(owner, email, exercise, *, days):
    share = ShareFactory(owner=owner, invited_email=email, exercise=exercise)
    return sent_days_ago(share, days)


def invitation_url(share):
    return reverse("reflections:invitation", args=[share.token])


# --- The rule ------------------------------------------------------------------------------


def test_an_invitation_expires_once_the_period_has_passed(practitioner, colleague, exercise):
    share = by_name(practitioner, colleague, exercise, days=DAYS)
    assert share.is_expired

    sent_days_ago(share, DAYS - 1)
    assert not share.is_expired


def test_answered_invitations_never_expire(practitioner, colleague, exercise):
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )

    sent_days_ago(share, DAYS + 100)

    assert not share.is_expired
    assert Share.objects.live().get() == share


def test_the_queryset_and_the_property_agree(practitioner, colleague, exercise):
    shares = [by_name(practitioner, UserFactory(), exercise, days=d) for d in (DAYS - 1, DAYS + 1)]

    expired = set(Share.objects.invitations_expired())
    current = set(Share.objects.invitations_current())

    assert expired == {share for share in shares if share.is_expired} == {shares[1]}
    assert current == {shares[0]}


def test_a_period_shorter_than_the_weekly_address_limit_is_refused(
    settings, practitioner, colleague, exercise
):
    settings.SHARE_INVITATION_DAYS = 6

    with pytest.raises(ImproperlyConfigured):
        list(Share.objects.invitations_current())


# --- Selectors -----------------------------------------------------------------------------


def test_an_expired_invitation_is_not_listed_for_the_invitee(practitioner, colleague, exercise):
    by_name(practitioner, colleague, exercise, days=DAYS + 1)
    current = by_name(practitioner, colleague, ExerciseFactory(), days=DAYS - 1)

    assert list(share_invitations_for(user=colleague)) == [current]


def test_an_expired_email_invitation_is_not_listed_for_who_verified_the_address(
    practitioner, invitee, exercise
):
    by_email(practitioner, invitee.email, exercise, days=DAYS + 1)

    assert not share_invitations_for(user=invitee).exists()


def test_nobody_finds_an_expired_invitation_by_its_link(practitioner, colleague, exercise):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)

    for person in (colleague, practitioner):
        with pytest.raises(Share.DoesNotExist):
            share_get_for_invitee(user=person, token=share.token)


def test_nobody_may_answer_an_expired_invitation(practitioner, colleague, invitee, exercise):
    named = by_name(practitioner, colleague, exercise, days=DAYS + 1)
    emailed = by_email(practitioner, invitee.email, ExerciseFactory(), days=DAYS + 1)

    assert not invitation_can_respond(user=colleague, share=named)
    assert not invitation_can_respond(user=invitee, share=emailed)


def test_only_the_sender_finds_an_expired_invitation_as_expired(
    practitioner, colleague, team, exercise
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)

    assert share_get_expired_for_sender(user=practitioner, token=share.token) == share
    for someone_else in (colleague, UserFactory(team=team)):
        assert share_get_expired_for_sender(user=someone_else, token=share.token) is None


def test_a_current_invitation_is_not_found_as_expired(practitioner, colleague, exercise):
    share = by_name(practitioner, colleague, exercise, days=DAYS - 1)

    assert share_get_expired_for_sender(user=practitioner, token=share.token) is None


def test_the_sender_of_an_expired_invitation_is_free_to_invite_again(
    practitioner, colleague, exercise
):
    by_name(practitioner, colleague, exercise, days=DAYS + 1)

    assert share_get_engaged(user=practitioner, exercise=exercise) is None
    assert exercise_sharing(viewer=practitioner, exercise=exercise).share is None


# --- Services ------------------------------------------------------------------------------


def test_an_expired_invitation_cannot_be_accepted(practitioner, colleague, exercise):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)

    with pytest.raises(SharingError):
        share_accept(share=share, user=colleague)

    share.refresh_from_db()
    assert share.status == Share.Status.PENDING


def test_an_expired_email_invitation_cannot_be_accepted(practitioner, invitee, exercise):
    share = by_email(practitioner, invitee.email, exercise, days=DAYS + 1)

    with pytest.raises(SharingError):
        share_accept(share=share, user=invitee)

    share.refresh_from_db()
    assert (share.colleague, share.status) == (None, Share.Status.PENDING)


def test_an_expired_invitation_cannot_be_declined(practitioner, colleague, exercise):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)

    with pytest.raises(SharingError):
        share_decline(share=share, user=colleague)


def test_expiring_marks_overdue_invitations_as_ended_when_they_expired(
    practitioner, colleague, exercise
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 3)

    assert share_invitations_expire() == 1

    share.refresh_from_db()
    assert share.status == Share.Status.EXPIRED
    assert share.ended_at == share.created_at + timedelta(days=DAYS)
    assert share.ended_by is None


def test_expiring_leaves_current_and_answered_invitations(practitioner, colleague, exercise):
    current = by_name(practitioner, colleague, exercise, days=DAYS - 1)
    declined = by_name(practitioner, UserFactory(), ExerciseFactory(), days=DAYS + 1)
    Share.objects.filter(pk=declined.pk).update(status=Share.Status.DECLINED)

    assert share_invitations_expire() == 0
    assert set(Share.objects.values_list("status", flat=True)) == {"pending", "declined"}
    assert Share.objects.invitations_current().get() == current


def test_expiring_a_second_time_marks_nothing(practitioner, colleague, exercise):
    by_name(practitioner, colleague, exercise, days=DAYS + 1)
    share_invitations_expire()

    assert share_invitations_expire() == 0


def test_inviting_the_same_colleague_again_after_expiry_works_before_the_daily_run(
    practitioner, colleague, exercise
):
    """The overdue row is still pending to the database's one-live-share constraint until
    it is marked; sending the new invitation marks it first."""
    old = by_name(practitioner, colleague, exercise, days=DAYS + 1)

    new = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    old.refresh_from_db()
    assert old.status == Share.Status.EXPIRED
    assert new.status == Share.Status.PENDING


def test_inviting_by_email_after_an_expired_invitation_works(practitioner, colleague, exercise):
    by_name(practitioner, colleague, exercise, days=DAYS + 1)

    share = share_invite(owner=practitioner, exercise=exercise, email="new@example.org")

    assert share.status == Share.Status.PENDING


# --- The invitation page -------------------------------------------------------------------


def test_the_invitee_opening_an_expired_link_finds_nothing(
    client, practitioner, colleague, exercise
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)
    client.force_login(colleague)

    page = client.get(invitation_url(share))
    accept = client.post(invitation_url(share), {"decision": "accept"})

    assert page.status_code == accept.status_code == 404
    assert "Sam Patel" not in page.content.decode()
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING


def test_who_verified_the_address_opening_an_expired_link_finds_nothing(
    client, practitioner, invitee, exercise
):
    share = by_email(practitioner, invitee.email, exercise, days=DAYS + 1)
    client.force_login(invitee)

    assert client.get(invitation_url(share)).status_code == 404
    assert client.post(invitation_url(share), {"decision": "accept"}).status_code == 404


def test_the_sender_opening_an_expired_link_is_told_it_expired(
    client, practitioner, colleague, exercise
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)
    client.force_login(practitioner)

    response = client.get(invitation_url(share))

    page = response.content.decode()
    assert response.status_code == 410
    assert "Your request to compare answers on exercise" in page
    assert "has expired" in page
    assert "Alex Jones" in page
    assert reverse("reflections:share_start", args=[exercise.number]) in page


def test_the_sender_is_told_it_expired_once_the_daily_run_has_marked_it(
    client, practitioner, colleague, exercise
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)
    share_invitations_expire()
    client.force_login(practitioner)

    assert client.get(invitation_url(share)).status_code == 410


def test_someone_else_opening_an_expired_link_finds_nothing(
    client, practitioner, colleague, team, exercise
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)
    client.force_login(UserFactory(team=team))

    assert client.get(invitation_url(share)).status_code == 404


def test_a_link_one_day_before_expiry_still_works(client, practitioner, colleague, exercise):
    share = by_name(practitioner, colleague, exercise, days=DAYS - 1)
    client.force_login(colleague)

    response = client.post(invitation_url(share), {"decision": "accept"})

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == Share.Status.ACCEPTED


def test_my_reflections_does_not_offer_an_expired_invitation(
    client, practitioner, colleague, exercise
):
    by_name(practitioner, colleague, exercise, days=DAYS + 1)
    client.force_login(colleague)

    response = client.get(reverse("reflections:mine"))
    page = response.content.decode()

    assert response.status_code == 200
    assert f"Reflective exercise {exercise.number}: {exercise.title}" in page
    assert 'value="accept"' not in page
    assert "Sam Patel" not in page


@pytest.mark.parametrize("extra", [0, 4])
def test_the_expired_page_queries_do_not_grow(
    client, practitioner, colleague, exercise, extra, django_assert_max_num_queries
):
    share = by_name(practitioner, colleague, exercise, days=DAYS + 1)
    for _ in range(extra):
        by_name(practitioner, UserFactory(), ExerciseFactory(), days=DAYS + 1)
    client.force_login(practitioner)

    with django_assert_max_num_queries(6):
        response = client.get(invitation_url(share))
    assert response.status_code == 410
    page = response.content.decode()
    assert f"Your request to compare answers on exercise {exercise.number} has expired" in page
    assert "You invited Alex Jones" in page


def test_once_the_daily_run_deletes_an_email_invitation_its_sender_finds_nothing(
    client, practitioner, exercise
):
    share = by_email(practitioner, "gone@example.org", exercise, days=DAYS + 1)
    client.force_login(practitioner)
    before = client.get(invitation_url(share))

    email_invitations_purge(now=timezone.now())

    assert before.status_code == 410
    assert "gone@example.org" in before.content.decode()
    assert client.get(invitation_url(share)).status_code == 404
