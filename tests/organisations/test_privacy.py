"""Every organisation page, walked from the URLconf: who is kept out, and that nothing a
practitioner writes ever shows on them.

The routes are read from organisations.urls, so a new page joins these tests by being
added there; each test checks it reached every route.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations import urls as organisation_urls
from organisations.models import StaffImport, StaffInvitation
from tests.factories import ExerciseFactory, UserFactory, second_factor_for
from tests.reflections.factories import AnswerFactory, ExerciseResponseFactory, ShareFactory

pytestmark = pytest.mark.django_db

ROUTES = organisation_urls.urlpatterns
ANSWER = "SAM-PRIVATE-ANSWER-WORDS"
# The routes that only take a POST (a GET is 405); every other page opens with a 200.
POST_ONLY = {
    "person_team",
    "person_managed_teams",
    "person_role",
    "person_reactivate",
    "invitation_withdraw",
    "import_apply",
}


@pytest.fixture
def ids(org_admin, team, practitioner):
    """A value for every parameter an organisation route takes, all in the organisation."""
    invitation = StaffInvitation.objects.create(
        organisation=team.organisation, email="nia@example.org", full_name="Nia", team=team
    )
    staff_import = StaffImport.objects.create(
        organisation=team.organisation, created_by=org_admin, rows=[]
    )
    return {
        "person_id": practitioner.pk,
        "team_id": team.pk,
        "invitation_id": invitation.pk,
        "import_id": staff_import.pk,
    }


def every_url(values):
    urls = []
    for route in ROUTES:
        params = list(route.pattern.converters)
        urls.append(reverse(f"organisation:{route.name}", kwargs={p: values[p] for p in params}))
    assert len(urls) == len(ROUTES) >= 14
    return urls


def test_the_walk_reaches_every_route(ids):
    assert len(set(every_url(ids))) == len(ROUTES)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_practitioner_is_refused_everywhere_and_changes_nothing(
    client, practitioner, ids, method
):
    client.force_login(practitioner)

    for url in every_url(ids):
        status = getattr(client, method)(url).status_code
        assert status in (403, 404), f"{method.upper()} {url} gave {status}"

    assert User.objects.get(pk=practitioner.pk).is_active
    assert StaffInvitation.objects.count() == 1


@pytest.fixture(params=["team_manager", "organisation_admin", "trainer", "administrator"])
def privileged_without_second_factor(request, team):
    return UserFactory(
        team=team,
        role=request.param,
        is_staff=request.param == "administrator",
        is_superuser=request.param == "administrator",
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_privileged_people_without_a_second_factor_are_sent_to_set_one_up(
    client, privileged_without_second_factor, ids, method
):
    client.force_login(privileged_without_second_factor)

    for url in every_url(ids):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp"), url


@pytest.mark.parametrize("role", ["team_manager", "trainer", "administrator"])
def test_other_privileged_roles_with_a_second_factor_are_refused(client, team, ids, role):
    person = UserFactory(team=team, role=role, is_staff=role == "administrator")
    second_factor_for(person)
    client.force_login(person)

    for url in every_url(ids):
        assert client.get(url).status_code == 403, url


def test_another_organisations_administrator_finds_none_of_its_rows(client, ids, elsewhere):
    client.force_login(elsewhere["admin"])

    for route, url in zip(ROUTES, every_url(ids), strict=True):
        if route.pattern.converters:
            # 405 for the method a route does not take; 404 for the one it does.
            statuses = {client.get(url).status_code, client.post(url).status_code}
            assert 404 in statuses, url
            assert statuses <= {404, 405}, url
    assert User.objects.get(pk=ids["person_id"]).is_active


def test_an_organisation_administrator_never_sees_answer_text(
    client, org_admin, practitioner, colleague, ids
):
    response = ExerciseResponseFactory(
        user=practitioner, exercise=ExerciseFactory(), submitted_at=timezone.now()
    )
    AnswerFactory(response=response, text=ANSWER)
    ShareFactory(
        owner=practitioner, colleague=colleague, exercise=response.exercise, status="accepted"
    )
    # The text is there to leak: its owner reads it on their own exercise page.
    client.force_login(practitioner)
    own_page = reverse("reflections:exercise", args=[response.exercise.number])
    assert ANSWER in client.get(own_page).content.decode()

    client.force_login(org_admin)
    for route, url in zip(ROUTES, every_url(ids), strict=True):
        page = client.get(url)
        assert page.status_code == (405 if route.name in POST_ONLY else 200), url
        assert ANSWER not in page.content.decode(), f"answer text shown at {url}"
