"""Changing a member: team, managed teams, role, deactivation (organisations.services)."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from organisations.services import (
    OrganisationAdminError,
    member_deactivate,
    member_managed_teams_set,
    member_reactivate,
    member_role_set,
    member_team_set,
)
from tests.factories import ExerciseFactory, UserFactory
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db(transaction=True)


def changes_recorded(person):
    event = AuditEvent.objects.for_target(person).get(action="account.changed")
    return event.actor, event.detail["changes"]


def test_moving_a_member_to_another_team_is_audited(org_admin, practitioner, team, other_team):
    member_team_set(admin=org_admin, person=practitioner, team=other_team)

    practitioner.refresh_from_db()
    assert practitioner.team == other_team
    assert changes_recorded(practitioner) == (
        org_admin,
        {"team": {"old": team.pk, "new": other_team.pk}},
    )


def test_a_team_of_another_organisation_is_refused(org_admin, practitioner, elsewhere):
    with pytest.raises(OrganisationAdminError):
        member_team_set(admin=org_admin, person=practitioner, team=elsewhere["team"])


def test_a_member_of_another_organisation_cannot_be_changed(org_admin, elsewhere):
    with pytest.raises(OrganisationAdminError, match="not in your organisation"):
        member_team_set(admin=org_admin, person=elsewhere["member"], team=None)


def test_managing_teams_makes_a_practitioner_a_team_manager(
    org_admin, practitioner, team, other_team
):
    member_managed_teams_set(admin=org_admin, person=practitioner, teams=[team, other_team])

    practitioner.refresh_from_db()
    assert practitioner.role == "team_manager"
    assert set(practitioner.managed_teams.all()) == {team, other_team}
    _actor, changes = changes_recorded(practitioner)
    assert changes["role"] == {"old": "practitioner", "new": "team_manager"}
    assert changes["managed_teams"]["new"] == sorted([team.pk, other_team.pk])


def test_managing_no_teams_makes_a_team_manager_a_practitioner(org_admin, manager, team):
    member_managed_teams_set(admin=org_admin, person=manager, teams=[])

    manager.refresh_from_db()
    assert (manager.role, list(manager.managed_teams.all())) == ("practitioner", [])


def test_managed_teams_elsewhere_are_refused(org_admin, practitioner, elsewhere):
    with pytest.raises(OrganisationAdminError):
        member_managed_teams_set(admin=org_admin, person=practitioner, teams=[elsewhere["team"]])

    assert not practitioner.managed_teams.exists()


def test_a_role_change_is_audited_and_the_person_emailed(org_admin, practitioner):
    member_role_set(admin=org_admin, person=practitioner, role="organisation_admin")

    practitioner.refresh_from_db()
    assert practitioner.role == "organisation_admin"
    assert changes_recorded(practitioner)[1] == {
        "role": {"old": "practitioner", "new": "organisation_admin"}
    }
    [message] = mail.outbox
    assert message.to == [practitioner.email]
    assert '"Practitioner" to "Organisation administrator"' in message.body


def test_back_to_practitioner_ends_managing_teams(org_admin, manager):
    member_role_set(admin=org_admin, person=manager, role="practitioner")

    assert not manager.managed_teams.exists()


@pytest.mark.parametrize("role", ["trainer", "administrator"])
def test_a_platform_role_cannot_be_given(org_admin, practitioner, role):
    with pytest.raises(OrganisationAdminError):
        member_role_set(admin=org_admin, person=practitioner, role=role)


def test_a_trainers_access_is_not_changed_from_the_organisation(org_admin, trainer):
    with pytest.raises(OrganisationAdminError, match="course's administrators"):
        member_role_set(admin=org_admin, person=trainer, role="practitioner")
    with pytest.raises(OrganisationAdminError, match="course's administrators"):
        member_deactivate(admin=org_admin, person=trainer)


def test_the_last_organisation_administrator_cannot_demote_themselves(org_admin):
    with pytest.raises(OrganisationAdminError, match="You are the last organisation"):
        member_role_set(admin=org_admin, person=org_admin, role="practitioner")

    org_admin.refresh_from_db()
    assert org_admin.role == "organisation_admin"


def test_the_last_organisation_administrator_cannot_deactivate_themselves(org_admin):
    with pytest.raises(OrganisationAdminError, match="last organisation administrator"):
        member_deactivate(admin=org_admin, person=org_admin)

    org_admin.refresh_from_db()
    assert org_admin.is_active


def test_an_administrator_may_step_down_when_another_remains(org_admin, team):
    UserFactory(team=team, role="organisation_admin")

    member_role_set(admin=org_admin, person=org_admin, role="practitioner")

    org_admin.refresh_from_db()
    assert org_admin.role == "practitioner"


def test_a_deactivated_administrator_does_not_count_as_remaining(org_admin, team):
    UserFactory(team=team, role="organisation_admin", is_active=False)

    with pytest.raises(OrganisationAdminError):
        member_deactivate(admin=org_admin, person=org_admin)


# --- Leavers --------------------------------------------------------------------------------


def signed_in_client(user, password):
    """A browser signed in through the sign-in page, as people sign in (allauth records
    the session in its UserSession list)."""
    browser = Client()
    browser.post(reverse("account_login"), {"login": user.email, "password": password})
    assert browser.session["_auth_user_id"] == str(user.pk)
    return browser


def test_deactivating_ends_every_session_at_once(org_admin, practitioner, password):
    browsers = [signed_in_client(practitioner, password) for _ in range(2)]
    keys = list(UserSession.objects.filter(user=practitioner).values_list("session_key", flat=True))
    assert len(keys) == 2

    ended = member_deactivate(admin=org_admin, person=practitioner)

    assert ended == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=practitioner).exists()
    for browser in browsers:
        response = browser.get(reverse("accounts:overview"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_deactivating_keeps_the_account_and_is_audited(org_admin, practitioner):
    member_deactivate(admin=org_admin, person=practitioner)

    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert changes_recorded(practitioner) == (
        org_admin,
        {"is_active": {"old": True, "new": False}},
    )
    ended = AuditEvent.objects.for_target(practitioner).get(action="account.sessions_ended")
    assert ended.actor == org_admin


def test_deactivating_ends_the_leavers_shares(org_admin, practitioner, colleague):
    exercise = ExerciseFactory()
    share = ShareFactory(
        owner=colleague, colleague=practitioner, exercise=exercise, status="accepted"
    )

    member_deactivate(admin=org_admin, person=practitioner)

    share.refresh_from_db()
    assert (share.status, share.ended_by) == ("ended", org_admin)


def test_an_inactive_member_cannot_be_deactivated_again(org_admin, practitioner):
    member_deactivate(admin=org_admin, person=practitioner)

    with pytest.raises(OrganisationAdminError, match="already deactivated"):
        member_deactivate(admin=org_admin, person=practitioner)


def test_reactivating_lets_them_sign_in_again_and_is_audited(
    org_admin, practitioner, client, password
):
    member_deactivate(admin=org_admin, person=practitioner)

    member_reactivate(admin=org_admin, person=practitioner)

    response = client.post(
        reverse("account_login"), {"login": practitioner.email, "password": password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(practitioner.pk)
    events = AuditEvent.objects.for_target(practitioner).filter(action="account.changed")
    assert [e.detail["changes"]["is_active"]["new"] for e in events.order_by("id")] == [
        False,
        True,
    ]
