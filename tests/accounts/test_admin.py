"""The administration site: roles, teams and managed teams."""

import pytest
from allauth.usersessions.models import UserSession
from django.urls import reverse

from accounts.models import User
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_data(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_role": user.job_role,
        "organisation": user.organisation_id or "",
        "team": user.team_id or "",
        "role": user.role,
        "managed_teams": [team.pk for team in user.managed_teams.all()],
        "is_active": "on",
        "groups": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_an_administrator_makes_someone_a_team_manager_of_two_teams(admin_client, practitioner):
    second = TeamFactory(organisation=practitioner.organisation, name="Leaving Care")

    response = admin_client.post(
        change_url(practitioner),
        change_data(
            practitioner, role="team_manager", managed_teams=[practitioner.team.pk, second.pk]
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    practitioner.refresh_from_db()
    assert practitioner.role == User.Role.TEAM_MANAGER
    assert set(practitioner.managed_teams.all()) == {practitioner.team, second}


def test_an_administrator_takes_a_managed_team_away(admin_client, manager, team):
    response = admin_client.post(
        change_url(manager), change_data(manager, role="practitioner", managed_teams=[])
    )

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.role == User.Role.PRACTITIONER
    assert not team.managers.exists()


def test_the_change_form_shows_the_teams_someone_manages(admin_client, manager, team):
    form = admin_client.get(change_url(manager)).context["adminform"].form

    assert list(form.fields["managed_teams"].initial) == [team]
    assert set(form.fields["role"].choices) >= {("trainer", "Trainer")}


def test_an_administrator_makes_someone_a_trainer(admin_client, practitioner):
    admin_client.post(change_url(practitioner), change_data(practitioner, role="trainer"))

    practitioner.refresh_from_db()
    assert practitioner.role == User.Role.TRAINER


def test_a_team_page_assigns_its_managers(admin_client, team, colleague):
    response = admin_client.post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {"organisation": team.organisation_id, "name": team.name, "managers": [colleague.pk]},
    )

    assert response.status_code == 302
    assert list(team.managers.all()) == [colleague]


def test_an_administrator_adds_a_person_with_a_role(admin_client, team):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "organisation": team.organisation_id,
            "team": team.pk,
            "role": "trainer",
            "usable_password": "true",
            "password1": "A-long-new-passphrase-9",
            "password2": "A-long-new-passphrase-9",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email__iexact="new.person@example.org")
    assert (user.role, user.team) == (User.Role.TRAINER, team)


def test_practitioners_cannot_reach_the_admin(client, practitioner):
    client.force_login(practitioner)

    response = client.get(change_url(practitioner))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_people_list_shows_roles_and_teams_in_a_fixed_number_of_queries(
    admin_client, manager, django_assert_max_num_queries
):
    url = reverse("admin:accounts_user_changelist")
    bound = 8
    with django_assert_max_num_queries(bound):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert manager.email in response.content.decode()
    for _ in range(5):
        UserFactory.create_batch(4, team=TeamFactory())

    with django_assert_max_num_queries(bound):
        response = admin_client.get(url)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Team manager" in page
    assert manager.email in page


def test_an_administrator_searches_sign_in_sessions_by_name_or_email(admin_client, practitioner):
    UserSession.objects.create(
        user=practitioner, session_key="k" * 32, ip="127.0.0.1", user_agent="Firefox"
    )
    url = reverse("admin:usersessions_usersession_changelist")

    by_name = admin_client.get(url, {"q": "Sam Patel"})
    by_email = admin_client.get(url, {"q": "sam@example.org"})
    nobody = admin_client.get(url, {"q": "nobody"})

    assert by_name.status_code == by_email.status_code == nobody.status_code == 200
    assert by_name.context["cl"].result_count == by_email.context["cl"].result_count == 1
    assert nobody.context["cl"].result_count == 0
