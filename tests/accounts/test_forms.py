"""The registration and sign-in forms."""

import pytest

from accounts.forms import EmailAuthenticationForm, RegistrationForm
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(team):
    return {
        "full_name": "Jo Bloggs",
        "email": "Jo.Bloggs@Example.org ",
        "organisation": team.organisation.pk,
        "team": team.pk,
        "job_role": "Family support worker",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def _errors(data, field):
    form = RegistrationForm(data)
    assert not form.is_valid()
    return form.errors[field]


def test_a_complete_form_is_valid_and_keeps_every_field(data, team):
    form = RegistrationForm(data)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_name"] == "Jo Bloggs"
    assert form.cleaned_data["organisation"] == team.organisation
    assert form.cleaned_data["team"] == team
    assert form.cleaned_data["job_role"] == "Family support worker"


def test_the_email_is_trimmed_and_lower_cased(data):
    form = RegistrationForm(data)

    assert form.is_valid()
    assert form.cleaned_data["email"] == "jo.bloggs@example.org"


@pytest.mark.parametrize(
    "field", ["full_name", "email", "organisation", "team", "job_role", "password1", "password2"]
)
def test_every_field_is_required(data, field):
    data[field] = ""

    assert _errors(data, field) == ["This field is required."]


def test_the_team_must_belong_to_the_chosen_organisation(data):
    data["team"] = TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council")).pk

    assert _errors(data, "team") == ["Choose a team in the organisation you picked."]


def test_an_email_already_registered_is_refused_whatever_its_case(data):
    UserFactory(email="jo.bloggs@example.org")

    assert _errors(data, "email") == [
        "An account already uses this email address. Sign in, or reset your password."
    ]


def test_the_two_passwords_must_match(data):
    data["password2"] = PASSWORD + "x"

    assert _errors(data, "password2") == ["The two passwords are not the same."]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("83749201938", "This password is entirely numeric."),
        ("jo.bloggs@example", "The password is too similar to the email address."),
        ("Jo Bloggs Jo", "The password is too similar to the full name."),
    ],
)
def test_password_rules_are_enforced_with_their_message(data, password, message):
    data["password1"] = data["password2"] = password

    assert message in _errors(data, "password1")


def test_teams_are_offered_grouped_by_organisation(team):
    other = TeamFactory(
        organisation=OrganisationFactory(name="Another Council"), name="Leaving Care"
    )

    choices = RegistrationForm().fields["team"].choices

    assert choices[0] == ("", "Choose your team")
    assert dict(choices[1:]) == {
        "Another Council": [(other.pk, "Leaving Care")],
        team.organisation.name: [(team.pk, team.name)],
    }


def test_the_fields_ask_browsers_for_the_right_autocomplete():
    fields = RegistrationForm().fields

    assert fields["full_name"].widget.attrs["autocomplete"] == "name"
    assert fields["email"].widget.attrs["autocomplete"] == "email"
    assert fields["password1"].widget.attrs["autocomplete"] == "new-password"


def test_sign_in_asks_for_an_email_address():
    form = EmailAuthenticationForm()

    assert form.fields["username"].label == "Email address"
    assert form.fields["username"].widget.attrs["autocomplete"] == "email"


def test_sign_in_errors_never_say_whether_the_email_exists():
    messages = EmailAuthenticationForm.error_messages

    assert messages["invalid_login"] == messages["inactive"]
    assert "email and password do not match" in messages["invalid_login"]
