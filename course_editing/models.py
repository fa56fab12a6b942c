"""A trainer's unpublished change to a lesson. Practitioners keep reading the published
text (modules.Lesson) until a trainer publishes the draft."""

from django.conf import settings
from django.db import models

from modules.models import Lesson, LessonRevision


class LessonDraft(models.Model):
    """At most one per lesson: the trainers of a course work on one next version."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="draft")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body_markdown = models.TextField()
    based_on = models.ForeignKey(
        LessonRevision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published version the draft started from.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who saved it last.",
    )
    note = models.CharField(max_length=300, help_text="What changed, in a line.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Draft of {self.lesson}"


class LegalReview(models.Model):
    """A trainer checked the law and guidance in a lesson: its legal-review history.
    The latest is copied to `Lesson.legally_reviewed_at` for the trainers' list."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="legal_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    note = models.TextField(blank=True, help_text="What the reviewer found or changed.")

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"Legal review of {self.lesson} on {self.reviewed_at:%Y-%m-%d}"
