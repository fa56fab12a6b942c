"""Remove audit events older than the retention period:

    python manage.py purge_audit_events

settings.AUDIT_RETENTION_DAYS (environment variable AUDIT_RETENTION_DAYS) sets the period.
The daily `manage.py apply_retention` applies this rule with all the others, so cron
needs only that; this command is for running the one rule on its own.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import audit_purge_expired


class Command(BaseCommand):
    help = "Remove audit events older than AUDIT_RETENTION_DAYS (the only way they are removed)."

    def handle(self, *args, **options):
        removed = audit_purge_expired()
        noun = "event" if removed == 1 else "events"
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} audit {noun} older than {settings.AUDIT_RETENTION_DAYS} days."
            )
        )
