"""Reads for the trainers' pages, and the one rule for who may use them.

Only trainers and administrators edit the course. Everyone else signed in gets 404
from every page here (course_editing.views.trainer_page asks `may_edit_course`).
"""

import calendar
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from modules.models import Exercise, Lesson, LessonRevision, Part, exercise_sha256

from .models import LegalReview, LessonDraft

EDITING_ROLES = frozenset({User.Role.TRAINER, User.Role.ADMINISTRATOR})


def may_edit_course(user: User | AnonymousUser) -> bool:
    """Trainers, administrators and superusers: the people who keep the course correct."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role in EDITING_ROLES or user.is_superuser)
    )


def months_before(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class ReviewStatus:
    NOT_NEEDED = "not_needed"  # no legal_review note, never reviewed
    NEVER = "never"
    OVERDUE = "overdue"
    CURRENT = "current"

    LABELS: ClassVar[dict[str, str]] = {
        NOT_NEEDED: "No review asked for",
        NEVER: "Never reviewed",
        OVERDUE: "Review overdue",
        CURRENT: "Reviewed",
    }
    FLAGGED = frozenset({NEVER, OVERDUE})


def legal_review_status(lesson: Lesson, *, now: datetime | None = None) -> str:
    """Flagged: a lesson with a `legal_review` note never reviewed, or any lesson last
    reviewed longer than LEGAL_REVIEW_MONTHS ago."""
    if lesson.legally_reviewed_at is None:
        return ReviewStatus.NEVER if lesson.legal_review else ReviewStatus.NOT_NEEDED
    cutoff = months_before(now or timezone.now(), settings.LEGAL_REVIEW_MONTHS)
    return ReviewStatus.OVERDUE if lesson.legally_reviewed_at < cutoff else ReviewStatus.CURRENT


@dataclass
class LessonRow:
    lesson: Lesson
    exercises: list[Exercise]
    draft: LessonDraft | None
    last_published: LessonRevision | None
    legal_status: str
    movable_earlier: bool = False  # within its part, for lessons in the course
    movable_later: bool = False

    @property
    def states(self) -> list[str]:
        if self.lesson.awaiting_first_publish:
            states = ["new"]
        else:
            states = ["archived" if self.lesson.is_archived else "published"]
        if self.draft is not None:
            states.append("draft")
        return states

    @property
    def legal_label(self) -> str:
        return ReviewStatus.LABELS[self.legal_status]

    @property
    def legal_flagged(self) -> bool:
        return self.legal_status in ReviewStatus.FLAGGED


@dataclass
class PartRows:
    part: Part
    rows: list[LessonRow] = field(default_factory=list)


@dataclass
class EditingOverview:
    parts: list[PartRows]
    archived: list[LessonRow]

    @property
    def flagged_count(self) -> int:
        rows = [row for part in self.parts for row in part.rows] + self.archived
        return sum(row.legal_flagged for row in rows if not row.lesson.is_archived)

    @property
    def draft_count(self) -> int:
        return sum(row.draft is not None for part in self.parts for row in part.rows)


def _latest_revisions(lesson_ids: list[int]) -> dict[int, LessonRevision]:
    latest: dict[int, LessonRevision] = {}
    revisions = LessonRevision.objects.filter(lesson_id__in=lesson_ids).select_related("author")
    for revision in revisions.order_by("lesson_id", "created_at", "id"):
        latest[revision.lesson_id] = revision
    return latest


def editing_overview() -> EditingOverview:
    """Every lesson (current in course order, with new ones not yet published at the
    end of their part, then archived) with its exercises, draft, last published version
    and legal-review status. Every current part is listed, even with no lessons yet.
    A fixed number of queries."""
    lessons = list(
        Lesson.objects.select_related("part", "draft__author")
        .prefetch_related(Prefetch("exercises", queryset=Exercise.objects.order_by("number")))
        .order_by(F("archived_at").asc(nulls_first=True), "order")
    )
    latest = _latest_revisions([lesson.pk for lesson in lessons])
    now = timezone.now()
    parts = {part.pk: PartRows(part=part) for part in Part.objects.current().order_by("order")}
    archived: list[LessonRow] = []
    for lesson in lessons:
        row = LessonRow(
            lesson=lesson,
            exercises=list(lesson.exercises.all()),
            draft=getattr(lesson, "draft", None),
            last_published=latest.get(lesson.pk),
            legal_status=legal_review_status(lesson, now=now),
        )
        if lesson.is_archived and not lesson.awaiting_first_publish:
            archived.append(row)
        else:
            parts.setdefault(lesson.part_id, PartRows(part=lesson.part)).rows.append(row)
    for part_rows in parts.values():
        in_course = [row for row in part_rows.rows if not row.lesson.is_archived]
        for row in in_course[1:]:
            row.movable_earlier = True
        for row in in_course[:-1]:
            row.movable_later = True
    return EditingOverview(parts=list(parts.values()), archived=archived)


def exercise_for_editing(*, number: int) -> Exercise:
    return Exercise.objects.select_related("lesson").get(number=number)


def exercise_fingerprint(exercise: Exercise) -> str:
    """What the exercise page was opened on (introduction, every question's key, text,
    stage, order and whether retired): a save from a page opened on something else is
    refused, so one trainer never retires a question another has just added."""
    questions = exercise.questions.order_by("key").values_list(
        "key", "text_markdown", "stage", "order", "retired"
    )
    return exercise_sha256(intro_markdown=exercise.intro_markdown, questions=questions)


def part_for_editing(*, key: str) -> Part:
    """A part of the course as it is now (an archived one takes no new lessons)."""
    return Part.objects.current().get(key=key)


def lesson_for_editing(*, slug: str) -> Lesson:
    """Any lesson, archived ones too (a trainer can still read its history)."""
    return Lesson.objects.select_related("part").get(slug=slug)


def draft_for(lesson: Lesson) -> LessonDraft | None:
    return LessonDraft.objects.select_related("author").filter(lesson=lesson).first()


def lesson_history(*, lesson: Lesson) -> QuerySet[LessonRevision]:
    """Every version of the lesson, oldest first, each numbered (`number`) from 1."""
    return lesson.revisions.select_related("author").order_by("created_at", "id")


def numbered_history(*, lesson: Lesson) -> list[LessonRevision]:
    revisions = list(lesson_history(lesson=lesson))
    for number, revision in enumerate(revisions, start=1):
        revision.number = number  # type: ignore[attr-defined]
    return revisions


def revision_get(*, lesson: Lesson, revision_id: int) -> LessonRevision:
    return lesson.revisions.select_related("author").get(pk=revision_id)


def latest_revision(*, lesson: Lesson) -> LessonRevision | None:
    return lesson_history(lesson=lesson).last()


def legal_review_history(*, lesson: Lesson) -> QuerySet[LegalReview]:
    """Every time the lesson was marked as legally reviewed: who, when, what, newest first."""
    return lesson.legal_reviews.select_related("reviewer")
