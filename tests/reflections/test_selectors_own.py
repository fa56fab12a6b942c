"""reflections.selectors.answers: a practitioner's own answers."""

import pytest
from django.utils import timezone

from modules.models import Exercise, Question
from reflections.selectors.answers import (
    ResponseState,
    answer_history,
    exercise_for_answering,
    my_reflections_get,
    own_response_get,
    question_for_answering,
)
from reflections.services.answers import answer_save, response_submit
from tests.factories import ExerciseFactory, QuestionFactory

from .factories import AnswerFactory, ExerciseResponseFactory

pytestmark = pytest.mark.django_db

EXERCISE = {"number": 3}
EXERCISE_QUESTIONS = False  # each test adds its own


@pytest.fixture
def question(exercise):
    return QuestionFactory(exercise=exercise, key="only")


def test_exercise_for_answering_has_current_questions_in_order(exercise):
    second = QuestionFactory(exercise=exercise, order=2)
    first = QuestionFactory(exercise=exercise, order=1)
    QuestionFactory(exercise=exercise, order=3, retired=True)
    assert exercise_for_answering(number=3).current_questions == [first, second]


def test_exercise_for_answering_unknown_number_raises(exercise):
    with pytest.raises(Exercise.DoesNotExist):
        exercise_for_answering(number=42)


def test_own_response_get_is_the_users_own(practitioner, colleague, question):
    AnswerFactory(response__user=colleague, response__exercise=question.exercise, question=question)
    own = own_response_get(user=practitioner, exercise=question.exercise)
    assert (own.response, own.answers, own.state) == (None, {}, ResponseState.NOT_STARTED)


def test_own_response_get_holds_answers_by_question(practitioner, question):
    answer = AnswerFactory(
        response__user=practitioner, response__exercise=question.exercise, question=question
    )
    own = own_response_get(user=practitioner, exercise=question.exercise)
    assert own.answer_to(question) == answer


def test_own_response_get_is_one_query_once_answered(
    practitioner, question, django_assert_num_queries
):
    answer = AnswerFactory(
        response__user=practitioner, response__exercise=question.exercise, question=question
    )
    with django_assert_num_queries(1):
        own = own_response_get(user=practitioner, exercise=question.exercise)
        found = own.answer_to(question)
        response = own.response

    assert found == answer
    assert response == answer.response


def test_own_response_get_finds_a_response_without_answers_in_one_query(
    practitioner, question, django_assert_num_queries
):
    response = ExerciseResponseFactory(user=practitioner, exercise=question.exercise)
    with django_assert_num_queries(1):
        own = own_response_get(user=practitioner, exercise=question.exercise)

    assert own.response == response
    assert own.response.submitted_at is None
    assert own.answers == {}


def test_own_response_get_before_any_save_is_one_query_and_finds_nothing(
    practitioner, colleague, question, django_assert_num_queries
):
    AnswerFactory(response__user=colleague, response__exercise=question.exercise, question=question)
    with django_assert_num_queries(1):
        own = own_response_get(user=practitioner, exercise=question.exercise)

    assert own.response is None
    assert own.answers == {}


def test_own_response_get_reads_each_answer_as_stored(practitioner, question):
    answer = AnswerFactory(
        response__user=practitioner,
        response__exercise=question.exercise,
        question=question,
        text="Mine",
        version=3,
    )

    found = own_response_get(user=practitioner, exercise=question.exercise).answer_to(question)

    assert (found.pk, found.text, found.version) == (answer.pk, "Mine", 3)
    assert found.updated_at == answer.updated_at
    assert found.response.pk == answer.response_id


def test_my_reflections_states(practitioner, exercise, question):
    draft_exercise = ExerciseFactory(number=4)
    draft_question = QuestionFactory(exercise=draft_exercise)
    ExerciseFactory(number=5)
    answer_save(user=practitioner, exercise=exercise, question=question, text="x", base_version=0)
    response_submit(user=practitioner, exercise=exercise)
    answer_save(
        user=practitioner,
        exercise=draft_exercise,
        question=draft_question,
        text="y",
        base_version=0,
    )
    states = [
        (e.exercise.number, e.state)
        for e in my_reflections_get(user=practitioner, today=timezone.localdate()).entries
    ]
    assert states == [
        (3, ResponseState.SUBMITTED),
        (4, ResponseState.DRAFT),
        (5, ResponseState.NOT_STARTED),
    ]


def test_my_reflections_ignores_other_peoples_responses(practitioner, colleague, exercise):
    ExerciseResponseFactory(user=colleague, exercise=exercise, submitted_at="2024-01-01T00:00Z")
    [entry] = my_reflections_get(user=practitioner, today=timezone.localdate()).entries
    assert entry.state == ResponseState.NOT_STARTED


def test_my_reflections_is_five_queries(practitioner, django_assert_num_queries):
    responses = [
        ExerciseResponseFactory(user=practitioner, exercise=ExerciseFactory(number=number))
        for number in range(1, 6)
    ]
    # Exercises, responses, invitations, commitments and their texts.
    with django_assert_num_queries(5):
        entries = my_reflections_get(user=practitioner, today=timezone.localdate()).entries
        titles = [entry.exercise.lesson.title for entry in entries]

    assert titles == [response.exercise.lesson.title for response in responses]
    assert [entry.response for entry in entries] == responses


def test_answer_history_is_newest_first_and_own_only(practitioner, colleague, question):
    for base, text in enumerate(["a", "b"]):
        answer_save(
            user=practitioner,
            exercise=question.exercise,
            question=question,
            text=text,
            base_version=base,
        )
    answer_save(
        user=colleague, exercise=question.exercise, question=question, text="c", base_version=0
    )
    found = answer_history(user=practitioner, exercise=question.exercise, question_key="only")
    assert [v.typed_text for v in found.versions] == ["b", "a"]


def test_answer_history_unknown_key_raises(practitioner, question):
    with pytest.raises(Question.DoesNotExist):
        answer_history(user=practitioner, exercise=question.exercise, question_key="nope")


def test_question_for_answering_skips_retired_questions(exercise):
    QuestionFactory(exercise=exercise, key="gone", retired=True)
    with pytest.raises(Question.DoesNotExist):
        question_for_answering(number=3, key="gone")
