"""Writes for the trainers' pages: drafts, publishing, reverting, legal review.

Every write locks the lesson row (select_for_update) and compares the `version` the
trainer's page was opened at with `Lesson.edit_version`: when another trainer has saved,
published or discarded in between, it raises `EditConflictError` and changes nothing,
so no one's text is overwritten without their seeing it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from modules.models import Exercise, Lesson, LessonRevision, Part, Question
from modules.rendering import render_markdown
from modules.services import lesson_archive, lesson_create_unpublished, lesson_place_in_part
from reflections.models import Answer

from .models import LegalReview, LessonDraft
from .selectors import exercise_fingerprint


class EditConflictError(Exception):
    """The lesson changed in the editor since the trainer's page was opened."""

    def __init__(self, *, lesson: Lesson, draft: LessonDraft | None):
        self.lesson = lesson
        self.draft = draft  # what is stored now (None: no draft, the published text)
        super().__init__(f"{lesson.slug} changed since version {lesson.edit_version}")


class NoDraftError(Exception):
    """There is no draft to publish or discard."""


def _without_nul(text: str) -> str:
    """NUL means nothing in Markdown and PostgreSQL cannot store it in text. The forms
    refuse it already (Django's CharField); a caller of the services gets it dropped."""
    return text.replace("\x00", "")


def _locked(lesson: Lesson, *, version: int) -> Lesson:
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if locked.edit_version != version:
        raise EditConflictError(
            lesson=locked, draft=LessonDraft.objects.filter(lesson=locked).first()
        )
    return locked


def _bump(lesson: Lesson) -> None:
    Lesson.objects.filter(pk=lesson.pk).update(edit_version=F("edit_version") + 1)
    lesson.refresh_from_db(fields=["edit_version"])


def _latest_revision(lesson: Lesson) -> LessonRevision | None:
    return lesson.revisions.order_by("created_at", "id").last()


@transaction.atomic
def draft_save(
    *,
    lesson: Lesson,
    author: User,
    version: int,
    title: str,
    summary: str,
    body_markdown: str,
    note: str,
) -> LessonDraft:
    """Keep a trainer's change as the lesson's draft; practitioners still read the
    published text. Refused (MarkdownContentError) if sanitising would lose words.

    A NUL character is dropped (`_without_nul`)."""
    title, summary, body_markdown = (_without_nul(text) for text in (title, summary, body_markdown))
    render_markdown(body_markdown)
    locked = _locked(lesson, version=version)
    draft, _created = LessonDraft.objects.update_or_create(
        lesson=locked,
        defaults={
            "title": title,
            "summary": summary,
            "body_markdown": body_markdown,
            "note": note,
            "author": author,
        },
        create_defaults={
            "title": title,
            "summary": summary,
            "body_markdown": body_markdown,
            "note": note,
            "author": author,
            "based_on": _latest_revision(locked),
        },
    )
    _bump(lesson)
    audit_record(action="lesson.draft_saved", actor=author, target=locked)
    return draft


@transaction.atomic
def lesson_create(
    *, part: Part, author: User, slug: str, title: str, summary: str, body_markdown: str, note: str
) -> Lesson:
    """A new lesson in `part`, its first text a draft: out of the course until a trainer
    publishes it, when it becomes the last lesson of the part."""
    render_markdown(body_markdown)
    lesson = lesson_create_unpublished(
        part=part, slug=slug, title=title, summary=summary, body_markdown=body_markdown
    )
    LessonDraft.objects.create(
        lesson=lesson,
        title=title,
        summary=summary,
        body_markdown=body_markdown,
        note=note,
        author=author,
    )
    _bump(lesson)
    audit_record(action="lesson.created", actor=author, target=lesson, part=part.key)
    return lesson


@transaction.atomic
def draft_discard(*, lesson: Lesson, actor: User, version: int) -> None:
    locked = _locked(lesson, version=version)
    deleted, _ = LessonDraft.objects.filter(lesson=locked).delete()
    if not deleted:
        raise NoDraftError(lesson.slug)
    _bump(lesson)
    audit_record(action="lesson.draft_discarded", actor=actor, target=locked)


@transaction.atomic
def draft_publish(
    *, lesson: Lesson, actor: User, version: int, reread_summary: str = ""
) -> LessonRevision:
    """The draft becomes the lesson practitioners read (its HTML rendered again on
    save) and a new version in its history, with who published it and the draft's note.
    A `reread_summary` asks people who had completed the lesson to read it again."""
    locked = _locked(lesson, version=version)
    draft = LessonDraft.objects.filter(lesson=locked).first()
    if draft is None:
        raise NoDraftError(lesson.slug)
    locked.title, locked.summary = draft.title, draft.summary
    locked.body_markdown = draft.body_markdown
    locked.save()
    if locked.awaiting_first_publish:
        lesson_place_in_part(lesson=locked)
    revision = LessonRevision.objects.create(
        lesson=locked,
        title=draft.title,
        summary=draft.summary,
        body_markdown=draft.body_markdown,
        source=LessonRevision.Source.EDITOR,
        author=actor,
        note=draft.note,
        reread_summary=reread_summary,
    )
    if reread_summary:
        Lesson.objects.filter(pk=locked.pk).update(
            reread_requested_at=revision.created_at, reread_summary=reread_summary
        )
    draft.delete()
    _bump(lesson)
    audit_record(
        action="lesson.published",
        actor=actor,
        target=locked,
        revision_id=revision.pk,
        reread=bool(reread_summary),
    )
    return revision


@transaction.atomic
def revision_revert(
    *, lesson: Lesson, revision: LessonRevision, actor: User, version: int
) -> LessonDraft:
    """An earlier version becomes the lesson's draft, to read and publish (or not)."""
    locked = _locked(lesson, version=version)
    number = locked.revisions.filter(created_at__lte=revision.created_at).count()
    when = timezone.localtime(revision.created_at).strftime("%d %B %Y %H:%M")
    values = {
        "title": revision.title,
        "summary": revision.summary or locked.summary,
        "body_markdown": revision.body_markdown,
        "note": f"Back to version {number} ({when})",
        "author": actor,
    }
    draft, _created = LessonDraft.objects.update_or_create(
        lesson=locked,
        defaults=values,
        create_defaults={**values, "based_on": _latest_revision(locked)},
    )
    _bump(lesson)
    audit_record(action="lesson.reverted", actor=actor, target=locked, revision_id=revision.pk)
    return draft


@transaction.atomic
def legal_review_mark(*, lesson: Lesson, reviewer: User, note: str) -> LegalReview:
    """A trainer has checked the law and guidance in the lesson: who, when and what
    they found, in its legal-review history and the audit trail."""
    review = LegalReview.objects.create(
        lesson=lesson, reviewer=reviewer, reviewed_at=timezone.now(), note=note
    )
    Lesson.objects.filter(pk=lesson.pk).update(
        legally_reviewed_at=review.reviewed_at, legal_review_note_by_reviewer=note
    )
    lesson.legally_reviewed_at, lesson.legal_review_note_by_reviewer = review.reviewed_at, note
    audit_record(action="lesson.legally_reviewed", actor=reviewer, target=lesson)
    return review


@transaction.atomic
def lesson_archive_from_editor(*, lesson: Lesson, actor: User, version: int) -> None:
    """Out of the course, never deleted; a pending draft stays with it."""
    locked = _locked(lesson, version=version)
    lesson_archive(lesson=locked, actor=actor)
    _bump(lesson)


# --- Exercises ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionEdit:
    """One question as the trainer left it: `key` names an existing question (kept) or a
    new one; `removed` retires it."""

    key: str
    text_markdown: str
    stage: str
    removed: bool = False


class ExerciseEditError(Exception):
    """The change would break someone's answers: nothing was changed."""


class ExerciseChangedElsewhere(ExerciseEditError):
    """Another trainer saved the exercise after this page was opened: nothing was changed."""


def _answered_keys(exercise: Exercise) -> set[str]:
    questions = Answer.objects.filter(question__exercise=exercise)
    return set(questions.values_list("question__key", flat=True).distinct())


def _problems_with_the_set(existing: dict[str, Question], edits: list[QuestionEdit]) -> list[str]:
    """What the exercise as a whole must keep: one to EXERCISE_MAX_QUESTIONS questions,
    each with text, and the commitment question (it holds people's dates)."""
    kept = [edit for edit in edits if not edit.removed]
    problems = []
    if not kept:
        problems.append("an exercise needs at least one question")
    if len(kept) > settings.EXERCISE_MAX_QUESTIONS:
        problems.append(f"an exercise can have at most {settings.EXERCISE_MAX_QUESTIONS} questions")
    if any(not edit.text_markdown.strip() for edit in kept):
        problems.append("every question needs its text")
    kept_keys = {edit.key for edit in kept}
    problems.extend(
        f"question “{key}” holds each person's commitment and its dates, so it cannot be removed"
        for key, question in existing.items()
        if question.kind == Question.Kind.COMMITMENT and not question.retired
        if key not in kept_keys
    )
    return problems


def _problems_with_a_question(
    question: Question, edit: QuestionEdit, *, answered: set[str]
) -> list[str]:
    if question.retired:
        return [
            f"the key “{edit.key}” belonged to a question taken out of this exercise: "
            "give the new question another key"
        ]
    if edit.stage != question.stage and edit.key in answered:
        return [
            f"question “{edit.key}” has answers, so whether it is answered on your "
            "own or with a colleague cannot change"
        ]
    return []


def _check_question_edits(exercise: Exercise, edits: list[QuestionEdit]) -> dict[str, Question]:
    """Every question of the exercise by key, once the edits are known to be safe."""
    existing = {question.key: question for question in exercise.questions.all()}
    answered = _answered_keys(exercise)
    problems = _problems_with_the_set(existing, edits)
    for edit in edits:
        if edit.key in existing:
            problems += _problems_with_a_question(existing[edit.key], edit, answered=answered)
    if problems:
        raise ExerciseEditError("; ".join(problems))
    return existing


@transaction.atomic
def exercise_edit(
    *,
    exercise: Exercise,
    actor: User,
    intro_markdown: str,
    questions: list[QuestionEdit],
    opened_on: str | None = None,
) -> Exercise:
    """A trainer's change to an exercise's introduction and questions, in their order.
    A question keeps its key (answers are stored against it); one removed is retired,
    never deleted, so its answers stay in people's history, export and CPD record; a
    question's stage cannot change once anyone has answered it (ExerciseEditError).
    `opened_on`, the fingerprint the trainer's page was opened on, must still match."""
    locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if opened_on is not None and opened_on != exercise_fingerprint(locked):
        raise ExerciseChangedElsewhere(
            "another trainer changed this exercise after you opened the page"
        )
    for text in [intro_markdown, *(edit.text_markdown for edit in questions)]:
        render_markdown(text)  # MarkdownContentError if sanitising would lose words
    existing = _check_question_edits(locked, questions)
    locked.intro_markdown = intro_markdown
    locked.save()
    kept = [edit for edit in questions if not edit.removed]
    added, changed = [], []
    for order, edit in enumerate(kept, start=1):
        question = existing.get(edit.key)
        if question is None:
            Question.objects.create(
                exercise=locked,
                key=edit.key,
                order=order,
                stage=edit.stage,
                text_markdown=edit.text_markdown,
            )
            added.append(edit.key)
            continue
        values = (order, edit.stage, edit.text_markdown)
        if (question.order, question.stage, question.text_markdown) != values:
            question.order, question.stage, question.text_markdown = values
            question.save()
            changed.append(edit.key)
    kept_keys = {edit.key for edit in kept}
    retired = [q for key, q in existing.items() if not q.retired and key not in kept_keys]
    Question.objects.filter(pk__in=[q.pk for q in retired]).update(
        retired=True, retired_at=timezone.now()
    )
    audit_record(
        action="exercise.edited",
        actor=actor,
        target=locked,
        added=added,
        changed=changed,
        retired=[q.key for q in retired],
    )
    return locked
