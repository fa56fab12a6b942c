"""Print everything held about one person as JSON, for an administrator answering a
data request. The same export the person downloads from My reflections.

    python manage.py export_user_data someone@example.org > data.json
"""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from reflections.export import user_data_export_record


class Command(BaseCommand):
    help = "Print all of one person's data as JSON (the same as their own download)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address.")

    def handle(self, *args, email, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No account has the email address {email}.") from None
        data = user_data_export_record(user=user, actor=None, via="export_user_data command")
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
