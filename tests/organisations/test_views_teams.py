"""The teams page: list, add, rename."""

import pytest
from django.urls import reverse

from accounts.models import Team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEAMS = reverse("organisation:teams")


def test_teams_are_listed_with_their_active_member_counts(org_client, team, practitioner):
    UserFactory(team=team, is_active=False)

    response = org_client.get(TEAMS)

    assert response.status_code == 200
    [listed] = response.context["teams"]
    assert (listed.name, listed.member_count) == ("Children in Care", 2)


def test_adding_a_team(org_client, organisation):
    response = org_client.post(TEAMS, {"name": "Fostering"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ['Team "Fostering" added.']
    assert Team.objects.filter(organisation=organisation, name="Fostering").exists()


def test_a_name_already_used_is_a_form_error(org_client, team):
    response = org_client.post(TEAMS, {"name": "CHILDREN IN CARE"})

    assert response.status_code == 400
    assert "already a team called" in response.content.decode()


def test_renaming_a_team(org_client, team):
    url = reverse("organisation:team_rename", args=[team.pk])

    response = org_client.post(url, {"name": "Looked After Children"})

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Looked After Children"


def test_a_name_with_a_line_break_is_refused(org_client, team):
    url = reverse("organisation:team_rename", args=[team.pk])

    assert org_client.post(url, {"name": "Two\nLines"}).status_code == 400


def test_another_organisations_team_is_not_found(org_client, elsewhere):
    url = reverse("organisation:team_rename", args=[elsewhere["team"].pk])

    assert org_client.get(url).status_code == 404
    assert org_client.post(url, {"name": "Mine"}).status_code == 404
