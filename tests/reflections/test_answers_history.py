"""reflections.services.answers: answer history is kept no longer than needed.

Autosaves close together make one history entry; a Save, a resolved conflict and the
text current at a submit keep their own. A practitioner can delete earlier entries.
"""

import threading
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from reflections.models import Answer, AnswerVersion
from reflections.services.answers import (
    SaveResult,
    answer_autosave,
    answer_history_clear,
    answer_save,
    answer_version_delete,
    response_submit,
)
from tests.factories import ExerciseFactory, QuestionFactory

pytestmark = pytest.mark.django_db

AUTOSAVE, SAVE, SUBMIT = (
    AnswerVersion.Kind.AUTOSAVE,
    AnswerVersion.Kind.SAVE,
    AnswerVersion.Kind.SUBMIT,
)


@pytest.fixture
def question():
    return QuestionFactory(exercise=ExerciseFactory())


def save(user, question, text, *, kind=SAVE):
    """Save `text` on top of whatever is stored, as the page would."""
    answer = Answer.objects.filter(response__user=user, question=question).first()
    return answer_save(
        user=user,
        exercise=question.exercise,
        question=question,
        text=text,
        base_version=answer.version if answer else 0,
        kind=kind,
    )


def autosave(user, question, text):
    return save(user, question, text, kind=AUTOSAVE)


def history(question):
    """(number, text, kind) of every entry, newest first."""
    rows = AnswerVersion.objects.filter(answer__question=question)
    return [(row.version, row.typed_text, row.kind) for row in rows]


def age_newest_entry(question, minutes):
    newest = AnswerVersion.objects.filter(answer__question=question).first()
    newest.saved_at = timezone.now() - timedelta(minutes=minutes)
    newest.save(update_fields=["saved_at"])


def test_autosaves_within_the_window_make_one_entry(practitioner, question):
    for text in ["A child", "A child called", "A child at risk"]:
        autosave(practitioner, question, text)

    assert history(question) == [(1, "A child at risk", AUTOSAVE)]


def test_joined_autosaves_still_count_for_the_version_check(practitioner, question):
    results = [autosave(practitioner, question, text) for text in ["a", "ab", "abc"]]

    assert [result.version for result in results] == [1, 2, 3]
    stale = answer_save(
        user=practitioner, exercise=question.exercise, question=question, text="x", base_version=2
    )
    assert stale.is_conflict
    assert Answer.objects.get().version == 3


def test_a_joined_autosave_moves_the_entry_to_the_time_of_the_save(practitioner, question):
    autosave(practitioner, question, "first")
    age_newest_entry(question, 9)

    result = autosave(practitioner, question, "second")

    assert AnswerVersion.objects.get().saved_at == result.saved_at


def test_an_autosave_after_the_window_adds_an_entry(practitioner, question):
    autosave(practitioner, question, "Monday's thoughts")
    age_newest_entry(question, 11)

    autosave(practitioner, question, "Tuesday's thoughts")

    assert history(question) == [
        (2, "Tuesday's thoughts", AUTOSAVE),
        (1, "Monday's thoughts", AUTOSAVE),
    ]


def test_the_window_is_the_setting(practitioner, question, settings):
    settings.ANSWER_HISTORY_COALESCE_MINUTES = 30
    autosave(practitioner, question, "first")
    age_newest_entry(question, 20)

    autosave(practitioner, question, "second")

    assert history(question) == [(1, "second", AUTOSAVE)]


def test_a_window_of_zero_keeps_every_autosave(practitioner, question, settings):
    settings.ANSWER_HISTORY_COALESCE_MINUTES = 0

    autosave(practitioner, question, "first")
    autosave(practitioner, question, "second")

    assert [entry[1] for entry in history(question)] == ["second", "first"]


def test_an_autosave_after_a_save_adds_an_entry(practitioner, question):
    save(practitioner, question, "Saved with the button")

    autosave(practitioner, question, "Typed on")

    assert history(question) == [(2, "Typed on", AUTOSAVE), (1, "Saved with the button", SAVE)]


def test_a_save_after_an_autosave_adds_an_entry(practitioner, question):
    autosave(practitioner, question, "Typed")

    save(practitioner, question, "Saved with the button")

    assert history(question) == [(2, "Saved with the button", SAVE), (1, "Typed", AUTOSAVE)]


def test_an_entry_after_joined_autosaves_takes_the_next_number(practitioner, question):
    for text in ["a", "ab", "abc"]:
        autosave(practitioner, question, text)

    result = save(practitioner, question, "abcd")

    assert [entry[0] for entry in history(question)] == [2, 1]
    assert result.version == 4


def test_the_submitted_text_stays_its_own_entry(practitioner, question):
    autosave(practitioner, question, "What I submitted")
    response_submit(user=practitioner, exercise=question.exercise)

    autosave(practitioner, question, "Edited afterwards")

    assert history(question) == [
        (2, "Edited afterwards", AUTOSAVE),
        (1, "What I submitted", SUBMIT),
    ]


def test_submitting_again_keeps_the_text_current_then(practitioner, question):
    autosave(practitioner, question, "First submission")
    response_submit(user=practitioner, exercise=question.exercise)
    autosave(practitioner, question, "Second submission")
    response_submit(user=practitioner, exercise=question.exercise)

    autosave(practitioner, question, "Edited afterwards")

    assert [entry[1:] for entry in history(question)] == [
        ("Edited afterwards", AUTOSAVE),
        ("Second submission", SUBMIT),
        ("First submission", SUBMIT),
    ]


def test_an_unchanged_autosave_leaves_the_entry_alone(practitioner, question):
    autosave(practitioner, question, "Same")
    before = AnswerVersion.objects.get().saved_at

    result = autosave(practitioner, question, "Same")

    assert result.status == SaveResult.UNCHANGED
    assert AnswerVersion.objects.get().saved_at == before


def test_a_joined_entry_keeps_a_nul_exactly(practitioner, question):
    autosave(practitioner, question, "first")

    autosave(practitioner, question, "a\x00b\ue000")

    assert AnswerVersion.objects.get().typed_text == "a\x00b\ue000"


# --- Deleting history ---------------------------------------------------------------------


def saved_three_times(user, question):
    for text in ["Draft naming Child X", "Draft without the name", "Final answer"]:
        save(user, question, text)
    return Answer.objects.get(response__user=user, question=question)


def test_deleting_an_earlier_version_removes_only_that_one(practitioner, question):
    answer = saved_three_times(practitioner, question)

    deleted = answer_version_delete(user=practitioner, version=answer.versions.get(version=1))

    assert deleted
    assert [entry[1] for entry in history(question)] == ["Final answer", "Draft without the name"]


def test_the_current_version_is_never_deleted(practitioner, question):
    answer = saved_three_times(practitioner, question)

    deleted = answer_version_delete(user=practitioner, version=answer.versions.get(version=3))

    assert not deleted
    assert AnswerVersion.objects.count() == 3


def test_someone_else_cannot_delete_a_version(practitioner, colleague, question):
    answer = saved_three_times(practitioner, question)

    deleted = answer_version_delete(user=colleague, version=answer.versions.get(version=1))

    assert not deleted
    assert AnswerVersion.objects.count() == 3


def test_deleting_a_version_is_audited_with_ids_only(practitioner, question):
    answer = saved_three_times(practitioner, question)

    answer_version_delete(user=practitioner, version=answer.versions.get(version=1))

    event = AuditEvent.objects.get(action="answer.version_deleted")
    assert (event.actor, event.target_type, event.target_id) == (
        practitioner,
        "reflections.answer",
        str(answer.pk),
    )
    assert event.detail == {"version": 1}


def test_clearing_history_keeps_only_the_current_text(practitioner, question):
    answer = saved_three_times(practitioner, question)

    deleted = answer_history_clear(user=practitioner, answer=answer)

    assert deleted == 2
    assert history(question) == [(3, "Final answer", SAVE)]
    answer.refresh_from_db()
    assert (answer.typed_text, answer.version) == ("Final answer", 3)


def test_after_clearing_saves_go_on_as_before(practitioner, question):
    answer = saved_three_times(practitioner, question)
    answer_history_clear(user=practitioner, answer=answer)

    result = save(practitioner, question, "Later thoughts")

    assert (result.status, result.version) == (SaveResult.SAVED, 4)
    assert [entry[0] for entry in history(question)] == [4, 3]


def test_clearing_history_is_audited_with_the_count_only(practitioner, question):
    answer = saved_three_times(practitioner, question)

    answer_history_clear(user=practitioner, answer=answer)

    event = AuditEvent.objects.get(action="answer.history_cleared")
    assert (event.actor, event.target_id, event.detail) == (
        practitioner,
        str(answer.pk),
        {"deleted": 2},
    )


def test_someone_else_cannot_clear_a_history(practitioner, colleague, question):
    answer = saved_three_times(practitioner, question)

    assert answer_history_clear(user=colleague, answer=answer) == 0
    assert AnswerVersion.objects.count() == 3
    assert not AuditEvent.objects.filter(action="answer.history_cleared").exists()


def page_autosave(user, question, text):
    """Autosave `text` as the exercise page's script does, on top of what is stored."""
    answer = Answer.objects.filter(response__user=user, question=question).first()
    return answer_autosave(
        user=user,
        number=question.exercise.number,
        key=question.key,
        text=text,
        base_version=answer.version if answer else 0,
        kind=AUTOSAVE,
    )


def test_an_autosave_joins_an_autosave_as_a_save_of_the_form_does(practitioner, question):
    page_autosave(practitioner, question, "Draft")
    page_autosave(practitioner, question, "Draft, longer")
    save(practitioner, question, "Draft, longer still", kind=AUTOSAVE)

    entries = AnswerVersion.objects.all()
    assert [(v.version, v.kind, v.typed_text) for v in entries] == [
        (1, AUTOSAVE, "Draft, longer still")
    ]
    assert Answer.objects.get().version == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locking (run with PostgreSQL)"
)
def test_an_autosave_waiting_for_a_submit_never_rewrites_the_submitted_entry(practitioner):
    question = QuestionFactory(exercise=ExerciseFactory())
    first = page_autosave(practitioner, question, "Submitted text")
    submitting = psycopg2.connect(**connection.get_connection_params())
    saved = []

    def typing_on():
        try:
            saved.append(
                answer_autosave(
                    user=practitioner,
                    number=question.exercise.number,
                    key=question.key,
                    text="Typed after",
                    base_version=first.version,
                    kind=AUTOSAVE,
                )
            )
        finally:
            connection.close()

    # The submit holds the response's lock (as `response_submit` does) while the
    # autosave starts, so the autosave reads the newest entry as it was before.
    with submitting, submitting.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM reflections_exerciseresponse WHERE user_id = %s FOR UPDATE",
            [practitioner.pk],
        )
        cursor.execute("UPDATE reflections_answerversion SET kind = %s", [SUBMIT])
        typing = threading.Thread(target=typing_on)
        typing.start()
        typing.join(timeout=1)
        assert typing.is_alive()  # waiting for the lock
    typing.join()
    submitting.close()

    assert saved[0].status == SaveResult.SAVED
    entries = AnswerVersion.objects.all()
    assert [(v.version, v.kind, v.typed_text) for v in entries] == [
        (2, AUTOSAVE, "Typed after"),
        (1, SUBMIT, "Submitted text"),
    ]
