"""Queue again every email whose background task died: its worker exited mid-send
(the database dropped the connection, say) and left the task running for ever. Meant to
run from cron every 5 minutes:

    python manage.py outbox_recover

A task counts as dead once it has been running EMAIL_RECOVER_AFTER seconds; two runs at
once queue each email once (outbox.services.email_deliveries_recover). The worker
(`manage.py db_worker`) sends them.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from outbox.services import email_deliveries_recover


class Command(BaseCommand):
    help = "Queue again the emails whose background task died before it finished."

    def handle(self, *args, **options):
        count = email_deliveries_recover(now=timezone.now())
        if count:
            self.stdout.write(f"Recovered {count} email{'' if count == 1 else 's'}.")
