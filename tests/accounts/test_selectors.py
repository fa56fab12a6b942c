"""Accounts nobody uses: listed for their organisation's administrator, counted per
organisation by the daily retention run."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts.selectors import accounts_inactive_counts, accounts_inactive_for
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture(autouse=True)
def _period(settings):
    settings.ACCOUNT_INACTIVE_FLAG_DAYS = 365


def member(team, *, joined_days_ago=800, signed_in_days_ago=None, **fields):
    last_login = None if signed_in_days_ago is None else NOW - timedelta(days=signed_in_days_ago)
    return UserFactory(
        team=team,
        date_joined=NOW - timedelta(days=joined_days_ago),
        last_login=last_login,
        **fields,
    )


def test_members_not_signed_in_for_the_period_are_listed(organisation, team):
    long_ago = member(team, signed_in_days_ago=366)
    member(team, signed_in_days_ago=364)

    assert list(accounts_inactive_for(organisation=organisation, now=NOW)) == [long_ago]


def test_members_who_never_signed_in_count_from_the_day_they_joined(organisation, team):
    never = member(team, joined_days_ago=366)
    member(team, joined_days_ago=30)

    assert list(accounts_inactive_for(organisation=organisation, now=NOW)) == [never]


def test_deactivated_members_are_listed_too(organisation, team):
    switched_off = member(team, signed_in_days_ago=500, is_active=False)

    assert list(accounts_inactive_for(organisation=organisation, now=NOW)) == [switched_off]


def test_another_organisations_people_are_never_listed(organisation, team):
    member(TeamFactory(organisation=OrganisationFactory(name="Elsewhere")), signed_in_days_ago=900)

    assert not accounts_inactive_for(organisation=organisation, now=NOW).exists()


def test_the_list_is_in_name_order(organisation, team):
    member(team, full_name="Zoe Young", signed_in_days_ago=400)
    member(team, full_name="Ann Bell", signed_in_days_ago=400)

    names = [person.full_name for person in accounts_inactive_for(organisation=organisation)]
    assert names == ["Ann Bell", "Zoe Young"]


def test_the_period_comes_from_the_setting(settings, organisation, team):
    settings.ACCOUNT_INACTIVE_FLAG_DAYS = 30
    recent = member(team, signed_in_days_ago=31)

    assert list(accounts_inactive_for(organisation=organisation)) == [recent]


def test_a_period_of_zero_days_is_refused(settings, organisation):
    settings.ACCOUNT_INACTIVE_FLAG_DAYS = 0

    with pytest.raises(ImproperlyConfigured):
        accounts_inactive_for(organisation=organisation)


def test_counts_are_per_organisation_with_no_organisation_last(team):
    other = TeamFactory(organisation=OrganisationFactory(name="Another Council"))
    for _ in range(2):
        member(team, signed_in_days_ago=400)
    member(other, signed_in_days_ago=400)
    member(other, signed_in_days_ago=10)
    UserFactory(team=None, organisation=None, date_joined=NOW - timedelta(days=400))

    assert accounts_inactive_counts(now=NOW) == [
        ("Another Council", 1),
        ("Test Borough Council", 2),
        (None, 1),
    ]


@pytest.mark.parametrize("extra", [0, 5])
def test_counting_is_one_query(team, extra, django_assert_num_queries):
    for number in range(extra):
        organisation = OrganisationFactory(name=f"Council {number}")
        member(TeamFactory(organisation=organisation), signed_in_days_ago=400)

    with django_assert_num_queries(1):
        counts = accounts_inactive_counts(now=NOW)

    assert counts == [(f"Council {number}", 1) for number in range(extra)]
