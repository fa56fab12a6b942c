"""An administrator sets an organisation's logo in the admin; its members see it in
every page's header, with the organisation's name as its text."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_url(organisation):
    return reverse("admin:accounts_organisation_change", args=[organisation.pk])


def organisation_data(organisation, **changes):
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "password_sign_in": "on",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def png(name="crest.png", size=(800, 240)):
    buffer = BytesIO()
    Image.new("RGB", size, (18, 67, 109)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_png_logo_is_stored_resized_under_a_random_name(admin_client, organisation):
    response = admin_client.post(
        change_url(organisation), organisation_data(organisation, logo=png())
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("organisation-logos/")
    assert "crest" not in organisation.logo.name
    with Image.open(organisation.logo.open("rb")) as image:
        assert (image.format, image.size) == ("PNG", (400, 120))


def test_an_svg_logo_is_refused_with_a_message(admin_client, organisation):
    svg = SimpleUploadedFile(
        "crest.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
    )

    response = admin_client.post(
        change_url(organisation), organisation_data(organisation, logo=svg)
    )

    assert response.status_code == 200
    assert "Choose a PNG or JPEG image for the logo" in response.content.decode()
    organisation.refresh_from_db()
    assert not organisation.logo


def test_members_see_the_logo_with_the_organisation_name_as_its_text(
    admin_client, client, organisation
):
    admin_client.post(change_url(organisation), organisation_data(organisation, logo=png()))
    organisation.refresh_from_db()
    client.force_login(UserFactory(team__organisation=organisation))

    page = client.get(reverse("accounts:overview")).content.decode()

    assert f'src="{organisation.logo.url}" alt="{organisation.name}"' in page


def test_without_a_logo_the_header_names_the_organisation(client, organisation):
    client.force_login(UserFactory(team__organisation=organisation))

    page = client.get(reverse("accounts:overview")).content.decode()

    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    assert re.search(r'<p class="site-org m-0">\s*Test Borough Council\s*</p>', header)
    assert "site-org-logo" not in header


def test_a_replaced_or_cleared_logo_leaves_no_file_behind(
    admin_client, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(organisation), organisation_data(organisation, logo=png()))
    organisation.refresh_from_db()
    first = organisation.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(organisation), organisation_data(organisation, logo=png()))
    organisation.refresh_from_db()
    second = organisation.logo.name

    assert second != first
    assert not organisation.logo.storage.exists(first)
    assert organisation.logo.storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            change_url(organisation), organisation_data(organisation, **{"logo-clear": "on"})
        )
    organisation.refresh_from_db()

    assert not organisation.logo
    assert not organisation.logo.storage.exists(second)
