from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modules.content import ContentError
from modules.services import content_load


class Command(BaseCommand):
    help = "Load the course from content/ into the database: all or nothing, and safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.CONTENT_DIR))

    def handle(self, *args, directory, verbosity, **options):
        try:
            report = content_load(directory=directory)
        except ContentError as error:
            lines = [f"  {problem}" for problem in error.problems]
            raise CommandError(
                "Nothing was loaded; fix these and run again:\n" + "\n".join(lines)
            ) from None
        for label, items in [
            ("Created", report.created),
            ("Changed", report.changed),
            ("Removed", report.removed),
            ("Restored", report.restored),
            ("Progress carried over", report.carried),
        ]:
            for item in items:
                self.stdout.write(f"{label}: {item}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Content loaded from {directory}: {len(report.created)} created, "
                f"{len(report.changed)} changed, {len(report.removed)} removed, "
                f"{len(report.unchanged)} left alone."
            )
        )
