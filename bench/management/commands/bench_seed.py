"""Seed the benchmark's organisation (bench/seed.py) into the configured database."""

from django.core.management.base import BaseCommand

from bench.seed import organisation_seed


class Command(BaseCommand):
    help = "Create the benchmark's organisation: practitioners in teams, with progress."

    def add_arguments(self, parser):
        parser.add_argument("--practitioners", type=int, default=2_000)
        parser.add_argument("--teams", type=int, default=40)
        parser.add_argument("--large-team", type=int, default=500)

    def handle(self, *args, practitioners, teams, large_team, **options):
        seeded = organisation_seed(practitioners=practitioners, teams=teams, large_team=large_team)
        self.stdout.write(
            f"Seeded {seeded.practitioners} practitioners in {teams} teams; "
            f"team {seeded.large_team.pk} has {large_team} and a manager."
        )
