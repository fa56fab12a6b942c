from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organisation, OrganisationDomain, Team, User

DEMO_PASSWORD = "demo-course-2017"

DEMO_PEOPLE = [
    # email, full name, team, job role, role. Nobody starts the course here, so the demo
    # team manager (Priya Shah) can send Sam and Alex a reminder from their team's page.
    ("sam.patel@example.org", "Sam Patel", "Children in Care", "Social worker", "practitioner"),
    ("alex.jones@example.org", "Alex Jones", "Children in Care", "Social worker", "practitioner"),
    ("priya.shah@example.org", "Priya Shah", "Children in Care", "Team manager", "team_manager"),
    (
        "jordan.evans@example.org",
        "Jordan Evans",
        "Assessment and Intervention",
        "Workforce development lead",
        "organisation_admin",
    ),
    (
        "morgan.lee@example.org",
        "Morgan Lee",
        "Assessment and Intervention",
        "Practice educator",
        "trainer",
    ),
]


class Command(BaseCommand):
    help = "Create a demo organisation, two teams and five demo accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_data creates accounts with known passwords: it runs only with DEBUG on."
            )
        with transaction.atomic():
            organisation, _ = Organisation.objects.get_or_create(name="Demo Borough Council")
            # Addresses at example.org join the demo council once verified.
            OrganisationDomain.objects.get_or_create(
                domain="example.org", defaults={"organisation": organisation}
            )
            teams = {
                name: Team.objects.get_or_create(organisation=organisation, name=name)[0]
                for name in ["Children in Care", "Assessment and Intervention"]
            }
            for email, full_name, team, job_role, role in DEMO_PEOPLE:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={
                        "full_name": full_name,
                        "organisation": organisation,
                        "team": teams[team],
                        "job_role": job_role,
                        "role": role,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                # The demo addresses are made up, so they are marked as verified here.
                EmailAddress.objects.update_or_create(
                    user=user, email=user.email, defaults={"primary": True, "verified": True}
                )
                if role == User.Role.TEAM_MANAGER:
                    teams[team].managers.add(user)
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, full_name, _team, _job, role in DEMO_PEOPLE:
            self.stdout.write(f"  {User.Role(role).label:<26} {full_name:<12} {email}")
