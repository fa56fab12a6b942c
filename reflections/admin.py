"""The admin shows answers to no one.

Answer and AnswerVersion are deliberately not registered, and the models that are show
dates, states and certificates only: no field of them holds a practitioner's words.
"""

from django.contrib import admin, messages

from .models import Certificate, ExerciseResponse
from .services.certificates import certificate_revoke


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


@admin.action(description="Revoke the selected certificates", permissions=["revoke"])
def certificates_revoke(modeladmin, request, queryset):
    revoked = sum(
        certificate_revoke(certificate=certificate, actor=request.user)
        for certificate in queryset.select_related("user")
    )
    modeladmin.message_user(
        request,
        f"{revoked} certificate{'s' if revoked != 1 else ''} revoked: the verify page now "
        "says so to anyone who checks their codes.",
        messages.SUCCESS,
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: a certificate is issued by the course itself (when someone completes
    it) and is never edited. Revoking is the one thing an administrator does, through the
    action, which records who revoked it and when in the row and the audit trail."""

    list_display = ["code_grouped", "user", "completed_on", "issued_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    fields = [
        "user",
        "code_grouped",
        "completed_on",
        "cpd_minutes",
        "issued_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]
    readonly_fields = fields
    search_fields = ["user__email", "user__full_name", "code"]
    actions = [certificates_revoke]

    @admin.display(description="Code")
    def code_grouped(self, certificate):
        return certificate.code_grouped

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        # The model's change permission, which the form itself never uses (see above).
        return request.user.has_perm("reflections.change_certificate")

    # Deleting stays allowed: deleting a person's account (which removes their
    # certificate with it) needs it. Revoking is how a certificate is withdrawn.
