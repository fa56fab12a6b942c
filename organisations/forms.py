"""Forms for the organisation administrators' pages and the invitation link."""

from typing import ClassVar

from django import forms
from django.contrib.auth import password_validation

from accounts.form_messages import PlainErrors
from accounts.forms import NormalisedEmailField, TeamChoiceField
from accounts.models import Team, User, name_validator

from .imports import MAX_FILE_BYTES, StaffFileError, staff_file_read
from .models import ORGANISATION_ROLE_CHOICES
from .selectors import STATUSES


class MembersFilterForm(forms.Form):
    """The members list's search and filters (a GET form: the page works without script)."""

    q = forms.CharField(
        label="Name or email",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    team = TeamChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *STATUSES.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def filters(self) -> dict:
        """The valid filters; any that are not valid are left out (a list is still shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q", ""),
            "team": data.get("team"),
            "status": data.get("status", ""),
        }


def _text_field(label, *, required=True, **kwargs):
    return forms.CharField(
        label=label, max_length=150, required=required, validators=[name_validator], **kwargs
    )


class InviteForm(PlainErrors, forms.Form):
    required_messages: ClassVar = {
        "full_name": "Enter the person's full name",
        "email": "Enter their work email address",
        "role": "Select a role",
    }

    full_name = _text_field("Full name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = NormalisedEmailField(
        label="Work email address",
        help_text="We email them a link to set their password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    team = TeamChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Let them choose",
    )
    job_role = _text_field(
        "Job role", required=False, help_text="For example: social worker, family support worker."
    )
    role = forms.ChoiceField(
        label="Role",
        choices=ORGANISATION_ROLE_CHOICES,
        initial=User.Role.PRACTITIONER,
        help_text="Team managers see their teams' course completion, never answers. "
        "Organisation administrators manage the organisation's people and teams.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class StaffFileForm(PlainErrors, forms.Form):
    required_messages: ClassVar = {"file": "Choose a CSV file of staff to upload"}

    file = forms.FileField(
        label="Staff list (CSV file)",
        help_text="A header row naming the columns name, email, team, job role, role; then "
        "one person a row. At most 2,000 people and 1 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB. Split it into smaller files."
            )
        try:
            self.rows = staff_file_read(upload.read())
        except StaffFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class MemberTeamForm(PlainErrors, forms.Form):
    team = TeamChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team"
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ManagedTeamsForm(PlainErrors, forms.Form):
    teams = forms.ModelMultipleChoiceField(
        label="Teams they manage",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A team manager sees these teams' course completion, never answers.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        self.fields["teams"].label_from_instance = lambda team: team.name


class MemberRoleForm(PlainErrors, forms.Form):
    required_messages: ClassVar = {"role": "Select a role"}

    role = forms.ChoiceField(label="Role", choices=ORGANISATION_ROLE_CHOICES)


class TeamNameForm(PlainErrors, forms.Form):
    required_messages: ClassVar = {"name": "Enter a team name"}

    name = _text_field("Team name", widget=forms.TextInput(attrs={"autocomplete": "off"}))


class InvitationPasswordForm(PlainErrors, forms.Form):
    """The invitee's password, twice, checked by Django's validators (including how like
    their name and address it is)."""

    required_messages: ClassVar = {
        "password1": "Enter a password",
        "password2": "Enter the password again",
    }

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            probe = User(email=self.invitation.email, full_name=self.invitation.full_name)
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
