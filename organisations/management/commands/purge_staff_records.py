from django.core.management.base import BaseCommand

from organisations.services import staff_records_purge_expired


class Command(BaseCommand):
    help = (
        "Remove staff invitations never accepted (30 days after they expired) and staff "
        "lists never imported (after a day). Run daily from cron."
    )

    def handle(self, *args, **options):
        removed = staff_records_purge_expired()
        self.stdout.write(
            f"Removed {removed['invitations']} expired invitations and "
            f"{removed['staff_lists']} staff lists."
        )
