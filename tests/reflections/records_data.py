"""Building blocks for the records tests: answers, commitments and shares on the real
course (load it with the `course_content` fixture first)."""

from datetime import timedelta

from django.utils import timezone

from modules.models import Exercise, Lesson, LessonProgress, Question
from reflections.models import (
    Answer,
    AnswerVersion,
    ExerciseResponse,
    Share,
    answer_text_encode,
)
from tests.reflections.factories import CommitmentFactory, ShareFactory


def answer(user, number, key, text, *, submitted=True, versions=1):
    """`user`'s answer to question `key` of exercise `number`, saved `versions` times."""
    question = Question.objects.get(exercise__number=number, key=key)
    response, _ = ExerciseResponse.objects.get_or_create(user=user, exercise=question.exercise)
    now = timezone.now()
    response.last_saved_at = now
    if submitted:
        response.submitted_at = now
    response.save()
    Answer.objects.filter(response=response, question=question).delete()
    row = Answer.objects.create(
        response=response, question=question, text=answer_text_encode(text), version=versions
    )
    for version in range(1, versions + 1):
        wording = text if version == versions else f"{text} (draft {version})"
        AnswerVersion.objects.create(answer=row, version=version, text=answer_text_encode(wording))
    return row


def answer_everything(user, label, *, versions=1):
    """Answers to every question of every exercise, each `label` + the question key."""
    texts = {}
    for question in Question.objects.select_related("exercise"):
        text = f"{label} {question.key}"
        answer(user, question.exercise.number, question.key, text, versions=versions)
        texts[question.key] = text
    return texts


def commitment(user, *, due_in=7, review_in=14, text="I will do one thing", **fields):
    today = timezone.localdate()
    row = answer(user, 4, "priority-action", text)
    return CommitmentFactory(
        response=row.response,
        due_on=today + timedelta(days=due_in),
        review_on=today + timedelta(days=review_in),
        **fields,
    )


def accepted_share(owner, colleague, number=1):
    return ShareFactory(
        exercise=Exercise.objects.get(number=number),
        owner=owner,
        colleague=colleague,
        status=Share.Status.ACCEPTED,
        responded_at=timezone.now(),
    )


def complete_lessons(user, count):
    now = timezone.now()
    lessons = list(Lesson.objects.order_by("order")[:count])
    for lesson in lessons:
        LessonProgress.objects.create(
            user=user, lesson=lesson, last_viewed_at=now, completed_at=now
        )
    return lessons


def iso(days):
    """The date `days` from today, as a form would send it."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()
