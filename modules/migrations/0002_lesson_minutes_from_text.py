from django.db import migrations, models

from modules.rendering import reading_minutes


def minutes_from_text(apps, schema_editor):
    """Lessons already stored get the reading time their text gives, as on save."""
    Lesson = apps.get_model("modules", "Lesson")
    for lesson in Lesson.objects.only("pk", "body_html", "minutes"):
        minutes = reading_minutes(lesson.body_html)
        if minutes != lesson.minutes:
            Lesson.objects.filter(pk=lesson.pk).update(minutes=minutes)


class Migration(migrations.Migration):
    dependencies = [
        ("modules", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lesson",
            name="minutes",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="Estimated reading time in whole minutes, worked out from the text "
                "on save (its exercises' time is their own).",
            ),
        ),
        migrations.RunPython(minutes_from_text, migrations.RunPython.noop),
    ]
