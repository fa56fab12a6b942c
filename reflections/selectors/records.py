"""Reads for the records: the commitment and its review, and the CPD record. Always the
requesting user's own rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q

from accounts.models import User
from modules.models import Course, Exercise, LessonProgress, Question

from ..cpd import CpdRecord
from ..models import Answer, Commitment, ExerciseResponse, Share, answer_text_decode
from ..progress import course_completed_at


@dataclass
class CommitmentEntry:
    """A commitment as My reflections shows it."""

    commitment: Commitment
    text: str  # the commitment answer, as typed
    outcome_text: str  # the review, as typed
    review_open: bool  # the review can be written (`Commitment.is_review_open`)


def commitment_list(*, user: User, today: date) -> list[CommitmentEntry]:
    """`user`'s commitments in exercise order, each with the text of its commitment answer
    and whether its review can be written on `today` (two queries)."""
    commitments = (
        Commitment.objects.filter(response__user=user)
        .select_related("response__exercise")
        .order_by("response__exercise__number")
    )
    texts = dict(
        Answer.objects.filter(
            response__user=user, question__kind=Question.Kind.COMMITMENT
        ).values_list("response_id", "text")
    )
    return [
        CommitmentEntry(
            commitment=commitment,
            text=answer_text_decode(texts.get(commitment.response_id, "")),
            outcome_text=answer_text_decode(commitment.review_outcome),
            review_open=commitment.is_review_open(today=today),
        )
        for commitment in commitments
    ]


def commitment_get(*, user: User, exercise_number: int) -> Commitment | None:
    """`user`'s commitment for one exercise, or None: nobody else's is ever found."""
    return (
        Commitment.objects.filter(response__user=user, response__exercise__number=exercise_number)
        .select_related("response__exercise")
        .first()
    )


def cpd_record(*, user: User) -> CpdRecord:
    """Everything `user`'s CPD record shows, in a fixed number of queries (nine).

    Only `user`'s own answers are read. Of a colleague, only the name, from shares
    that were accepted (the discussion happened even if the share has ended since).
    """
    exercises = Exercise.objects.order_by("number").prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order"))
    )
    responses = ExerciseResponse.objects.owned_by(user).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.only("response_id", "question_id", "text"))
    )
    peer_shares = (
        Share.objects.involving(user)
        .filter(
            Q(status=Share.Status.ACCEPTED)
            | Q(status=Share.Status.ENDED, responded_at__isnull=False)
        )
        .exclude(colleague__isnull=True)
        .select_related("owner", "colleague")
    )
    return CpdRecord.build(
        user=user,
        course=Course.objects.first(),
        exercises=list(exercises),
        progress=list(LessonProgress.objects.for_user(user).select_related("lesson")),
        responses=list(responses),
        commitments=list(Commitment.objects.filter(response__user=user)),
        peer_shares=list(peer_shares),
        course_completed_at=course_completed_at(user),
    )
