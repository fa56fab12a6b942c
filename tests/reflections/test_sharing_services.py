import contextlib
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from modules.models import Exercise
from reflections.models import ExerciseResponse, Share
from reflections.selectors.sharing import share_invitations_for
from reflections.services import sharing
from reflections.services.answers import response_submit
from reflections.services.sharing import (
    SharingError,
    share_accept,
    share_create,
    share_decline,
    share_end,
    share_invite,
)
from tests.factories import ExerciseFactory, QuestionFactory, TeamFactory, UserFactory
from tests.reflections.factories import AnswerFactory, ExerciseResponseFactory, ShareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider():
    return UserFactory(email="outsider@elsewhere.example", full_name="Jo Other")


def test_share_create_invites_the_colleague_and_waits_for_a_reply(
    practitioner, colleague, exercise
):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    assert (share.owner, share.colleague, share.status) == (
        practitioner,
        colleague,
        Share.Status.PENDING,
    )


def test_share_create_emails_the_colleague_a_link_without_answer_text(
    practitioner, colleague, exercise, settings
):
    settings.SITE_URL = "https://course.example.org"
    response = ExerciseResponseFactory(user=practitioner, exercise=exercise)
    AnswerFactory(response=response, question=exercise.questions.first(), text="PRIVATE-WORDS")

    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    [email] = mail.outbox
    assert email.to == ["alex@example.org"]
    assert f"https://course.example.org/reflections/invitations/{share.token}/" in email.body
    assert "PRIVATE-WORDS" not in email.body + email.subject


def test_share_create_is_audited_with_ids_only(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    event = AuditEvent.objects.for_target(share).get()
    assert event.action == "share.created"
    assert event.actor == practitioner
    assert event.detail == {"exercise": exercise.number, "by_email": False}


def test_a_second_live_share_with_the_same_colleague_is_refused(practitioner, colleague, exercise):
    share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    with pytest.raises(SharingError):
        share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    assert Share.objects.count() == 1


def test_a_share_in_the_other_direction_is_refused_while_one_is_live(
    practitioner, colleague, exercise
):
    share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    with pytest.raises(SharingError, match="already asked you to compare answers"):
        share_create(owner=colleague, exercise=exercise, colleague=practitioner)
    assert Share.objects.count() == 1


def test_inviting_a_second_colleague_to_the_same_exercise_is_refused(
    practitioner, colleague, team, exercise
):
    share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    with pytest.raises(SharingError, match="already asked someone to compare answers"):
        share_create(owner=practitioner, exercise=exercise, colleague=UserFactory(team=team))


def test_different_exercises_can_be_shared_with_different_colleagues(
    practitioner, colleague, team, exercise
):
    other_exercise = ExerciseFactory(pairing=Exercise.Pairing.OPTIONAL)
    third = UserFactory(team=team)

    share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_create(owner=practitioner, exercise=other_exercise, colleague=third)

    assert Share.objects.live().involving(practitioner).count() == 2


def test_sharing_with_yourself_is_refused(practitioner, exercise):
    with pytest.raises(SharingError, match="yourself"):
        share_create(owner=practitioner, exercise=exercise, colleague=practitioner)
    with pytest.raises(SharingError, match="yourself"):
        share_invite(owner=practitioner, exercise=exercise, email="SAM@example.org")
    assert not Share.objects.exists()


def test_sharing_with_someone_in_another_organisation_by_name_is_refused(
    practitioner, outsider, exercise
):
    with pytest.raises(SharingError, match="own organisation"):
        share_create(owner=practitioner, exercise=exercise, colleague=outsider)
    assert not Share.objects.exists()


def test_sharing_with_an_inactive_colleague_is_refused(practitioner, team, exercise):
    former = UserFactory(team=team, is_active=False)

    with pytest.raises(SharingError):
        share_create(owner=practitioner, exercise=exercise, colleague=former)


def test_a_solo_exercise_cannot_be_shared(practitioner, colleague):
    solo = ExerciseFactory(pairing=Exercise.Pairing.SOLO)

    with pytest.raises(SharingError, match="alone"):
        share_create(owner=practitioner, exercise=solo, colleague=colleague)
    with pytest.raises(SharingError, match="alone"):
        share_invite(owner=practitioner, exercise=solo, email="new@example.org")


def test_accept_starts_the_pairing(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    share_accept(share=share, user=colleague)

    share.refresh_from_db()
    assert share.status == Share.Status.ACCEPTED
    assert share.responded_at is not None
    assert AuditEvent.objects.for_target(share).filter(action="share.accepted").exists()


def test_only_the_invited_colleague_can_accept(practitioner, colleague, team, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    for someone in (practitioner, UserFactory(team=team)):
        with pytest.raises(SharingError):
            share_accept(share=share, user=someone)
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING


def test_accepting_is_refused_while_already_pairing_on_that_exercise(
    practitioner, colleague, team, exercise
):
    third = UserFactory(team=team)
    first = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_accept(share=first, user=colleague)
    second = share_create(owner=third, exercise=exercise, colleague=colleague)

    with pytest.raises(SharingError, match="already comparing answers on this exercise"):
        share_accept(share=second, user=colleague)


def answer_and_submit(user, exercise):
    response = ExerciseResponseFactory(user=user, exercise=exercise)
    for key in ("first", "second"):
        AnswerFactory(response=response, question=exercise.questions.get(key=key), text="WORDS")
    response_submit(user=user, exercise=exercise)


def revealed_events(share):
    return list(AuditEvent.objects.for_target(share).filter(action="share.revealed"))


def test_the_second_submission_reveals_the_share_and_is_audited(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_accept(share=share, user=colleague)
    answer_and_submit(practitioner, exercise)
    assert revealed_events(share) == []

    answer_and_submit(colleague, exercise)

    [event] = revealed_events(share)
    assert event.actor == colleague
    assert event.detail == {"exercise": exercise.number}


def test_accepting_after_both_submitted_reveals_the_share_and_is_audited(
    practitioner, colleague, exercise
):
    answer_and_submit(practitioner, exercise)
    answer_and_submit(colleague, exercise)
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    share_accept(share=share, user=colleague)

    [event] = revealed_events(share)
    assert event.actor == colleague


def test_a_share_is_revealed_once_in_the_audit_trail(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_accept(share=share, user=colleague)
    answer_and_submit(practitioner, exercise)
    answer_and_submit(colleague, exercise)

    response_submit(user=practitioner, exercise=exercise)
    response_submit(user=colleague, exercise=exercise)

    assert len(revealed_events(share)) == 1


def test_a_pending_invitation_is_not_revealed(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    answer_and_submit(practitioner, exercise)
    answer_and_submit(colleague, exercise)

    assert revealed_events(share) == []


def test_decline_closes_the_invitation(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    share_decline(share=share, user=colleague)

    share.refresh_from_db()
    assert share.status == Share.Status.DECLINED
    assert AuditEvent.objects.for_target(share).filter(action="share.declined").exists()


@pytest.mark.parametrize("who_ends", ["owner", "colleague"])
def test_either_partner_can_end_the_share(practitioner, colleague, exercise, who_ends):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_accept(share=share, user=colleague)
    ender = practitioner if who_ends == "owner" else colleague

    share_end(share=share, user=ender)

    share.refresh_from_db()
    assert (share.status, share.ended_by) == (Share.Status.ENDED, ender)
    assert share.ended_at is not None
    event = AuditEvent.objects.for_target(share).get(action="share.ended")
    assert event.actor == ender


def test_someone_outside_the_share_cannot_end_it(practitioner, colleague, team, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    with pytest.raises(SharingError):
        share_end(share=share, user=UserFactory(team=team))


def test_the_pair_can_share_again_after_ending(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_accept(share=share, user=colleague)
    share_end(share=share, user=colleague)

    again = share_create(owner=colleague, exercise=exercise, colleague=practitioner)

    assert again.status == Share.Status.PENDING


def test_the_pair_can_share_again_after_a_decline(practitioner, colleague, exercise):
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    share_decline(share=share, user=colleague)

    again = share_create(owner=practitioner, exercise=exercise, colleague=colleague)

    assert again.pk != share.pk


def test_inviting_the_email_of_a_registered_colleague_stays_addressed_to_the_email(
    practitioner, colleague, exercise
):
    share = share_invite(owner=practitioner, exercise=exercise, email=" Alex@Example.org ")

    assert (share.colleague, share.invited_email) == (None, "alex@example.org")
    assert mail.outbox[0].to == ["alex@example.org"]
    assert list(share_invitations_for(user=colleague)) == [share]


def test_inviting_an_unregistered_email_sends_an_invitation_to_that_address(practitioner, exercise):
    share = share_invite(owner=practitioner, exercise=exercise, email="New.Person@Example.org")

    assert (share.colleague, share.invited_email) == (None, "new.person@example.org")
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert share.token in mail.outbox[0].body


def test_inviting_someone_registered_elsewhere_looks_like_any_email_invitation(
    practitioner, outsider, exercise
):
    share = share_invite(owner=practitioner, exercise=exercise, email=outsider.email)

    assert (share.colleague, share.invited_email) == (None, outsider.email)


def test_an_email_invitee_can_accept_once_registered_in_the_same_organisation(
    practitioner, team, exercise
):
    share = share_invite(owner=practitioner, exercise=exercise, email="new@example.org")
    newcomer = UserFactory(team=team, email="new@example.org")

    share_accept(share=share, user=newcomer)

    share.refresh_from_db()
    assert (share.colleague, share.status) == (newcomer, Share.Status.ACCEPTED)


def test_an_email_invitee_in_another_organisation_cannot_accept(practitioner, outsider, exercise):
    share = share_invite(owner=practitioner, exercise=exercise, email=outsider.email)

    with pytest.raises(SharingError, match="own organisation"):
        share_accept(share=share, user=outsider)
    share.refresh_from_db()
    assert (share.colleague, share.status) == (None, Share.Status.PENDING)


def test_an_email_invitation_cannot_be_accepted_from_a_different_address(
    practitioner, team, exercise
):
    share = share_invite(owner=practitioner, exercise=exercise, email="new@example.org")
    someone_else = UserFactory(team=team, email="other@example.org")

    with pytest.raises(SharingError):
        share_accept(share=share, user=someone_else)


def test_the_database_refuses_two_live_shares_for_one_pair(practitioner, colleague, exercise):
    ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)

    with pytest.raises(IntegrityError), transaction.atomic():
        ShareFactory(
            owner=practitioner,
            colleague=colleague,
            exercise=exercise,
            status=Share.Status.ACCEPTED,
        )


def test_ended_shares_do_not_count_against_the_constraint(practitioner, colleague, exercise):
    ShareFactory(
        owner=practitioner,
        colleague=colleague,
        exercise=exercise,
        status=Share.Status.ENDED,
        ended_at=timezone.now(),
    )

    ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)

    assert Share.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL to be tested"
)
def test_two_invitations_sent_at_once_leave_one_live_share():
    team = TeamFactory()
    owner, first, second = UserFactory.create_batch(3, team=team)
    exercise = ExerciseFactory(pairing=Exercise.Pairing.PAIR)
    barrier = threading.Barrier(2)
    outcomes = []

    def invite(colleague):
        barrier.wait()
        try:
            share_create(owner=owner, exercise=exercise, colleague=colleague)
            outcomes.append("created")
        except SharingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=invite, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "refused"]
    assert Share.objects.live().filter(owner=owner).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL to be tested"
)
def test_both_submitting_at_once_records_the_reveal_once(monkeypatch):
    team = TeamFactory()
    owner, partner = UserFactory.create_batch(2, team=team)
    exercise = ExerciseFactory(pairing=Exercise.Pairing.PAIR)
    question = QuestionFactory(exercise=exercise, key="first")
    share = ShareFactory(
        owner=owner, colleague=partner, exercise=exercise, status=Share.Status.ACCEPTED
    )
    for person in (owner, partner):
        response = ExerciseResponseFactory(user=person, exercise=exercise)
        AnswerFactory(response=response, question=question)
    # Each waits (up to a second) for the other after asking whether the share is now
    # revealed, before committing. Without the lock both ask while the other's submission
    # is uncommitted, and the reveal is never recorded; with it, the second waits for the
    # first to commit and then sees both submitted.
    barrier = threading.Barrier(2)
    visible = sharing.partner_answers_visible

    def visible_then_wait(**kwargs):
        answer = visible(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return answer

    monkeypatch.setattr(sharing, "partner_answers_visible", visible_then_wait)

    def submit(person):
        try:
            response_submit(user=person, exercise=exercise)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(p,)) for p in (owner, partner)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert ExerciseResponse.objects.submitted().count() == 2
    assert len(revealed_events(share)) == 1
