"""Reads for the course pages. Each runs a fixed number of queries, whatever the
number of lessons or people."""

from dataclasses import dataclass
from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import Course, Exercise, GlossaryTerm, Lesson, LessonProgress, Part, Question


class LessonState:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    LABELS: ClassVar[dict[str, str]] = {
        NOT_STARTED: "Not started",
        IN_PROGRESS: "In progress",
        COMPLETED: "Completed",
    }


@dataclass
class OutlineEntry:
    lesson: Lesson
    state: str
    number: int  # position in reading order, from 1
    # Completed before a trainer asked for it to be read again, not read since.
    needs_rereading: bool = False

    @property
    def state_label(self) -> str:
        return LessonState.LABELS[self.state]

    @property
    def is_started(self) -> bool:
        """In progress or completed: a state worth a badge ("Not started" is only read
        out to screen readers)."""
        return self.state != LessonState.NOT_STARTED

    @property
    def exercise_minutes(self) -> int:
        """The time given for the reflective exercises in this lesson, if any."""
        # course_outline annotates every lesson with the sum of its exercises' minutes.
        return self.lesson.exercise_minutes  # type: ignore[attr-defined]

    @property
    def minutes(self) -> int:
        """Reading time plus the exercises' time: what the lesson asks of you."""
        return self.lesson.minutes + self.exercise_minutes


@dataclass
class OutlinePart:
    part: Part
    entries: list[OutlineEntry]


@dataclass
class Outline:
    parts: list[OutlinePart]
    entries: list[OutlineEntry]
    resume_lesson: Lesson | None
    completed_count: int

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def percent_complete(self) -> int:
        return round(100 * self.completed_count / self.total) if self.total else 0

    @property
    def total_minutes(self) -> int:
        """Reading time of every lesson, without the exercises."""
        return sum(entry.lesson.minutes for entry in self.entries)

    @property
    def total_exercise_minutes(self) -> int:
        return sum(entry.exercise_minutes for entry in self.entries)

    @property
    def total_minutes_with_exercises(self) -> int:
        return self.total_minutes + self.total_exercise_minutes

    @property
    def is_started(self) -> bool:
        return any(entry.state != LessonState.NOT_STARTED for entry in self.entries)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        """(previous lesson, next lesson) around `lesson` in reading order."""
        lessons = [entry.lesson for entry in self.entries]
        index = next(i for i, candidate in enumerate(lessons) if candidate.pk == lesson.pk)
        previous = lessons[index - 1] if index > 0 else None
        following = lessons[index + 1] if index + 1 < len(lessons) else None
        return previous, following

    def entry_for(self, lesson: Lesson) -> OutlineEntry:
        return next(entry for entry in self.entries if entry.lesson.pk == lesson.pk)


def course_get() -> Course | None:
    return Course.objects.first()


def _resume_lesson(
    *, lessons: list[Lesson], progress_by_lesson: dict[int, LessonProgress]
) -> Lesson | None:
    """The lesson someone was on; if they finished it, the next one they have not."""
    if not progress_by_lesson:
        return lessons[0] if lessons else None
    last = max(progress_by_lesson.values(), key=lambda p: p.last_viewed_at)
    if last.completed_at is None:
        return next(lesson for lesson in lessons if lesson.pk == last.lesson_id)
    position = next(i for i, lesson in enumerate(lessons) if lesson.pk == last.lesson_id)
    unfinished = [
        lesson
        for lesson in lessons[position + 1 :] + lessons[:position]
        if not getattr(progress_by_lesson.get(lesson.pk), "completed_at", None)
    ]
    return unfinished[0] if unfinished else None


def course_outline(*, user: User | AnonymousUser) -> Outline:
    """Every lesson by part, with `user`'s state in each: two queries."""
    lessons = list(
        Lesson.objects.in_order()
        .defer("body_markdown", "body_html")
        .annotate(exercise_minutes=Coalesce(Sum("exercises__minutes"), 0))
    )
    progress: dict[int, LessonProgress] = {}
    if user.is_authenticated:
        mine = LessonProgress.objects.for_user(user).on_current_lessons()
        progress = {p.lesson_id: p for p in mine}
    entries: list[OutlineEntry] = []
    parts: list[OutlinePart] = []
    for lesson in lessons:
        record = progress.get(lesson.pk)
        if record is None:
            state = LessonState.NOT_STARTED
        elif record.completed_at:
            state = LessonState.COMPLETED
        else:
            state = LessonState.IN_PROGRESS
        if record is not None:
            record.lesson = lesson  # already read: no query for `needs_rereading`
        entry = OutlineEntry(
            lesson=lesson,
            state=state,
            number=len(entries) + 1,
            needs_rereading=record is not None and record.needs_rereading,
        )
        entries.append(entry)
        if not parts or parts[-1].part.pk != lesson.part_id:
            parts.append(OutlinePart(part=lesson.part, entries=[]))
        parts[-1].entries.append(entry)
    return Outline(
        parts=parts,
        entries=entries,
        resume_lesson=_resume_lesson(lessons=lessons, progress_by_lesson=progress),
        completed_count=sum(entry.state == LessonState.COMPLETED for entry in entries),
    )


def lesson_place(*, lesson: Lesson) -> tuple[int, Lesson | None]:
    """(`lesson`'s number in reading order, the lesson after it or None): one query."""
    lessons = list(Lesson.objects.current().order_by("order").only("pk", "slug", "title"))
    index = next(i for i, candidate in enumerate(lessons) if candidate.pk == lesson.pk)
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    return index + 1, following


def lesson_get_for_reading(*, slug: str) -> Lesson:
    """The lesson with its exercises and their current questions (three queries).
    An archived lesson is out of the course: Lesson.DoesNotExist."""
    exercises = Exercise.objects.prefetch_related(
        Prefetch("questions", queryset=Question.objects.current().order_by("order"))
    )
    return (
        Lesson.objects.current()
        .select_related("part")
        .prefetch_related(Prefetch("exercises", queryset=exercises))
        .get(slug=slug)
    )


def glossary_terms() -> list[GlossaryTerm]:
    """The glossary, in its file's order (alphabetical by term)."""
    return list(GlossaryTerm.objects.all())
