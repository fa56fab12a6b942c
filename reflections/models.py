"""A practitioner's answers to the reflective exercises, their history, the
shares through which a named colleague may read them, and the exercise 4
commitment.

Who may read what is decided in `selectors/`, nowhere else. Each rule about one row
has one home here: a QuerySet method and the model property or method that agrees with
it (`ShareQuerySet.live` and `Share.is_live`, `CommitmentQuerySet.review_due` and
`Commitment.is_review_due`).
"""

import re
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

ANSWER_MAX_LENGTH = 20_000

# PostgreSQL text cannot hold NUL (U+0000), yet an answer must come back exactly as
# typed. Stored text therefore escapes it: U+E000 (a private-use character) is the
# escape, "\ue000" + "0" stands for NUL and "\ue000\ue000" for U+E000 itself. Any
# other text is stored unchanged. Read answers through `typed_text`.
_TEXT_ESCAPE = "\ue000"
_ESCAPED = re.compile("\ue000([\ue0000])")


def answer_text_encode(text: str) -> str:
    """The stored form of `text` (see above); `answer_text_decode` undoes it exactly."""
    return text.replace(_TEXT_ESCAPE, _TEXT_ESCAPE * 2).replace("\x00", _TEXT_ESCAPE + "0")


def answer_text_decode(stored: str) -> str:
    return _ESCAPED.sub(lambda m: "\x00" if m.group(1) == "0" else _TEXT_ESCAPE, stored)


class ExerciseResponseQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(user=user)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class ExerciseResponse(models.Model):
    """One person's work on one exercise: draft until submitted, editable after."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_responses"
    )
    exercise = models.ForeignKey(
        "modules.Exercise", on_delete=models.PROTECT, related_name="responses"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ExerciseResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "exercise"], name="one_response_per_exercise")
        ]

    def __str__(self):
        # Never the answer text: this string can reach logs and admin screens.
        return f"Response {self.pk} to exercise {self.exercise_id}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Answer(models.Model):
    """The current text of one answer. Its history is kept in AnswerVersion.

    `version` goes up by one on every save; a save must say which version it was
    based on, so an edit made in an older tab never silently overwrites a newer one.
    """

    response = models.ForeignKey(ExerciseResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("modules.Question", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True, max_length=ANSWER_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"Answer {self.pk} (version {self.version})"

    @property
    def typed_text(self):
        """The text exactly as the practitioner typed it."""
        return answer_text_decode(self.text)


class AnswerVersionQuerySet(models.QuerySet):
    def _newest_version(self):
        """The number of the newest row of the same answer, as a subquery."""
        rows = AnswerVersion.objects.filter(answer=OuterRef("answer")).order_by("-version")
        return Subquery(rows.values("version")[:1])

    def newest(self):
        """The newest row of each answer: it holds the answer's current text."""
        return self.filter(version=self._newest_version())

    def earlier(self):
        """Every row but the newest of its answer: history that may be deleted."""
        return self.exclude(version=self._newest_version())


class AnswerVersion(models.Model):
    """One entry in an answer's history. The newest row holds the current text.

    Autosaves close together are kept as one entry (the newest row is updated in place,
    keeping its number, see `services.answers`), so `version` here numbers history
    entries and can be lower than `Answer.version`, which counts every save for the
    version check. A practitioner may delete any entry but the newest.
    """

    class Kind(models.TextChoices):
        AUTOSAVE = "autosave", "Saved as you typed"
        SAVE = "save", "Saved"
        SUBMIT = "submit", "Submitted"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    saved_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.SAVE,
        help_text="How the text was saved; only autosaves are joined into a later autosave, "
        "and the text current when the exercise was submitted is marked submitted.",
    )

    objects = AnswerVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "version"], name="one_row_per_answer_version")
        ]

    def __str__(self):
        return f"Answer {self.answer_id} version {self.version}"

    @property
    def typed_text(self):
        return answer_text_decode(self.text)


class CommitmentQuerySet(models.QuerySet):
    def review_due(self, today: date) -> "CommitmentQuerySet":
        """Reviews whose date has come and that have not been recorded yet (the rule of
        `Commitment.is_review_due`)."""
        return self.filter(review_on__lte=today, reviewed_at__isnull=True)


class Commitment(models.Model):
    """Exercise 4: one specific change, by when, and when to come back to review it.

    What the change is, is the Answer to the exercise's `commitment` question; this
    row holds its dates and the practitioner's review of how it went.
    """

    response = models.OneToOneField(
        ExerciseResponse, on_delete=models.CASCADE, related_name="commitment"
    )
    due_on = models.DateField(help_text="By when the practitioner will have done it.")
    review_on = models.DateField(help_text="When they will come back and review their progress.")
    review_outcome = models.TextField(blank=True, max_length=ANSWER_MAX_LENGTH)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_for = models.DateField(
        null=True,
        blank=True,
        help_text="The review date a reminder was last emailed for: one email per review.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    def __str__(self):
        return f"Commitment {self.pk} (review on {self.review_on})"

    def is_review_due(self, *, today: date) -> bool:
        """Its review date has come and no review is recorded (see `review_due`)."""
        return self.review_on <= today and self.reviewed_at is None

    def is_review_open(self, *, today: date) -> bool:
        """The review can be written: it is due, or one is recorded and can be edited."""
        return self.is_review_due(today=today) or self.reviewed_at is not None

    def has_dates(self, *, due_on: date, review_on: date) -> bool:
        """Whether these are the dates already saved: saving them changes nothing."""
        return (self.due_on, self.review_on) == (due_on, review_on)


def share_invitation_cutoff(*, now: datetime | None = None) -> datetime:
    """Invitations sent before this moment have expired (settings.SHARE_INVITATION_DAYS).

    The one rule for when an invitation to compare answers expires: the QuerySet methods
    and `Share.is_expired` below all compare `created_at` with this moment.
    """
    days = settings.SHARE_INVITATION_DAYS
    if days < 7:
        # The weekly limit of invitations to one address counts the invitations sent in
        # the last seven days; expired ones are deleted, so a shorter period would let
        # an address be sent more than the limit.
        raise ImproperlyConfigured("SHARE_INVITATION_DAYS must be at least 7.")
    return (now or timezone.now()) - timedelta(days=days)


def _invitation_current(now=None) -> Q:
    return Q(status=Share.Status.PENDING, created_at__gte=share_invitation_cutoff(now=now))


def _invitation_overdue(now=None) -> Q:
    return Q(status=Share.Status.PENDING, created_at__lt=share_invitation_cutoff(now=now))


class ShareQuerySet(models.QuerySet):
    def live(self, now: datetime | None = None) -> "ShareQuerySet":
        """Accepted, or an invitation still waiting for a reply that has not expired (the
        rule of `Share.is_live`)."""
        return self.filter(_invitation_current(now) | Q(status=Share.Status.ACCEPTED))

    def engaging(self, user) -> "ShareQuerySet":
        """Live shares `user` is really in: ones they started, and ones they accepted.

        A person is in at most one of these per exercise; invitations they have not yet
        answered do not count, and neither does one of theirs that has expired (they may
        invite someone again). The rule of `Share.engages`.
        """
        return self.live().filter(Q(owner=user) | Q(colleague=user, status=Share.Status.ACCEPTED))

    def invitations_current(self, now=None):
        """Invitations waiting for a reply that can still be seen and accepted."""
        return self.filter(_invitation_current(now))

    def invitations_overdue(self, now=None):
        """Invitations still marked pending that nobody answered within
        SHARE_INVITATION_DAYS: expired, until the daily retention run marks them so."""
        return self.filter(_invitation_overdue(now))

    def invitations_expired(self, now=None):
        """Invitations that have expired, whether marked so yet or not."""
        return self.filter(_invitation_overdue(now) | Q(status=Share.Status.EXPIRED))

    def unanswered_by_email(self):
        """Invitations sent to an email address that nobody has accepted or declined: the
        only rows that hold an address of someone who may not use the course at all."""
        return self.filter(colleague__isnull=True)

    def sent_before(self, moment):
        return self.filter(created_at__lt=moment)

    def accepted(self):
        return self.filter(status=Share.Status.ACCEPTED)

    def involving(self, user):
        return self.filter(Q(owner=user) | Q(colleague=user))

    def between(self, first, second):
        return self.filter(Q(owner=first, colleague=second) | Q(owner=second, colleague=first))


def _new_token():
    return secrets.token_urlsafe(32)


class Share(models.Model):
    """A pair-share of one exercise between the practitioner who asked and a colleague.

    The colleague is a registered person in the same organisation, or someone
    invited by email who has not registered yet (`colleague` empty until they do).

    An invitation not answered within settings.SHARE_INVITATION_DAYS expires: from that
    moment nobody can see or accept it (`share_invitation_cutoff`). The daily retention
    run (reflections.retention) then deletes one sent to an email address, so the
    address goes with it, and marks one sent to a named colleague EXPIRED: that row
    holds no address, and the sender's record keeps that they asked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"
        EXPIRED = "expired", "Expired"

    exercise = models.ForeignKey("modules.Exercise", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_started"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares_received",
    )
    invited_email = models.EmailField(blank=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The latest invitation email, so its sender can be told when it could not be
    # delivered and send it again (reflections.services.invitation_emails).
    invitation_email = models.ForeignKey(
        "outbox.EmailDelivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A pair shares one exercise at most once at a time (the reverse pair is
            # checked by the service, under a row lock). The database cannot see time, so
            # this is the coarse form of `live()`: an overdue invitation keeps the pair
            # until the retention run marks it expired (`share_invitations_expire`, which
            # the sharing services also call before creating a share).
            models.UniqueConstraint(
                fields=["exercise", "owner", "colleague"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_live_share_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(colleague__isnull=False) | ~Q(invited_email=""),
                name="share_has_colleague_or_email",
            ),
        ]

    def __str__(self):
        return f"Share {self.pk} of exercise {self.exercise_id} ({self.status})"

    def partner_of(self, user):
        return self.colleague if user.pk == self.owner_id else self.owner

    @property
    def is_live(self) -> bool:
        """Accepted, or waiting for a reply and not expired (the rule of `live()`)."""
        if self.status == self.Status.ACCEPTED:
            return True
        return self.status == self.Status.PENDING and not self.is_expired

    def engages(self, user) -> bool:
        """Whether `user` is really in this share (the rule of `engaging()`)."""
        if not self.is_live:
            return False
        return self.owner_id == user.pk or (
            self.colleague_id == user.pk and self.status == self.Status.ACCEPTED
        )

    @property
    def is_expired(self) -> bool:
        """Not answered within SHARE_INVITATION_DAYS (the rule of `invitations_expired`)."""
        if self.status == self.Status.EXPIRED:
            return True
        return self.status == self.Status.PENDING and self.created_at < share_invitation_cutoff()

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.SHARE_INVITATION_DAYS)


# --- Certificates ---------------------------------------------------------------------

# Crockford's base32: digits and capitals without I, L, O and U, so a code read aloud or
# typed from paper is not mistaken. 16 symbols of 32 are 80 random bits: far too many
# to guess, even without the verify page's rate limit.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
CODE_GROUP = 4
# What people type for the letters the alphabet leaves out.
_CODE_READINGS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces, hyphens and dashes


def certificate_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_code_normalise(text: str) -> str:
    """A typed code in its stored form: capitals, without spaces or hyphens, with O read
    as zero and I or L as one. Anything else is returned as it is (and found nowhere)."""
    return _CODE_SEPARATORS.sub("", text or "").upper().translate(_CODE_READINGS)


def certificate_code_grouped(code: str) -> str:
    """`K7QF9M2XPD4R8T3H` as `K7QF-9M2X-PD4R-8T3H`, for reading aloud."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """The certificate of a practitioner who completed the course: issued once, by
    `services.certificates.certificate_issue`, which checks completion itself.

    `completed_on` is the day the last lesson or exercise was done; `cpd_minutes` the CPD
    time as the CPD record worked it out then, so later changes to the course do not
    change a certificate already issued. Anyone holding the code can confirm the name,
    the course and the date on the public verify page, and nothing else.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(
        max_length=CODE_LENGTH,
        unique=True,
        default=certificate_code_new,
        editable=False,
        help_text="Stored without hyphens; shown in groups of four.",
    )
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_on = models.DateField(editable=False)
    cpd_minutes = models.PositiveIntegerField(
        editable=False, help_text="The CPD time (lessons read and exercises done) at issue."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revoke_reason = models.CharField(max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"Certificate {self.code_grouped}"

    def get_absolute_url(self):
        return reverse("reflections:certificate")

    @property
    def code_grouped(self) -> str:
        return certificate_code_grouped(self.code)

    @property
    def is_revoked(self) -> bool:
        """Revoked by an administrator (the rule of `valid()`, reversed)."""
        return self.revoked_at is not None

    def get_verify_url(self):
        return reverse("verify:code", kwargs={"code": self.code})
