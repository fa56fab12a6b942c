"""What a form says when a field is left empty or an address is mistyped, in one place.

Every form a person fills in says what to do, naming the field ("Enter your full name",
"Enter an email address in the correct format, like name@example.org"), never Django's
bare "This field is required.". A form mixes in `PlainErrors` and names its required
fields' messages in `required_messages`; a required field it forgets gets "Enter" or
"Select" and its label, and a test walks every form to hold the rule.
"""

from typing import ClassVar

from django import forms
from django.core.validators import EmailValidator

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def required_message(field: forms.Field, name: str) -> str:
    """The message for `field` left empty, from its label, when the form names none."""
    label = _lower_first(str(field.label or name.replace("_", " ")))
    if isinstance(field, forms.FileField):
        return f"Choose a file: {label}"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField):
        return f"Select {label}"
    return f"Enter {label}"


def plain_messages_apply(form: forms.BaseForm, messages: dict[str, str]) -> None:
    django_default = forms.Field.default_error_messages["required"]
    for name, field in form.fields.items():
        if name in messages:
            field.error_messages["required"] = messages[name]
        elif field.required and field.error_messages.get("required") == django_default:
            # A message the field was given itself stays.
            field.error_messages["required"] = required_message(field, name)
        if isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = EMAIL_FORMAT
            # The field's own list: Django's validator instance is shared, so replace it.
            field.validators = [
                EmailValidator(message=EMAIL_FORMAT) if isinstance(v, EmailValidator) else v
                for v in field.validators
            ]


class PlainErrors:
    """Mix into a form (before the form class) to say plainly what each field needs."""

    required_messages: ClassVar[dict[str, str]] = {}

    def full_clean(self):
        # Here rather than in __init__: some forms replace fields after allauth's
        # __init__ has run, and every error is made from here on.
        plain_messages_apply(self, self.required_messages)  # type: ignore[arg-type]
        super().full_clean()  # type: ignore[misc]
