"""The demo_data command: demo people for trying the course locally."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.management.commands.demo_data import DEMO_PASSWORD
from accounts.models import Organisation, Team, User

pytestmark = pytest.mark.django_db

PEOPLE = {
    "sam.patel@example.org": ("Sam Patel", "Children in Care", "practitioner"),
    "alex.jones@example.org": ("Alex Jones", "Children in Care", "practitioner"),
    "priya.shah@example.org": ("Priya Shah", "Children in Care", "team_manager"),
    "morgan.lee@example.org": ("Morgan Lee", "Assessment and Intervention", "trainer"),
    "jordan.evans@example.org": (
        "Jordan Evans",
        "Assessment and Intervention",
        "organisation_admin",
    ),
}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def _run():
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def test_it_creates_one_organisation_with_two_teams(debug):
    _run()

    organisation = Organisation.objects.get()
    assert organisation.name == "Demo Borough Council"
    assert sorted(organisation.teams.values_list("name", flat=True)) == [
        "Assessment and Intervention",
        "Children in Care",
    ]


def test_it_creates_the_five_people_with_their_roles_and_teams(debug):
    _run()

    people = {
        user.email: (user.full_name, user.team.name, user.role)
        for user in User.objects.select_related("team")
    }
    assert people == PEOPLE


def test_every_demo_person_can_sign_in_with_the_demo_password(debug, client):
    _run()

    for email in PEOPLE:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


def test_the_manager_manages_their_team(debug):
    _run()

    team = Team.objects.get(name="Children in Care")
    assert list(team.managers.values_list("email", flat=True)) == ["priya.shah@example.org"]


def test_it_lists_the_sign_ins(debug):
    output = _run()

    assert f"password for all: {DEMO_PASSWORD}" in output
    lines = [" ".join(line.split()) for line in output.splitlines()]
    assert "Team manager Priya Shah priya.shah@example.org" in lines
    assert "Organisation administrator Jordan Evans jordan.evans@example.org" in lines


def test_the_demo_addresses_are_verified_and_join_the_council_by_domain(debug):
    _run()

    organisation = Organisation.objects.get()
    assert list(organisation.domains.values_list("domain", flat=True)) == ["example.org"]
    assert set(User.objects.verified().values_list("email", flat=True)) == set(PEOPLE)


def test_running_it_twice_creates_nothing_more(debug):
    _run()
    before = (
        list(User.objects.values_list("pk", "email", "password", "role")),
        list(Team.objects.values_list("pk", "name")),
        list(Team.managers.through.objects.values_list("team_id", "user_id")),
    )

    _run()

    after = (
        list(User.objects.values_list("pk", "email", "password", "role")),
        list(Team.objects.values_list("pk", "name")),
        list(Team.managers.through.objects.values_list("team_id", "user_id")),
    )
    assert Organisation.objects.count() == 1
    assert after == before


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="it runs only with DEBUG on"):
        _run()

    assert not User.objects.exists()
    assert not Organisation.objects.exists()
