"""Each named rule of the reflections app, in its one home: a QuerySet method and the
model method or property that must agree with it, or the one selector that decides."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from modules.formats import day_in_words, minutes_in_words
from modules.models import Exercise, Question
from reflections.cpd import CpdRecord
from reflections.models import Commitment, Share
from reflections.selectors.sharing import (
    exercise_sharing,
    pair_question_closed_reason,
    pair_questions_open,
    pair_questions_rule,
    partner_answers_visible,
    question_is_open,
    share_detail_get,
)
from reflections.services.records import commitment_save
from tests.factories import ExerciseFactory, QuestionFactory, UserFactory
from tests.reflections.factories import ExerciseResponseFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture
def exercise():
    exercise = ExerciseFactory(pairing=Exercise.Pairing.PAIR)
    QuestionFactory(exercise=exercise, order=1, key="alone")
    QuestionFactory(exercise=exercise, order=2, key="together", stage=Question.Stage.PAIR)
    return exercise


def share_of(owner, exercise, *, status=Share.Status.PENDING, days_old=0, colleague=None):
    share = Share.objects.create(
        owner=owner,
        colleague=colleague,
        invited_email="" if colleague else "someone@example.org",
        exercise=exercise,
        status=status,
    )
    created = timezone.now() - timedelta(days=days_old)
    Share.objects.filter(pk=share.pk).update(created_at=created)
    share.refresh_from_db()
    return share


# --- A live share: ShareQuerySet.live and Share.is_live ----------------------------------


@pytest.mark.parametrize(
    ("status", "days_old", "live"),
    [
        (Share.Status.PENDING, 0, True),
        (Share.Status.PENDING, 29, True),
        (Share.Status.PENDING, 31, False),  # not answered in SHARE_INVITATION_DAYS
        (Share.Status.ACCEPTED, 400, True),
        (Share.Status.DECLINED, 0, False),
        (Share.Status.ENDED, 0, False),
        (Share.Status.EXPIRED, 31, False),
    ],
)
def test_live_and_is_live_agree(settings, practitioner, exercise, status, days_old, live):
    settings.SHARE_INVITATION_DAYS = 30
    share = share_of(practitioner, exercise, status=status, days_old=days_old)

    assert share.is_live is live
    assert Share.objects.live().filter(pk=share.pk).exists() is live


@pytest.mark.parametrize(
    ("status", "who", "engaged"),
    [
        (Share.Status.PENDING, "owner", True),
        (Share.Status.PENDING, "colleague", False),  # an invitation not answered yet
        (Share.Status.ACCEPTED, "owner", True),
        (Share.Status.ACCEPTED, "colleague", True),
        (Share.Status.ACCEPTED, "other", False),
        (Share.Status.ENDED, "owner", False),
    ],
)
def test_engaging_and_engages_agree(practitioner, colleague, exercise, status, who, engaged):
    share = share_of(practitioner, exercise, status=status, colleague=colleague)
    person = {"owner": practitioner, "colleague": colleague, "other": UserFactory()}[who]

    assert share.engages(person) is engaged
    assert Share.objects.engaging(person).filter(pk=share.pk).exists() is engaged


# --- The reveal rule, and pair questions ----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "submitted", "revealed"),
    [
        (Share.Status.PENDING, ("owner", "colleague"), False),
        (Share.Status.ACCEPTED, (), False),
        (Share.Status.ACCEPTED, ("owner",), False),
        (Share.Status.ACCEPTED, ("colleague",), False),
        (Share.Status.ACCEPTED, ("owner", "colleague"), True),
        (Share.Status.ENDED, ("owner", "colleague"), False),
    ],
)
def test_every_reading_of_the_reveal_rule_agrees(
    practitioner, colleague, exercise, status, submitted, revealed
):
    share = share_of(practitioner, exercise, status=status, colleague=colleague)
    people = {"owner": practitioner, "colleague": colleague}
    for name in submitted:
        ExerciseResponseFactory(user=people[name], exercise=exercise, submitted_at=timezone.now())

    for viewer in (practitioner, colleague):
        assert partner_answers_visible(viewer=viewer, share=share) is revealed
        assert pair_questions_open(user=viewer, exercise=exercise) is revealed
        # An ended share is no longer the viewer's share of the exercise at all.
        assert exercise_sharing(viewer=viewer, exercise=exercise).revealed is revealed


def test_only_the_pair_sees_the_reveal(practitioner, colleague, exercise):
    share = share_of(practitioner, exercise, status=Share.Status.ACCEPTED, colleague=colleague)
    for person in (practitioner, colleague):
        ExerciseResponseFactory(user=person, exercise=exercise, submitted_at=timezone.now())

    assert not partner_answers_visible(viewer=UserFactory(), share=share)


@pytest.mark.parametrize(
    ("stage", "pair_open", "is_open"),
    [
        (Question.Stage.INDIVIDUAL, False, True),
        (Question.Stage.INDIVIDUAL, True, True),
        (Question.Stage.PAIR, False, False),
        (Question.Stage.PAIR, True, True),
    ],
)
def test_question_is_open(stage, pair_open, is_open):
    question = Question(stage=stage)

    assert question_is_open(question=question, pair_questions_open=pair_open) is is_open


@pytest.mark.parametrize(
    ("revealed", "ended_after_reveal", "is_open"),
    [(False, False, False), (True, False, True), (False, True, True)],
)
def test_pair_questions_rule(revealed, ended_after_reveal, is_open):
    assert pair_questions_rule(revealed=revealed, ended_after_reveal=ended_after_reveal) is is_open


def ended_share(owner, colleague, exercise, *, ended_by, minutes_after_submitting):
    """A share of `exercise` ended by `ended_by`, some minutes after both submitted (a
    negative number: before the colleague had)."""
    submitted = timezone.now() - timedelta(hours=1)
    ExerciseResponseFactory(user=owner, exercise=exercise, submitted_at=submitted)
    ExerciseResponseFactory(user=colleague, exercise=exercise, submitted_at=submitted)
    share = share_of(owner, exercise, status=Share.Status.ENDED, colleague=colleague)
    ended_at = submitted + timedelta(minutes=minutes_after_submitting)
    Share.objects.filter(pk=share.pk).update(ended_at=ended_at, ended_by=ended_by)
    return share


@pytest.mark.parametrize(("minutes_after_submitting", "is_open"), [(5, True), (-5, False)])
def test_pair_questions_stay_open_to_both_partners_after_a_revealed_share_ends(
    practitioner, colleague, exercise, minutes_after_submitting, is_open
):
    ended_share(
        practitioner,
        colleague,
        exercise,
        ended_by=colleague,
        minutes_after_submitting=minutes_after_submitting,
    )
    together = exercise.questions.get(key="together")

    for viewer in (practitioner, colleague):
        sharing = exercise_sharing(viewer=viewer, exercise=exercise)
        assert pair_questions_open(user=viewer, exercise=exercise) is is_open
        assert sharing.pair_questions_open is is_open
        assert sharing.question_is_open(together) is is_open
        # Ending stops each reading the other's answers, whatever the rule says.
        assert not sharing.revealed
        assert sharing.partner_answers == {}


def test_the_page_says_who_ended_a_revealed_share(practitioner, colleague, exercise):
    colleague.full_name = "Alex Jones"
    colleague.save()
    ended_share(practitioner, colleague, exercise, ended_by=colleague, minutes_after_submitting=5)

    assert exercise_sharing(viewer=practitioner, exercise=exercise).ended_by == "Alex Jones"
    assert exercise_sharing(viewer=colleague, exercise=exercise).ended_by == "You"


def test_a_share_ended_before_it_was_revealed_closes_pair_questions_with_who_ended_it(
    practitioner, colleague, exercise
):
    colleague.full_name = "Alex Jones"
    colleague.save()
    ended_share(practitioner, colleague, exercise, ended_by=colleague, minutes_after_submitting=-5)

    assert pair_question_closed_reason(user=practitioner, exercise=exercise) == (
        "Alex Jones ended comparing answers, so this question is closed; "
        "copy your text if you want to keep it."
    )


def test_pair_questions_not_open_yet_say_so(practitioner, exercise):
    assert pair_question_closed_reason(user=practitioner, exercise=exercise).startswith(
        "This question opens once you and your colleague have both submitted"
    )


def test_pair_questions_open_is_two_queries_when_revealed(
    practitioner, colleague, exercise, django_assert_num_queries
):
    share_of(practitioner, exercise, status=Share.Status.ACCEPTED, colleague=colleague)
    for person in (practitioner, colleague):
        ExerciseResponseFactory(user=person, exercise=exercise, submitted_at=timezone.now())

    with django_assert_num_queries(2):
        assert pair_questions_open(user=practitioner, exercise=exercise)


def test_pair_questions_open_is_three_queries_otherwise(
    practitioner, colleague, exercise, django_assert_num_queries
):
    share_of(practitioner, exercise, status=Share.Status.ACCEPTED, colleague=colleague)

    with django_assert_num_queries(3):
        assert not pair_questions_open(user=practitioner, exercise=exercise)


# --- The share page ------------------------------------------------------------------------


def test_the_share_page_is_only_for_a_share_one_is_in(practitioner, colleague, exercise):
    invitation = share_of(practitioner, exercise, colleague=colleague)

    assert share_detail_get(viewer=practitioner, share_id=invitation.pk).share == invitation
    with pytest.raises(Share.DoesNotExist):
        share_detail_get(viewer=colleague, share_id=invitation.pk)  # not answered yet
    with pytest.raises(Share.DoesNotExist):
        share_detail_get(viewer=UserFactory(), share_id=invitation.pk)


# --- A review that is due: CommitmentQuerySet.review_due and Commitment.is_review_due ----


@pytest.mark.parametrize(
    ("review_in", "reviewed", "due", "open_"),
    [
        (-1, False, True, True),
        (0, False, True, True),
        (1, False, False, False),
        (-1, True, False, True),  # recorded: not due, still open to edit
        (1, True, False, True),
    ],
)
def test_review_due_and_is_review_due_agree(practitioner, review_in, reviewed, due, open_):
    response = ExerciseResponseFactory(user=practitioner, exercise=ExerciseFactory())
    commitment = Commitment.objects.create(
        response=response,
        due_on=TODAY - timedelta(days=30),
        review_on=TODAY + timedelta(days=review_in),
        reviewed_at=timezone.now() if reviewed else None,
    )

    assert commitment.is_review_due(today=TODAY) is due
    assert Commitment.objects.review_due(TODAY).filter(pk=commitment.pk).exists() is due
    assert commitment.is_review_open(today=TODAY) is open_


# --- Dates unchanged: Commitment.has_dates, applied by commitment_save -----------------------


def test_saving_the_same_dates_changes_nothing(practitioner):
    exercise = ExerciseFactory()
    today = timezone.localdate()
    first = commitment_save(
        user=practitioner, exercise=exercise, due_on=today, review_on=today + timedelta(days=1)
    )
    again = commitment_save(
        user=practitioner, exercise=exercise, due_on=today, review_on=today + timedelta(days=1)
    )

    assert (first.changed, again.changed) == (True, False)
    assert again.commitment.updated_at == first.commitment.updated_at
    assert first.commitment.has_dates(due_on=today, review_on=today + timedelta(days=1))
    assert not first.commitment.has_dates(due_on=today, review_on=today)


# --- Words: durations and dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (40, "40 minutes"),
        (60, "1 hour"),
        (95, "1 hour 35 minutes"),
        (120, "2 hours"),
        (181, "3 hours 1 minute"),
    ],
)
def test_one_wording_of_hours_and_minutes(minutes, words):
    record = CpdRecord(
        user=None,
        course=None,
        completed_lessons=[],
        exercises=[],
        commitments=[],
        first_activity=None,
        last_activity=None,
        minutes=minutes,
    )

    assert minutes_in_words(minutes) == words
    assert Template("{% load course %}{{ m|duration }}").render(Context({"m": minutes})) == words
    assert record.time_spent == f"About {words}"


def test_one_way_of_writing_a_date(settings):
    settings.TIME_ZONE = "Europe/London"
    late_evening_utc = datetime(2026, 6, 2, 23, 30, tzinfo=UTC)  # 3 June in London

    assert day_in_words(date(2026, 3, 3)) == "3 March 2026"
    assert day_in_words(late_evening_utc) == "3 June 2026"
