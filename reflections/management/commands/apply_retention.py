"""Remove the personal data that has been kept long enough. Meant to run once a day from cron:

    python manage.py apply_retention

Applies every rule in reflections.retention.RULES (expired invitations, unverified
registrations, ended sessions and sign-in records, expired confirmation links and
rate-limit counts, records of emails and finished background tasks past
EMAIL_RECORD_DAYS, audit events past AUDIT_RETENTION_DAYS) and prints one line per rule
with its count. Then it counts the accounts nobody has signed in to for
ACCOUNT_INACTIVE_FLAG_DAYS, per organisation: those are shown to the organisation's
administrator to review, never deleted here. Safe to run twice, even at once. It exits
non-zero when any rule failed, so cron mails someone.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import accounts_inactive_counts
from reflections.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Remove personal data kept long enough (every retention rule), and count the "
        "accounts unused for ACCOUNT_INACTIVE_FLAG_DAYS."
    )

    def handle(self, *args, **options):
        failed = []
        for outcome in retention_apply():
            if outcome.error is None:
                self.stdout.write(f"{outcome.rule.label}: {outcome.count}")
            else:
                failed.append(outcome.rule.label)
                self.stderr.write(f"{outcome.rule.label}: failed ({outcome.error!r})")
        self._report_inactive()
        if failed:
            raise CommandError(f"{len(failed)} retention rule(s) failed: {', '.join(failed)}.")

    def _report_inactive(self):
        counts = accounts_inactive_counts()
        days = settings.ACCOUNT_INACTIVE_FLAG_DAYS
        total = sum(count for _name, count in counts)
        self.stdout.write(
            f"Accounts not signed in to for {days} days, flagged to their organisation's "
            f"administrator: {total}"
        )
        for name, count in counts:
            self.stdout.write(f"  {name or 'No organisation'}: {count}")
