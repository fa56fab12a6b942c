"""Setting up an organisation's single sign-on in the admin: its service, its domains,
and whether its members may still sign in with a password."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from accounts.models import OrganisationDomain

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="northshire",
        name="Northshire Council SSO",
        client_id="client",
        settings={"server_url": "https://login.example.org/tenant/v2.0"},
    )


def change_url(organisation):
    return reverse("admin:accounts_organisation_change", args=[organisation.pk])


def organisation_data(organisation, **changes):
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "sso_app": organisation.sso_app_id or "",
        "password_sign_in": "on" if organisation.password_sign_in else "",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_organisation_page_shows_single_sign_on_and_password_sign_in(admin_client, organisation):
    page = admin_client.get(change_url(organisation)).content.decode()

    assert 'name="sso_app"' in page
    assert 'name="password_sign_in"' in page
    assert 'name="domains-TOTAL_FORMS"' in page


def test_organisation_is_given_its_service_and_password_sign_in_turned_off(
    admin_client, organisation, app
):
    response = admin_client.post(
        change_url(organisation),
        organisation_data(organisation, sso_app=app.pk, password_sign_in=""),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.sso_app, organisation.password_sign_in) == (app, False)


def test_password_sign_in_cannot_be_turned_off_without_a_service(admin_client, organisation):
    response = admin_client.post(
        change_url(organisation), organisation_data(organisation, password_sign_in="")
    )

    assert response.status_code == 200
    assert "Choose the organisation&#x27;s single sign-on first" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.password_sign_in


def test_only_openid_connect_apps_are_offered(admin_client, organisation, app):
    other = SocialApp.objects.create(provider="github", name="GitHub", client_id="gh")

    response = admin_client.post(
        change_url(organisation), organisation_data(organisation, sso_app=other.pk)
    )

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.sso_app is None


def test_domains_are_added_on_the_organisation_page(admin_client, organisation):
    response = admin_client.post(
        change_url(organisation),
        organisation_data(
            organisation,
            **{"domains-TOTAL_FORMS": "1", "domains-0-domain": "northshire.gov.uk"},
        ),
    )

    assert response.status_code == 302
    assert list(OrganisationDomain.objects.values_list("organisation", "domain")) == [
        (organisation.pk, "northshire.gov.uk")
    ]


def test_organisation_list_shows_who_signs_in_how(admin_client, organisation, app):
    organisation.sso_app = app
    organisation.password_sign_in = False
    organisation.save()

    page = admin_client.get(reverse("admin:accounts_organisation_changelist")).content.decode()

    assert "Northshire Council SSO" in page
    assert "Password sign-in" in page
