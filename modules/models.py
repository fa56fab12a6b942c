"""The course content (parts, lessons, exercises and their questions) and each
person's progress through the lessons.

Exercises and questions live here, beside the lessons, because they are content
loaded from `content/`; the `reflections` app stores the answers to them.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from .rendering import GlossaryLink, reading_minutes, render_markdown


def text_sha256(*, title: str, body_markdown: str) -> str:
    """A fingerprint of a lesson's title and text, to tell whether either changed."""
    return hashlib.sha256(f"{title}\0{body_markdown}".encode()).hexdigest()


def content_version_new() -> str:
    return uuid.uuid4().hex


class Course(models.Model):
    """The course as a whole (one row), from content/course.yaml."""

    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=100, blank=True)
    summary = models.TextField()
    audience = models.TextField()
    source_citation = models.TextField(help_text="The resource the course is adapted from.")
    # Changed (to a new random value, never back to an old one) by every write to the
    # course content: what the course pages keep between requests is kept for one
    # version (modules.course_cache), so a change made on one app server is seen by all.
    content_version = models.CharField(max_length=32, default=content_version_new, editable=False)

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A save from an instance read earlier must not bring an old version back.
        self.content_version = content_version_new()
        super().save(*args, **kwargs)


def course_content_changed(**_signal_arguments) -> None:
    """The course content changed: what was kept of it is out of date. Runs in the
    transaction of the change, so the new version is seen with the change, never before."""
    Course.objects.update(content_version=content_version_new())


class ContentChange:
    """For the QuerySets of the rows the course pages show: an update (a `bulk_update`
    too) changes the content version, as a save or delete does (the receivers at the
    end of this file)."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)  # type: ignore[misc]
        course_content_changed()
        return rows


class PartQuerySet(ContentChange, models.QuerySet):
    def current(self):
        """Parts in course.yaml; an archived one is kept for its archived lessons."""
        return self.filter(archived_at__isnull=True)


class Part(models.Model):
    key = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(unique=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the part left course.yaml; it comes back if the file lists it again.",
    )

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.title

    @property
    def is_archived(self):
        return self.archived_at is not None


class GlossaryTermQuerySet(ContentChange, models.QuerySet):
    def links(self) -> list[GlossaryLink]:
        """What lesson text links to: each term that names phrases to link."""
        return [
            GlossaryLink(href=term.get_absolute_url(), phrases=tuple(term.links))
            for term in self.only("slug", "links")
            if term.links
        ]


class GlossaryTerm(models.Model):
    """A term the course defines, from content/glossary.yaml: listed on the glossary
    page, and linked from its first use in each lesson."""

    slug = models.SlugField(max_length=100, unique=True)
    term = models.CharField(max_length=200)
    order = models.PositiveIntegerField(help_text="Place on the glossary page.")
    links = models.JSONField(
        default=list,
        blank=True,
        help_text="Phrases in lesson text that link to this term (first use per lesson).",
    )
    definition_markdown = models.TextField()
    definition_html = models.TextField(
        editable=False, help_text="Sanitised HTML, rendered on save."
    )

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.definition_html = render_markdown(self.definition_markdown)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("modules:glossary") + f"#{self.slug}"


class LessonQuerySet(ContentChange, models.QuerySet):
    def current(self):
        """Lessons in content/: an archived lesson keeps its progress and history but is
        out of the course (not read, not counted towards completing it)."""
        return self.filter(archived_at__isnull=True)

    def in_order(self):
        """The course's current lessons in reading order."""
        return self.current().select_related("part").order_by("order")


class Lesson(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="lessons")
    order = models.PositiveIntegerField(unique=True, help_text="Reading order across the course.")
    minutes = models.PositiveIntegerField(
        editable=False,
        help_text="Estimated reading time in whole minutes, worked out from the text on save "
        "(its exercises' time is their own).",
    )
    summary = models.CharField(max_length=300, blank=True)
    body_markdown = models.TextField()
    body_html = models.TextField(editable=False, help_text="Sanitised HTML, rendered on save.")
    legal_review = models.TextField(
        blank=True,
        help_text="For trainers: law or guidance here may have changed since June 2017.",
    )
    carries_progress_from = models.SlugField(
        max_length=100,
        blank=True,
        help_text="The slug of the lesson this one was split from, as its file says.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the lesson left content/; it comes back if its file does.",
    )
    # What the lesson's file held (title and text) when it was last loaded, so the loader
    # can tell an edit made in the browser since then from a change to the file.
    loaded_text_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # Counts every change made in the editor (draft saved or discarded, published,
    # reverted): a trainer's form carries the number it was opened at, so a save based
    # on an older one is caught (course_editing.services) instead of overwriting.
    edit_version = models.PositiveIntegerField(default=0, editable=False)
    # The last legal review, copied here for the trainers' list; who reviewed, and every
    # earlier review, are in course_editing.LegalReview (a person is not linked from the
    # lesson itself, so the course content holds no personal data).
    legally_reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a trainer last checked the law and guidance here."
    )
    legal_review_note_by_reviewer = models.TextField(
        blank=True, help_text="What the last reviewer found or changed."
    )
    # The last time a trainer published the lesson asking people who had completed it to
    # read it again, and what changed, copied from that LessonRevision so the outline
    # reads it with the lessons (LessonProgress.needs_rereading compares against it).
    reread_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A lesson a trainer created in the browser stays out of the course (archived, so
    # no one reads it and the loader and export leave it alone) until its first draft
    # is published: course_editing.services.draft_publish then places it in its part.
    awaiting_first_publish = models.BooleanField(default=False, editable=False)
    reread_summary = models.CharField(max_length=200, blank=True, editable=False)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body_markdown, glossary=GlossaryTerm.objects.links())
        self.minutes = reading_minutes(self.body_html)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("modules:lesson", kwargs={"slug": self.slug})

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def text_sha256(self):
        return text_sha256(title=self.title, body_markdown=self.body_markdown)


class LessonRevision(models.Model):
    """Every version of a lesson's text, newest first: the lesson's history."""

    class Source(models.TextChoices):
        CONTENT_FILE = "file", "Loaded from content/"
        EDITOR = "editor", "Edited in the browser"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body_markdown = models.TextField()
    source = models.CharField(max_length=10, choices=Source.choices)
    note = models.CharField(max_length=300, blank=True, help_text="What changed, in a line.")
    # Set when the trainer asked people who had completed the lesson to read it again.
    reread_summary = models.CharField(
        max_length=200, blank=True, help_text="For learners: what changed, in a line."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.lesson} at {self.created_at:%Y-%m-%d %H:%M}"


def exercise_sha256(*, intro_markdown: str, questions) -> str:
    """A fingerprint of an exercise's introduction and its current questions, each
    (key, order, stage, kind, text), to tell whether any changed."""
    parts = [intro_markdown, *(repr(tuple(question)) for question in questions)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class Exercise(models.Model):
    class Placement(models.TextChoices):
        START = "start", "At the start of the lesson"
        END = "end", "At the end of the lesson"

    class Pairing(models.TextChoices):
        PAIR = "pair", "Written for pairs"
        OPTIONAL = "optional", "With a colleague if you can"
        SOLO = "solo", "On your own"

    number = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="exercises")
    placement = models.CharField(max_length=5, choices=Placement.choices, default=Placement.END)
    pairing = models.CharField(max_length=10, choices=Pairing.choices, default=Pairing.SOLO)
    minutes = models.PositiveIntegerField()
    intro_markdown = models.TextField(blank=True)
    intro_html = models.TextField(blank=True, editable=False)
    # What the exercise's file held (introduction and questions) when it was last
    # loaded, so the loader can tell an edit made in the browser since then from a
    # change to the file, as for lessons (`exercise_sha256`).
    loaded_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Reflective exercise {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro_markdown) if self.intro_markdown else ""
        super().save(*args, **kwargs)

    @property
    def is_shareable(self):
        return self.pairing != self.Pairing.SOLO


class QuestionQuerySet(ContentChange, models.QuerySet):
    def current(self):
        """Questions still in the content; retired ones keep their answers but are not asked."""
        return self.filter(retired=False)


class Question(models.Model):
    class Stage(models.TextChoices):
        INDIVIDUAL = "individual", "On your own"
        PAIR = "pair", "With your colleague"

    class Kind(models.TextChoices):
        TEXT = "text", "Written answer"
        COMMITMENT = "commitment", "One change, with dates"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=100, help_text="Stable: answers are stored against it.")
    order = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.INDIVIDUAL)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    text_markdown = models.TextField()
    text_html = models.TextField(editable=False)
    retired = models.BooleanField(default=False)
    # When the loader took the question out of the content, so a save posted from a page
    # loaded before then can say since when it is no longer asked.
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["exercise__number", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "key"], name="question_key_unique_in_exercise"
            )
        ]

    def __str__(self):
        return f"Exercise {self.exercise.number}, question {self.order}"

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text_markdown)
        super().save(*args, **kwargs)


class LessonProgressQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def completed(self):
        return self.filter(completed_at__isnull=False)

    def on_current_lessons(self):
        """Progress in lessons still in the course: archived lessons' rows are kept, but
        no longer count towards completing it."""
        return self.filter(lesson__archived_at__isnull=True)

    def needs_rereading(self):
        """Completed before a trainer asked for the lesson to be read again, and not
        read again since: the same rule as `LessonProgress.needs_rereading`."""
        asked_at = F("lesson__reread_requested_at")
        return self.filter(completed_at__lt=asked_at).filter(
            Q(read_again_at__isnull=True) | Q(read_again_at__lt=asked_at)
        )


class LessonProgress(models.Model):
    """One person's progress in one lesson: opened, last seen, completed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(auto_now_add=True)
    last_viewed_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When they last marked the lesson as read again after a trainer asked them to (see
    # `needs_rereading`); their completion is never changed by such a request.
    read_again_at = models.DateTimeField(null=True, blank=True)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_unique_per_lesson")
        ]

    def __str__(self):
        return f"{self.user} in {self.lesson}"

    @property
    def is_completed(self):
        return self.completed_at is not None

    @property
    def needs_rereading(self) -> bool:
        """The rule of `LessonProgressQuerySet.needs_rereading`, for a row already read
        (with its lesson)."""
        return self.needs_rereading_after(self.lesson.reread_requested_at)

    def needs_rereading_after(self, asked_at) -> bool:
        """`needs_rereading` when its lesson's re-reading was asked for at `asked_at`
        (the course outline has the lessons already)."""
        if asked_at is None or self.completed_at is None or self.completed_at >= asked_at:
            return False
        return self.read_again_at is None or self.read_again_at < asked_at


# Every save or delete of the course content changes its version (see
# `course_content_changed`); updates do through `ContentChange` (an exercise's are only
# of what the pages do not show: the loader's fingerprint, a slug).
for _content_model in (Part, GlossaryTerm, Lesson, Exercise, Question):
    post_save.connect(course_content_changed, sender=_content_model)
    post_delete.connect(course_content_changed, sender=_content_model)
