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
