from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import Organisation, Team, User


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    filter_horizontal = ["managers"]


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "organisation", "team", "role"]


class UserEditForm(UserChangeForm):
    # The other side of Team.managers, so a manager's teams are set on their own page.
    managed_teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.select_related("organisation"),
        required=False,
        widget=FilteredSelectMultiple("teams", is_stacked=False),
        help_text="Teams whose course completion this person may see (never their answers).",
    )

    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["managed_teams"].initial = self.instance.managed_teams.all()

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.managed_teams.set(self.cleaned_data["managed_teams"])


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Administrators assign roles, organisations, teams and managed teams here."""

    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "organisation", "team", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active", "is_staff"]
    # A team is shown with its organisation's name: fetch both in the one query.
    list_select_related = ["organisation", "team__organisation"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_role", "organisation", "team"]}),
        (
            "Role",
            {
                "fields": [
                    "role",
                    "managed_teams",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                ]
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "organisation",
                    "team",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
