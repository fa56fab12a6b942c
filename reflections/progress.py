"""What completing the course means, defined once.

A practitioner has completed the course when every lesson is marked complete and every
exercise is submitted. `course_completion_for` adds the figures to a queryset of people
(each a subquery, so a page of any length costs one query and can sort and filter on
them); `CompletionStatus` names the three states. Team managers' pages and the CPD
record read completion through here, nowhere else.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from accounts.models import User
from modules import course_cache
from modules.compiled_queries import Compiled
from modules.models import Exercise, Lesson, LessonProgress

from .models import ExerciseResponse


class CompletionStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    LABELS: ClassVar[dict[str, str]] = {
        NOT_STARTED: "Not started",
        IN_PROGRESS: "In progress",
        COMPLETED: "Completed",
    }


def course_totals() -> tuple[int, int]:
    """(lessons, exercises) in the course: what a practitioner must complete."""
    return Lesson.objects.current().count(), Exercise.objects.count()


def _per_user(queryset: QuerySet, aggregate, output_field):
    """One figure per person from `queryset` (rows with a `user`), as a subquery."""
    rows = queryset.filter(user=OuterRef("pk")).order_by().values("user")
    return Subquery(rows.annotate(figure=aggregate).values("figure")[:1], output_field=output_field)


def _either(first, second):
    """The later of two moments, either of which may be missing (NULL)."""
    return Greatest(Coalesce(first, second), Coalesce(second, first))


def course_completion_for(
    users: QuerySet, *, lessons: int | Subquery, exercises: int | Subquery
) -> QuerySet:
    """`users` with `lessons_completed`, `exercises_submitted`, `started_at` (first lesson
    opened or exercise begun), `last_activity`, `completed_at` (the moment the last lesson
    or exercise was done, once all are) and `completion_status`.

    `lessons` and `exercises` are the course's totals (`course_totals()`), passed in so a
    page reads them once (or as subqueries: `course_completed_at`)."""
    progress = LessonProgress.objects.all()
    completed = progress.completed().on_current_lessons()
    responses = ExerciseResponse.objects.all()
    submitted = responses.filter(submitted_at__isnull=False)
    number, moment = IntegerField(), DateTimeField()
    annotated = users.annotate(
        lessons_completed=Coalesce(_per_user(completed, Count("pk"), number), 0),
        exercises_submitted=Coalesce(_per_user(submitted, Count("pk"), number), 0),
        started_at=_either(
            _per_user(progress, Min("started_at"), moment),
            _per_user(responses, Min("created_at"), moment),
        ),
        last_activity=_either(
            _either(
                _per_user(progress, Max("last_viewed_at"), moment),
                _per_user(completed, Max("completed_at"), moment),
            ),
            _either(
                _per_user(responses, Max("last_saved_at"), moment),
                _per_user(submitted, Max("submitted_at"), moment),
            ),
        ),
    )
    finished = Q(lessons_completed__gte=lessons, exercises_submitted__gte=exercises)
    return annotated.annotate(
        completed_at=Case(
            When(
                finished,
                then=_either(
                    _per_user(completed, Max("completed_at"), moment),
                    _per_user(submitted, Max("submitted_at"), moment),
                ),
            ),
            default=Value(None),
            output_field=moment,
        ),
        completion_status=Case(
            When(finished, then=Value(CompletionStatus.COMPLETED)),
            When(started_at__isnull=True, then=Value(CompletionStatus.NOT_STARTED)),
            default=Value(CompletionStatus.IN_PROGRESS),
            output_field=CharField(),
        ),
    )


def percent_complete(*, lessons_completed: int, exercises_submitted: int, totals) -> int:
    """Lessons and exercises done, out of all of them, as a whole percentage rounded
    down (so 100% only once everything is done), as team_progress.selectors works it
    out in the database."""
    done, total = lessons_completed + exercises_submitted, sum(totals)
    return 100 * done // total if total else 0


def _count_of(queryset: QuerySet) -> Subquery:
    """How many rows `queryset` has, as a subquery (COUNT without GROUP BY: one row)."""
    rows = queryset.order_by().annotate(rows=Func(F("pk"), function="COUNT"))
    return Subquery(rows.values("rows")[:1], output_field=IntegerField())


def course_completed_at(user: User) -> datetime | None:
    """When `user` completed the course (the moment the last lesson or exercise was done),
    or None while anything is left: `course_completion_for` for one person, with the
    course's totals counted in the same query (one query in all).

    An empty course is completed by nobody: with nothing done, there is no moment."""
    row = (
        course_completion_for(
            User.objects.filter(pk=user.pk),
            lessons=_count_of(Lesson.objects.current()),
            exercises=_count_of(Exercise.objects.all()),
        )
        .values("completion_status", "completed_at")
        .first()
    )
    if row is None or row["completion_status"] != CompletionStatus.COMPLETED:
        return None
    return row["completed_at"]


@dataclass(frozen=True)
class CourseStanding:
    """Where one person stands in the course, for the course summary and the home page:
    the same figures and the same rule as `course_completion_for`."""

    lessons_completed: int
    lessons_total: int
    exercises: list[Exercise]  # in number order, each with `is_submitted`
    status: str

    @property
    def fingerprint(self) -> tuple:
        """Everything a standing shows beyond the course content, as plain values (for
        a fragment kept between requests, `{% kept %}`)."""
        figures = (self.lessons_completed, self.lessons_total, self.status)
        return (*figures, tuple((e.pk, bool(e.is_submitted)) for e in self.exercises))  # type: ignore[attr-defined]

    @property
    def exercises_submitted(self) -> list[Exercise]:
        return [exercise for exercise in self.exercises if exercise.is_submitted]  # type: ignore[attr-defined]

    @property
    def exercises_open(self) -> list[Exercise]:
        return [exercise for exercise in self.exercises if not exercise.is_submitted]  # type: ignore[attr-defined]

    @property
    def lessons_left(self) -> int:
        return self.lessons_total - self.lessons_completed

    @property
    def is_completed(self) -> bool:
        return self.status == CompletionStatus.COMPLETED

    @property
    def is_reading_done(self) -> bool:
        """Every lesson read and marked complete, whatever is left of the exercises."""
        return self.lessons_total > 0 and self.lessons_left <= 0


def completion_status(
    *,
    lessons_completed: int,
    lessons_total: int,
    exercises_submitted: int,
    exercises_total: int,
    started: bool,
) -> str:
    """The rule of `course_completion_for`'s `completion_status`, for figures already
    read (a test holds the two to the same answers)."""
    if lessons_completed >= lessons_total and exercises_submitted >= exercises_total:
        return CompletionStatus.COMPLETED
    return CompletionStatus.IN_PROGRESS if started else CompletionStatus.NOT_STARTED


_STANDING_FIGURES = ("lessons_total", "lessons_completed", "started")


def _standing_figures(user_id: int) -> dict:
    return {
        "lessons_total": _count_of(Lesson.objects.current()),
        "lessons_completed": _count_of(
            LessonProgress.objects.filter(user_id=user_id).completed().on_current_lessons()
        ),
        "started": Exists(LessonProgress.objects.filter(user_id=user_id))
        | Exists(ExerciseResponse.objects.filter(user_id=user_id)),
    }


def _standing_exercises(user_id: int) -> QuerySet:
    """Every exercise in number order, with `is_submitted` for `user_id` and the
    standing's figures (`standing_…`, the same on every row)."""
    submitted = ExerciseResponse.objects.submitted().filter(
        user_id=user_id, exercise=OuterRef("pk")
    )
    figures = _standing_figures(user_id)
    return (
        Exercise.objects.order_by("number")
        .only("number", "title", "minutes")
        .annotate(
            is_submitted=Exists(submitted), **{f"standing_{k}": v for k, v in figures.items()}
        )
    )


# Building and compiling that queryset costs a page several milliseconds, running it a
# fraction of one: it is compiled once and run with each person's id.
_standing_query = Compiled(Exercise, _standing_exercises, arguments=1)


@dataclass(frozen=True)
class Reading:
    """What a page already knows of one person's reading (modules' `Outline`): the current
    lessons they completed, out of how many, in the course content at `version`. Given
    only once they have started a current lesson."""

    lessons_completed: int
    lessons_total: int
    version: str


def _exercises_in_order() -> list[Exercise]:
    return list(Exercise.objects.order_by("number").only("number", "title", "minutes"))


# The exercises someone has submitted: asked with the person's id, compiled once.
_submitted_by = Compiled(
    ExerciseResponse,
    lambda user_id: (
        ExerciseResponse.objects.submitted().filter(user_id=user_id).values_list("exercise_id")
    ),
    arguments=1,
)


def _standing_after_reading(*, user: User, reading: Reading) -> CourseStanding:
    """`course_standing` for someone whose reading is known: only which exercises they
    submitted is asked (one small query); the exercises are kept per content version."""
    submitted = frozenset(exercise_id for (exercise_id,) in _submitted_by.rows(user.pk))

    def marked() -> list[Exercise]:
        exercises = []
        for exercise in _exercises_in_order():
            exercise.is_submitted = exercise.pk in submitted  # type: ignore[attr-defined]
            exercises.append(exercise)
        return exercises

    # Kept by which of them were submitted (a few dozen combinations at most), shared by
    # everyone with the same: read-only.
    exercises = course_cache.kept(reading.version, ("standing_exercises", submitted), marked)
    return CourseStanding(
        lessons_completed=reading.lessons_completed,
        lessons_total=reading.lessons_total,
        exercises=exercises,
        status=completion_status(
            lessons_completed=reading.lessons_completed,
            lessons_total=reading.lessons_total,
            exercises_submitted=sum(exercise.is_submitted for exercise in exercises),  # type: ignore[attr-defined]
            exercises_total=len(exercises),
            started=True,  # a current lesson started
        ),
    )


def course_standing(*, user: User, reading: Reading | None = None) -> CourseStanding:
    """`user`'s lessons completed and each exercise, submitted or still open: one small
    query (two in a course without exercises), whatever the size of the course.

    Its figures are `course_completion_for`'s, counted for this one person, and its
    status the same rule (`completion_status`): for one person, building and compiling
    that query costs far more than the database takes to answer it, so it is compiled
    once (`_standing_query`) and run with the person's id.

    `reading`: the lesson figures a page already has (the course home's outline, which
    counts current lessons completed by the same rule); then only the submitted
    exercises are asked."""
    if reading is not None:
        return _standing_after_reading(user=user, reading=reading)
    exercises = _standing_query.objects(user.pk)
    for exercise in exercises:  # SQLite answers EXISTS with 0 or 1
        exercise.is_submitted = bool(exercise.is_submitted)  # type: ignore[attr-defined]
    if exercises:
        found = {name: getattr(exercises[0], f"standing_{name}") for name in _STANDING_FIGURES}
    else:
        figures = _standing_figures(user.pk)
        found = User.objects.filter(pk=user.pk).annotate(**figures).values(*figures).get()
    lessons_completed, lessons_total = found["lessons_completed"] or 0, found["lessons_total"] or 0
    return CourseStanding(
        lessons_completed=lessons_completed,
        lessons_total=lessons_total,
        exercises=exercises,
        status=completion_status(
            lessons_completed=lessons_completed,
            lessons_total=lessons_total,
            exercises_submitted=sum(exercise.is_submitted for exercise in exercises),  # type: ignore[attr-defined]
            exercises_total=len(exercises),
            started=bool(found["started"]),
        ),
    )
