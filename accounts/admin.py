from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp
from allauth.usersessions import admin as usersessions_admin
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from . import admin_audit, logos
from .models import Organisation, OrganisationDomain, Team, User
from .services import account_deactivated

# Every change to a person made on these pages is written to the audit trail, with the
# administrator as its actor (see accounts.admin_audit): on a person's own page, and where
# a team's managers or a team itself (and so its members' team) change.


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name"]


class OrganisationDomainInline(admin.TabularInline):
    # The domains decide who joins by a verified address, and whose single sign-on
    # through the organisation's provider is accepted.
    model = OrganisationDomain
    extra = 0
    fields = ["domain"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "logo", "sso_app", "password_sign_in"]
        # Django's own check (can Pillow open it at all?) runs first: say what to do.
        error_messages = {"logo": {"invalid_image": logos.TYPE_MESSAGE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sso_app" in self.fields:
            self.fields["sso_app"].queryset = SocialApp.objects.filter(provider="openid_connect")

    def clean_logo(self):
        """A new upload is checked and re-encoded (accounts.logos); keeping or clearing
        the current logo passes as it is."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return logos.logo_prepare(logo)
        return logo

    def clean(self):
        data = super().clean()
        if data.get("password_sign_in") is False and not data.get("sso_app"):
            self.add_error(
                "password_sign_in",
                "Choose the organisation's single sign-on first: with password sign-in off "
                "and no single sign-on, its members could not sign in at all.",
            )
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "slug", "sso_app", "password_sign_in"]
    list_select_related = ["sso_app"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [OrganisationDomainInline, TeamInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "logo"]}),
        (
            "Signing in",
            {
                "fields": ["sso_app", "password_sign_in"],
                "description": "Single sign-on is a social application (provider "
                'OpenID Connect) set up under Social Accounts; README.md, "Single '
                'sign-on", says how. Members sign in with it when their provider '
                "confirms an address at one of the organisation's domains.",
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        replaced = form.initial.get("logo") if "logo" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if replaced:
            # The old file goes once the new one is saved (a logo is nobody's data).
            storage, name = obj.logo.storage, getattr(replaced, "name", replaced)
            transaction.on_commit(lambda: storage.delete(name))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Team:
            super().save_formset(request, form, formset, change)
            return
        # Teams deleted from the inline take their members' team and managers' teams.
        deleted = [inline.instance for inline in formset.deleted_forms if inline.instance.pk]
        people = admin_audit.team_people_ids(teams=deleted) if deleted else set()
        with admin_audit.people_changes_recorded(ids=people, actor=request.user):
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        people = admin_audit.team_people_ids(teams=obj.teams.all())
        with admin_audit.people_changes_recorded(ids=people, actor=request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        people = admin_audit.team_people_ids(teams=Team.objects.filter(organisation__in=queryset))
        with admin_audit.people_changes_recorded(ids=people, actor=request.user):
            super().delete_queryset(request, queryset)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    filter_horizontal = ["managers"]

    def save_model(self, request, obj, form, change):
        # Everyone whose managed teams this save may change: the managers before and after.
        people = {person.pk for person in form.cleaned_data.get("managers", [])}
        if change:
            people |= set(obj.managers.values_list("pk", flat=True))
        # Read back in save_related, once the managers are set.
        form.people_before = admin_audit.people_snapshot(ids=people)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        admin_audit.people_changes_record(before=form.people_before, actor=request.user)

    def delete_model(self, request, obj):
        people = admin_audit.team_people_ids(teams=[obj])
        with admin_audit.people_changes_recorded(ids=people, actor=request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        people = admin_audit.team_people_ids(teams=queryset)
        with admin_audit.people_changes_recorded(ids=people, actor=request.user):
            super().delete_queryset(request, queryset)


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


@admin.action(description="Reset two-factor sign-in (they set up their app again)")
def second_factor_reset(modeladmin, request, queryset):
    """For someone who has lost their phone and their recovery codes: their authenticator
    app and codes stop working. Audited, and the person is emailed."""
    people = list(queryset)
    for person in people:
        removed, _ = Authenticator.objects.filter(user=person).delete()
        if removed:
            admin_audit.person_change_record(
                person=person, actor=request.user, changes={"two_factor": {}}
            )
    modeladmin.message_user(request, f"Two-factor sign-in reset for {len(people)} people.")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Administrators assign roles, organisations, teams and managed teams here."""

    add_form = UserCreateForm
    form = UserEditForm
    actions = [second_factor_reset]
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

    def save_model(self, request, obj, form, change):
        # Taken before the row is written; save_related compares once the teams are set too.
        form.people_before = admin_audit.people_snapshot(ids=[obj.pk]) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            admin_audit.people_changes_record(before=form.people_before, actor=request.user)
            was_active = form.people_before[form.instance.pk]["is_active"]
            if was_active and not form.instance.is_active:
                # Closing an account here has the same effect as on the organisation's
                # pages: signed out everywhere at once, and their shares end.
                account_deactivated(person=form.instance, actor=request.user)
        else:
            admin_audit.person_created_record(person=form.instance, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        # The password page sets or disables a password outside save_model: compare the
        # stored hash before and after (only whether it changed is recorded).
        person = self.get_object(request, unquote(id)) if request.method == "POST" else None
        if person is None:
            return super().user_change_password(request, id, form_url)
        with admin_audit.people_changes_recorded(ids=[person.pk], actor=request.user):
            return super().user_change_password(request, id, form_url)

    def delete_model(self, request, obj):
        with transaction.atomic():
            admin_audit.people_deleted_record(people=[obj], actor=request.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            admin_audit.people_deleted_record(people=queryset, actor=request.user)
            super().delete_queryset(request, queryset)


# Authenticators change only through the person's own pages or the audited reset above,
# so allauth's own page for them (which could delete one unrecorded) is not offered.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


def _address_change_record(address, actor):
    admin_audit.person_change_record(
        person=address.user, actor=actor, changes={"email_address": {}}
    )


class AuditedEmailAddressAdmin(EmailAddressAdmin):
    """allauth's page for addresses, with every change recorded as an administrative
    change to the person (marking an address verified proves nothing the person did)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        admin_audit.person_change_record(
            person=obj.user, actor=request.user, changes={"email_address": {}}
        )

    def delete_model(self, request, obj):
        admin_audit.person_change_record(
            person=obj.user, actor=request.user, changes={"email_address": {}}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for address in queryset.select_related("user"):
            _address_change_record(address, request.user)
        super().delete_queryset(request, queryset)

    def make_verified(self, request, queryset):
        for address in queryset.filter(verified=False).select_related("user"):
            _address_change_record(address, request.user)
        super().make_verified(request, queryset)


if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, AuditedEmailAddressAdmin)


class UserSessionAdmin(usersessions_admin.UserSessionAdmin):
    # allauth searches `user__username`, which this user model does not have: any search
    # of the sessions failed with a server error.
    search_fields = ["user__email", "user__full_name", "ip"]


if admin.site.is_registered(UserSession):
    admin.site.unregister(UserSession)
admin.site.register(UserSession, UserSessionAdmin)
