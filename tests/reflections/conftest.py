import pytest
from django.utils import timezone

from modules.models import Exercise, Question
from reflections.models import AnswerVersion
from tests.factories import ExerciseFactory, QuestionFactory
from tests.log_capture import no_secrets_in_logs  # noqa: F401 (autouse: every log line checked)

from .factories import AnswerFactory, ExerciseResponseFactory


@pytest.fixture
def signed_in(client, practitioner):
    """The test client, signed in as the practitioner."""
    client.force_login(practitioner)
    return client


@pytest.fixture
def exercise(request):
    """Exercise 7, for pairs: two questions to answer alone, then one to answer together
    (closed until the partners' answers are revealed).

    A test module changes it with EXERCISE, the factory's fields (a title, say), or
    with EXERCISE_QUESTIONS = False when each test adds the questions it needs.
    """
    fields = {"number": 7, "title": "Thinking it through"}
    exercise = ExerciseFactory(**(fields | getattr(request.module, "EXERCISE", {})))
    if getattr(request.module, "EXERCISE_QUESTIONS", True):
        QuestionFactory(exercise=exercise, key="first", order=1, text_markdown="First question?")
        QuestionFactory(exercise=exercise, key="second", order=2, text_markdown="Second question?")
        QuestionFactory(exercise=exercise, key="together", order=3, stage=Question.Stage.PAIR)
    return exercise


def write(user, exercise, label, *, submitted=True):
    """`user`'s response to `exercise`, submitted unless told otherwise, with an answer
    to every question: `label` on the question's key ("Sam on first")."""
    response = ExerciseResponseFactory(
        user=user, exercise=exercise, submitted_at=timezone.now() if submitted else None
    )
    for question in exercise.questions.all():
        AnswerFactory(response=response, question=question, text=f"{label} on {question.key}")
    return response


def write_with_a_draft(user, number, text, *, submitted=True):
    """`user`'s answers to exercise `number`, each saved twice: an earlier version (a
    draft, still holding `text`) and the current one."""
    exercise = Exercise.objects.get(number=number)
    response = ExerciseResponseFactory(
        user=user, exercise=exercise, submitted_at=timezone.now() if submitted else None
    )
    for question in exercise.questions.current():
        answer = AnswerFactory(
            response=response, question=question, text=f"{text} ({question.key})", version=2
        )
        AnswerVersion.objects.create(answer=answer, version=1, text=f"{text} draft")
