from django.apps import AppConfig


class CourseEditingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "course_editing"
    verbose_name = "Course editing"
