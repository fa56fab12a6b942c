"""What the exercise page's script sends to the autosave endpoints, declared as forms.

The script sends JSON; without it the same fields come form-encoded. `request_data`
reads either into one mapping for a form, or None when the body cannot be read at all
(not JSON, not an object, nested too deeply, or a number too long to convert). The
usual save needs no form to check it (`usual_save`).
"""

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

UNREADABLE = "The save request could not be read."
NO_VERSION = "The save request did not say which version it was based on."


def request_data(request: HttpRequest) -> Mapping[str, Any] | None:
    """The body's fields: a JSON object, or the form-encoded POST; None if unreadable."""
    if request.content_type != "application/json":
        return request.POST
    try:
        body = json.loads(request.body)
    # ValueError covers malformed JSON, bytes that are not UTF-8, and an integer longer
    # than Python converts; RecursionError, brackets nested thousands deep.
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


class ExactTextField(forms.Field):
    """Text exactly as typed: the empty text, surrounding spaces and NUL are kept (unlike
    CharField). Anything that is not text (a number, a list, nothing) is invalid."""

    def to_python(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(self.error_messages["required"], code="required")
        return value

    def validate(self, value: str) -> None:
        """The empty text is an answer too."""


class VersionField(forms.IntegerField):
    """A whole number, as JSON sends it or as its digits; not true, 1.0 or "1.0"."""

    def to_python(self, value: object) -> int | None:
        if isinstance(value, bool | float) or (isinstance(value, str) and not value.isdecimal()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


# Below this, a version is cleaned to itself (see `usual_save`).
_USUAL_VERSION_MAX = 2**31


def usual_save(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """What `AnswerSaveForm` cleans `data` to, without building the form, for the save the
    page's script sends every few seconds: text, a whole version from 0 (JSON numbers),
    and `resolved` as true or false if at all. None for anything else: the form decides."""
    text, version = data.get("text"), data.get("version")
    resolved = data.get("resolved", False)
    if (
        type(text) is str
        and type(version) is int
        and 0 <= version < _USUAL_VERSION_MAX
        and type(resolved) is bool
    ):
        return {"text": text, "version": version, "resolved": resolved}
    return None


class AnswerSaveForm(forms.Form):
    """One autosave: the text, the version it was based on, and whether it settles a
    conflict the page showed (its own history entry, see `views.autosave`)."""

    text = ExactTextField(error_messages={"required": "The save request had no answer text."})
    version = VersionField(
        min_value=0,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), NO_VERSION),
    )
    resolved = forms.BooleanField(required=False)

    @property
    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]
