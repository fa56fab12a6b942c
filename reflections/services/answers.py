"""Writes for a practitioner's own answers: saving (with history and a version check),
submitting an exercise, and deleting history the practitioner no longer wants kept.

Every save names the version it was based on. A save based on an older version than
the one stored is not applied: the caller gets a conflict carrying the stored text,
so the practitioner can choose or merge and nothing is lost. Saves of one exercise
are serialised by a row lock on the practitioner's ExerciseResponse.

History is kept no longer than needed: autosaves close together make one entry (see
`answers_save`), and the practitioner can delete earlier entries or all of them but
the current text (a name typed and then removed must be removable).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from modules.models import Exercise, Question

from ..models import (
    ANSWER_MAX_LENGTH,
    Answer,
    AnswerVersion,
    ExerciseResponse,
    answer_text_encode,
)
from ..selectors.answers import question_closed_reason, submission_gaps
from ..selectors.sharing import pair_questions_open
from .sharing import share_reveal_record


class AnswerRejected(ValidationError):
    """The text cannot be saved as it is; the message says why, in plain words."""


class QuestionClosed(AnswerRejected):
    """The question takes no answers now: it was removed from the exercise, or it is a
    pair question that is not open. The message says why (`question_closed_reason`)."""


class ExerciseIncomplete(ValidationError):
    """An exercise was submitted before every individual question had an answer (and,
    for an exercise with a commitment question, before the commitment had its dates)."""

    def __init__(self, questions: list[Question], *, dates_missing: bool = False) -> None:
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
    def is_conflict(self) -> bool:
        return self.status == self.CONFLICT


def as_shown_in_html(text: str) -> str:
    """What a browser sends back for `text` placed in an HTML textarea."""
    return text.replace("\x00", "\ufffd")


def answer_too_long_message(*, length: str) -> str:
    """What a practitioner is told about an answer `length` characters long (a formatted
    number) when that is over the limit. The exercise page gives its script this text
    with `length` left as "{length}", so the page says the same before sending."""
    return (
        f"This answer is {length} characters long; the limit is {ANSWER_MAX_LENGTH:,}. "
        "Shorten it, then save again. Your text is still here."
    )


def answer_text_check(text: str) -> None:
    """Raise AnswerRejected when `text` cannot be stored exactly."""
    if len(text) > ANSWER_MAX_LENGTH:
        raise AnswerRejected(answer_too_long_message(length=f"{len(text):,}"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise AnswerRejected(
            "This answer contains a character that cannot be stored (a broken "
            "surrogate). Remove it, then save again."
        ) from None


def _question_check(question: Question, *, user: User, exercise: Exercise, pair_open: bool) -> None:
    if question.exercise_id != exercise.pk:
        raise AnswerRejected("That question is not part of this exercise.")
    reason = question_closed_reason(
        user=user, exercise=exercise, question=question, pair_questions_open=pair_open
    )
    if reason is not None:
        raise QuestionClosed(reason)


def _is_already_saved(edit: AnswerEdit, current_text: str) -> bool:
    """The rule that recognises a save already applied: the text sent is exactly the
    stored text, whatever version it names. A save whose reply was lost is sent again
    with the version it was based on; the server already holds that text, so it is
    answered as saved, with the current version, never as a conflict with the person's
    own words. (Answers are only ever their owner's, so the stored text is theirs.)"""
    if edit.text == current_text:
        return True
    return edit.from_html_form and edit.text == as_shown_in_html(current_text)


_NEWEST_FIELDS = ("id", "version", "kind", "saved_at")


def _with_newest_entry(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    """`answers`, each annotated with its newest history row's id, number, kind and time
    (in the same query)."""
    newest = AnswerVersion.objects.filter(answer=OuterRef("pk")).order_by("-version")
    return answers.annotate(
        **{f"newest_{name}": Subquery(newest.values(name)[:1]) for name in _NEWEST_FIELDS}
    )


def _joins_newest_entry(answer: Answer, kind: str, now: datetime) -> bool:
    """Whether this save updates the answer's newest history row instead of adding one:
    an autosave following an autosave within the coalescing window. A Save button press
    (or a conflict resolved) and the text current at a submit keep their own entries."""
    window = timedelta(minutes=settings.ANSWER_HISTORY_COALESCE_MINUTES)
    # The `newest_` values are annotations (see `_with_newest_entry`), not model fields.
    newest_saved_at = getattr(answer, "newest_saved_at", None)
    return (
        window > timedelta(0)
        and kind == AnswerVersion.Kind.AUTOSAVE
        and getattr(answer, "newest_kind", None) == AnswerVersion.Kind.AUTOSAVE
        and newest_saved_at is not None
        and now - newest_saved_at <= window
    )


def _update(model: type[Answer] | type[AnswerVersion], rows: list, fields: list[str]) -> None:
    """Write `fields` of `rows` in one query: a plain UPDATE for one row (an autosave),
    `bulk_update` (a CASE for each field) for several."""
    if len(rows) == 1:
        model.objects.filter(pk=rows[0].pk).update(
            **{name: getattr(rows[0], name) for name in fields}
        )
    elif rows:
        model.objects.bulk_update(rows, fields)


def _history_write(answers: list[Answer], kind: str, now: datetime) -> None:
    """Add a history row for each saved answer, or update its newest row in place (one
    query each way)."""
    joined, added = [], []
    for answer in answers:
        # An answer created by this save has no history, nor the `newest_` annotations.
        newest_id = getattr(answer, "newest_id", None)
        if newest_id and _joins_newest_entry(answer, kind, now):
            joined.append(AnswerVersion(pk=newest_id, text=answer.text, saved_at=now))
        else:
            number = (getattr(answer, "newest_version", None) or 0) + 1
            added.append(AnswerVersion(answer=answer, version=number, text=answer.text, kind=kind))
    _update(AnswerVersion, joined, ["text", "saved_at"])
    if added:
        AnswerVersion.objects.bulk_create(added)


@transaction.atomic
def answers_save(
    *,
    user: User,
    exercise: Exercise,
    edits: Sequence[AnswerEdit],
    kind: str = AnswerVersion.Kind.SAVE,
) -> dict[int, SaveResult]:
    """Save several answers to one exercise at once: {question id: SaveResult}.

    `kind` says how: the page's autosave, or a Save (the default). Each change adds a
    history entry, except an autosave within ANSWER_HISTORY_COALESCE_MINUTES of an
    autosave of the same answer, which updates that entry's text and time and keeps its
    number. `Answer.version` still goes up by one on every save, so the version check
    is unchanged. A fixed number of queries however many answers and versions exist.
    """
    for edit in edits:
        answer_text_check(edit.text)
    # Asked only when a pair question is among the edits (two queries).
    pair_open = any(edit.question.stage == Question.Stage.PAIR for edit in edits) and (
        pair_questions_open(user=user, exercise=exercise)
    )
    for edit in edits:
        _question_check(edit.question, user=user, exercise=exercise, pair_open=pair_open)
    response, _created = ExerciseResponse.objects.select_for_update().get_or_create(
        user=user, exercise=exercise
    )
    answers = Answer.objects.filter(
        response=response, question__in=[edit.question for edit in edits]
    )
    current = {answer.question_id: answer for answer in _with_newest_entry(answers)}
    now = timezone.now()
    results: dict[int, SaveResult] = {}
    changed: list[Answer] = []
    created: list[Answer] = []
    for edit in edits:
        answer = current.get(edit.question.pk)
        version = answer.version if answer else 0
        typed = answer.typed_text if answer else ""
        if _is_already_saved(edit, typed):
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
    _update(Answer, changed, ["text", "version", "updated_at"])
    if created:
        Answer.objects.bulk_create(created)
    if changed or created:
        _history_write(changed + created, kind, now)
        if not _saved_this_minute(response, now):
            ExerciseResponse.objects.filter(pk=response.pk).update(last_saved_at=now)
        for answer in changed + created:
            results[answer.question_id] = SaveResult(SaveResult.SAVED, answer.version, now)
    return results


def _saved_this_minute(response: ExerciseResponse, now: datetime) -> bool:
    """Whether the response's last save already falls in the minute of `now`.

    `last_saved_at` is shown to the minute ("Last saved ... at 14:05" on My reflections)
    and counts as the person's last activity for their manager, where days matter; so
    the rapid autosaves of a minute of typing write it once, not once each. The answer's
    own `updated_at` (the "Saved at" the page shows) is written on every save."""
    last = response.last_saved_at
    return last is not None and last.replace(second=0, microsecond=0) == now.replace(
        second=0, microsecond=0
    )


def _saved_at(answer: Answer | None) -> datetime | None:
    return answer.updated_at if answer else None


def answer_save(
    *,
    user: User,
    exercise: Exercise,
    question: Question,
    text: str,
    base_version: int,
    kind: str = AnswerVersion.Kind.SAVE,
) -> SaveResult:
    """Save one answer; see `answers_save`."""
    edit = AnswerEdit(question=question, text=text, base_version=base_version)
    return answers_save(user=user, exercise=exercise, edits=[edit], kind=kind)[question.pk]


@transaction.atomic
def response_submit(*, user: User, exercise: Exercise) -> ExerciseResponse:
    """Mark the exercise submitted once every current individual question is answered,
    and a commitment question's commitment has its dates.

    The newest history entry of each answer is marked submitted, so the submitted text
    stays an entry of its own (a later autosave adds a new one). Submitting again marks
    the entries current then; editing afterwards keeps the exercise submitted.
    """
    response, _created = ExerciseResponse.objects.select_for_update().get_or_create(
        user=user, exercise=exercise
    )
    gaps = submission_gaps(response=response, exercise=exercise)
    if gaps:
        raise ExerciseIncomplete(gaps.questions, dates_missing=gaps.dates_missing)
    AnswerVersion.objects.filter(answer__response=response).newest().update(
        kind=AnswerVersion.Kind.SUBMIT
    )
    if response.submitted_at is None:
        response.submitted_at = timezone.now()
        response.save(update_fields=["submitted_at"])
        audit_record(
            action="response.submitted", actor=user, target=response, exercise=exercise.number
        )
        share_reveal_record(user=user, exercise=exercise)
    return response


# --- Deleting history ---------------------------------------------------------------------


def _lock_response(response_id: int) -> None:
    """Serialise with saves of the same exercise (see the module docstring)."""
    list(ExerciseResponse.objects.select_for_update().filter(pk=response_id).values("pk"))


@transaction.atomic
def answer_version_delete(*, user: User, version: AnswerVersion) -> bool:
    """Delete one earlier entry of `user`'s own answer history, for good.

    The newest entry holds the current text and is never deleted here. Audited with ids
    and the entry's number only. False when it was already gone.
    """
    answer = version.answer
    _lock_response(answer.response_id)
    deleted, _ = (
        AnswerVersion.objects.earlier().filter(pk=version.pk, answer__response__user=user).delete()
    )
    if deleted:
        audit_record(
            action="answer.version_deleted", actor=user, target=answer, version=version.version
        )
    return bool(deleted)


@transaction.atomic
def answer_history_clear(*, user: User, answer: Answer) -> int:
    """Delete every entry of `user`'s own answer history but the newest (the current
    text, which stays as it is); return how many were deleted. Audited with ids and the
    count only."""
    _lock_response(answer.response_id)
    earlier = AnswerVersion.objects.earlier().filter(answer=answer, answer__response__user=user)
    deleted, _ = earlier.delete()
    if deleted:
        audit_record(action="answer.history_cleared", actor=user, target=answer, deleted=deleted)
    return deleted
