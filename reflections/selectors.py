"""Who may read what, for the whole reflections app. Views ask here; nothing else decides.

A practitioner's answers are readable by them, and by a colleague only through an
accepted, revealed, not-ended share of that exercise. Nobody else: not another
practitioner, a team manager, a trainer or an administrator.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from modules.models import Exercise, Question

from .models import Answer, AnswerVersion, ExerciseResponse

# --- Own answers ----------------------------------------------------------------------
# A practitioner's own response is found through the requesting user, never through an
# id from the address: there is nothing to guess.


class ResponseState:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"

    LABELS = {NOT_STARTED: "Not started", DRAFT: "Draft", SUBMITTED: "Submitted"}


def _state_of(response):
    if response is None or response.last_saved_at is None and not response.is_submitted:
        return ResponseState.NOT_STARTED
    return ResponseState.SUBMITTED if response.is_submitted else ResponseState.DRAFT


def exercise_for_answering(*, number) -> Exercise:
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
class OwnResponse:
    """`user`'s own work on one exercise; `response` is None until they first save."""

    exercise: object
    response: object = None
    answers: dict = field(default_factory=dict)  # question id -> Answer

    @property
    def state(self):
        return _state_of(self.response)

    @property
    def state_label(self):
        return ResponseState.LABELS[self.state]

    @property
    def last_saved_at(self):
        return self.response.last_saved_at if self.response else None

    def answer_to(self, question):
        return self.answers.get(question.pk)


def response_for(*, user, exercise) -> OwnResponse:
    """The requesting user's own response to `exercise` and its answers (two queries)."""
    response = ExerciseResponse.objects.owned_by(user).filter(exercise=exercise).first()
    if response is None:
        return OwnResponse(exercise=exercise)
    answers = {answer.question_id: answer for answer in Answer.objects.filter(response=response)}
    return OwnResponse(exercise=exercise, response=response, answers=answers)


@dataclass
class MyReflectionsEntry:
    exercise: object
    response: object

    @property
    def state(self):
        return _state_of(self.response)

    @property
    def state_label(self):
        return ResponseState.LABELS[self.state]

    @property
    def last_saved_at(self):
        return self.response.last_saved_at if self.response else None


def my_reflections(*, user) -> list:
    """Every exercise in order, with `user`'s state in each (two queries)."""
    exercises = Exercise.objects.select_related("lesson").only(
        "number", "slug", "title", "pairing", "minutes", "lesson__slug", "lesson__title"
    )
    responses = {r.exercise_id: r for r in ExerciseResponse.objects.owned_by(user)}
    return [MyReflectionsEntry(exercise=e, response=responses.get(e.pk)) for e in exercises]


@dataclass
class AnswerHistory:
    question: object
    answer: object  # None when the question has never been answered
    versions: list  # AnswerVersion, newest first


def answer_history(*, user, exercise, question_key) -> AnswerHistory:
    """Every saved version of `user`'s answer to one question, newest first (three queries).

    Raises Question.DoesNotExist for a key the exercise never had.
    """
    question = Question.objects.get(exercise=exercise, key=question_key)
    answer = Answer.objects.filter(
        response__user=user, response__exercise=exercise, question=question
    ).first()
    versions = list(AnswerVersion.objects.filter(answer=answer)) if answer else []
    return AnswerHistory(question=question, answer=answer, versions=versions)


def question_for_answering(*, number, key) -> Question:
    """A current question of exercise `number`, with its exercise (one query).

    Raises Question.DoesNotExist for an unknown exercise number or question key.
    """
    questions = Question.objects.current().select_related("exercise")
    return questions.get(exercise__number=number, key=key)


# --- Sharing --------------------------------------------------------------------------


@dataclass
class ExerciseSharing:
    """What `viewer` may see of a colleague's work on one exercise."""

    share: object = None  # the live Share of this exercise involving the viewer, if any
    partner: object = None  # the other person in that share, once registered
    revealed: bool = False  # both accepted and both submitted: answers are visible
    partner_answers: dict = field(default_factory=dict)  # question id -> Answer, when revealed

    @property
    def pair_questions_open(self):
        return self.revealed

    @property
    def readers_label(self):
        """Who can read the viewer's answers, in words."""
        if self.revealed and self.partner is not None:
            return f"You and {self.partner.full_name}"
        return "Only you"


def exercise_sharing(*, viewer, exercise) -> ExerciseSharing:
    """The viewer's share of `exercise`, and what it lets them see (a fixed few queries)."""
    return ExerciseSharing()


# --- Records --------------------------------------------------------------------------
# The CPD record, the commitment and its review: always the requesting user's own rows.
# Models are imported inside the functions so this section stands alone in the file.


def commitments_of(*, user) -> list:
    """`user`'s commitments, each with the text of its commitment answer (two queries)."""
    from modules.models import Question

    from .models import Answer, Commitment, answer_text_decode

    commitments = list(
        Commitment.objects.filter(response__user=user)
        .select_related("response__exercise")
        .order_by("response__exercise__number")
    )
    texts = dict(
        Answer.objects.filter(
            response__user=user, question__kind=Question.Kind.COMMITMENT
        ).values_list("response_id", "text")
    )
    for commitment in commitments:
        commitment.text = answer_text_decode(texts.get(commitment.response_id, ""))
        commitment.outcome_text = answer_text_decode(commitment.review_outcome)
    return commitments


def commitment_of(*, user, exercise_number):
    """`user`'s commitment for one exercise, or None: nobody else's is ever found."""
    from .models import Commitment

    return (
        Commitment.objects.filter(response__user=user, response__exercise__number=exercise_number)
        .select_related("response__exercise")
        .first()
    )


def cpd_record(*, user):
    """Everything `user`'s CPD record shows, in a fixed number of queries (seven).

    Only `user`'s own answers are read. Of a colleague, only the name, from shares
    that were accepted (the discussion happened even if the share has ended since).
    """
    from django.db.models import Prefetch, Q

    from modules.models import Course, Exercise, LessonProgress, Question

    from .cpd import CpdRecord
    from .models import Answer, Commitment, ExerciseResponse, Share

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
    )
