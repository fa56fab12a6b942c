"""Every form says what to do when a field is empty or an address is mistyped, naming the
field (accounts.form_messages), never Django's bare "This field is required."."""

import contextlib
import importlib

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse

from accounts.form_messages import EMAIL_FORMAT, PlainErrors
from accounts.models import Team
from organisations.forms import InviteForm, TeamNameForm
from reflections.views.sharing import EmailInviteForm

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "organisations", "reflections", "modules", "team_progress", "outbox")

# Forms that need not mix in PlainErrors, and why.
EXEMPT = {
    # Filters of a list: nothing in them is required, and a bad value is ignored.
    "organisations.forms.MembersFilterForm",
    "team_progress.forms.MembersFilterForm",
    # Reads the JSON an autosave sends: its errors go to the page's script, not to a person.
    "reflections.autosave_forms.AnswerSaveForm",
    # Reminders: its one message is written for the page (NudgeForm.error_text).
    "team_progress.forms.NudgeForm",
}


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def our_forms():
    for config in apps.get_app_configs():
        if config.name in OUR_APPS:
            for module in ("forms", "records_forms", "autosave_forms", "views.sharing"):
                with contextlib.suppress(ModuleNotFoundError):
                    importlib.import_module(f"{config.name}.{module}")
    return {
        f"{form.__module__}.{form.__qualname__}": form
        for form in all_subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in OUR_APPS and ".admin" not in form.__module__
    }


def test_every_form_people_fill_in_says_plainly_what_to_do():
    found = our_forms()
    assert "accounts.forms.RegistrationForm" in found
    missing = [
        name
        for name, form in found.items()
        if name not in EXEMPT and not issubclass(form, PlainErrors)
    ]
    assert missing == []


def test_an_empty_form_names_each_field():
    form = InviteForm(data={}, teams=Team.objects.none())
    assert not form.is_valid()
    assert form.errors["full_name"] == ["Enter the person's full name"]
    assert form.errors["email"] == ["Enter their work email address"]
    assert TeamNameForm(data={}).errors["name"] == ["Enter a team name"]


def test_a_mistyped_address_says_what_an_address_looks_like():
    form = EmailInviteForm(data={"email": "alex at example.org"})
    assert form.errors["email"] == [EMAIL_FORMAT]


def test_the_shared_email_validator_is_left_alone():
    from django.core.validators import validate_email  # noqa: PLC0415

    EmailInviteForm(data={"email": "nope"}).is_valid()
    assert validate_email.message != EMAIL_FORMAT


def test_registration_page_says_what_each_empty_field_needs(client):
    response = client.post(reverse("account_signup"), {})

    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter your full name",
        "Enter your work email address",
        "Enter your job role",
        "Enter a password",
    ):
        assert message in page
    assert "This field is required" not in page


def test_sign_in_page_says_what_is_missing(client):
    response = client.post(reverse("account_login"), {"login": "sam@example"})

    page = response.content.decode()
    assert response.status_code == 200
    assert EMAIL_FORMAT in page
    assert "Enter your password" in page
    assert "This field is required" not in page
