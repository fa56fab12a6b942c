"""Reads of a practitioner's own answers: the exercise page's questions and answers,
My reflections, and each answer's history.

A practitioner's own response is found through the requesting user, never through an
id from the address: there is nothing to guess.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from django.db import router
from django.db.models import FilteredRelation, Prefetch, Q, QuerySet

from accounts.models import User
from modules.compiled_queries import Compiled
from modules.formats import day_in_words
from modules.models import Exercise, Question

from ..models import Answer, AnswerVersion, Commitment, ExerciseResponse, Share
from .records import CommitmentEntry, commitment_list
from .sharing import (
    pair_question_closed_reason,
    question_is_open,
    share_invitations_for,
    share_may_concern,
)


class ResponseState:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"

    LABELS: ClassVar[dict[str, str]] = {
        NOT_STARTED: "Not started",
        DRAFT: "Draft",
        SUBMITTED: "Submitted",
    }

    @classmethod
    def of(cls, response: ExerciseResponse | None) -> str:
        """The state of a response that may not exist yet."""
        if response is None or (response.last_saved_at is None and not response.is_submitted):
            return cls.NOT_STARTED
        return cls.SUBMITTED if response.is_submitted else cls.DRAFT


class ResponseStateMixin:
    """State words and last save of `self.response`, which may be None."""

    response: ExerciseResponse | None

    @property
    def state(self) -> str:
        return ResponseState.of(self.response)

    @property
    def state_label(self) -> str:
        return ResponseState.LABELS[self.state]

    @property
    def last_saved_at(self) -> datetime | None:
        return self.response.last_saved_at if self.response else None


def exercise_for_answering(*, number: int) -> Exercise:
    """The exercise with its lesson and current questions in order (two queries).

    Raises Exercise.DoesNotExist for an unknown number.
    """
    questions = Question.objects.current().order_by("order")
    return (
        Exercise.objects.select_related("lesson")
        .prefetch_related(Prefetch("questions", queryset=questions, to_attr="current_questions"))
        .get(number=number)
    )


@dataclass
class OwnResponse(ResponseStateMixin):
    """`user`'s own work on one exercise; `response` is None until they first save."""

    exercise: Exercise
    response: ExerciseResponse | None = None
    answers: dict[int, Answer] = field(default_factory=dict)  # question id -> Answer
    # Whether a share of the exercise might concern its owner (`share_may_concern`), read
    # with it for `exercise_sharing`; None when not asked.
    share_may_concern: bool | None = None

    def answer_to(self, question: Question) -> Answer | None:
        return self.answers.get(question.pk)


@dataclass(frozen=True)
class SubmissionGaps:
    """What an exercise still needs before it can be submitted: the current questions to
    answer on one's own that have no answer, and the commitment's dates if it asks for
    them. Empty (false) when it can be submitted."""

    questions: list[Question]
    dates_missing: bool = False

    def __bool__(self) -> bool:
        return bool(self.questions) or self.dates_missing


def submission_gaps(*, response: ExerciseResponse | None, exercise: Exercise) -> SubmissionGaps:
    """The one rule for what submitting `exercise` needs (three queries at most), used by
    `services.answers.response_submit` and the page that lists what is missing."""
    required = list(
        Question.objects.current()
        .filter(exercise=exercise, stage=Question.Stage.INDIVIDUAL)
        .order_by("order")
    )
    answered = set()
    has_dates = False
    if response is not None:
        answered = {
            answer.question_id
            for answer in Answer.objects.filter(response=response).only("question_id", "text")
            if answer.typed_text.strip()
        }
        has_dates = Commitment.objects.filter(response=response).exists()
    asks_dates = any(question.kind == Question.Kind.COMMITMENT for question in required)
    return SubmissionGaps(
        questions=[question for question in required if question.pk not in answered],
        dates_missing=asks_dates and not has_dates,
    )


# The columns of the exercise page's one query for the person's own work: whether a share
# of the exercise might concern them, their response to it, and beside the response each
# of its answers (a row of nothing but the first when they have not saved yet).
_RESPONSE_COLUMNS = [field.attname for field in ExerciseResponse._meta.concrete_fields]
_ANSWER_COLUMNS = [field.attname for field in Answer._meta.concrete_fields]


def _own_work(user_id: int, exercise_id: int) -> QuerySet:
    mine = FilteredRelation("responses", condition=Q(responses__user_id=user_id))
    return (
        Exercise.objects.filter(pk=exercise_id)
        .annotate(mine=mine, may_concern=share_may_concern(user_id, exercise_id))
        .order_by()
        .values_list(
            "may_concern",
            *(f"mine__{name}" for name in _RESPONSE_COLUMNS),
            *(f"mine__answers__{name}" for name in _ANSWER_COLUMNS),
        )
    )


# Read on every exercise page: compiled once, run with the person's and exercise's ids.
_own_work_rows = Compiled(Exercise, _own_work, arguments=2)


def own_response_get(*, user: User, exercise: Exercise) -> OwnResponse:
    """The requesting user's own response to `exercise` and its answers, and whether a
    share of it might concern them, for `exercise_sharing` (one query)."""
    rows = _own_work_rows.rows(user.pk, exercise.pk)
    if not rows:
        return OwnResponse(exercise=exercise)
    own = OwnResponse(exercise=exercise, share_may_concern=rows[0][0])
    if rows[0][1] is None:
        return own  # not saved yet
    database = router.db_for_read(ExerciseResponse)
    split = 1 + len(_RESPONSE_COLUMNS)
    own.response = ExerciseResponse.from_db(database, _RESPONSE_COLUMNS, rows[0][1:split])
    for row in rows:
        if row[split] is None:
            continue  # a response without answers: the one row has none
        answer = Answer.from_db(database, _ANSWER_COLUMNS, row[split:])
        answer.response = own.response
        own.answers[answer.question_id] = answer
    return own


@dataclass
class MyReflectionsEntry(ResponseStateMixin):
    exercise: Exercise
    response: ExerciseResponse | None


@dataclass
class MyReflections:
    """Everything the My reflections page shows, all of it `user`'s own."""

    entries: list[MyReflectionsEntry]
    invitations: list[Share]  # invitations waiting for the user's reply
    commitments: list[CommitmentEntry]


def my_reflections_get(*, user: User, today: date) -> MyReflections:
    """Every exercise in order with `user`'s state in each, the invitations waiting for
    their reply, and their commitments (five queries)."""
    exercises = Exercise.objects.select_related("lesson").only(
        "number", "slug", "title", "pairing", "minutes", "lesson__slug", "lesson__title"
    )
    responses = {r.exercise_id: r for r in ExerciseResponse.objects.owned_by(user)}
    return MyReflections(
        entries=[MyReflectionsEntry(exercise=e, response=responses.get(e.pk)) for e in exercises],
        invitations=list(share_invitations_for(user=user)),
        commitments=commitment_list(user=user, today=today),
    )


@dataclass
class AnswerHistory:
    question: Question
    answer: Answer | None  # None when the question has never been answered
    versions: list[AnswerVersion]  # newest first


def answer_history(*, user: User, exercise: Exercise, question_key: str) -> AnswerHistory:
    """Every saved version of `user`'s answer to one question, newest first (three queries).

    Raises Question.DoesNotExist for a key the exercise never had.
    """
    question = Question.objects.get(exercise=exercise, key=question_key)
    answer = Answer.objects.filter(
        response__user=user, response__exercise=exercise, question=question
    ).first()
    versions = list(AnswerVersion.objects.filter(answer=answer)) if answer else []
    return AnswerHistory(question=question, answer=answer, versions=versions)


def answer_version_for_deletion(
    *, user: User, exercise: Exercise, question_key: str, version: int
) -> AnswerVersion:
    """An earlier entry (not the newest, which holds the current text) in the history of
    `user`'s own answer to one question, with its answer and question (one query).

    Raises AnswerVersion.DoesNotExist for anything else: another person's history, the
    current text, or a number that is not there.
    """
    return (
        AnswerVersion.objects.earlier()
        .filter(
            answer__response__user=user,
            answer__response__exercise=exercise,
            answer__question__key=question_key,
            version=version,
        )
        .select_related("answer__question")
        .get()
    )


def question_for_answering(*, number: int, key: str) -> Question:
    """A current question of exercise `number`, with its exercise (one query).

    Raises Question.DoesNotExist for an unknown exercise number or question key.
    """
    questions = Question.objects.current().select_related("exercise")
    return questions.get(exercise__number=number, key=key)


def question_for_saving(*, number: int, key: str) -> Question:
    """A question of exercise `number`, retired ones included, with its exercise (one
    query): a save posted to a question removed since the page was loaded is told so
    (`question_closed_reason`), not that the question does not exist.

    Raises Question.DoesNotExist for an unknown exercise number or question key.
    """
    return Question.objects.select_related("exercise").get(exercise__number=number, key=key)


def retired_questions_get(*, exercise: Exercise, keys: Iterable[str]) -> list[Question]:
    """The retired questions of `exercise` among `keys`, in order (one query)."""
    return list(exercise.questions.filter(retired=True, key__in=list(keys)).order_by("order"))


def question_closed_reason(
    *, user: User, exercise: Exercise, question: Question, pair_questions_open: bool
) -> str | None:
    """Why `user` cannot save an answer to `question` now, in plain words, or None when
    they can. Retired questions say since when; a closed pair question says why (see
    `pair_question_closed_reason`)."""
    if question.retired:
        when = ""
        if question.retired_at is not None:
            when = f" on {day_in_words(question.retired_at)}"
        return (
            f"This question was removed from the exercise{when}; "
            "copy your text if you want to keep it."
        )
    if not question_is_open(question=question, pair_questions_open=pair_questions_open):
        return pair_question_closed_reason(user=user, exercise=exercise)
    return None
