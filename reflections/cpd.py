"""A practitioner's CPD record for the course, under Social Work England's headings.

`selectors.records.cpd_record` fetches the rows (only the practitioner's own); this module
arranges them. The printable page and the PDF are both drawn from one `CpdRecord`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from modules.formats import minutes_in_words

from .models import answer_text_decode

ACTIVITY_TYPE = "Self-directed online course (reading, written reflection and peer discussion)"


@dataclass
class RecordAnswer:
    question: object  # modules.Question
    text: str


@dataclass
class RecordExercise:
    exercise: object  # modules.Exercise
    submitted: bool
    individual: list = field(default_factory=list)  # RecordAnswer, the practitioner's own
    pair: list = field(default_factory=list)  # RecordAnswer, their own pair-stage answers
    partners: list = field(default_factory=list)  # colleagues' names, never their answers

    @property
    def has_individual_answers(self):
        return any(answer.text for answer in self.individual)

    @property
    def has_pair_answers(self):
        return any(answer.text for answer in self.pair)


@dataclass
class RecordCommitment:
    exercise: object
    text: str
    due_on: object
    review_on: object
    review_outcome: str
    reviewed_at: object


@dataclass
class CpdRecord:
    user: object
    course: object
    completed_lessons: list
    exercises: list  # RecordExercise, every exercise in the course
    commitments: list  # RecordCommitment
    first_activity: datetime | None
    last_activity: datetime | None
    minutes: int
    # When the course was completed (reflections.progress, the one definition), or None.
    course_completed_at: datetime | None = None
    activity_type: str = ACTIVITY_TYPE

    @property
    def course_title(self):
        return self.course.title if self.course else "Child sexual exploitation: a course"

    @property
    def time_spent(self):
        """The estimate in words, e.g. "About 3 hours 5 minutes"."""
        return f"About {minutes_in_words(self.minutes)}"

    @property
    def submitted_exercises(self):
        return [entry for entry in self.exercises if entry.submitted]

    @property
    def peer_exercises(self):
        """Exercises with a colleague's name or the practitioner's own pair-stage answers."""
        return [entry for entry in self.exercises if entry.partners or entry.has_pair_answers]

    @property
    def description(self):
        course = self.course_title
        return (
            f"I worked through “{course}”, a self-paced course on child sexual exploitation "
            "(CSE) for practitioners in children's social care in England. It is relevant to "
            "my practice because it covers recognising CSE and its indicators, the law and "
            "guidance, and how to engage and support children and young people at risk."
        )

    @classmethod
    def build(
        cls,
        *,
        user,
        course,
        exercises,
        progress,
        responses,
        commitments,
        peer_shares,
        course_completed_at=None,
    ):
        responses_by_exercise = {response.exercise_id: response for response in responses}
        partners_by_exercise = {}
        for share in peer_shares:
            partner = share.partner_of(user)
            if partner is not None:
                partners_by_exercise.setdefault(share.exercise_id, [])
                if partner.full_name not in partners_by_exercise[share.exercise_id]:
                    partners_by_exercise[share.exercise_id].append(partner.full_name)
        entries = [
            _record_exercise(
                exercise,
                responses_by_exercise.get(exercise.pk),
                partners_by_exercise.get(exercise.pk, []),
            )
            for exercise in exercises
        ]
        completed = [p for p in progress if p.completed_at]
        completed.sort(key=lambda p: p.lesson.order)
        minutes = sum(p.lesson.minutes for p in completed) + sum(
            entry.exercise.minutes for entry in entries if entry.submitted
        )
        moments = _activity_moments(progress, responses, commitments)
        return cls(
            user=user,
            course=course,
            completed_lessons=[p.lesson for p in completed],
            exercises=entries,
            commitments=_record_commitments(entries, responses_by_exercise, commitments),
            first_activity=min(moments) if moments else None,
            last_activity=max(moments) if moments else None,
            minutes=minutes,
            course_completed_at=course_completed_at,
        )


def _record_exercise(exercise, response, partners):
    texts = {}
    if response is not None:
        texts = {answer.question_id: answer.typed_text for answer in response.answers.all()}
    entry = RecordExercise(
        exercise=exercise,
        submitted=bool(response and response.submitted_at),
        partners=partners,
    )
    for question in exercise.questions.all():
        text = texts.get(question.pk, "")
        if question.retired and not text:
            continue
        bucket = entry.pair if question.stage == "pair" else entry.individual
        bucket.append(RecordAnswer(question=question, text=text))
    return entry


def _record_commitments(entries, responses_by_exercise, commitments):
    by_response = {commitment.response_id: commitment for commitment in commitments}
    found = []
    for entry in entries:
        response = responses_by_exercise.get(entry.exercise.pk)
        commitment = by_response.get(response.pk) if response else None
        if commitment is None:
            continue
        text = next(
            (a.text for a in entry.individual + entry.pair if a.question.kind == "commitment"),
            "",
        )
        found.append(
            RecordCommitment(
                exercise=entry.exercise,
                text=text,
                due_on=commitment.due_on,
                review_on=commitment.review_on,
                review_outcome=answer_text_decode(commitment.review_outcome),
                reviewed_at=commitment.reviewed_at,
            )
        )
    return found


def _activity_moments(progress, responses, commitments):
    moments = []
    for record in progress:
        moments += [record.started_at, record.last_viewed_at, record.completed_at]
    for response in responses:
        moments += [response.created_at, response.last_saved_at, response.submitted_at]
    for commitment in commitments:
        moments += [commitment.updated_at, commitment.reviewed_at]
    return [timezone.localtime(moment) for moment in moments if moment]
