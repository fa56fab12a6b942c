from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from .models import Organisation, Team, User


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return team.name


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label="Work email address")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), empty_label="Choose your organisation"
    )
    team = TeamChoiceField(
        queryset=Team.objects.select_related("organisation"),
        empty_label="Choose your team",
        help_text="Teams are listed under their organisation.",
    )
    job_role = forms.CharField(
        label="Job role",
        max_length=150,
        help_text="For example: social worker, family support worker.",
    )
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["job_role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["team"].choices = self._grouped_team_choices()

    def _grouped_team_choices(self):
        groups = {}
        for team in self.fields["team"].queryset:
            groups.setdefault(team.organisation.name, []).append((team.pk, team.name))
        return [("", "Choose your team"), *groups.items()]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this email address. Sign in, or reset your password."
            )
        return email

    def clean(self):
        data = super().clean()
        organisation, team = data.get("organisation"), data.get("team")
        if organisation and team and team.organisation_id != organisation.pk:
            self.add_error("team", "Choose a team in the organisation you picked.")
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are not the same.")
        if password1 and not self.errors.get("password1"):
            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with email and password; the error never says whether the email exists."""

    NOT_MATCHED = "That email and password do not match an account. Check both and try again."
    error_messages = {"invalid_login": NOT_MATCHED, "inactive": NOT_MATCHED}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(autocomplete="email")
