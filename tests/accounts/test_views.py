"""Our own account pages: choosing a team, the account overview."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

CHOOSE = reverse("accounts:team_choose")


@pytest.fixture
def new_member(organisation):
    return UserFactory(organisation=organisation, team=None)


def test_a_new_member_sees_only_their_organisations_teams(client, new_member, team):
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Elsewhere"), name="Hidden")
    client.force_login(new_member)

    page = client.get(CHOOSE).content.decode()

    assert team.name in page
    assert elsewhere.name not in page
    assert '<legend class="form-label fw-semibold fs-6">Your team</legend>' in page


def test_choosing_a_team(client, new_member, team):
    client.force_login(new_member)

    response = client.post(CHOOSE, {"team": team.pk})

    new_member.refresh_from_db()
    assert response.url == reverse("modules:home")
    assert new_member.team == team


def test_a_team_of_another_organisation_is_refused_with_the_form_again(client, new_member):
    client.force_login(new_member)

    response = client.post(CHOOSE, {"team": TeamFactory().pk})

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    new_member.refresh_from_db()
    assert new_member.team is None


def test_someone_with_a_team_or_no_organisation_is_sent_home(client, practitioner):
    client.force_login(practitioner)

    assert client.get(CHOOSE).url == reverse("modules:home")
    client.force_login(UserFactory(organisation=None, team=None))
    assert client.get(CHOOSE).url == reverse("modules:home")


def test_every_page_reminds_a_new_member_to_choose_a_team(client, new_member):
    client.force_login(new_member)

    page = client.get(reverse("modules:home")).content.decode()

    assert f'href="{CHOOSE}"' in page
    assert "Choose your team" in page


def test_choosing_a_team_needs_a_verified_address(client, organisation, team):
    unverified = UserFactory(organisation=organisation, team=None, verified=False)
    client.force_login(unverified)

    assert client.post(CHOOSE, {"team": team.pk}).status_code == 403


def test_the_overview_shows_the_persons_account_and_links(client, practitioner):
    client.force_login(practitioner)

    page = client.get(reverse("accounts:overview")).content.decode()

    assert practitioner.email in page
    assert "(confirmed)" in page
    assert practitioner.team.name in page
    assert practitioner.organisation.name in page
    for name in ("account_email", "account_change_password", "mfa_index", "usersessions_list"):
        assert reverse(name) in page


def test_account_pages_are_for_signed_in_people(client):
    for name in ("accounts:overview", "accounts:team_choose"):
        assert client.get(reverse(name)).url.startswith(reverse("account_login"))
