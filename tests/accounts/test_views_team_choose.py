"""A new member of an organisation chooses their team, once."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHOOSE = reverse("accounts:team_choose")


def test_a_member_without_a_team_is_offered_the_organisations_teams(client, organisation, team):
    client.force_login(UserFactory(team=None, organisation=organisation))

    response = client.get(CHOOSE)

    assert response.status_code == 200
    assert "Children in Care" in response.content.decode()


def test_choosing_a_team_puts_them_in_it(client, organisation, team):
    person = UserFactory(team=None, organisation=organisation)
    client.force_login(person)

    response = client.post(CHOOSE, {"team": team.pk})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.team == team
