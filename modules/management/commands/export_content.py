from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modules.models import Course
from modules.services import content_export


class Command(BaseCommand):
    help = (
        "Write the course in the database back to content/ (or --directory), in the form "
        "load_content reads: only changed files are written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(settings.CONTENT_DIR))

    def handle(self, *args, directory, **options):
        try:
            report = content_export(directory=directory)
        except Course.DoesNotExist:
            raise CommandError(
                "Nothing was exported: there is no course in the database; run load_content."
            ) from None
        for label, names in [("Written", report.written), ("Removed", report.removed)]:
            for name in names:
                self.stdout.write(f"{label}: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Content exported to {directory}: {len(report.written)} written, "
                f"{len(report.removed)} removed, {len(report.unchanged)} unchanged."
            )
        )
