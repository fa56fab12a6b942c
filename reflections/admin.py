"""The admin shows answers to no one.

Answer and AnswerVersion are deliberately not registered, and the one model that is
shows dates and states only: no field of it holds a practitioner's words.
"""

from django.contrib import admin

from .models import ExerciseResponse


@admin.register(ExerciseResponse)
class ExerciseResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "exercise", "last_saved_at", "submitted_at"]
    list_filter = ["exercise"]
    list_select_related = ["user", "exercise"]
    fields = ["user", "exercise", "created_at", "last_saved_at", "submitted_at"]
    readonly_fields = fields
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
