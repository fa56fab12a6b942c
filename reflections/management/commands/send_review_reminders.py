"""Queue a reminder email for everyone whose commitment review is due. Meant to run once
a day from cron:

    python manage.py send_review_reminders

Each review gets one reminder, however often this runs, even two runs at once. The
worker (`manage.py db_worker`) sends them. The command fails (exit status 1, so cron
mails its output) when any reminder could not be queued; those are tried again on the
next run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reflections.services.records import (
    RemindersNotQueued,
    review_reminders_due,
    review_reminders_send,
)


class Command(BaseCommand):
    help = "Queue a reminder email to everyone whose commitment review is due (once per review)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many reminders are due without queuing any.",
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        if dry_run:
            count = review_reminders_due(today=today)
            self.stdout.write(f"{_reminders(count)} due; none queued (dry run).")
            return
        try:
            count = review_reminders_send(today=today)
        except RemindersNotQueued as failure:
            self.stdout.write(f"Queued {_reminders(failure.queued)}.")
            raise CommandError(
                f"{_reminders(failure.failed)} could not be queued; the next run tries again."
            ) from failure
        self.stdout.write(self.style.SUCCESS(f"Queued {_reminders(count)}."))


def _reminders(count):
    return f"{count} review reminder{'' if count == 1 else 's'}"
