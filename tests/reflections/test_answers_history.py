"""reflections.services.answers: answer history is kept no longer than needed.

Autosaves close together make one history entry; a Save, a resolved conflict and the
text current at a submit keep their own.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from reflections.models import Answer, AnswerVersion
from reflections.services.answers import SaveResult, answer_save, response_submit
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
