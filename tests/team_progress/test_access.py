"""Only a team's managers see it: anyone else, and any person outside their teams, gets
404, and the attempt is in the audit trail."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from team_progress.models import Nudge
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, second_factor_for

pytestmark = pytest.mark.django_db


def team_urls(team, member):
    return [
        reverse("team_progress:team", args=[team.pk]),
        reverse("team_progress:team_csv", args=[team.pk]),
        reverse("team_progress:member", args=[team.pk, member.pk]),
    ]


def other_manager(organisation):
    user = UserFactory(team=TeamFactory(organisation=organisation), role="team_manager")
    user.team.managers.add(user)
    return user


def org_admin_elsewhere(organisation):
    return UserFactory(
        team=TeamFactory(organisation=OrganisationFactory()), role="organisation_admin"
    )


def own_org_admin(organisation):
    return UserFactory(team=TeamFactory(organisation=organisation), role="organisation_admin")


@pytest.mark.parametrize(
    "make_outsider",
    [
        lambda organisation: UserFactory(team=TeamFactory(organisation=organisation)),
        other_manager,
        org_admin_elsewhere,
        own_org_admin,
        lambda organisation: UserFactory(
            team=TeamFactory(organisation=organisation), role="trainer"
        ),
    ],
    ids=[
        "practitioner",
        "other manager",
        "admin of another organisation",
        "organisation admin",
        "trainer",
    ],
)
def test_everyone_but_the_teams_managers_gets_not_found(
    client, organisation, team, practitioner, make_outsider
):
    outsider = make_outsider(organisation)
    second_factor_for(outsider)
    client.force_login(outsider)
    for url in team_urls(team, practitioner):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(actor=outsider, action="team_progress.refused").count() == 3
    dashboard = client.get(reverse("team_progress:dashboard"))
    assert dashboard.status_code == 200
    assert team.name not in dashboard.content.decode()
    nudge = client.post(
        reverse("team_progress:nudge", args=[team.pk]), {"member": [practitioner.pk]}
    )
    assert nudge.status_code == 404
    assert not Nudge.objects.exists()
    assert AuditEvent.objects.filter(actor=outsider, action="team_progress.refused").count() == 4


def test_a_manager_cannot_see_a_person_outside_their_teams(client, manager, team, organisation):
    second_factor_for(manager)
    client.force_login(manager)
    elsewhere = UserFactory(team=TeamFactory(organisation=organisation))
    url = reverse("team_progress:member", args=[team.pk, elsewhere.pk])
    assert client.get(url).status_code == 404
    refused = AuditEvent.objects.get(actor=manager, action="team_progress.refused")
    assert refused.detail == {"team_id": team.pk, "member_id": elsewhere.pk}


def test_a_manager_of_a_team_in_another_organisation_is_refused(client, team, practitioner):
    # Set as a manager of the team by mistake, but in another organisation.
    outsider = UserFactory(
        team=TeamFactory(organisation=OrganisationFactory()), role="team_manager"
    )
    team.managers.add(outsider)
    second_factor_for(outsider)
    client.force_login(outsider)
    for url in team_urls(team, practitioner):
        assert client.get(url).status_code == 404, url


def test_the_teams_manager_gets_each_page(client, manager, team, practitioner):
    second_factor_for(manager)
    client.force_login(manager)
    for url in team_urls(team, practitioner):
        response = client.get(url)
        assert response.status_code == 200, url
        assert practitioner.full_name in response.content.decode("utf-8-sig"), url


def test_a_deactivated_member_is_not_shown(client, manager, team, practitioner):
    practitioner.is_active = False
    practitioner.save()
    second_factor_for(manager)
    client.force_login(manager)
    assert client.get(team_urls(team, practitioner)[2]).status_code == 404
