"""The members list and a member's page: who gets them, what they show, what they change."""

import html

import pytest
from django.urls import reverse

from accounts.models import User
from organisations.models import StaffInvitation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MEMBERS = reverse("organisation:members")


def person_url(person, name="person"):
    return reverse(f"organisation:{name}", kwargs={"person_id": person.pk})


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_members_list_is_a_table_of_the_organisation(org_client, practitioner, elsewhere):
    response = org_client.get(MEMBERS)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption" in body
    assert '<th scope="col">Last sign-in</th>' in body
    assert "Sam Patel" in body
    assert "sam@example.org" in body
    assert "Outside Person" not in body


def test_the_header_links_to_the_organisation_pages_for_its_administrators_only(
    client, org_admin, practitioner
):
    link = f'href="{MEMBERS}"'
    for person, shown in ((org_admin, True), (practitioner, False)):
        client.force_login(person)
        assert (link in client.get(reverse("modules:home")).content.decode()) is shown


def test_a_practitioner_gets_the_friendly_403_page(client, practitioner):
    client.force_login(practitioner)

    response = client.get(MEMBERS)

    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get(MEMBERS)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [3, 60])
def test_the_members_list_costs_the_same_queries_for_3_or_60_people(
    org_client, team, count, django_assert_max_num_queries
):
    UserFactory.create_batch(count, team=team)
    for n in range(count):
        StaffInvitation.objects.create(
            organisation=team.organisation, email=f"i{n}@example.org", full_name=f"I {n}", team=team
        )

    # Session, person, second factor (once: the middleware's answer serves the header), course,
    # organisation name, the chosen team, teams for the filter, the count and the page.
    with django_assert_max_num_queries(9):
        response = org_client.get(MEMBERS, {"team": team.pk, "status": "", "q": ""})

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(50, 2 * count + 1)
    page = response.content.decode()
    assert all(html.escape(row.name) in page for row in response.context["rows"])
    assert page.count("<tr>") == 1 + len(response.context["rows"])


def test_the_filters_work_without_script(org_client, practitioner, colleague):
    response = org_client.get(MEMBERS, {"q": "alex"})

    assert [row.name for row in response.context["rows"]] == ["Alex Jones"]
    assert "1 to 1 of 1 matching" in response.content.decode()


def test_an_unknown_team_in_the_filter_is_ignored(org_client, practitioner, elsewhere):
    response = org_client.get(MEMBERS, {"team": elsewhere["team"].pk})

    assert response.status_code == 200
    assert "Sam Patel" in response.content.decode()


def test_the_second_page_links_keep_the_filters(org_client, team):
    UserFactory.create_batch(55, team=team)

    response = org_client.get(MEMBERS, {"status": "active"})

    assert "?status=active&amp;page=2" in response.content.decode()
    assert len(org_client.get(MEMBERS, {"status": "active", "page": 2}).context["rows"]) == 6


def test_a_member_page_shows_their_account(org_client, manager, team):
    response = org_client.get(person_url(manager))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Priya Shah" in body
    assert "Team manager" in body
    assert "Children in Care" in body


def test_a_member_of_another_organisation_is_not_found(org_client, elsewhere):
    assert org_client.get(person_url(elsewhere["member"])).status_code == 404


def test_moving_a_member_redirects_with_a_message(org_client, practitioner, other_team):
    response = org_client.post(
        person_url(practitioner, "person_team"), {"team": other_team.pk}, follow=True
    )

    assert response.redirect_chain == [(person_url(practitioner), 302)]
    assert messages_of(response) == ["Sam Patel's team is changed."]
    practitioner.refresh_from_db()
    assert practitioner.team == other_team


def test_a_team_from_another_organisation_is_a_form_error(org_client, practitioner, elsewhere):
    response = org_client.post(
        person_url(practitioner, "person_team"), {"team": elsewhere["team"].pk}
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_setting_managed_teams_makes_a_team_manager(org_client, practitioner, team, other_team):
    response = org_client.post(
        person_url(practitioner, "person_managed_teams"), {"teams": [team.pk, other_team.pk]}
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.role == "team_manager"


def test_a_platform_role_is_not_offered(org_client, practitioner):
    response = org_client.post(person_url(practitioner, "person_role"), {"role": "trainer"})

    assert response.status_code == 400
    practitioner.refresh_from_db()
    assert practitioner.role == "practitioner"


def test_the_last_administrator_demoting_themselves_is_told_why(org_client, org_admin):
    response = org_client.post(person_url(org_admin, "person_role"), {"role": "practitioner"})

    assert response.status_code == 400
    assert "You are the last organisation administrator" in response.content.decode()


def test_a_trainers_page_offers_no_changes(org_client, trainer):
    body = org_client.get(person_url(trainer)).content.decode()

    assert "set by the course's administrators" in body
    assert person_url(trainer, "person_role") not in body


def test_deactivating_asks_first_then_deactivates(org_client, practitioner):
    confirm = org_client.get(person_url(practitioner, "person_deactivate"))
    assert confirm.status_code == 200
    assert "ends every share" in confirm.content.decode()

    response = org_client.post(person_url(practitioner, "person_deactivate"), follow=True)

    assert messages_of(response) == ["Sam Patel is deactivated and signed out everywhere."]
    assert User.objects.get(pk=practitioner.pk).is_active is False


def test_the_last_administrator_cannot_deactivate_themselves(org_client, org_admin):
    response = org_client.post(person_url(org_admin, "person_deactivate"))

    assert response.status_code == 400
    assert User.objects.get(pk=org_admin.pk).is_active


def test_an_administrator_deactivating_themselves_is_signed_out(org_client, org_admin, team):
    UserFactory(team=team, role="organisation_admin")

    response = org_client.post(person_url(org_admin, "person_deactivate"))

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in org_client.session


def test_reactivating_redirects_with_a_message(org_client, team):
    leaver = UserFactory(team=team, is_active=False, full_name="Lee Ver")

    response = org_client.post(person_url(leaver, "person_reactivate"), follow=True)

    assert messages_of(response) == ["Lee Ver can sign in again."]
    assert User.objects.get(pk=leaver.pk).is_active
