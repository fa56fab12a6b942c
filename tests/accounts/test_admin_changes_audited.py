"""Every change an administrator makes to a person in the admin is in the audit trail."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from reflections.models import Share
from tests.accounts.test_admin import change_data, change_url
from tests.factories import (
    ExerciseFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
)
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "A-fresh-admin-passphrase-7"


@pytest.fixture
def post(admin_client, django_capture_on_commit_callbacks):
    """POST as the administrator, running what waits for the commit (the emails)."""

    def send(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(url, data)

    return send


def _changes_to(person):
    return AuditEvent.objects.for_target(person).get(action="account.changed").detail["changes"]


def _password_url(person):
    # Django's UserAdmin names this URL for auth.User whichever user model it serves.
    return reverse("admin:auth_user_password_change", args=[person.pk])


def test_a_role_change_is_recorded_with_the_administrator_and_both_roles(
    post, practitioner, administrator
):
    post(change_url(practitioner), change_data(practitioner, role="trainer"))

    event = AuditEvent.objects.for_target(practitioner).get(action="account.changed")
    assert event.actor == administrator
    assert event.detail == {"changes": {"role": {"old": "practitioner", "new": "trainer"}}}


def test_a_team_change_is_recorded_with_both_team_ids(post, practitioner):
    old_team = practitioner.team
    new_team = TeamFactory(organisation=practitioner.organisation)

    post(change_url(practitioner), change_data(practitioner, team=new_team.pk))

    assert _changes_to(practitioner) == {"team": {"old": old_team.pk, "new": new_team.pk}}


def test_an_organisation_change_is_recorded_with_both_ids(post, practitioner):
    old = practitioner.organisation
    new = OrganisationFactory()

    post(change_url(practitioner), change_data(practitioner, organisation=new.pk))

    assert _changes_to(practitioner) == {"organisation": {"old": old.pk, "new": new.pk}}


@pytest.mark.parametrize(
    ("field", "posted", "old", "new"),
    [
        ("is_active", {"is_active": ""}, True, False),
        ("is_staff", {"is_staff": "on"}, False, True),
        ("is_superuser", {"is_superuser": "on"}, False, True),
    ],
)
def test_an_access_flag_change_is_recorded_with_both_values(
    post, practitioner, field, posted, old, new
):
    post(change_url(practitioner), change_data(practitioner, **posted))

    assert _changes_to(practitioner) == {field: {"old": old, "new": new}}


def test_a_managed_teams_change_is_recorded_with_both_lists_of_ids(post, manager, team):
    second = TeamFactory(organisation=team.organisation)

    post(change_url(manager), change_data(manager, managed_teams=[second.pk]))

    assert _changes_to(manager) == {"managed_teams": {"old": [team.pk], "new": [second.pk]}}


def test_a_groups_change_is_recorded_with_both_lists_of_ids(post, practitioner):
    group = Group.objects.create(name="Editors")

    post(change_url(practitioner), change_data(practitioner, groups=[group.pk]))

    assert _changes_to(practitioner) == {"groups": {"old": [], "new": [group.pk]}}


def test_personal_details_are_recorded_as_changed_without_their_values(post, practitioner):
    post(
        change_url(practitioner),
        change_data(
            practitioner, email="sam.new@example.org", full_name="Sam Q", job_role="Team lead"
        ),
    )

    changes = _changes_to(practitioner)
    assert changes == {"email": {}, "full_name": {}, "job_role": {}}


def test_saving_a_person_unchanged_records_nothing(post, practitioner):
    response = post(change_url(practitioner), change_data(practitioner))

    assert response.status_code == 302
    assert not AuditEvent.objects.for_target(practitioner).exists()


def test_a_refused_change_records_nothing(post, practitioner, colleague):
    response = post(change_url(practitioner), change_data(practitioner, email=colleague.email))

    assert response.status_code == 200  # the form is shown again with the error
    assert not AuditEvent.objects.for_target(practitioner).exists()


def test_creating_a_person_records_their_starting_access(post, team, administrator):
    post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "organisation": team.organisation_id,
            "team": team.pk,
            "role": "trainer",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    person = User.objects.get(email="new.person@example.org")
    event = AuditEvent.objects.for_target(person).get()
    assert (event.action, event.actor) == ("account.created", administrator)
    assert event.detail["changes"] == {
        "role": {"old": None, "new": "trainer"},
        "organisation": {"old": None, "new": team.organisation_id},
        "team": {"old": None, "new": team.pk},
        "is_active": {"old": None, "new": True},
        "is_staff": {"old": None, "new": False},
        "is_superuser": {"old": None, "new": False},
        "managed_teams": {"old": None, "new": []},
        "groups": {"old": None, "new": []},
        "password": {"usable": True},
    }
    assert NEW_PASSWORD not in json.dumps(event.detail)
    assert person.password not in json.dumps(event.detail)
    assert mail.outbox == []


def test_setting_a_password_records_only_that_it_was_set(post, practitioner, administrator):
    old_hash = practitioner.password

    response = post(
        _password_url(practitioner), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.for_target(practitioner).get(action="account.changed")
    assert event.actor == administrator
    assert event.detail == {"changes": {"password": {"usable": True}}}
    stored = json.dumps(event.detail)
    assert NEW_PASSWORD not in stored
    assert old_hash not in stored
    assert practitioner.password not in stored


def test_turning_password_sign_in_off_is_recorded(post, practitioner):
    post(_password_url(practitioner), {"usable_password": "false", "unset-password": "1"})

    practitioner.refresh_from_db()
    assert not practitioner.has_usable_password()
    assert _changes_to(practitioner) == {"password": {"usable": False}}


def test_a_refused_password_records_nothing_and_sends_nothing(post, practitioner):
    response = post(_password_url(practitioner), {"password1": "short", "password2": "short"})

    assert response.status_code == 200
    assert not AuditEvent.objects.for_target(practitioner).exists()
    assert mail.outbox == []


def test_the_person_is_emailed_when_an_administrator_sets_their_password(
    post, practitioner, settings
):
    settings.SITE_URL = "https://course.example.org"

    post(_password_url(practitioner), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    [email] = mail.outbox
    practitioner.refresh_from_db()
    assert email.to == [practitioner.email]
    assert "A new password was set for your account." in email.body
    assert "Ada Lovelace" in email.body
    assert NEW_PASSWORD not in email.body
    assert practitioner.password not in email.body
    assert "https://course.example.org/" in email.body
    assert "testserver" not in email.body


def test_the_person_is_emailed_when_an_administrator_changes_their_role(
    post, practitioner, settings
):
    settings.SITE_URL = "https://course.example.org"

    post(change_url(practitioner), change_data(practitioner, role="team_manager"))

    [email] = mail.outbox
    assert email.to == [practitioner.email]
    assert email.subject == "Your account on the CSE practice course was changed"
    assert 'Your role changed from "Practitioner" to "Team manager".' in email.body
    assert "contact Ada Lovelace at ada@example.org" in email.body
    assert "https://course.example.org/" in email.body
    assert "testserver" not in email.body


def test_a_team_change_alone_sends_no_email(post, practitioner):
    post(change_url(practitioner), change_data(practitioner, team=TeamFactory().pk))

    assert AuditEvent.objects.for_target(practitioner).exists()
    assert mail.outbox == []


def _own_change_data(administrator, **changes):
    return change_data(administrator, is_staff="on", is_superuser="on", **changes)


def test_an_administrator_changing_their_own_role_is_recorded_but_not_emailed(post, administrator):
    response = post(change_url(administrator), _own_change_data(administrator, role="trainer"))

    assert response.status_code == 302
    event = AuditEvent.objects.for_target(administrator).get(action="account.changed")
    assert event.actor == administrator
    assert event.detail == {"changes": {"role": {"old": "administrator", "new": "trainer"}}}
    assert mail.outbox == []


def test_an_administrator_setting_their_own_password_is_recorded_but_not_emailed(
    post, administrator
):
    post(_password_url(administrator), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert _changes_to(administrator) == {"password": {"usable": True}}
    assert mail.outbox == []


def test_deleting_a_person_is_recorded_with_the_administrator(post, practitioner, administrator):
    person_id = practitioner.pk

    post(reverse("admin:accounts_user_delete", args=[person_id]), {"post": "yes"})

    assert not User.objects.filter(pk=person_id).exists()
    event = AuditEvent.objects.get(action="account.deleted")
    assert (event.target_id, event.actor) == (str(person_id), administrator)


def test_deleting_people_from_the_list_records_each_of_them(post, practitioner, colleague):
    post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [practitioner.pk, colleague.pk],
            "post": "yes",
        },
    )

    deleted = AuditEvent.objects.filter(action="account.deleted")
    assert sorted(deleted.values_list("target_id", flat=True)) == sorted(
        [str(practitioner.pk), str(colleague.pk)]
    )


def test_making_someone_a_manager_on_the_team_page_is_recorded_for_them(
    post, team, colleague, administrator
):
    post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {"organisation": team.organisation_id, "name": team.name, "managers": [colleague.pk]},
    )

    event = AuditEvent.objects.for_target(colleague).get(action="account.changed")
    assert event.actor == administrator
    assert event.detail == {"changes": {"managed_teams": {"old": [], "new": [team.pk]}}}


def test_removing_a_manager_on_the_team_page_is_recorded_for_them(post, team, manager):
    post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {"organisation": team.organisation_id, "name": team.name, "managers": []},
    )

    assert _changes_to(manager) == {"managed_teams": {"old": [team.pk], "new": []}}


def test_deleting_a_team_records_the_change_for_its_members_and_managers(
    post, team, practitioner, manager
):
    team_id = team.pk

    post(reverse("admin:accounts_team_delete", args=[team_id]), {"post": "yes"})

    assert _changes_to(practitioner) == {"team": {"old": team_id, "new": None}}
    assert _changes_to(manager) == {
        "team": {"old": team_id, "new": None},
        "managed_teams": {"old": [team_id], "new": []},
    }


def test_deleting_a_team_from_its_organisation_page_records_the_members_change(
    post, team, practitioner
):
    organisation = team.organisation
    post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "password_sign_in": "on",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "teams-TOTAL_FORMS": "1",
            "teams-INITIAL_FORMS": "1",
            "teams-0-id": team.pk,
            "teams-0-organisation": organisation.pk,
            "teams-0-name": team.name,
            "teams-0-DELETE": "on",
        },
    )

    assert _changes_to(practitioner) == {"team": {"old": team.pk, "new": None}}


def test_recording_a_change_runs_a_fixed_number_of_queries(
    admin_client, practitioner, django_assert_max_num_queries
):
    groups = []

    def add_group_and_team_then_change_role(role):
        groups.append(Group.objects.create(name=f"Group {len(groups)}"))
        practitioner.groups.add(groups[-1])
        practitioner.managed_teams.add(TeamFactory())
        data = change_data(practitioner, role=role, groups=[group.pk for group in groups])
        # Five of them queue and send the email (tests run the worker's task at once).
        with django_assert_max_num_queries(32):
            response = admin_client.post(change_url(practitioner), data)
        assert response.status_code == 302
        assert response.url == reverse("admin:accounts_user_changelist")
        assert User.objects.get(pk=practitioner.pk).role == role

    add_group_and_team_then_change_role("trainer")
    for _ in range(5):
        add_group_and_team_then_change_role("team_manager")
        add_group_and_team_then_change_role("trainer")

    assert AuditEvent.objects.for_target(practitioner).count() == 11


def test_deleting_a_team_runs_a_fixed_number_of_queries_however_many_members(
    admin_client, django_assert_max_num_queries
):
    for size in (1, 6):
        team = TeamFactory()
        team.managers.add(*UserFactory.create_batch(size, team=team))
        # Two of these empty the team of the staff invitations naming it (organisations),
        # one the reminders naming it (team_progress).
        with django_assert_max_num_queries(25):
            response = admin_client.post(
                reverse("admin:accounts_team_delete", args=[team.pk]), {"post": "yes"}
            )
        assert response.status_code == 302
        assert response.url == reverse("admin:accounts_team_changelist")
        assert not type(team).objects.filter(pk=team.pk).exists()

    assert AuditEvent.objects.filter(action="account.changed").count() == 7


def test_deleting_people_runs_a_fixed_number_of_queries_however_many(
    admin_client, django_assert_max_num_queries
):
    for size in (1, 6):
        people = UserFactory.create_batch(size)
        # Four of these reach the staff invitations and staff lists people made or
        # accepted (organisations), three the reminders sent or received (team_progress),
        # two the notices waiting for them (accounts), three their certificate and the
        # certificates they revoked (reflections), two the drafts and legal reviews they
        # wrote as a trainer (course_editing).
        with django_assert_max_num_queries(59):
            response = admin_client.post(
                reverse("admin:accounts_user_changelist"),
                {
                    "action": "delete_selected",
                    "_selected_action": [person.pk for person in people],
                    "post": "yes",
                },
            )
        assert response.status_code == 302
        assert response.url == reverse("admin:accounts_user_changelist")
        assert not User.objects.filter(pk__in=[person.pk for person in people]).exists()

    assert AuditEvent.objects.filter(action="account.deleted").count() == 7


# --- Two-factor sign-in and addresses -------------------------------------------------------


def test_resetting_someones_two_factor_sign_in_is_audited_and_emailed(post, manager, administrator):
    second_factor_for(manager)

    post(
        reverse("admin:accounts_user_changelist"),
        {"action": "second_factor_reset", "_selected_action": [manager.pk]},
    )

    assert not Authenticator.objects.filter(user=manager).exists()
    event = AuditEvent.objects.for_target(manager).get(action="account.changed")
    assert (event.actor, event.detail) == (administrator, {"changes": {"two_factor": {}}})
    [email] = mail.outbox
    assert email.to == [manager.email]
    assert "Two-factor sign-in was reset for your account" in email.body


def test_authenticators_have_no_admin_page_of_their_own(admin_client):
    assert not admin.site.is_registered(Authenticator)


def test_marking_an_address_verified_in_the_admin_is_audited(post, administrator, team):
    person = UserFactory(team=team, verified=False)
    address = EmailAddress.objects.get(user=person)

    post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": [address.pk]},
    )

    assert User.objects.verified().filter(pk=person.pk).exists()
    event = AuditEvent.objects.for_target(person).get(action="account.changed")
    assert (event.actor, event.detail) == (administrator, {"changes": {"email_address": {}}})


def test_closing_an_account_in_the_admin_signs_it_out_everywhere_and_ends_its_shares(
    post, practitioner, colleague, password
):
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=ExerciseFactory(), status="accepted"
    )
    browser = Client()
    browser.post(reverse("account_login"), {"login": practitioner.email, "password": password})
    assert browser.get(reverse("reflections:mine")).status_code == 200

    post(change_url(practitioner), {**change_data(practitioner), "is_active": ""})

    assert browser.get(reverse("reflections:mine")).status_code == 302
    share.refresh_from_db()
    assert share.status == Share.Status.ENDED
    assert AuditEvent.objects.filter(action="account.sessions_ended").exists()
