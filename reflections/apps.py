from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = "Reflections: answers and sharing"

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-in notice)
