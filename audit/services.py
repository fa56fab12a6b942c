from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models, router, transaction
from django.utils import timezone

from .models import AuditEvent

if TYPE_CHECKING:
    # The user model (settings.AUTH_USER_MODEL), named for the type checker only: audit
    # never imports accounts when it runs.
    from accounts.models import User

# Who did something: a person, or nobody (a signed-out visitor, or the system itself).
Actor: TypeAlias = "User | AnonymousUser | None"


def audit_record(
    *, action: str, actor: Actor = None, target: models.Model | None = None, **detail: Any
) -> AuditEvent:
    """Record an event. Pass ids and short facts in `detail`, never answer text."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
    )


def audit_record_many(
    *, action: str, actor: Actor = None, targets: Iterable[tuple[models.Model, dict[str, Any]]]
) -> list[AuditEvent]:
    """Record the same action on many rows in one INSERT; `targets` holds (row, detail) pairs."""
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            action=action,
            actor=actor if actor is not None and actor.is_authenticated else None,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            detail=detail,
        )
        for target, detail in targets
    )


def audit_retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Events recorded before this moment have been kept long enough."""
    days = settings.AUDIT_RETENTION_DAYS
    if days < 1:
        # Zero would empty the trail on the next run; refuse rather than guess.
        raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 1.")
    return (now or timezone.now()) - timedelta(days=days)


@transaction.atomic
def audit_purge_expired(*, now: datetime | None = None) -> int:
    """Remove the events older than settings.AUDIT_RETENTION_DAYS; return how many went.

    This is the only way audit events leave the database. The removal is one DELETE
    statement, so runs at the same moment cannot both remove a row: each row goes in
    exactly one statement, and the counts the runs return add up to the rows removed.
    (QuerySet.delete() is refused for audit events; the raw delete skips the collector,
    which nothing needs: no row points at an audit event and no signal listens for one.)
    The purge itself is recorded, with the cutoff and the count.
    """
    cutoff = audit_retention_cutoff(now=now)
    expired = AuditEvent.objects.recorded_before(cutoff)
    removed = expired._raw_delete(using=router.db_for_write(AuditEvent))
    if removed:
        audit_record(action="audit.purged", removed=removed, cutoff=cutoff.isoformat())
    return removed
