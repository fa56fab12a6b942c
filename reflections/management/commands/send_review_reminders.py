"""Email everyone whose commitment review is due. Meant to run once a day from cron:

    python manage.py send_review_reminders

Each review gets one reminder, however often this runs, even two runs at once.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from reflections.services.records import review_reminders_due, review_reminders_send


class Command(BaseCommand):
    help = "Email a reminder to everyone whose commitment review is due (once per review)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many reminders are due without sending any.",
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        if dry_run:
            count = review_reminders_due(today=today)
            self.stdout.write(f"{_reminders(count)} due; none sent (dry run).")
            return
        count = review_reminders_send(today=today)
        self.stdout.write(self.style.SUCCESS(f"Sent {_reminders(count)}."))


def _reminders(count):
    return f"{count} review reminder{'' if count == 1 else 's'}"
