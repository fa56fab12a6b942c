"""The sign-in page's single sign-on buttons, and the Content-Security-Policy that lets
their forms continue to each service."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def service(name, provider_id, server_url="https://login.example.org/tenant/v2.0", *, owner=True):
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id=provider_id,
        name=name,
        client_id="client",
        settings={"server_url": server_url},
    )
    if owner:
        OrganisationFactory(name=f"{name} council", sso_app=app)
    return app


def form_action(response):
    directives = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if " " in directive.strip()
    )
    return directives["form-action"].split()


def test_sign_in_page_offers_each_organisations_service(client):
    service("Northshire Council SSO", "northshire")
    service("Southshire Sign-in", "southshire")

    page = client.get(reverse("account_login")).content.decode()

    assert page.count('<button type="submit" class="btn btn-outline-primary">') == 2
    assert "Sign in with Northshire Council SSO</button>" in page
    assert "Sign in with Southshire Sign-in</button>" in page


def test_service_given_to_no_organisation_is_not_offered(client):
    service("Unlinked SSO", "unlinked", owner=False)

    page = client.get(reverse("account_login")).content.decode()

    assert "Unlinked SSO" not in page
    assert "Sign in through your organisation" not in page


def test_button_posts_to_the_service_and_carries_the_next_page(client):
    service("Northshire Council SSO", "northshire")

    page = client.get(reverse("account_login") + "?next=/lessons/defining-cse/").content.decode()

    action = reverse("openid_connect_login", kwargs={"provider_id": "northshire"})
    assert f'<form method="post" action="{action}">' in page
    assert '<input type="hidden" name="next" value="/lessons/defining-cse/">' in page


def test_sign_in_page_lets_its_forms_go_to_the_services(client):
    service("Northshire Council SSO", "northshire")
    service("Southshire Sign-in", "southshire", "https://sso.southshire.example/realms/staff")

    response = client.get(reverse("account_login"))

    assert form_action(response) == [
        "'self'",
        "https://login.example.org",
        "https://sso.southshire.example",
    ]


def test_sign_in_page_without_services_keeps_forms_to_the_site(client):
    service("Unlinked SSO", "unlinked", owner=False)

    assert form_action(client.get(reverse("account_login"))) == ["'self'"]


def test_other_pages_keep_forms_to_the_site(client):
    service("Northshire Council SSO", "northshire")

    assert form_action(client.get(reverse("account_reset_password"))) == ["'self'"]


def test_continue_page_lets_its_form_go_to_the_service(client):
    service("Northshire Council SSO", "northshire")

    response = client.get(reverse("openid_connect_login", kwargs={"provider_id": "northshire"}))

    assert response.status_code == 200
    assert "Continue to Northshire Council SSO</button>" in response.content.decode()
    assert form_action(response) == ["'self'", "https://login.example.org"]


@pytest.mark.parametrize("services", [1, 6])
def test_sign_in_page_queries_do_not_grow_with_services(
    client, services, django_assert_max_num_queries
):
    for number in range(services):
        service(f"Council {number} SSO", f"council-{number}")

    with django_assert_max_num_queries(2):
        response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert response.content.decode().count("Sign in with Council") == services
