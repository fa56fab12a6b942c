"""Drafts, publishing, discarding, reverting, archiving and legal review: what each
writes, its history row and audit event, and the two-trainer conflict."""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from course_editing import services
from course_editing.models import LegalReview, LessonDraft
from modules.models import Lesson, LessonProgress, LessonRevision
from modules.rendering import MarkdownContentError
from tests.factories import LessonProgressFactory

pytestmark = pytest.mark.django_db


def _save(lesson, author, *, body="## The Act\n\nThe 2023 guidance applies.", version=None):
    return services.draft_save(
        lesson=lesson,
        author=author,
        version=lesson.edit_version if version is None else version,
        title="The law today",
        summary="What the law says now.",
        body_markdown=body,
        note="Updated to the 2023 guidance",
    )


def _audited(action, lesson):
    return AuditEvent.objects.for_target(lesson).filter(action=action)


def test_a_saved_draft_leaves_the_published_lesson_alone(lesson, editor):
    draft = _save(lesson, editor)

    lesson.refresh_from_db()
    assert draft.author == editor
    assert draft.note == "Updated to the 2023 guidance"
    assert "2017 guidance" in lesson.body_html
    assert lesson.title == "The law"
    assert lesson.edit_version == 1
    assert not lesson.revisions.filter(source="editor").exists()


def test_a_draft_remembers_the_version_it_was_based_on(lesson, editor):
    published = LessonRevision.objects.create(
        lesson=lesson, title=lesson.title, body_markdown=lesson.body_markdown, source="file"
    )
    assert _save(lesson, editor).based_on == published


def test_saving_again_updates_the_one_draft(lesson, editor):
    _save(lesson, editor)
    _save(lesson, editor, body="Second go.")

    assert LessonDraft.objects.get().body_markdown == "Second go."


def test_publishing_makes_the_draft_the_lesson_with_a_history_row(lesson, editor):
    _save(lesson, editor)

    revision = services.draft_publish(
        lesson=lesson, actor=editor, version=lesson.edit_version, reread_summary="New guidance."
    )

    lesson.refresh_from_db()
    assert lesson.title == "The law today"
    assert lesson.summary == "What the law says now."
    assert "2023 guidance" in lesson.body_html
    assert "2017" not in lesson.body_html
    assert (revision.source, revision.author, revision.note) == (
        "editor",
        editor,
        "Updated to the 2023 guidance",
    )
    assert revision.reread_summary == "New guidance."
    assert not LessonDraft.objects.exists()
    assert _audited("lesson.published", lesson).get().actor == editor


def test_publishing_with_a_reread_asks_those_who_completed_it_before(
    lesson, editor, practitioner, colleague
):
    LessonProgressFactory(user=practitioner, lesson=lesson, completed_at=timezone.now())
    _save(lesson, editor)

    revision = services.draft_publish(
        lesson=lesson, actor=editor, version=lesson.edit_version, reread_summary="New guidance."
    )
    LessonProgressFactory(user=colleague, lesson=lesson, completed_at=timezone.now())

    lesson.refresh_from_db()
    assert (lesson.reread_requested_at, lesson.reread_summary) == (
        revision.created_at,
        "New guidance.",
    )
    assert LessonProgress.objects.needs_rereading().get().user == practitioner


def test_publishing_without_a_reread_keeps_an_earlier_request(lesson, editor, practitioner):
    LessonProgressFactory(user=practitioner, lesson=lesson, completed_at=timezone.now())
    _save(lesson, editor)
    services.draft_publish(
        lesson=lesson, actor=editor, version=lesson.edit_version, reread_summary="New guidance."
    )
    _save(lesson, editor, body="A typo fixed.")

    services.draft_publish(lesson=lesson, actor=editor, version=lesson.edit_version)

    lesson.refresh_from_db()
    assert lesson.reread_summary == "New guidance."
    assert LessonProgress.objects.needs_rereading().get().user == practitioner


def test_discarding_removes_only_the_draft(lesson, editor):
    _save(lesson, editor)

    services.draft_discard(lesson=lesson, actor=editor, version=lesson.edit_version)

    assert not LessonDraft.objects.exists()
    lesson.refresh_from_db()
    assert "2017 guidance" in lesson.body_html
    assert _audited("lesson.draft_discarded", lesson).count() == 1


def test_publishing_without_a_draft_is_refused(lesson, editor):
    with pytest.raises(services.NoDraftError):
        services.draft_publish(lesson=lesson, actor=editor, version=lesson.edit_version)


def test_a_save_based_on_an_older_version_is_refused_and_overwrites_nothing(
    lesson, editor, other_editor
):
    opened_at = lesson.edit_version
    _save(lesson, other_editor, body="The other trainer's text.")

    with pytest.raises(services.EditConflictError) as raised:
        _save(lesson, editor, body="My text.", version=opened_at)

    assert raised.value.draft.body_markdown == "The other trainer's text."
    assert LessonDraft.objects.get().body_markdown == "The other trainer's text."


def test_a_save_after_the_other_trainer_published_is_refused(lesson, editor, other_editor):
    opened_at = lesson.edit_version
    _save(lesson, other_editor)
    services.draft_publish(lesson=lesson, actor=other_editor, version=lesson.edit_version)

    with pytest.raises(services.EditConflictError) as raised:
        _save(lesson, editor, body="Mine.", version=opened_at)
    assert raised.value.draft is None
    assert not LessonDraft.objects.exists()


def test_publishing_a_draft_changed_since_it_was_viewed_is_refused(lesson, editor, other_editor):
    _save(lesson, editor)
    viewed_at = lesson.edit_version
    _save(lesson, other_editor, body="Changed after you looked.")

    with pytest.raises(services.EditConflictError):
        services.draft_publish(lesson=lesson, actor=editor, version=viewed_at)
    lesson.refresh_from_db()
    assert "2017 guidance" in lesson.body_html


def test_text_the_sanitiser_would_truncate_is_refused(lesson, editor):
    with pytest.raises(MarkdownContentError):
        _save(lesson, editor, body="Before.\n\n<math><mtext><table><mglyph><style>\n\nAfter.")
    assert not LessonDraft.objects.exists()


def test_reverting_makes_an_earlier_version_the_draft(lesson, editor):
    first = LessonRevision.objects.create(
        lesson=lesson, title="The law", body_markdown=lesson.body_markdown, source="file"
    )
    _save(lesson, editor)
    services.draft_publish(lesson=lesson, actor=editor, version=lesson.edit_version)

    draft = services.revision_revert(
        lesson=lesson, revision=first, actor=editor, version=lesson.edit_version
    )

    assert draft.body_markdown == first.body_markdown
    assert draft.title == "The law"
    assert draft.note.startswith("Back to version 1 (")
    lesson.refresh_from_db()
    assert "2023 guidance" in lesson.body_html  # still the published text
    assert _audited("lesson.reverted", lesson).get().detail == {"revision_id": first.pk}


def test_reverting_over_a_newer_draft_is_refused(lesson, editor, other_editor):
    first = LessonRevision.objects.create(
        lesson=lesson, title="The law", body_markdown=lesson.body_markdown, source="file"
    )
    opened_at = lesson.edit_version
    _save(lesson, other_editor)
    with pytest.raises(services.EditConflictError):
        services.revision_revert(lesson=lesson, revision=first, actor=editor, version=opened_at)
    assert LessonDraft.objects.get().author == other_editor


def test_marking_reviewed_records_who_and_when(lesson, editor):
    review = services.legal_review_mark(lesson=lesson, reviewer=editor, note="Still correct.")

    lesson.refresh_from_db()
    assert lesson.legally_reviewed_at == review.reviewed_at
    assert lesson.legal_review_note_by_reviewer == "Still correct."
    assert LegalReview.objects.get().reviewer == editor
    assert _audited("lesson.legally_reviewed", lesson).get().actor == editor


def test_archiving_keeps_progress_and_history(lesson, editor):
    LessonProgressFactory(lesson=lesson)
    LessonRevision.objects.create(
        lesson=lesson, title="The law", body_markdown=lesson.body_markdown, source="file"
    )

    services.lesson_archive_from_editor(lesson=lesson, actor=editor, version=lesson.edit_version)

    lesson.refresh_from_db()
    assert lesson.is_archived
    assert lesson not in Lesson.objects.current()
    assert LessonProgress.objects.filter(lesson=lesson).count() == 1
    assert lesson.revisions.count() == 1
    assert _audited("lesson.archived", lesson).get().actor == editor
