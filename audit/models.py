from django.conf import settings
from django.db import models


class AuditEventImmutable(Exception):
    """Audit events are written once and never changed or deleted.

    The one way out is the retention purge (`audit.services.audit_purge_expired`).
    """


class AuditEventQuerySet(models.QuerySet):
    def for_target(self, target):
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))

    def recorded_before(self, moment):
        return self.filter(created_at__lt=moment)

    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused here, before Django opens the transaction it would run update() in.
        raise AuditEventImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditEventImmutable("Audit events are removed only by audit_purge_expired.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    """Something worth a trace: who did what to which row, and when.

    `detail` holds ids and short facts, never a practitioner's answer text.

    Rows are append-only: save() inserts and never updates, and delete() and
    QuerySet.update()/delete() raise. Two changes still reach existing rows, both made
    by the database layer rather than through `objects`: the actor becomes empty
    (SET_NULL) when that account is erased, and the retention purge removes rows older
    than settings.AUDIT_RETENTION_DAYS.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit event"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be changed once recorded.")
        # Always an INSERT: with a primary key set, a plain save() would first try an
        # UPDATE and so overwrite whatever row already has that id.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events are removed only by audit_purge_expired.")

    delete.alters_data = True
