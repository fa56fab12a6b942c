"""Nudges: a reminder about the course that a team manager sends to a member of their
team who has not started it or has done nothing in it for a while.

The rule "nudged recently" has one home here: `NudgeQuerySet.recent` and the
`Nudge.is_recent` property that agrees with it. A person is nudged at most once in
NUDGE_INTERVAL_DAYS, whoever sends it. Who may be nudged at all (not started or
inactive, and not nudged recently) is decided in team_progress.selectors.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def nudge_cutoff(*, now: datetime | None = None) -> datetime:
    """A nudge sent after this moment is recent: no other may be sent to that person."""
    return (now or timezone.now()) - timedelta(days=settings.NUDGE_INTERVAL_DAYS)


class NudgeQuerySet(models.QuerySet):
    def recent(self, since: datetime | None = None):
        """Nudges sent after `since` (by default, within NUDGE_INTERVAL_DAYS)."""
        return self.filter(sent_at__gt=since if since is not None else nudge_cutoff())


class Nudge(models.Model):
    # The person reminded, and the team they were in then.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept (as nobody) when the manager's account is deleted: the member was still
    # reminded then.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="nudges_sent",
    )
    sent_at = models.DateTimeField(default=timezone.now)
    # The email, until the outbox removes its record (EMAIL_RECORD_DAYS).
    email = models.ForeignKey(
        "outbox.EmailDelivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NudgeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["member", "sent_at"])]

    def __str__(self):
        return f"Nudge {self.pk} to person {self.member_id}"

    @property
    def is_recent(self) -> bool:
        return self.sent_at > nudge_cutoff()
