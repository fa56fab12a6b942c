"""Joining an organisation by a verified address, and choosing a team."""

import pytest

from accounts.models import OrganisationDomain
from accounts.services import TeamChoiceError, membership_from_verified_email, team_choose
from audit.models import AuditEvent
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return UserFactory(email="jo@council.gov.uk", organisation=None, team=None)


@pytest.fixture
def council():
    organisation = OrganisationFactory(name="Council")
    OrganisationDomain.objects.create(organisation=organisation, domain="council.gov.uk")
    return organisation


def test_a_verified_address_at_a_domain_joins_its_organisation(newcomer, council):
    joined = membership_from_verified_email(user=newcomer, email="Jo@Council.GOV.uk")

    newcomer.refresh_from_db()
    assert joined
    assert newcomer.organisation == council
    assert newcomer.team is None
    event = AuditEvent.objects.get(action="organisation.joined")
    assert event.detail == {"organisation": council.pk, "via": "verified email domain"}


def test_an_address_at_another_domain_joins_nothing(newcomer, council):
    assert not membership_from_verified_email(user=newcomer, email="jo@home.example")

    newcomer.refresh_from_db()
    assert newcomer.organisation is None


def test_a_subdomain_is_not_the_domain(newcomer, council):
    assert not membership_from_verified_email(user=newcomer, email="jo@evil.council.gov.uk.example")
    assert not membership_from_verified_email(user=newcomer, email="jo@notcouncil.gov.uk")


def test_a_member_of_an_organisation_is_never_moved_by_an_address(council, team):
    member = UserFactory(team=team)

    assert not membership_from_verified_email(user=member, email="x@council.gov.uk")

    member.refresh_from_db()
    assert member.organisation == team.organisation


def test_a_new_member_chooses_one_of_their_organisations_teams(newcomer, council):
    team = TeamFactory(organisation=council)
    membership_from_verified_email(user=newcomer, email=newcomer.email)

    team_choose(user=newcomer, team=team)

    newcomer.refresh_from_db()
    assert newcomer.team == team
    assert AuditEvent.objects.filter(action="account.team_chosen").exists()


def test_a_team_of_another_organisation_cannot_be_chosen(newcomer, council):
    membership_from_verified_email(user=newcomer, email=newcomer.email)

    with pytest.raises(TeamChoiceError, match="Choose one of your organisation's teams"):
        team_choose(user=newcomer, team=TeamFactory())


def test_the_team_is_chosen_once_then_only_an_administrator_moves_people(team):
    member = UserFactory(team=team)

    with pytest.raises(TeamChoiceError, match="administrator can change it"):
        team_choose(user=member, team=TeamFactory(organisation=team.organisation))


def test_an_independent_learner_has_no_team_to_choose(newcomer):
    with pytest.raises(TeamChoiceError):
        team_choose(user=newcomer, team=TeamFactory())
