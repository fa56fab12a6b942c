from django.contrib import admin

from .models import Course, Exercise, Lesson, LessonProgress, LessonRevision, Part, Question


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title"]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "key", "archived_at"]
    readonly_fields = ["archived_at"]


class RevisionInline(admin.TabularInline):
    model = LessonRevision
    extra = 0
    fields = ["created_at", "source", "author", "title"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """Lessons are loaded from content/ by `load_content`, which keeps each version of a
    lesson's text as a revision (listed below)."""

    list_display = ["order", "title", "part", "minutes", "needs_legal_review", "archived_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["part"]
    readonly_fields = ["slug", "part", "order", "body_html", "updated_at", "archived_at"]
    inlines = [RevisionInline]

    @admin.display(boolean=True, description="Legal review")
    def needs_legal_review(self, lesson):
        return bool(lesson.legal_review)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "key", "stage", "kind", "text_markdown", "retired"]
    readonly_fields = ["key"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "lesson", "pairing"]
    list_select_related = ["lesson"]
    inlines = [QuestionInline]


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "started_at", "completed_at"]
    list_select_related = ["user", "lesson"]
    list_filter = ["lesson"]
    search_fields = ["user__email", "user__full_name"]
