from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modules.content import ContentError
from modules.services import ContentConflictError, content_load


class Command(BaseCommand):
    help = "Load the course from content/ into the database: all or nothing, and safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.CONTENT_DIR))
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Load the files even over lessons edited in the browser since the last "
            "load (the edits stay in each lesson's revisions).",
        )

    def handle(self, *args, directory, overwrite, verbosity, **options):
        try:
            report = content_load(directory=directory, overwrite=overwrite)
        except ContentConflictError as error:
            lines = [f"  {conflict}" for conflict in error.conflicts]
            raise CommandError(
                "Nothing was loaded: these lessons or exercises were edited in the browser "
                "since the last load, and their files differ:\n"
                + "\n".join(lines)
                + "\nRun export_content to write the edits to the files, or load_content "
                "--overwrite to replace the edits with the files."
            ) from None
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
