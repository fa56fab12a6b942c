import pytest

from tests.factories import OrganisationFactory, TeamFactory, UserFactory, second_factor_for


@pytest.fixture
def org_admin(team):
    """Test Borough Council's organisation administrator, with a second factor."""
    user = UserFactory(
        team=team,
        full_name="Jordan Evans",
        email="jordan@example.org",
        role="organisation_admin",
    )
    second_factor_for(user)
    return user


@pytest.fixture
def org_client(client, org_admin):
    client.force_login(org_admin)
    return client


@pytest.fixture
def other_team(organisation):
    return TeamFactory(organisation=organisation, name="Assessment")


@pytest.fixture
def elsewhere(db):
    """Another organisation, with a team, a member and its own administrator."""
    organisation = OrganisationFactory(name="Other County Council")
    team = TeamFactory(organisation=organisation, name="Fostering")
    admin = UserFactory(team=team, role="organisation_admin", full_name="Other Admin")
    second_factor_for(admin)
    member = UserFactory(team=team, full_name="Outside Person")
    return {"organisation": organisation, "team": team, "admin": admin, "member": member}
