"""Account forms: allauth's, with every address in its normal form (accounts.emails),
our wording, and the name and job role asked for at registration."""

from typing import ClassVar

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.contrib.auth import password_validation

from .emails import email_domain, email_normalise
from .form_messages import PlainErrors
from .models import OrganisationDomain, Team, User, name_validator
from .single_sign_on import organisation_sign_in_service, password_sign_in_refusal


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


class SignInForm(PlainErrors, allauth_forms.LoginForm):
    required_messages: ClassVar = {
        "login": "Enter your email address",
        "password": "Enter your password",
    }

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


class RegistrationForm(PlainErrors, allauth_forms.SignupForm):
    required_messages: ClassVar = {
        "full_name": "Enter your full name",
        "email": "Enter your work email address",
        "job_role": "Enter your job role",
        "password1": "Enter a password",
        "password2": "Enter the password again",
    }
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
    field_order = ("full_name", "email", "job_role", "password1", "password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"] = NormalisedEmailField(
            label="Work email address",
            help_text="We send a link to this address. If your organisation runs the "
            "course, use your work address: that is how you join it.",
        )
        self.fields["password2"].label = "Password again"
        self.order_fields(self.field_order)

    def validate_unique_email(self, value):
        """Never refuse an address because it has an account: that would tell anyone
        who has one. The owner is emailed instead (accounts.views.RegistrationView).
        An address at an organisation that signs in only through its own service is
        turned away: a password would never sign it in. (That says how an organisation
        signs in, which its sign-in button says anyway, not whether anyone has an
        account.)"""
        domain = (
            OrganisationDomain.objects.filter(domain=email_domain(value))
            .select_related("organisation__sso_app")
            .first()
        )
        service = organisation_sign_in_service(domain.organisation if domain else None)
        if service is not None:
            raise forms.ValidationError(
                f"{domain.organisation.name} signs in through {service}, not with a "
                "password: use its button on the sign-in page instead of creating an account."
            )
        self.account_already_exists = User.objects.with_email(value).exists()
        return value

    def clean(self):
        data = super().clean()
        # allauth checks the password against the address; check it against the name too.
        password = data.get("password1")
        if password and "password1" not in self.errors:
            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class PasswordResetForm(PlainErrors, allauth_forms.ResetPasswordForm):
    required_messages: ClassVar = {"email": "Enter your email address"}
    email = NormalisedEmailField()

    def clean_email(self):
        super().clean_email()
        return self.cleaned_data["email"]


class AddEmailForm(PlainErrors, allauth_forms.AddEmailForm):
    required_messages: ClassVar = {"email": "Enter the new email address"}
    email = NormalisedEmailField(label="New email address")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return team.name


class TeamChooseForm(PlainErrors, forms.Form):
    required_messages: ClassVar = {"team": "Select your team"}
    team = TeamChoiceField(
        queryset=Team.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Your team",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = organisation.teams.all()


# --- Passwords and the second factor: allauth's forms, in the course's words ------------


def _label(form, **labels):
    for name, label in labels.items():
        form.fields[name].label = label
        form.fields[name].widget.attrs.pop("placeholder", None)


class ChangePasswordForm(PlainErrors, allauth_forms.ChangePasswordForm):
    required_messages: ClassVar = {
        "oldpassword": "Enter your current password",
        "password1": "Enter a new password",
        "password2": "Enter the new password again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(
            self,
            oldpassword="Current password",
            password1="New password",
            password2="New password again",
        )
        self.fields["oldpassword"].help_text = ""


class SetPasswordForm(PlainErrors, allauth_forms.SetPasswordForm):
    required_messages: ClassVar = {
        "password1": "Enter a new password",
        "password2": "Enter the new password again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self, password1="New password", password2="New password again")


class NewPasswordForm(PlainErrors, allauth_forms.ResetPasswordKeyForm):
    required_messages: ClassVar = {
        "password1": "Enter a new password",
        "password2": "Enter the new password again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self, password1="New password", password2="New password again")


class ReauthenticateForm(PlainErrors, allauth_forms.ReauthenticateForm):
    required_messages: ClassVar = {"password": "Enter your password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self, password="Your password")  # noqa: S106 (a label, not a password)
        self.fields["password"].help_text = ""


def _code_field(form, label):
    field = form.fields["code"]
    field.label = label
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")


class SecondFactorCodeForm(PlainErrors, mfa_forms.AuthenticateForm):
    required_messages: ClassVar = {"code": "Enter the code from your app, or a recovery code"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, "Code from your app, or a recovery code")


class SecondFactorConfirmForm(PlainErrors, mfa_forms.ReauthenticateForm):
    required_messages: ClassVar = {"code": "Enter the code from your app, or a recovery code"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, "Code from your app, or a recovery code")


class AuthenticatorAppForm(PlainErrors, ActivateTOTPForm):
    required_messages: ClassVar = {"code": "Enter the six-digit code from the app"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, "Six-digit code from the app")
