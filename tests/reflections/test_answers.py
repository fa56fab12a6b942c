"""reflections.services.answers: saving with history and a version check, submitting."""

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from reflections.models import Answer, AnswerVersion, ExerciseResponse
from reflections.services.answers import (
    AnswerEdit,
    AnswerRejected,
    ExerciseIncomplete,
    SaveResult,
    answer_save,
    answers_save,
    response_submit,
)
from reflections.services.records import commitment_save
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

EXERCISE_QUESTIONS = False  # each test adds its own

TRICKY_TEXTS = {
    "nul": "before\x00after\x00",
    "escape character": "\ue000 and \ue0000 and \x00\ue000",
    "right to left": "שלום \u202eevil.exe\u202c مرحبا بالعالم",
    "emoji with joiners": "👩\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 👍🏽 family",
    "line breaks": "\nfirst line\n\n  indented\ttab\n",
}


@pytest.fixture
def question(exercise):
    return QuestionFactory(exercise=exercise)


def save(user, question, text, base):
    return answer_save(
        user=user, exercise=question.exercise, question=question, text=text, base_version=base
    )


def stored(user, question):
    return Answer.objects.get(response__user=user, question=question)


def test_first_save_creates_version_one(practitioner, question):
    result = save(practitioner, question, "My first thoughts", 0)
    assert (result.status, result.version) == (SaveResult.SAVED, 1)
    answer = stored(practitioner, question)
    assert (answer.typed_text, answer.version) == ("My first thoughts", 1)


def test_first_save_records_when_the_response_was_saved(practitioner, question):
    result = save(practitioner, question, "Text", 0)
    response = ExerciseResponse.objects.get(user=practitioner, exercise=question.exercise)
    assert response.last_saved_at == result.saved_at


def test_the_response_keeps_its_last_save_to_the_minute(practitioner, question, monkeypatch):
    response_of = ExerciseResponse.objects.filter(user=practitioner)
    at = timezone.now().replace(hour=9, minute=5, second=10, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: at)
    save(practitioner, question, "One", 0)
    # A later save in the same minute leaves it (it is shown, and counts, to the minute)...
    at = at.replace(second=50)
    result = save(practitioner, question, "Two", 1)
    assert response_of.get().last_saved_at == at.replace(second=10)
    assert stored(practitioner, question).updated_at == result.saved_at == at
    # ...and one in the next minute writes it.
    at = at.replace(minute=6, second=1)
    save(practitioner, question, "Three", 2)
    assert response_of.get().last_saved_at == at


def test_save_based_on_current_version_bumps_the_version(practitioner, question):
    save(practitioner, question, "One", 0)
    result = save(practitioner, question, "Two", 1)
    assert (result.status, result.version) == (SaveResult.SAVED, 2)
    assert stored(practitioner, question).typed_text == "Two"


def test_every_saved_version_is_kept(practitioner, question):
    for base, text in enumerate(["One", "Two", "Three"]):
        save(practitioner, question, text, base)
    versions = AnswerVersion.objects.filter(answer__question=question)
    assert [(v.version, v.typed_text) for v in versions] == [(3, "Three"), (2, "Two"), (1, "One")]


def test_saving_the_same_text_creates_no_new_version(practitioner, question):
    save(practitioner, question, "Same", 0)
    result = save(practitioner, question, "Same", 1)
    assert (result.status, result.version) == (SaveResult.UNCHANGED, 1)
    assert AnswerVersion.objects.filter(answer__question=question).count() == 1


def test_saving_empty_text_to_a_new_answer_stores_nothing(practitioner, question):
    result = save(practitioner, question, "", 0)
    assert (result.status, result.version) == (SaveResult.UNCHANGED, 0)
    assert not Answer.objects.exists()


def test_save_based_on_an_older_version_is_a_conflict(practitioner, question):
    save(practitioner, question, "From tab one", 0)
    save(practitioner, question, "From tab one, later", 1)
    result = save(practitioner, question, "From tab two", 1)
    assert result.is_conflict
    assert (result.version, result.stored_text) == (2, "From tab one, later")


def test_conflict_leaves_the_newer_text_in_place(practitioner, question):
    save(practitioner, question, "Newer", 0)
    save(practitioner, question, "Older tab", 0)
    answer = stored(practitioner, question)
    assert (answer.typed_text, answer.version) == ("Newer", 1)
    assert AnswerVersion.objects.count() == 1


def test_stale_save_of_the_same_text_is_not_a_conflict(practitioner, question):
    save(practitioner, question, "Typed in both tabs", 0)
    result = save(practitioner, question, "Typed in both tabs", 0)
    assert (result.status, result.version) == (SaveResult.UNCHANGED, 1)


def test_a_retry_of_a_save_whose_reply_was_lost_is_answered_as_saved(practitioner, question):
    save(practitioner, question, "First words", 0)
    landed = save(practitioner, question, "First words, more", 1)  # its reply never came

    retry = save(practitioner, question, "First words, more", 1)

    assert not retry.is_conflict
    assert (retry.status, retry.version, retry.saved_at) == (
        SaveResult.UNCHANGED,
        2,
        landed.saved_at,
    )
    assert AnswerVersion.objects.filter(text="First words, more").count() == 1


def test_saving_on_top_of_the_conflicting_version_resolves_it(practitioner, question):
    save(practitioner, question, "Saved elsewhere", 0)
    conflict = save(practitioner, question, "This tab", 0)
    result = save(practitioner, question, "This tab", conflict.version)
    assert (result.status, result.version) == (SaveResult.SAVED, 2)


def test_text_at_the_length_limit_is_saved(practitioner, question):
    result = save(practitioner, question, "a" * 20_000, 0)
    assert result.status == SaveResult.SAVED


def test_text_over_the_length_limit_is_rejected_with_its_length(practitioner, question):
    with pytest.raises(AnswerRejected, match="20,001 characters"):
        save(practitioner, question, "a" * 20_001, 0)
    assert not Answer.objects.exists()


def test_length_counts_characters_not_bytes(practitioner, question):
    result = save(practitioner, question, "😀" * 20_000, 0)
    assert result.status == SaveResult.SAVED


def test_lone_surrogate_is_rejected_with_a_message(practitioner, question):
    with pytest.raises(AnswerRejected, match="cannot be stored"):
        save(practitioner, question, "broken \ud800 text", 0)


@pytest.mark.parametrize("text", TRICKY_TEXTS.values(), ids=TRICKY_TEXTS.keys())
def test_text_round_trips_exactly(practitioner, question, text):
    save(practitioner, question, text, 0)
    assert stored(practitioner, question).typed_text == text
    assert AnswerVersion.objects.get().typed_text == text


def test_nul_never_reaches_the_database(practitioner, question):
    save(practitioner, question, "a\x00b", 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM reflections_answer")
        (raw,) = cursor.fetchone()
    assert "\x00" not in raw


def test_ordinary_text_is_stored_unchanged(practitioner, question):
    save(practitioner, question, "Plain words, “quotes” and café", 0)
    assert stored(practitioner, question).text == "Plain words, “quotes” and café"


def test_retyping_nul_text_is_not_a_change(practitioner, question):
    save(practitioner, question, "a\x00b", 0)
    result = save(practitioner, question, "a\x00b", 1)
    assert result.status == SaveResult.UNCHANGED


def test_form_text_with_nul_replaced_counts_as_unchanged(practitioner, question):
    save(practitioner, question, "a\x00b", 0)
    edit = AnswerEdit(question=question, text="a\ufffdb", base_version=1, from_html_form=True)
    result = answers_save(user=practitioner, exercise=question.exercise, edits=[edit])
    assert result[question.pk].status == SaveResult.UNCHANGED
    assert stored(practitioner, question).typed_text == "a\x00b"


def test_question_of_another_exercise_is_rejected(practitioner, exercise):
    other = QuestionFactory()
    with pytest.raises(AnswerRejected):
        answer_save(user=practitioner, exercise=exercise, question=other, text="x", base_version=0)


def test_pair_question_is_closed_until_the_share_reveals_answers(practitioner, exercise):
    pair_question = QuestionFactory(exercise=exercise, stage="pair")
    with pytest.raises(AnswerRejected, match="opens once"):
        save(practitioner, pair_question, "Together", 0)


def test_saving_several_answers_at_once(practitioner, exercise):
    first, second = QuestionFactory(exercise=exercise), QuestionFactory(exercise=exercise)
    save(practitioner, first, "Old", 0)
    edits = [
        AnswerEdit(question=first, text="New", base_version=1),
        AnswerEdit(question=second, text="Fresh", base_version=0),
    ]
    results = answers_save(user=practitioner, exercise=exercise, edits=edits)
    assert [results[first.pk].version, results[second.pk].version] == [2, 1]
    assert stored(practitioner, second).typed_text == "Fresh"


def test_one_persons_save_never_touches_anothers_answer(practitioner, colleague, question):
    save(practitioner, question, "Mine", 0)
    save(colleague, question, "Theirs", 0)
    assert stored(practitioner, question).typed_text == "Mine"
    assert stored(colleague, question).version == 1


# --- Submitting -------------------------------------------------------------------------


def test_submit_with_every_individual_question_answered(practitioner, exercise):
    questions = [QuestionFactory(exercise=exercise) for _ in range(2)]
    for question in questions:
        save(practitioner, question, "Answered", 0)
    response = response_submit(user=practitioner, exercise=exercise)
    assert response.is_submitted


def test_submit_does_not_need_pair_questions(practitioner, exercise):
    question = QuestionFactory(exercise=exercise)
    QuestionFactory(exercise=exercise, stage="pair")
    save(practitioner, question, "Answered", 0)
    assert response_submit(user=practitioner, exercise=exercise).is_submitted


def test_submit_ignores_retired_questions(practitioner, exercise):
    question = QuestionFactory(exercise=exercise)
    QuestionFactory(exercise=exercise, retired=True)
    save(practitioner, question, "Answered", 0)
    assert response_submit(user=practitioner, exercise=exercise).is_submitted


def test_submit_with_an_unanswered_question_names_it(practitioner, exercise):
    answered, unanswered = QuestionFactory(exercise=exercise), QuestionFactory(exercise=exercise)
    save(practitioner, answered, "Answered", 0)
    with pytest.raises(ExerciseIncomplete) as incomplete:
        response_submit(user=practitioner, exercise=exercise)
    assert incomplete.value.questions == [unanswered]
    assert not ExerciseResponse.objects.submitted().exists()


def test_whitespace_only_answer_does_not_count_as_answered(practitioner, question):
    save(practitioner, question, "  \n\t ", 0)
    with pytest.raises(ExerciseIncomplete):
        response_submit(user=practitioner, exercise=question.exercise)


def test_submit_before_any_save_is_incomplete(practitioner, question):
    with pytest.raises(ExerciseIncomplete):
        response_submit(user=practitioner, exercise=question.exercise)


def test_editing_after_submit_keeps_it_submitted(practitioner, question):
    save(practitioner, question, "Answered", 0)
    submitted_at = response_submit(user=practitioner, exercise=question.exercise).submitted_at
    save(practitioner, question, "Changed my mind", 1)
    response = ExerciseResponse.objects.get(user=practitioner)
    assert response.submitted_at == submitted_at
    assert stored(practitioner, question).typed_text == "Changed my mind"


def test_submitting_again_keeps_the_first_submission_time(practitioner, question):
    save(practitioner, question, "Answered", 0)
    first = response_submit(user=practitioner, exercise=question.exercise).submitted_at
    again = response_submit(user=practitioner, exercise=question.exercise).submitted_at
    assert again == first


def test_submitting_is_audited_once_with_ids_only(practitioner, question):
    save(practitioner, question, "SECRET-ANSWER", 0)

    response = response_submit(user=practitioner, exercise=question.exercise)
    response_submit(user=practitioner, exercise=question.exercise)

    event = AuditEvent.objects.get(action="response.submitted")
    assert (event.actor, event.target_type, event.target_id) == (
        practitioner,
        "reflections.exerciseresponse",
        str(response.pk),
    )
    assert event.detail == {"exercise": question.exercise.number}


def test_an_incomplete_submit_is_not_audited(practitioner, question):
    with pytest.raises(ExerciseIncomplete):
        response_submit(user=practitioner, exercise=question.exercise)

    assert not AuditEvent.objects.filter(action="response.submitted").exists()


def test_submit_never_submits_someone_elses_response(practitioner, question):
    other = UserFactory()
    save(other, question, "Answered", 0)
    with pytest.raises(ExerciseIncomplete):
        response_submit(user=practitioner, exercise=question.exercise)
    assert not ExerciseResponse.objects.get(user=other).is_submitted


def test_submit_with_a_commitment_question_needs_the_dates(practitioner, exercise):
    question = QuestionFactory(exercise=exercise, kind="commitment")
    save(practitioner, question, "I will do one thing", 0)
    with pytest.raises(ExerciseIncomplete) as incomplete:
        response_submit(user=practitioner, exercise=exercise)
    assert (incomplete.value.questions, incomplete.value.dates_missing) == ([], True)
    assert not ExerciseResponse.objects.submitted().exists()


def test_submit_with_a_commitment_and_its_dates(practitioner, exercise):
    question = QuestionFactory(exercise=exercise, kind="commitment")
    save(practitioner, question, "I will do one thing", 0)
    today = timezone.localdate()
    commitment_save(user=practitioner, exercise=exercise, due_on=today, review_on=today)
    assert response_submit(user=practitioner, exercise=exercise).is_submitted


def test_submit_without_a_commitment_question_needs_no_dates(practitioner, question):
    save(practitioner, question, "Answered", 0)
    assert response_submit(user=practitioner, exercise=question.exercise).is_submitted
