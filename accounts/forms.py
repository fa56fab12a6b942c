"""Account forms: allauth's, with every address in its normal form (accounts.emails),
our wording, and the name and job role asked for at registration."""

from allauth.account import forms as allauth_forms
from django import forms

from .emails import email_normalise
from .models import Team, name_validator
from .single_sign_on import password_sign_in_refusal


class NormalisedEmailField(forms.EmailField):
    """An email field that puts the address in its normal form before validating it, so
    `PRIYA.ſHAH@example.org` is read as `priya.shah@example.org` everywhere."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Email address")
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return email_normalise(value) if value else value


class SignInForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = NormalisedEmailField()
        self.fields["password"].help_text = ""
        self.order_fields(["login", "password"])

    def clean(self):
        """allauth checks the password; then a member of an organisation that signs in
        through its own service is sent there. Every password sign-in uses this form (the
        sign-in page and the exercise page's signed-out resume), so this is the one
        place that stops them. The message comes only after a correct password."""
        data = super().clean()
        if self.user is not None:
            refusal = password_sign_in_refusal(self.user)
            if refusal is not None:
                self.user = None
                raise forms.ValidationError(refusal, code="password_sign_in_off")
        return data


class RegistrationForm(allauth_forms.SignupForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        validators=[name_validator],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_role = forms.CharField(
        label="Job role",
        max_length=150,
        validators=[name_validator],
        help_text="For example: social worker, family support worker.",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    field_order = ["full_name", "email", "job_role", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"] = NormalisedEmailField(
            label="Work email address",
            help_text="We send a link to this address. If your organisation runs the "
            "course, use your work address: that is how you join it.",
        )
        self.fields["password2"].label = "Password again"
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        # allauth checks the password against the address; check it against the name too.
        password = data.get("password1")
        if password and "password1" not in self.errors:
            from django.contrib.auth import password_validation

            from .models import User

            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class PasswordResetForm(allauth_forms.ResetPasswordForm):
    email = NormalisedEmailField()

    def clean_email(self):
        super().clean_email()
        return self.cleaned_data["email"]


class AddEmailForm(allauth_forms.AddEmailForm):
    email = NormalisedEmailField(label="New email address")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return team.name


class TeamChooseForm(forms.Form):
    team = TeamChoiceField(
        queryset=Team.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Your team",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = organisation.teams.all()
