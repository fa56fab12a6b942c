from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = "Reflections: answers and sharing"

    def ready(self):
        # Connects the receivers (the sign-in notice, a leaver's shares ended); imported once
        # the apps are loaded, as Django asks.
        from . import signals  # noqa: F401, PLC0415
