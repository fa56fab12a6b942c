"""Mark the people who already hold a certificate (accounts.User.has_certificate)."""

from django.db import migrations


def mark_holders(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Certificate = apps.get_model("reflections", "Certificate")
    holders = Certificate.objects.values("user_id")
    User.objects.filter(pk__in=holders).update(has_certificate=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_has_certificate"),
        ("reflections", "0005_certificate"),
    ]

    operations = [migrations.RunPython(mark_holders, migrations.RunPython.noop)]
