"""Organisations, teams and people."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Organisation, User, domain_validator, name_validator
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


def test_new_accounts_keep_their_email_in_the_normal_form():
    user = User.objects.create_user(email="Sam.Patel@EXAMPLE.org", password="x", full_name="Sam")

    assert user.email == "sam.patel@example.org"


def test_an_email_saved_any_other_way_is_stored_in_the_normal_form(practitioner):
    practitioner.email = " Priya.\u017fhah@Example.ORG "
    practitioner.save()

    practitioner.refresh_from_db()
    assert practitioner.email == "priya.shah@example.org"


def test_two_accounts_cannot_share_an_address_in_its_normal_form(practitioner):
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="SAM@example.ORG", password="x", full_name="Sam Again")


def test_an_account_needs_an_email():
    with pytest.raises(ValueError, match=r"An email address is required\."):
        User.objects.create_user(email="", password="x")


def test_a_superuser_is_an_administrator():
    user = User.objects.create_superuser(email="admin@example.org", password="x", full_name="Ad")

    assert (user.is_staff, user.is_superuser, user.role) == (True, True, User.Role.ADMINISTRATOR)


def test_people_are_found_by_email_in_its_normal_form(practitioner):
    assert User.objects.get_by_natural_key("SAM@Example.ORG") == practitioner
    assert User.objects.with_email(" Sam@Example.org").get() == practitioner


def test_a_look_alike_letter_is_another_address():
    """A dotless ı is not an i: `prıya.shah@` is not `priya.shah@`'s account."""
    UserFactory(email="priya.shah@example.org")

    assert not User.objects.with_email("pr\u0131ya.shah@example.org").exists()
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("PR\u0131YA.SHAH@example.org")


def test_only_people_who_opened_the_link_sent_to_them_are_verified(practitioner):
    unverified = UserFactory(team=practitioner.team, verified=False)

    assert list(User.objects.verified().filter(team=practitioner.team)) == [practitioner]
    assert (practitioner.has_verified_email, unverified.has_verified_email) == (True, False)


def test_the_verified_flag_read_with_the_person_is_the_same_rule(practitioner):
    UserFactory(team=practitioner.team, verified=False)

    flags = dict(User.objects.with_verified_flag().values_list("email", "_has_verified_email"))

    assert flags == {
        user.email: User.objects.verified().filter(pk=user.pk).exists()
        for user in User.objects.all()
    }


def test_colleagues_are_other_active_verified_people_in_the_same_organisation(
    practitioner, colleague, manager
):
    UserFactory(team=practitioner.team, is_active=False)
    UserFactory(team=practitioner.team, verified=False)
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
    ("role", "is_privileged"),
    [
        (User.Role.PRACTITIONER, False),
        (User.Role.TEAM_MANAGER, True),
        (User.Role.ORGANISATION_ADMIN, True),
        (User.Role.TRAINER, True),
        (User.Role.ADMINISTRATOR, True),
    ],
)
def test_roles_add_duties(role, is_privileged):
    assert UserFactory.build(role=role).is_privileged == is_privileged


def test_staff_are_privileged_whatever_their_role():
    assert UserFactory.build(role=User.Role.PRACTITIONER, is_staff=True).is_privileged


def test_an_organisation_administrator_needs_an_organisation(organisation):
    assert UserFactory.build(
        role="organisation_admin", organisation=organisation
    ).is_organisation_admin
    assert not UserFactory.build(
        role="organisation_admin", organisation=None, team=None
    ).is_organisation_admin


@pytest.mark.parametrize("name", ["Sam\nBcc: x@example.org", "Sam\rPatel", "Sam\x00", "Sam\u2028P"])
def test_names_with_line_breaks_or_control_characters_are_refused(name):
    with pytest.raises(ValidationError):
        name_validator(name)


@pytest.mark.parametrize(
    "domain", ["Example.org", "@example.org", "example", "a b.org", "-x.org", "x..org"]
)
def test_an_organisation_domain_is_a_lower_case_domain_name(domain):
    with pytest.raises(ValidationError):
        domain_validator(domain)


@pytest.mark.parametrize("domain", ["example.org", "council.gov.uk", "xn--bcher-kva.example"])
def test_ordinary_domains_are_accepted(domain):
    domain_validator(domain)


def test_a_manager_manages_their_teams(manager, team):
    assert list(manager.managed_teams.all()) == [team]


# --- Registrations never verified (removed by the daily retention run) ---------------------


def _registered(days_ago, *, signed_in_days_ago=None, **fields):
    """An account made through the registration form `days_ago` days ago: its address is
    recorded, unverified."""
    now = timezone.now()
    last_login = None if signed_in_days_ago is None else now - timedelta(days=signed_in_days_ago)
    return UserFactory(
        verified=False,
        date_joined=now - timedelta(days=days_ago),
        last_login=last_login,
        **fields,
    )


def _unverified_registrations():
    return set(User.objects.unverified_registrations(before=timezone.now() - timedelta(days=7)))


def test_an_unverified_registration_older_than_the_period_is_found():
    old = _registered(8)
    _registered(6)

    assert _unverified_registrations() == {old}


def test_a_verified_account_is_never_an_unverified_registration():
    UserFactory(date_joined=timezone.now() - timedelta(days=400))

    assert _unverified_registrations() == set()


def test_a_registration_with_a_second_address_verified_is_not_found():
    person = _registered(30)
    EmailAddress.objects.create(user=person, email="other@example.org", verified=True)

    assert _unverified_registrations() == set()


def test_an_unverified_account_signed_in_to_within_the_period_is_kept():
    _registered(30, signed_in_days_ago=2)
    signed_in_long_ago = _registered(30, signed_in_days_ago=20)

    assert _unverified_registrations() == {signed_in_long_ago}


def test_staff_superusers_and_roles_given_by_an_administrator_are_never_found():
    _registered(30, is_staff=True)
    _registered(30, is_superuser=True)
    _registered(30, role=User.Role.TEAM_MANAGER)
    _registered(30, role=User.Role.TRAINER)

    assert _unverified_registrations() == set()


def test_an_account_an_administrator_made_without_an_address_is_not_found():
    """The admin's add form records no address: such an account waits for its owner."""
    made = _registered(30)
    EmailAddress.objects.filter(user=made).delete()

    assert _unverified_registrations() == set()


def test_unused_since_counts_never_signed_in_from_the_day_they_joined():
    now = timezone.now()
    year_ago = now - timedelta(days=365)
    never = UserFactory(date_joined=now - timedelta(days=400))
    long_ago = UserFactory(date_joined=now - timedelta(days=800), last_login=now - timedelta(400))
    UserFactory(date_joined=now - timedelta(days=400), last_login=now - timedelta(days=3))
    UserFactory(date_joined=now - timedelta(days=30))

    assert set(User.objects.unused_since(year_ago)) == {never, long_ago}


def test_organisation_admins_are_the_active_ones_with_an_organisation(team):
    admin = UserFactory(team=team, role="organisation_admin")
    UserFactory(team=team, role="organisation_admin", is_active=False)
    UserFactory(team=None, organisation=None, role="organisation_admin")
    UserFactory(team=team, role="team_manager")

    assert list(User.objects.organisation_admins()) == [admin]
