"""Who may read what about an organisation (organisations.selectors)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Team, User
from organisations.models import StaffImport, StaffInvitation
from organisations.selectors import (
    invitations_of,
    member_get,
    members_of,
    members_page,
    staff_import_get,
    teams_of,
    teams_with_counts,
)
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SCOPED_READS = [members_of, teams_of, invitations_of, teams_with_counts]


def invitation(organisation, *, email="new@example.org", days_ago=0, **fields):
    return StaffInvitation.objects.create(
        organisation=organisation,
        email=email,
        full_name=fields.pop("full_name", "New Person"),
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture(params=["practitioner", "manager", "trainer", "administrator", "unverified"])
def not_an_org_admin(request, team):
    if request.param == "unverified":
        return UserFactory(team=team, role="organisation_admin", is_active=False)
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("read", SCOPED_READS)
def test_everyone_but_an_organisation_administrator_is_refused(read, not_an_org_admin):
    with pytest.raises(PermissionDenied):
        read(admin=not_an_org_admin)


def test_an_organisation_administrator_with_no_organisation_is_refused(db):
    drifter = UserFactory(team=None, organisation=None, role="organisation_admin")

    with pytest.raises(PermissionDenied):
        members_of(admin=drifter)


def test_members_of_is_the_admins_organisation_only(org_admin, practitioner, elsewhere):
    assert set(members_of(admin=org_admin)) == {org_admin, practitioner}
    assert set(members_of(admin=elsewhere["admin"])) == {elsewhere["admin"], elsewhere["member"]}


def test_a_member_of_another_organisation_is_not_found(org_admin, elsewhere):
    with pytest.raises(User.DoesNotExist):
        member_get(admin=org_admin, person_id=elsewhere["member"].pk)


def test_a_team_of_another_organisation_is_not_found(org_admin, elsewhere):
    with pytest.raises(Team.DoesNotExist):
        teams_of(admin=org_admin).get(pk=elsewhere["team"].pk)


def test_an_invitation_of_another_organisation_is_not_found(org_admin, elsewhere):
    theirs = invitation(elsewhere["organisation"])

    with pytest.raises(StaffInvitation.DoesNotExist):
        invitations_of(admin=org_admin).get(pk=theirs.pk)


def test_a_staff_list_is_found_only_by_the_admin_who_uploaded_it(org_admin, team):
    colleague_admin = UserFactory(team=team, role="organisation_admin")
    staff_import = StaffImport.objects.create(
        organisation=team.organisation, created_by=org_admin, rows=[]
    )

    assert staff_import_get(admin=org_admin, import_id=staff_import.pk) == staff_import
    with pytest.raises(StaffImport.DoesNotExist):
        staff_import_get(admin=colleague_admin, import_id=staff_import.pk)


def test_a_staff_list_is_not_found_after_a_day(org_admin, team):
    staff_import = StaffImport.objects.create(
        organisation=team.organisation,
        created_by=org_admin,
        rows=[],
        created_at=timezone.now() - timedelta(hours=25),
    )

    with pytest.raises(StaffImport.DoesNotExist):
        staff_import_get(admin=org_admin, import_id=staff_import.pk)


def test_teams_with_counts_counts_active_members_only(org_admin, team, practitioner):
    UserFactory(team=team, is_active=False)

    [counted] = teams_with_counts(admin=org_admin)

    assert (counted, counted.member_count) == (team, 2)


# --- The members list ---------------------------------------------------------------------


def rows_of(admin, **filters):
    _page, rows = members_page(admin=admin, **filters)
    return {(row.name, row.status) for row in rows}


@pytest.fixture
def everyone(org_admin, team, practitioner, elsewhere):
    """One of each status in the organisation, and people elsewhere who must not show."""
    UserFactory(team=team, full_name="Una Verified", verified=False)
    UserFactory(team=team, full_name="Lee Ver", is_active=False)
    invitation(team.organisation, email="ivy@example.org", full_name="Ivy Invited", team=team)
    invitation(team.organisation, email="old@example.org", full_name="Ollie Old", days_ago=31)
    accepted = invitation(team.organisation, email="acc@example.org", full_name="Ace Accepted")
    accepted.accepted_at = timezone.now()
    accepted.save()
    invitation(elsewhere["organisation"], email="x@example.org", full_name="Xavier Elsewhere")
    return team


def test_members_list_shows_everyone_in_the_organisation_with_their_status(org_admin, everyone):
    assert rows_of(org_admin) == {
        ("Jordan Evans", "active"),
        ("Sam Patel", "active"),
        ("Una Verified", "unverified"),
        ("Lee Ver", "deactivated"),
        ("Ivy Invited", "invited"),
        ("Ollie Old", "expired"),
    }


@pytest.mark.parametrize(
    ("status", "name"),
    [
        ("active", "Sam Patel"),
        ("unverified", "Una Verified"),
        ("deactivated", "Lee Ver"),
        ("invited", "Ivy Invited"),
        ("expired", "Ollie Old"),
    ],
)
def test_members_list_filters_by_status(org_admin, everyone, status, name):
    assert (name, status) in rows_of(org_admin, status=status)
    assert {row_status for _name, row_status in rows_of(org_admin, status=status)} == {status}


def test_members_list_searches_names_and_addresses(org_admin, everyone):
    assert rows_of(org_admin, search="patel") == {("Sam Patel", "active")}
    assert rows_of(org_admin, search="IVY@EXAMPLE") == {("Ivy Invited", "invited")}


def test_members_list_filters_by_team(org_admin, everyone, organisation):
    assessment = TeamFactory(organisation=organisation, name="Assessment")
    UserFactory(team=assessment, full_name="Ash Assess")

    assert rows_of(org_admin, team=assessment) == {("Ash Assess", "active")}


def test_members_list_flags_people_with_no_sign_in_for_the_set_days(org_admin, team, settings):
    settings.ACCOUNT_INACTIVE_FLAG_DAYS = 180
    long_ago = timezone.now() - timedelta(days=181)
    UserFactory(team=team, full_name="Old Login", last_login=long_ago)
    UserFactory(team=team, full_name="Never Since", date_joined=long_ago)
    UserFactory(team=team, full_name="Recent", last_login=timezone.now() - timedelta(days=179))

    _page, rows = members_page(admin=org_admin)

    flagged = {row.name for row in rows if row.inactive}
    assert flagged == {"Old Login", "Never Since"}


def test_members_list_pages_hold_fifty(org_admin, team):
    UserFactory.create_batch(60, team=team)

    first, rows = members_page(admin=org_admin)
    _second, more = members_page(admin=org_admin, page_number=2)

    assert (first.paginator.count, len(rows), len(more)) == (61, 50, 11)
    assert not {row.row_id for row in rows} & {row.row_id for row in more}
