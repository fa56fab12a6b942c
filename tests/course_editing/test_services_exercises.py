"""Editing an exercise: questions keep their keys, removed ones are retired (answers
kept), a question's stage is fixed once answered, and each save is audited."""

import pytest

from audit.models import AuditEvent
from course_editing import services
from course_editing.services import QuestionEdit
from modules.models import Question
from modules.rendering import MarkdownContentError
from reflections.models import Answer, ExerciseResponse
from tests.factories import ExerciseFactory, QuestionFactory
from tests.modules.test_rendering import TRUNCATING

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise():
    exercise = ExerciseFactory(intro_markdown="Think first.")
    QuestionFactory(exercise=exercise, key="alone", order=1, text_markdown="What do you think?")
    QuestionFactory(
        exercise=exercise, key="together", order=2, stage="pair", text_markdown="And together?"
    )
    return exercise


def _answer(exercise, key, person):
    response = ExerciseResponse.objects.create(user=person, exercise=exercise)
    return Answer.objects.create(
        response=response, question=exercise.questions.get(key=key), text="My own words."
    )


def _edit(exercise, editor, *questions, intro="Think first."):
    return services.exercise_edit(
        exercise=exercise, actor=editor, intro_markdown=intro, questions=list(questions)
    )


def _current(exercise):
    return list(
        exercise.questions.current()
        .order_by("order")
        .values_list("key", "order", "stage", "text_markdown")
    )


def test_the_introduction_and_question_text_change_and_keys_stay(exercise, editor):
    _edit(
        exercise,
        editor,
        QuestionEdit("alone", "What do *you* think now?", "individual"),
        QuestionEdit("together", "And together?", "pair"),
        intro="Think on your own first.",
    )

    exercise.refresh_from_db()
    assert "Think on your own first." in exercise.intro_html
    assert _current(exercise) == [
        ("alone", 1, "individual", "What do *you* think now?"),
        ("together", 2, "pair", "And together?"),
    ]
    assert "<em>you</em>" in exercise.questions.get(key="alone").text_html
    event = AuditEvent.objects.for_target(exercise).get(action="exercise.edited")
    assert event.actor == editor
    assert event.detail == {"added": [], "changed": ["alone"], "retired": []}


def test_a_removed_question_is_retired_and_its_answers_stay(exercise, editor, practitioner):
    answer = _answer(exercise, "together", practitioner)

    _edit(
        exercise,
        editor,
        QuestionEdit("alone", "What do you think?", "individual"),
        QuestionEdit("together", "And together?", "pair", removed=True),
    )

    retired = Question.objects.get(key="together")
    assert retired.retired
    assert retired.retired_at is not None
    assert Answer.objects.get(pk=answer.pk).question == retired
    assert [key for key, *_ in _current(exercise)] == ["alone"]


def test_a_question_is_added_with_a_new_key(exercise, editor):
    _edit(
        exercise,
        editor,
        QuestionEdit("alone", "What do you think?", "individual"),
        QuestionEdit("together", "And together?", "pair"),
        QuestionEdit("next-steps", "What will you do next?", "individual"),
    )

    assert _current(exercise)[-1] == ("next-steps", 3, "individual", "What will you do next?")


def test_the_stage_of_an_answered_question_cannot_change(exercise, editor, practitioner):
    _answer(exercise, "alone", practitioner)

    with pytest.raises(services.ExerciseEditError, match="alone"):
        _edit(
            exercise,
            editor,
            QuestionEdit("alone", "Changed words.", "pair"),
            QuestionEdit("together", "And together?", "individual"),
            intro="A new introduction.",
        )

    exercise.refresh_from_db()
    assert exercise.intro_markdown == "Think first."
    assert _current(exercise)[0] == ("alone", 1, "individual", "What do you think?")


def test_the_stage_of_an_unanswered_question_can_change(exercise, editor, practitioner):
    _answer(exercise, "alone", practitioner)

    _edit(
        exercise,
        editor,
        QuestionEdit("alone", "What do you think?", "individual"),
        QuestionEdit("together", "And on your own?", "individual"),
    )

    assert Question.objects.get(key="together").stage == "individual"


def test_a_retired_questions_key_is_not_reused(exercise, editor):
    Question.objects.filter(key="together").update(retired=True)

    with pytest.raises(services.ExerciseEditError, match="together"):
        _edit(exercise, editor, QuestionEdit("together", "Something else?", "individual"))


def test_text_that_sanitising_would_cut_short_is_refused(exercise, editor):
    with pytest.raises(MarkdownContentError):
        _edit(exercise, editor, QuestionEdit("alone", TRUNCATING, "individual"))

    assert _current(exercise)[0][3] == "What do you think?"


def test_the_last_question_cannot_be_removed(exercise, editor):
    with pytest.raises(services.ExerciseEditError, match="at least one question"):
        _edit(
            exercise,
            editor,
            QuestionEdit("alone", "What do you think?", "individual", removed=True),
            QuestionEdit("together", "And together?", "pair", removed=True),
        )

    assert len(_current(exercise)) == 2


def test_the_commitment_question_cannot_be_removed(exercise, editor):
    QuestionFactory(exercise=exercise, key="change", order=3, kind="commitment")

    with pytest.raises(services.ExerciseEditError, match="commitment"):
        _edit(
            exercise,
            editor,
            QuestionEdit("alone", "What do you think?", "individual"),
            QuestionEdit("together", "And together?", "pair"),
            QuestionEdit("change", "One change.", "individual", removed=True),
        )

    assert not Question.objects.get(key="change").retired


def test_more_questions_than_the_site_accepts_are_refused(exercise, editor, settings):
    settings.EXERCISE_MAX_QUESTIONS = 2

    with pytest.raises(services.ExerciseEditError, match="at most 2"):
        _edit(
            exercise,
            editor,
            QuestionEdit("alone", "What do you think?", "individual"),
            QuestionEdit("together", "And together?", "pair"),
            QuestionEdit("third", "A third?", "individual"),
        )
