from django.apps import AppConfig


class TeamProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "team_progress"
    verbose_name = "Team progress"
