"""Reads for the course pages. Each runs a fixed number of queries, whatever the
number of lessons or people."""

from dataclasses import dataclass
from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from accounts.models import User

from . import course_cache
from .compiled_queries import Compiled
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
    # The course content it was built from (None: no course row), for `course_cache`.
    version: str | None = None

    @property
    def fingerprint(self) -> tuple[tuple[str, bool], ...]:
        """What an outline shows beyond the course content: each lesson's state and
        whether it needs re-reading. Two people with the same see the same outline, so
        a rendered outline is kept by this, never by whose it is."""
        return tuple((entry.state, entry.needs_rereading) for entry in self.entries)

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


# Read on every page: compiled once.
_the_course = Compiled(Course, lambda: Course.objects.order_by("pk")[:1], 0)


def course_get() -> Course | None:
    """The course row (the first, should there ever be more), or None."""
    found = _the_course.objects()
    return found[0] if found else None


# Where `course_for_request` keeps the course row for the rest of the request.
_REQUEST_COURSE = "_modules_course"


def course_for_request(request: HttpRequest) -> Course | None:
    """The course row, read once per request: for the header and the footer, and for
    the version of what the course pages keep between requests (`course_cache`)."""
    if not hasattr(request, _REQUEST_COURSE):
        setattr(request, _REQUEST_COURSE, course_get())
    return getattr(request, _REQUEST_COURSE)


def _content_version(course: Course | None) -> str | None:
    return course.content_version if course is not None else None


def _lessons_in_order() -> list[Lesson]:
    return list(
        Lesson.objects.in_order()
        .defer("body_markdown", "body_html")
        .annotate(exercise_minutes=Coalesce(Sum("exercises__minutes"), 0))
    )


def course_lessons(*, course: Course | None) -> list[Lesson]:
    """The current lessons in reading order, with their parts and their exercises'
    minutes (`exercise_minutes`), without their text: kept per content version, so one
    query only when the content changed. Shared: read-only."""
    return course_cache.kept(_content_version(course), "lessons", _lessons_in_order)


def _progress_and_course_version(user_id: int) -> QuerySet[LessonProgress]:
    """`user_id`'s progress rows, each with the course's content version (`course_version`):
    the course pages learn both in one query."""
    version = Course.objects.order_by("pk").values("content_version")[:1]
    return LessonProgress.objects.for_user(user_id).annotate(course_version=Subquery(version))


# Read on every course page: compiled once, run with the reader's id.
_progress_of = Compiled(LessonProgress, _progress_and_course_version, 1)


def progress_by_lesson(*, user: User | AnonymousUser) -> dict[int, LessonProgress]:
    """`user`'s progress rows by lesson id, archived lessons' included (one query; none
    when signed out)."""
    if not user.is_authenticated:
        return {}
    return {row.lesson_id: row for row in _progress_of.objects(user.pk)}


def _course_at(version: str) -> Course | None:
    """The course row at content `version`, kept between requests while the content
    stays at that version; read again should it have changed since."""
    course = course_cache.kept(version, "course", course_get)
    if course is None or course.content_version != version:
        return course_get()
    return course


def course_and_progress(request: HttpRequest) -> tuple[Course | None, dict[int, LessonProgress]]:
    """`course_for_request` and `progress_by_lesson` for the person asking: one query for
    both when they have any progress (the course row itself is kept while the content
    is unchanged), as on every course page after their first."""
    user = request.user
    if not user.is_authenticated or hasattr(request, _REQUEST_COURSE):
        return course_for_request(request), progress_by_lesson(user=user)
    rows = _progress_of.objects(user.pk)
    if rows:
        course = _course_at(rows[0].course_version)
        setattr(request, _REQUEST_COURSE, course)
    return course_for_request(request), {row.lesson_id: row for row in rows}


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


def course_outline(
    *,
    user: User | AnonymousUser,
    course: Course | None = None,
    progress: dict[int, LessonProgress] | None = None,
) -> Outline:
    """Every lesson by part, with `user`'s state in each. Reads the course row and
    `user`'s progress unless given (`course_for_request`, `progress_by_lesson`); the
    lessons are kept between requests (`course_lessons`)."""
    if course is None:
        course = course_get()
    lessons = course_lessons(course=course)
    if progress is None:
        progress = progress_by_lesson(user=user)
    # Archived lessons' progress no longer counts (LessonProgress.objects.on_current_lessons):
    # only the current lessons' rows are looked at.
    current: dict[int, LessonProgress] = {}
    entries: list[OutlineEntry] = []
    parts: list[OutlinePart] = []
    completed_count = 0
    part_id = None
    for number, lesson in enumerate(lessons, start=1):
        record = progress.get(lesson.pk)
        rereading = False
        if record is None:
            state = LessonState.NOT_STARTED
        else:
            current[lesson.pk] = record
            if record.completed_at:
                state = LessonState.COMPLETED
                completed_count += 1
                rereading = record.needs_rereading_after(lesson.reread_requested_at)
            else:
                state = LessonState.IN_PROGRESS
        entry = OutlineEntry(lesson=lesson, state=state, number=number, needs_rereading=rereading)
        entries.append(entry)
        if lesson.part_id != part_id:
            part_id = lesson.part_id
            parts.append(OutlinePart(part=lesson.part, entries=[]))
        parts[-1].entries.append(entry)
    return Outline(
        parts=parts,
        entries=entries,
        resume_lesson=_resume_lesson(lessons=lessons, progress_by_lesson=current),
        completed_count=completed_count,
        version=_content_version(course),
    )


# Where a course page keeps the reader's outline for the rest of the request.
_REQUEST_OUTLINE = "_modules_outline"


def outline_for_request(request: HttpRequest) -> Outline:
    """The person asking's outline (`course_outline` of `course_and_progress`), built once
    per request: other apps read the reader's figures from it (`outline_built`)."""
    if not hasattr(request, _REQUEST_OUTLINE):
        course, progress = course_and_progress(request)
        outline = course_outline(user=request.user, course=course, progress=progress)
        setattr(request, _REQUEST_OUTLINE, outline)
    return getattr(request, _REQUEST_OUTLINE)


def outline_built(request: HttpRequest) -> Outline | None:
    """The outline `outline_for_request` built for this request, if a page asked for one."""
    return getattr(request, _REQUEST_OUTLINE, None)


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
