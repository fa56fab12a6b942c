"""Adding and renaming teams (organisations.services)."""

import pytest

from accounts.models import Team
from audit.models import AuditEvent
from organisations.services import OrganisationAdminError, team_create, team_rename

pytestmark = pytest.mark.django_db


def test_a_team_is_added_to_the_admins_organisation_and_audited(org_admin, organisation):
    team = team_create(admin=org_admin, name="  Fostering ")

    assert (team.name, team.organisation) == ("Fostering", organisation)
    event = AuditEvent.objects.get(action="organisation.team_created")
    assert (event.actor, event.target_id) == (org_admin, str(team.pk))


def test_a_name_used_in_the_organisation_is_refused_whatever_its_case(org_admin, team):
    with pytest.raises(OrganisationAdminError, match="already a team"):
        team_create(admin=org_admin, name="children in care")


def test_the_same_name_in_another_organisation_is_fine(org_admin, elsewhere):
    assert team_create(admin=org_admin, name="Fostering").name == "Fostering"


def test_renaming_keeps_the_members_and_is_audited(org_admin, team, practitioner):
    team_rename(admin=org_admin, team=team, name="Looked After Children")

    practitioner.refresh_from_db()
    assert practitioner.team.name == "Looked After Children"
    assert AuditEvent.objects.filter(action="organisation.team_renamed").count() == 1


def test_renaming_to_another_teams_name_is_refused(org_admin, team, other_team):
    with pytest.raises(OrganisationAdminError):
        team_rename(admin=org_admin, team=other_team, name="Children In Care")

    other_team.refresh_from_db()
    assert other_team.name == "Assessment"


def test_renaming_a_team_only_in_its_case_is_allowed(org_admin, team):
    assert team_rename(admin=org_admin, team=team, name="Children In Care").name == (
        "Children In Care"
    )


def test_a_team_of_another_organisation_cannot_be_renamed(org_admin, elsewhere):
    with pytest.raises(Team.DoesNotExist):
        team_rename(admin=org_admin, team=elsewhere["team"], name="Mine now")
