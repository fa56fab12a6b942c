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
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery, Value
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
from ..selectors.answers import question_closed_reason, question_for_saving, submission_gaps
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


def _joins_newest_entry(
    *, newest_kind: str | None, newest_saved_at: datetime | None, kind: str, now: datetime
) -> bool:
    """Whether this save updates the answer's newest history row (of kind `newest_kind`,
    saved at `newest_saved_at`) instead of adding one: an autosave following an autosave
    within the coalescing window. A Save button press (or a conflict resolved) and the
    text current at a submit keep their own entries."""
    window = timedelta(minutes=settings.ANSWER_HISTORY_COALESCE_MINUTES)
    return (
        window > timedelta(0)
        and kind == AnswerVersion.Kind.AUTOSAVE
        and newest_kind == AnswerVersion.Kind.AUTOSAVE
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
        # The `newest_` values are annotations (see `_with_newest_entry`), not fields.
        newest_id = getattr(answer, "newest_id", None)
        if newest_id and _joins_newest_entry(
            newest_kind=getattr(answer, "newest_kind", None),
            newest_saved_at=getattr(answer, "newest_saved_at", None),
            kind=kind,
            now=now,
        ):
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
        if not _saved_this_minute(response.last_saved_at, now):
            ExerciseResponse.objects.filter(pk=response.pk).update(last_saved_at=now)
        for answer in changed + created:
            results[answer.question_id] = SaveResult(SaveResult.SAVED, answer.version, now)
    return results


def _saved_this_minute(last: datetime | None, now: datetime) -> bool:
    """Whether the response's last save, at `last`, already falls in the minute of `now`.

    `last_saved_at` is shown to the minute ("Last saved ... at 14:05" on My reflections)
    and counts as the person's last activity for their manager, where days matter; so
    the rapid autosaves of a minute of typing write it once, not once each. The answer's
    own `updated_at` (the "Saved at" the page shows) is written on every save."""
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


# --- One answer changed from the exercise page -------------------------------------------
#
# The exercise page's script saves one answer every few seconds while someone types, so
# the usual case, an answer that exists changed from the version it names, is written in
# two statements: one UPDATE that locks the response as `answers_save` locks it, applies
# only to that case (the version check is in its WHERE clause, and is checked again
# against the row as it is once the lock is held) and returns the new version with what
# the history needs; then the history written. Any other case (no answer or response
# yet, another version, the same text, a closed question) changes nothing there and
# goes through `answers_save`, which decides it as always.
#
# What the UPDATE returns besides the answer's own columns is read as the statement
# began, which may be before a save or submit that held the lock had committed. A save
# of this answer in between leaves another version, so the UPDATE applies to nothing.
# A submit in between marks the newest entry submitted: that entry is joined only if it
# is still an autosave (`_ENTRY_JOIN` checks its kind), else a new entry is added, as
# after the submit. Nothing else changes the newest entry. The response's last save
# read too early is earlier, so at worst it is written again within the minute.

# The largest version an answer can hold (a PositiveIntegerField): a save based on a
# larger one cannot be based on the stored version, and is not sent to the database.
_VERSION_MAX = 2_147_483_647
# Likewise the largest exercise number (a PositiveSmallIntegerField); the address takes
# any digits.
_NUMBER_MAX = 32_767


def _table(model: type[Answer] | type[AnswerVersion] | type[ExerciseResponse]) -> str:
    return f'"{model._meta.db_table}"'


def _newest(column: str) -> str:
    """The answer's newest history entry's `column`, as a subquery of the UPDATE."""
    return (
        f'(SELECT "{column}" FROM {_table(AnswerVersion)} '  # noqa: S608 (names only)
        f'WHERE "answer_id" = {_table(Answer)}."id" ORDER BY "version" DESC LIMIT 1)'
    )


@cache
def _answer_change_statement(lock: str) -> str:
    """The UPDATE described above; `lock` is the database's FOR UPDATE, if it has one."""
    response, answer = _table(ExerciseResponse), _table(Answer)
    exercise = f'(SELECT "id" FROM "{Exercise._meta.db_table}" WHERE "number" = %s)'  # noqa: S608
    question = (
        f'(SELECT "id" FROM "{Question._meta.db_table}" '  # noqa: S608 (names only)
        f'WHERE "exercise_id" = {exercise} '
        'AND "key" = %s AND "stage" = %s AND "retired" = %s)'
    )
    last_saved_at = (
        f'(SELECT "last_saved_at" FROM {response} '  # noqa: S608 (names only)
        f'WHERE "id" = {answer}."response_id")'
    )
    returned = ['"id"', '"version"', '"response_id"', last_saved_at] + [
        _newest(column) for column in _NEWEST_FIELDS
    ]
    return (
        f'UPDATE {answer} SET "text" = %s, "version" = "version" + 1, "updated_at" = %s '  # noqa: S608
        f'WHERE "response_id" = (SELECT "id" FROM {response} WHERE "user_id" = %s '
        f'AND "exercise_id" = {exercise} {lock}) AND "question_id" = {question} '
        f'AND "version" = %s AND "text" <> %s RETURNING {", ".join(returned)}'
    )


_ENTRY_JOIN = (
    f'UPDATE {_table(AnswerVersion)} SET "text" = %s, "saved_at" = %s '  # noqa: S608
    'WHERE "id" = %s AND "kind" = %s'
)
_ENTRY_ADD = (
    f"INSERT INTO {_table(AnswerVersion)} "  # noqa: S608
    '("answer_id", "version", "text", "saved_at", "kind") VALUES (%s, %s, %s, %s, %s)'
)
_RESPONSE_SAVED_AT = f'UPDATE {_table(ExerciseResponse)} SET "last_saved_at" = %s WHERE "id" = %s'  # noqa: S608
_MOMENT = Value(None, output_field=DateTimeField())


def _moment_from_db(value: object, connection: BaseDatabaseWrapper) -> datetime | None:
    """A time read with raw SQL, as the ORM would give it (SQLite returns text)."""
    for convert in connection.ops.get_db_converters(_MOMENT):
        value = convert(value, _MOMENT, connection)
    return value  # type: ignore[return-value]


def answer_autosave(
    *, user: User, number: int, key: str, text: str, base_version: int, kind: str
) -> SaveResult:
    """Save the answer to question `key` of exercise `number` from the exercise page's
    script: as `answer_save` does, in fewer queries when the answer exists and changes
    from the version it names (see above).

    Raises Question.DoesNotExist for an unknown exercise number or question key (told
    before what is wrong with the text), and what `answer_save` raises."""
    try:
        answer_text_check(text)
    except AnswerRejected:
        question_for_saving(number=number, key=key)
        raise
    saved = _answer_change(
        user=user, number=number, key=key, text=text, base_version=base_version, kind=kind
    )
    if saved is not None:
        return saved
    question = question_for_saving(number=number, key=key)
    return answer_save(
        user=user,
        exercise=question.exercise,
        question=question,
        text=text,
        base_version=base_version,
        kind=kind,
    )


@transaction.atomic
def _answer_change(
    *, user: User, number: int, key: str, text: str, base_version: int, kind: str
) -> SaveResult | None:
    """Save an existing answer to a current individual question (always open, see
    `question_is_open`) changed from `base_version`, the version stored; None, with
    nothing written, for any other case."""
    if not (0 <= base_version <= _VERSION_MAX and number <= _NUMBER_MAX):
        return None
    connection = connections[router.db_for_write(Answer)]
    lock = connection.ops.for_update_sql() if connection.features.has_select_for_update else ""
    now = timezone.now()
    stored = answer_text_encode(text)
    moment = connection.ops.adapt_datetimefield_value(now)
    individual = Question.Stage.INDIVIDUAL
    change = [stored, moment, user.pk, number, number, key, individual, False, base_version, stored]
    with connection.cursor() as cursor:
        cursor.execute(_answer_change_statement(lock), change)
        row = cursor.fetchone()
        if row is None:  # another version, or the text stored already: decided as always
            return None
        answer_id, version, response_id, last_saved_at, *newest = row
        newest_id, newest_version, newest_kind, newest_saved_at = newest
        joined = bool(newest_id) and _joins_newest_entry(
            newest_kind=newest_kind,
            newest_saved_at=_moment_from_db(newest_saved_at, connection),
            kind=kind,
            now=now,
        )
        if joined:
            cursor.execute(_ENTRY_JOIN, [stored, moment, newest_id, newest_kind])
            joined = cursor.rowcount == 1  # not if a submit marked it meanwhile
        if not joined:
            # A new entry is stamped when it is written, as `bulk_create` stamps it.
            added_at = connection.ops.adapt_datetimefield_value(timezone.now())
            entry = [answer_id, (newest_version or 0) + 1, stored, added_at, kind]
            cursor.execute(_ENTRY_ADD, entry)
        if not _saved_this_minute(_moment_from_db(last_saved_at, connection), now):
            cursor.execute(_RESPONSE_SAVED_AT, [moment, response_id])
    return SaveResult(SaveResult.SAVED, version, now)


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
