"""Writes for a practitioner's own answers: saving (with history and a version check)
and submitting an exercise.

Every save names the version it was based on. A save based on an older version than
the one stored is not applied: the caller gets a conflict carrying the stored text,
so the practitioner can choose or merge and nothing is lost. Saves of one exercise
are serialised by a row lock on the practitioner's ExerciseResponse.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from modules.models import Question

from ..models import (
    ANSWER_MAX_LENGTH,
    Answer,
    AnswerVersion,
    Commitment,
    ExerciseResponse,
    answer_text_encode,
)
from ..selectors import exercise_sharing


class AnswerRejected(ValidationError):
    """The text cannot be saved as it is; the message says why, in plain words."""


class ExerciseIncomplete(ValidationError):
    """An exercise was submitted before every individual question had an answer (and,
    for an exercise with a commitment question, before the commitment had its dates)."""

    def __init__(self, questions, *, dates_missing=False):
        self.questions = questions
        self.dates_missing = dates_missing
        super().__init__("Answer every question before you submit the exercise.")


@dataclass(frozen=True)
class AnswerEdit:
    question: Question
    text: str
    base_version: int
    # Set for text that came back through an HTML form, where a NUL cannot travel (the
    # browser turns it into U+FFFD): that form of the stored text counts as unchanged.
    from_html_form: bool = False


@dataclass(frozen=True)
class SaveResult:
    SAVED = "saved"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"

    status: str
    version: int
    saved_at: datetime | None
    stored_text: str = ""  # only for a conflict: the text saved elsewhere

    @property
    def is_conflict(self):
        return self.status == self.CONFLICT


def as_shown_in_html(text: str) -> str:
    """What a browser sends back for `text` placed in an HTML textarea."""
    return text.replace("\x00", "\ufffd")


def answer_text_check(text: str) -> None:
    """Raise AnswerRejected when `text` cannot be stored exactly."""
    if len(text) > ANSWER_MAX_LENGTH:
        raise AnswerRejected(
            f"This answer is {len(text):,} characters long; the limit is "
            f"{ANSWER_MAX_LENGTH:,}. Shorten it, then save again. Your text is still here."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise AnswerRejected(
            "This answer contains a character that cannot be stored (a broken "
            "surrogate). Remove it, then save again."
        ) from None


def _question_check(question, exercise, pair_open):
    if question.exercise_id != exercise.pk or question.retired:
        raise AnswerRejected("That question is not part of this exercise.")
    if question.stage == Question.Stage.PAIR and not pair_open():
        raise AnswerRejected(
            "This question opens once you and your colleague have both submitted your own answers."
        )


def _is_unchanged(edit, current_text):
    if edit.text == current_text:
        return True
    return edit.from_html_form and edit.text == as_shown_in_html(current_text)


@transaction.atomic
def answers_save(*, user, exercise, edits) -> dict:
    """Save several answers to one exercise at once: {question id: SaveResult}.

    A fixed number of queries however many answers and versions exist.
    """
    for edit in edits:
        answer_text_check(edit.text)
    sharing = []

    def pair_open():
        if not sharing:
            sharing.append(exercise_sharing(viewer=user, exercise=exercise))
        return sharing[0].pair_questions_open

    for edit in edits:
        _question_check(edit.question, exercise, pair_open)
    response, _created = ExerciseResponse.objects.select_for_update().get_or_create(
        user=user, exercise=exercise
    )
    current = {
        answer.question_id: answer
        for answer in Answer.objects.filter(
            response=response, question__in=[edit.question for edit in edits]
        )
    }
    now = timezone.now()
    results, changed, created = {}, [], []
    for edit in edits:
        answer = current.get(edit.question.pk)
        version = answer.version if answer else 0
        typed = answer.typed_text if answer else ""
        if _is_unchanged(edit, typed):
            results[edit.question.pk] = SaveResult(SaveResult.UNCHANGED, version, _saved_at(answer))
        elif edit.base_version != version:
            results[edit.question.pk] = SaveResult(
                SaveResult.CONFLICT, version, _saved_at(answer), stored_text=typed
            )
        elif answer is None:
            answer = Answer(response=response, question=edit.question, version=1)
            answer.text, answer.updated_at = answer_text_encode(edit.text), now
            created.append(answer)
        else:
            answer.text, answer.version = answer_text_encode(edit.text), version + 1
            answer.updated_at = now
            changed.append(answer)
    if changed:
        Answer.objects.bulk_update(changed, ["text", "version", "updated_at"])
    if created:
        Answer.objects.bulk_create(created)
    if changed or created:
        AnswerVersion.objects.bulk_create(
            AnswerVersion(answer=a, version=a.version, text=a.text, saved_at=now)
            for a in changed + created
        )
        ExerciseResponse.objects.filter(pk=response.pk).update(last_saved_at=now)
        for answer in changed + created:
            results[answer.question_id] = SaveResult(SaveResult.SAVED, answer.version, now)
    return results


def _saved_at(answer):
    return answer.updated_at if answer else None


def answer_save(*, user, exercise, question, text, base_version) -> SaveResult:
    """Save one answer; see `answers_save`."""
    edit = AnswerEdit(question=question, text=text, base_version=base_version)
    return answers_save(user=user, exercise=exercise, edits=[edit])[question.pk]


@transaction.atomic
def response_submit(*, user, exercise) -> ExerciseResponse:
    """Mark the exercise submitted once every current individual question is answered,
    and a commitment question's commitment has its dates.

    Submitting again changes nothing; editing afterwards keeps it submitted.
    """
    response, _created = ExerciseResponse.objects.select_for_update().get_or_create(
        user=user, exercise=exercise
    )
    required = list(
        Question.objects.current()
        .filter(exercise=exercise, stage=Question.Stage.INDIVIDUAL)
        .order_by("order")
    )
    answered = {
        answer.question_id
        for answer in Answer.objects.filter(response=response).only("question_id", "text")
        if answer.typed_text.strip()
    }
    missing = [question for question in required if question.pk not in answered]
    dates_missing = (
        any(question.kind == Question.Kind.COMMITMENT for question in required)
        and not Commitment.objects.filter(response=response).exists()
    )
    if missing or dates_missing:
        raise ExerciseIncomplete(missing, dates_missing=dates_missing)
    if response.submitted_at is None:
        response.submitted_at = timezone.now()
        response.save(update_fields=["submitted_at"])
    return response
