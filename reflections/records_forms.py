"""Forms for the commitment's dates, its review, and deleting an account."""

from datetime import date
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.form_messages import PlainErrors

from .models import ANSWER_MAX_LENGTH
from .services.records import commitment_dates_problems


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TextDateField(forms.DateField):
    """A date as typed, or as the page's script sends it: anything that is not text (a
    number, a list) is not a date."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str | date):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class CommitmentDatesForm(PlainErrors, forms.Form):
    due_on = TextDateField(
        label="The date by which you will have done it",
        widget=DateInput(),
        help_text="Today or later.",
        error_messages={
            "required": "Enter the date by which you will have done it.",
            "invalid": "Enter a real date, for example 31/03/2027.",
        },
    )
    review_on = TextDateField(
        label="When you will come back to review your progress",
        widget=DateInput(),
        help_text="On or after the date above. We will remind you by email on that day.",
        error_messages={
            "required": "Enter the date when you will review your progress.",
            "invalid": "Enter a real date, for example 30/04/2027.",
        },
    )

    def __init__(self, *args, commitment=None, **kwargs):
        self.commitment = commitment
        if commitment is not None:
            kwargs.setdefault(
                "initial", {"due_on": commitment.due_on, "review_on": commitment.review_on}
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        problems = commitment_dates_problems(
            due_on=cleaned.get("due_on"),
            review_on=cleaned.get("review_on"),
            today=timezone.localdate(),
            previous=self.commitment,
        )
        for name, message in problems.items():
            self.add_error(name, message)
        return cleaned


class CommitmentReviewForm(PlainErrors, forms.Form):
    outcome = forms.CharField(
        label="How did it go?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=ANSWER_MAX_LENGTH,
        strip=False,
        help_text="What you did, what changed in your practice, and what you will do next.",
        error_messages={
            "required": "Write a few words about how it went before saving.",
            "max_length": (
                f"Your review is too long to save: keep it to {ANSWER_MAX_LENGTH:,} "
                "characters (you have %(show_value)s). Your text is still here."
            ),
        },
    )

    @classmethod
    def for_commitment(cls, entry, data=None):
        """The review form of one commitment on My reflections (`CommitmentEntry`)."""
        number = entry.commitment.response.exercise.number
        return cls(data, initial={"outcome": entry.outcome_text}, prefix=f"review-{number}")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would silently cut a long paste. The
        # length is checked here instead, and the whole text is shown back.
        self.fields["outcome"].widget.attrs.pop("maxlength", None)

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if not outcome.strip():
            raise forms.ValidationError("Write a few words about how it went before saving.")
        return outcome


class AccountDeleteForm(PlainErrors, forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
        error_messages={"required": "Enter your password to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing has been deleted.")
        return password


class CertificateVerifyForm(PlainErrors, forms.Form):
    """The code on a certificate, as someone types it (hyphens, spaces and lower case
    are all fine: see `reflections.models.certificate_code_normalise`)."""

    required_messages: ClassVar = {"code": "Enter the verification code on the certificate"}

    code = forms.CharField(
        label="Verification code",
        max_length=40,
        help_text="The code printed on the certificate, for example K7QF-9M2X-PD4R-8T3H.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
