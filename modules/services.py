"""Writes for the course: loading content, and recording a person's progress."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model, OuterRef, Prefetch, Subquery
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record

from .content import (
    ContentError,
    ContentTree,
    CourseSpec,
    ExerciseSpec,
    GlossarySpec,
    LessonSpec,
    Problem,
    QuestionSpec,
    content_files,
    longest,
    read_content,
)
from .models import (
    Course,
    Exercise,
    GlossaryTerm,
    Lesson,
    LessonProgress,
    LessonRevision,
    Part,
    Question,
    exercise_sha256,
    text_sha256,
)
from .rendering import reading_minutes, render_markdown

# Rows whose unique order changes are parked here first, so two lessons can swap places.
_PARKING_OFFSET = 1_000_000
# An archived lesson or part keeps an order here (plus its id): out of the way of the
# course's orders (at most 9999) and of the parked ones, and unique.
_ARCHIVED_OFFSET = 2_000_000


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.removed or self.restored or self.carried)


@dataclass(frozen=True)
class Conflict:
    """A lesson edited in the browser since it was last loaded, whose file differs."""

    slug: str
    title: str
    file_changed: bool  # the file changed since the last load too

    def __str__(self) -> str:
        where = (
            "edited in the browser and in its file"
            if self.file_changed
            else "edited in the browser; its file still has the text last loaded"
        )
        return f"{self.slug} ({self.title}): {where}"


class ContentConflictError(Exception):
    """Loading would overwrite edits made in the browser: nothing was changed."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__("\n".join(str(c) for c in conflicts))


def _spec_sha256(spec: ExerciseSpec) -> str:
    questions = [(q.key, q.order, q.stage, q.kind, q.text_markdown) for q in spec.questions]
    return exercise_sha256(intro_markdown=spec.intro_markdown, questions=questions)


def _stored_sha256(exercise: Exercise) -> str:
    """The fingerprint of the exercise as stored; its `questions` prefetched, current
    ones only, in order (see `_exercise_conflicts`)."""
    questions = [
        (q.key, q.order, q.stage, q.kind, q.text_markdown) for q in exercise.questions.all()
    ]
    return exercise_sha256(intro_markdown=exercise.intro_markdown, questions=questions)


def _exercise_conflicts(tree: ContentTree) -> list[Conflict]:
    """Exercises edited in the browser since the last load whose file differs, as for
    lessons. One loaded before the fingerprint was kept has none: nothing to compare."""
    current = Prefetch("questions", queryset=Question.objects.current().order_by("order"))
    stored = Exercise.objects.prefetch_related(current).in_bulk(
        [spec.number for spec in tree.exercises], field_name="number"
    )
    conflicts = []
    for spec in tree.exercises:
        exercise = stored.get(spec.number)
        if exercise is None or not exercise.loaded_sha256:
            continue
        now, in_file = _stored_sha256(exercise), _spec_sha256(spec)
        if now != exercise.loaded_sha256 and in_file != now:
            conflicts.append(
                Conflict(
                    slug=f"exercise {exercise.number}",
                    title=exercise.title,
                    file_changed=in_file != exercise.loaded_sha256,
                )
            )
    return conflicts


def _conflicts(tree: ContentTree) -> list[Conflict]:
    """Lessons whose text in the database is not what their file held when last loaded
    (an edit in the browser) and differs from the file now, then exercises likewise.
    When the file has caught up with the edit (exported, say) there is nothing to lose."""
    lessons = Lesson.objects.in_bulk([spec.slug for spec in tree.lessons], field_name="slug")
    conflicts = []
    for spec in tree.lessons:
        lesson = lessons.get(spec.slug)
        if lesson is None or lesson.text_sha256 == lesson.loaded_text_sha256:
            continue
        in_file = text_sha256(title=spec.title, body_markdown=spec.body_markdown)
        if in_file != lesson.text_sha256:
            conflicts.append(
                Conflict(
                    slug=lesson.slug,
                    title=lesson.title,
                    file_changed=in_file != lesson.loaded_text_sha256,
                )
            )
    return conflicts + _exercise_conflicts(tree)


def _archive(row: Part | Lesson, *, label: str, report: LoadReport) -> None:
    """Take a part or lesson out of the course without deleting it: progress, revisions
    and answers stay, and it comes back if content/ has it again."""
    row.order, row.archived_at = _ARCHIVED_OFFSET + row.pk, timezone.now()
    type(row).objects.filter(pk=row.pk).update(order=row.order, archived_at=row.archived_at)
    report.removed.append(f"{label} (archived)")


def _park(row: Part | Lesson) -> None:
    """Move a current row's order out of the way, so another row can take it."""
    row.order = _PARKING_OFFSET + row.order
    type(row).objects.filter(pk=row.pk).update(order=row.order)


def _sync(instance: Model, values: dict[str, Any]) -> bool:
    """Set the fields that differ; True when any did."""
    differs = {name: value for name, value in values.items() if getattr(instance, name) != value}
    for name, value in differs.items():
        setattr(instance, name, value)
    return bool(differs)


def _load_course(*, tree: ContentTree, report: LoadReport) -> None:
    values = {
        "title": tree.course.title,
        "short_title": tree.course.short_title,
        "summary": tree.course.summary,
        "audience": tree.course.audience,
        "source_citation": tree.course.source_citation,
    }
    course = Course.objects.first()
    if course is None:
        Course.objects.create(**values)
        report.created.append("course")
    elif _sync(course, values):
        course.save()
        report.changed.append("course")
    else:
        report.unchanged.append("course")


def _load_parts(*, tree: ContentTree, report: LoadReport) -> dict[str, Part]:
    existing = {part.key: part for part in Part.objects.all()}
    wanted = {key: (order, title) for order, (key, title) in enumerate(tree.course.parts, start=1)}
    for part in existing.values():
        if part.is_archived:
            continue  # its order is already out of the way
        if part.key not in wanted:
            # Only archived lessons can be in it: every lesson in content/ names a part
            # in course.yaml. Archived too, never deleted.
            _archive(part, label=f"part {part.key}", report=report)
        elif part.order != wanted[part.key][0]:
            _park(part)
    parts: dict[str, Part] = {}
    for key, (order, title) in wanted.items():
        current = existing.get(key)
        if current is None:
            parts[key] = Part.objects.create(key=key, order=order, title=title)
            report.created.append(f"part {key}")
            continue
        restoring = current.is_archived
        if _sync(current, {"order": order, "title": title, "archived_at": None}):
            current.save()
            (report.restored if restoring else report.changed).append(f"part {key}")
        else:
            report.unchanged.append(f"part {key}")
        parts[key] = current
    return parts


def _load_glossary(*, tree: ContentTree, report: LoadReport) -> None:
    """The glossary as the file has it: a term no longer in the file is deleted (nothing
    else is stored against it; lesson text that linked to it is rendered again)."""
    existing = {term.slug: term for term in GlossaryTerm.objects.all()}
    for order, spec in enumerate(tree.glossary, start=1):
        values = {
            "term": spec.term,
            "order": order,
            "links": spec.links,
            "definition_markdown": spec.definition_markdown,
        }
        term = existing.pop(spec.slug, None)
        if term is None:
            GlossaryTerm.objects.create(slug=spec.slug, **values)
            report.created.append(f"glossary term {spec.slug}")
        elif _sync(term, values):
            term.save()
            report.changed.append(f"glossary term {spec.slug}")
        else:
            report.unchanged.append(f"glossary term {spec.slug}")
    for slug, term in existing.items():
        term.delete()
        report.removed.append(f"glossary term {slug}")


def _load_lessons(
    *, tree: ContentTree, parts: dict[str, Part], report: LoadReport
) -> dict[str, Lesson]:
    existing = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    specs = {spec.slug: spec for spec in tree.lessons}
    for lesson in existing.values():
        spec = specs.get(lesson.slug)
        if lesson.is_archived:
            continue  # its order is already out of the way
        if spec is None:
            # Archived, never deleted: progress and revisions are stored against it.
            _archive(lesson, label=f"lesson {lesson.slug}", report=report)
        elif spec.order != lesson.order:
            _park(lesson)
    lessons: dict[str, Lesson] = {}
    glossary = GlossaryTerm.objects.links()
    for slug, spec in specs.items():
        body_html = render_markdown(spec.body_markdown, glossary=glossary)
        values = {
            "title": spec.title,
            "part": parts[spec.part],
            "order": spec.order,
            "summary": spec.summary,
            "legal_review": spec.legal_review,
            "carries_progress_from": spec.carries_progress_from,
            "body_markdown": spec.body_markdown,
            # Compared too, so that a change to the renderer refreshes the stored HTML,
            # and a change to how reading time is worked out refreshes the minutes.
            "body_html": body_html,
            "minutes": reading_minutes(body_html),
            "archived_at": None,
            "awaiting_first_publish": False,  # its file puts it in the course
        }
        loaded = text_sha256(title=spec.title, body_markdown=spec.body_markdown)
        lesson = existing.get(slug)
        if lesson is None:
            lesson = Lesson.objects.create(slug=slug, loaded_text_sha256=loaded, **values)
            report.created.append(f"lesson {slug}")
            if spec.carries_progress_from in existing:
                _carry_progress(
                    source=existing[spec.carries_progress_from], lesson=lesson, report=report
                )
        else:
            text_changed = (lesson.title, lesson.body_markdown) != (spec.title, spec.body_markdown)
            restoring = lesson.is_archived
            if lesson.loaded_text_sha256 != loaded:
                # Bookkeeping, not a change to report: the file has caught up with an edit
                # made in the browser (exported, say), or was loaded with --overwrite.
                lesson.loaded_text_sha256 = loaded
                Lesson.objects.filter(pk=lesson.pk).update(loaded_text_sha256=loaded)
            if not _sync(lesson, values):
                report.unchanged.append(f"lesson {slug}")
                lessons[slug] = lesson
                continue
            lesson.save()
            (report.restored if restoring else report.changed).append(f"lesson {slug}")
            if text_changed:  # a trainer's editor opened before this load is out of date
                Lesson.objects.filter(pk=lesson.pk).update(edit_version=F("edit_version") + 1)
            else:
                lessons[slug] = lesson
                continue
        LessonRevision.objects.create(
            lesson=lesson,
            title=lesson.title,
            summary=lesson.summary,
            body_markdown=lesson.body_markdown,
            source=LessonRevision.Source.CONTENT_FILE,
        )
        lessons[slug] = lesson
    return lessons


def _carry_progress(*, source: Lesson, lesson: Lesson, report: LoadReport) -> None:
    """A lesson split out of `source` is complete for everyone who had completed
    `source`: they read its text there. Done once, when the new lesson first loads;
    nobody who had not completed `source` gets a row."""
    completed = list(LessonProgress.objects.filter(lesson=source).completed())
    LessonProgress.objects.bulk_create(
        LessonProgress(
            user_id=progress.user_id,
            lesson=lesson,
            last_viewed_at=progress.completed_at,
            completed_at=progress.completed_at,
        )
        for progress in completed
    )
    LessonProgress.objects.filter(lesson=lesson).update(
        started_at=Subquery(
            LessonProgress.objects.filter(lesson=source, user=OuterRef("user")).values(
                "started_at"
            )[:1]
        )
    )
    report.carried.append(
        f"lesson {lesson.slug} is complete for the {len(completed)} "
        f"{'person' if len(completed) == 1 else 'people'} who had completed lesson {source.slug}"
    )


def _load_questions(*, exercise: Exercise, specs: list[QuestionSpec], report: LoadReport) -> None:
    existing = {question.key: question for question in exercise.questions.all()}
    for spec in specs:
        values = {
            "order": spec.order,
            "stage": spec.stage,
            "kind": spec.kind,
            "text_markdown": spec.text_markdown,
            "text_html": render_markdown(spec.text_markdown),
            "retired": False,
            "retired_at": None,
        }
        question = existing.get(spec.key)
        label = f"exercise {exercise.number} question {spec.key}"
        if question is None:
            Question.objects.create(exercise=exercise, key=spec.key, **values)
            report.created.append(label)
        elif _sync(question, values):
            question.save()
            report.changed.append(label)
        else:
            report.unchanged.append(label)
    wanted = {spec.key for spec in specs}
    for key, question in existing.items():
        # A question taken out of the content is retired, never deleted: answers survive.
        if key not in wanted and not question.retired:
            question.retired, question.retired_at = True, timezone.now()
            question.save(update_fields=["retired", "retired_at"])
            report.removed.append(f"exercise {exercise.number} question {key} (retired)")


def _parked_slug(exercise: Exercise) -> str:
    """A slug no other exercise has, that still fits the column: the number is unique."""
    suffix = f"-{exercise.number}-old"
    return exercise.slug[: longest((Exercise, "slug")) - len(suffix)] + suffix


def _load_exercises(*, tree: ContentTree, lessons: dict[str, Lesson], report: LoadReport) -> None:
    existing = {exercise.number: exercise for exercise in Exercise.objects.all()}
    missing = sorted(set(existing) - {spec.number for spec in tree.exercises})
    if missing:
        raise ContentError(
            Problem(
                "content/exercises",
                "number",
                f"exercise {n} is in the database but not in "
                "content/; answers are stored against it, so it cannot be removed",
            )
            for n in missing
        )
    slugs_changing = [
        e
        for e in existing.values()
        if any(s.number != e.number and s.slug == e.slug for s in tree.exercises)
    ]
    for changing in slugs_changing:
        changing.slug = _parked_slug(changing)
        Exercise.objects.filter(pk=changing.pk).update(slug=changing.slug)
    for spec in tree.exercises:
        values = {
            "slug": spec.slug,
            "title": spec.title,
            "lesson": lessons[spec.lesson],
            "placement": spec.placement,
            "pairing": spec.pairing,
            "minutes": spec.minutes,
            "intro_markdown": spec.intro_markdown,
            "intro_html": render_markdown(spec.intro_markdown) if spec.intro_markdown else "",
        }
        exercise = existing.get(spec.number)
        if exercise is None:
            exercise = Exercise.objects.create(number=spec.number, **values)
            report.created.append(f"exercise {spec.number}")
        elif _sync(exercise, values):
            exercise.save()
            report.changed.append(f"exercise {spec.number}")
        else:
            report.unchanged.append(f"exercise {spec.number}")
        _load_questions(exercise=exercise, specs=spec.questions, report=report)
        loaded = _spec_sha256(spec)
        if exercise.loaded_sha256 != loaded:  # bookkeeping, not a change to report
            exercise.loaded_sha256 = loaded
            Exercise.objects.filter(pk=exercise.pk).update(loaded_sha256=loaded)


def content_load(*, directory: str | Path, overwrite: bool = False) -> LoadReport:
    """Make the database match `directory`, all or nothing.

    Raises ContentError (and changes nothing) when any file is wrong, and
    ContentConflictError (changing nothing) when it would replace a lesson's text edited
    in the browser since the last load, unless `overwrite`: the file wins, and the edit
    stays in the lesson's revisions. Running it twice in a row changes nothing the
    second time.
    """
    tree = read_content(directory)
    report = LoadReport()
    with transaction.atomic():
        conflicts = _conflicts(tree)
        if conflicts and not overwrite:
            raise ContentConflictError(conflicts)
        _load_course(tree=tree, report=report)
        parts = _load_parts(tree=tree, report=report)
        # Before the lessons, whose text links to the terms.
        _load_glossary(tree=tree, report=report)
        lessons = _load_lessons(tree=tree, parts=parts, report=report)
        _load_exercises(tree=tree, lessons=lessons, report=report)
    return report


@transaction.atomic
def lesson_text_edit(*, lesson: Lesson, title: str, body_markdown: str, author: User) -> Lesson:
    """A trainer's edit to a lesson's title and text, kept as a revision from the editor.
    The next `content_load` will not overwrite it silently."""
    lesson.title, lesson.body_markdown = title, body_markdown
    lesson.save()
    LessonRevision.objects.create(
        lesson=lesson,
        title=title,
        body_markdown=body_markdown,
        source=LessonRevision.Source.EDITOR,
        author=author,
    )
    audit_record(action="lesson.text_edited", actor=author, target=lesson)
    return lesson


@transaction.atomic
def lesson_archive(*, lesson: Lesson, actor: User) -> None:
    """A trainer takes a lesson out of the course, as the loader does when its file goes:
    never deleted (progress, revisions and answers stay). Exporting then removes its file."""
    if lesson.is_archived:
        return
    _archive(lesson, label=f"lesson {lesson.slug}", report=LoadReport())
    audit_record(action="lesson.archived", actor=actor, target=lesson)


@transaction.atomic
def lesson_create_unpublished(
    *, part: Part, slug: str, title: str, summary: str, body_markdown: str
) -> Lesson:
    """A new lesson, out of the course (archived, with an order out of the way) until
    `lesson_place_in_part` puts it at the end of `part`. Slug and title are checked by
    the caller; the slug must not be taken."""
    highest = Lesson.objects.aggregate(highest=Max("order"))["highest"] or 0
    lesson = Lesson.objects.create(
        part=part,
        slug=slug,
        title=title,
        summary=summary,
        body_markdown=body_markdown,
        order=max(highest, _ARCHIVED_OFFSET) + 1,  # free: above every other order
        awaiting_first_publish=True,
    )
    _archive(lesson, label=f"lesson {slug}", report=LoadReport())
    return lesson


def _shift_from(order: int) -> None:
    """Make room at `order`: every current lesson from there moves one place later
    (parked first, as the orders are unique)."""
    moving = Lesson.objects.current().filter(order__gte=order)
    moving.update(order=F("order") + _PARKING_OFFSET)
    Lesson.objects.current().filter(order__gte=_PARKING_OFFSET + order).update(
        order=F("order") - _PARKING_OFFSET + 1
    )


@transaction.atomic
def lesson_place_in_part(*, lesson: Lesson) -> None:
    """Bring a lesson into the course as the last of its part; the lessons of later
    parts move one place on."""
    before = Lesson.objects.current().filter(part__order__lte=lesson.part.order)
    order = (before.aggregate(highest=Max("order"))["highest"] or 0) + 1
    _shift_from(order)
    lesson.order, lesson.archived_at, lesson.awaiting_first_publish = order, None, False
    Lesson.objects.filter(pk=lesson.pk).update(
        order=order, archived_at=None, awaiting_first_publish=False
    )


@transaction.atomic
def lesson_move(*, lesson: Lesson, actor: User, later: bool, from_order: int | None = None) -> bool:
    """Swap a current lesson with its neighbour in the same part (the next one when
    `later`, else the one before). False, changing nothing, when it is already last
    (or first) in its part, or no longer at `from_order` (the page the trainer pressed
    the button on is out of date: a second press moves nothing twice)."""
    siblings = Lesson.objects.current().select_for_update().filter(part_id=lesson.part_id)
    locked = siblings.get(pk=lesson.pk)
    if from_order is not None and locked.order != from_order:
        return False
    if later:
        neighbour = siblings.filter(order__gt=locked.order).order_by("order").first()
    else:
        neighbour = siblings.filter(order__lt=locked.order).order_by("-order").first()
    if neighbour is None:
        return False
    mine, theirs = locked.order, neighbour.order
    _park(locked)
    Lesson.objects.filter(pk=neighbour.pk).update(order=mine)
    Lesson.objects.filter(pk=locked.pk).update(order=theirs)
    lesson.order = theirs
    audit_record(
        action="lesson.moved", actor=actor, target=locked, from_order=mine, to_order=theirs
    )
    return True


# --- Export ---------------------------------------------------------------------------


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _content_tree_from_database() -> ContentTree:
    """The course as the database holds it, in the form `read_content` gives."""
    course = Course.objects.get()
    parts = [(part.key, part.title) for part in Part.objects.current().order_by("order")]
    lessons = [
        LessonSpec(
            path="",
            slug=lesson.slug,
            title=lesson.title,
            part=lesson.part.key,
            order=lesson.order,
            summary=lesson.summary,
            legal_review=lesson.legal_review,
            body_markdown=lesson.body_markdown,
            carries_progress_from=lesson.carries_progress_from,
        )
        for lesson in Lesson.objects.in_order()
    ]
    current_questions = Prefetch("questions", queryset=Question.objects.current().order_by("order"))
    exercises = [
        ExerciseSpec(
            path="",
            number=exercise.number,
            slug=exercise.slug,
            title=exercise.title,
            lesson=exercise.lesson.slug,
            placement=exercise.placement,
            pairing=exercise.pairing,
            minutes=exercise.minutes,
            intro_markdown=exercise.intro_markdown,
            questions=[
                QuestionSpec(
                    key=question.key,
                    order=question.order,
                    stage=question.stage,
                    kind=question.kind,
                    text_markdown=question.text_markdown,
                )
                for question in exercise.questions.all()
            ],
        )
        for exercise in Exercise.objects.select_related("lesson").prefetch_related(
            current_questions
        )
    ]
    glossary = [
        GlossarySpec(
            slug=term.slug,
            term=term.term,
            definition_markdown=term.definition_markdown,
            links=list(term.links),
        )
        for term in GlossaryTerm.objects.all()
    ]
    return ContentTree(
        glossary=glossary,
        course=CourseSpec(
            title=course.title,
            short_title=course.short_title,
            summary=course.summary,
            audience=course.audience,
            source_citation=course.source_citation,
            parts=parts,
        ),
        lessons=lessons,
        exercises=exercises,
    )


def content_export(*, directory: str | Path) -> ExportReport:
    """Write the course to `directory` in the form `content_load` reads.

    Only files whose text differs are written, and lesson or exercise files the course
    no longer has (a lesson renumbered or archived) are removed, so that loading the
    folder back changes nothing. Raises Course.DoesNotExist when nothing was loaded.
    """
    root = Path(directory)
    with transaction.atomic():  # one consistent reading of the course
        files = content_files(_content_tree_from_database())
    report = ExportReport()
    for name, text in files.items():
        path = root / name
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            report.unchanged.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        report.written.append(name)
    for folder in ("lessons", "exercises"):
        for path in sorted((root / folder).glob("*.md")):
            name = f"{folder}/{path.name}"
            if name not in files and path.is_file():
                path.unlink()
                report.removed.append(name)
    return report


# --- Progress -------------------------------------------------------------------------


# A lesson already the one last viewed has its time written at most this often: reading
# it again at once (a reload, a link within it) changes nothing worth a write. What the
# time is for (where to resume, "last active" for managers) is never that precise.
VIEW_RESOLUTION = timedelta(minutes=1)


def _view_changes_nothing(
    lesson: Lesson, progress: dict[int, LessonProgress], now: datetime
) -> bool:
    row = progress.get(lesson.pk)
    if row is None:
        return False
    last = max(progress.values(), key=lambda p: p.last_viewed_at)
    return last.lesson_id == lesson.pk and now - row.last_viewed_at < VIEW_RESOLUTION


def progress_record_view(
    *, user: User, lesson: Lesson, progress: dict[int, LessonProgress] | None = None
) -> None:
    """Note that `user` has this lesson open: it becomes where they left off. Nothing is
    written when it already is, seen within VIEW_RESOLUTION.

    `progress` is `user`'s rows by lesson id (`selectors.progress_by_lesson`) when the
    caller has read them (one query less); the row written is put in it."""
    now = timezone.now()
    if progress is None:
        progress = {row.lesson_id: row for row in LessonProgress.objects.for_user(user)}
    if _view_changes_nothing(lesson, progress, now):
        return
    row = progress.get(lesson.pk)
    if row is not None:
        LessonProgress.objects.filter(pk=row.pk).update(last_viewed_at=now)
        row.last_viewed_at = now
        return
    try:
        with transaction.atomic():
            row = LessonProgress.objects.create(user=user, lesson=lesson, last_viewed_at=now)
    except IntegrityError:  # the same person opened it in another tab at the same moment
        LessonProgress.objects.filter(user=user, lesson=lesson).update(last_viewed_at=now)
        row = LessonProgress.objects.get(user=user, lesson=lesson)
    progress[lesson.pk] = row


def progress_mark_complete(*, user: User, lesson: Lesson) -> LessonProgress:
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"last_viewed_at": now, "completed_at": now}
    )
    progress.lesson = lesson
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
    elif progress.needs_rereading:  # marking it complete again is reading it again
        progress_mark_read_again(user=user, lesson=lesson)
    return progress


def progress_mark_read_again(*, user: User, lesson: Lesson) -> None:
    """`user` has read the lesson again since a trainer asked: the notice goes. Their
    completion (and any certificate) is unchanged."""
    LessonProgress.objects.filter(user=user, lesson=lesson).update(read_again_at=timezone.now())


def progress_mark_incomplete(*, user: User, lesson: Lesson) -> None:
    LessonProgress.objects.filter(user=user, lesson=lesson).update(completed_at=None)
