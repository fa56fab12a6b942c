"""Organisations, teams and people."""

import pytest
from django.db import IntegrityError

from accounts.models import Organisation, User
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_gets_a_slug_from_its_name():
    assert (
        Organisation.objects.create(name="Sheffield City Council").slug == "sheffield-city-council"
    )


def test_a_team_is_named_with_its_organisation(team):
    assert str(team) == "Children in Care (Test Borough Council)"


def test_team_names_are_unique_within_an_organisation(team):
    TeamFactory(organisation=OrganisationFactory(name="Other Council"), name=team.name)

    with pytest.raises(IntegrityError):
        TeamFactory(organisation=team.organisation, name=team.name)


def test_new_accounts_have_lower_case_emails():
    user = User.objects.create_user(email="Sam.Patel@EXAMPLE.org", password="x", full_name="Sam")

    assert user.email == "sam.patel@example.org"


def test_an_account_needs_an_email():
    with pytest.raises(ValueError, match="An email address is required."):
        User.objects.create_user(email="", password="x")


def test_a_superuser_is_an_administrator():
    user = User.objects.create_superuser(email="admin@example.org", password="x", full_name="Ad")

    assert (user.is_staff, user.is_superuser, user.role) == (True, True, User.Role.ADMINISTRATOR)


def test_people_are_found_by_email_whatever_its_case(practitioner):
    assert User.objects.get_by_natural_key("SAM@Example.ORG") == practitioner


def test_colleagues_are_other_active_people_in_the_same_organisation(
    practitioner, colleague, manager
):
    UserFactory(team=practitioner.team, is_active=False)
    UserFactory(team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere")))

    assert set(User.objects.colleagues_of(practitioner)) == {colleague, manager}


def test_someone_without_an_organisation_has_no_colleagues(practitioner):
    loner = UserFactory(team=None, organisation=None)

    assert list(User.objects.colleagues_of(loner)) == []


def test_a_person_is_shown_by_name_or_else_email():
    assert str(UserFactory.build(full_name="Sam Patel")) == "Sam Patel"
    assert str(UserFactory.build(full_name="", email="a@example.org")) == "a@example.org"


def test_the_short_name_is_the_first_name():
    assert UserFactory.build(full_name="Sam Patel").get_short_name() == "Sam"
    assert (
        UserFactory.build(full_name="", email="a@example.org").get_short_name() == "a@example.org"
    )


@pytest.mark.parametrize(
    ("role", "is_team_manager", "is_trainer"),
    [
        (User.Role.PRACTITIONER, False, False),
        (User.Role.TEAM_MANAGER, True, False),
        (User.Role.TRAINER, False, True),
        (User.Role.ADMINISTRATOR, False, True),
    ],
)
def test_roles_add_duties(role, is_team_manager, is_trainer):
    user = UserFactory.build(role=role)

    assert (user.is_team_manager, user.is_trainer) == (is_team_manager, is_trainer)


def test_a_manager_manages_their_teams(manager, team):
    assert list(manager.managed_teams.all()) == [team]


def test_organisation_admins_are_the_active_ones_with_an_organisation(team):
    admin = UserFactory(team=team, role="organisation_admin")
    UserFactory(team=team, role="organisation_admin", is_active=False)
    UserFactory(team=None, organisation=None, role="organisation_admin")
    UserFactory(team=team, role="team_manager")

    assert list(User.objects.organisation_admins()) == [admin]
